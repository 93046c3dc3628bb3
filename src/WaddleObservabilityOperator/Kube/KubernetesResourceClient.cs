using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using WaddleObservabilityOperator.Json;

namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// <see cref="IResourceClient{T}"/> as plain REST calls on KubernetesClient's HTTP pipeline (its authentication and the
/// handlers of <see cref="KubernetesClientFactory"/>), with bodies read and written by <see cref="OperatorJson"/>.
/// One code path for every kind, built-in or custom, in the JIT and the Native AOT build alike: KubernetesClient's
/// generic custom-object calls deserialize with its own JSON context, which knows none of the operator's types.
/// Errors are KubernetesClient's: <see cref="HttpOperationException"/> for an HTTP status, <see cref="KubernetesException"/>
/// for an ERROR event inside a watch.
/// </summary>
public sealed class KubernetesResourceClient<T> : IResourceClient<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    private static readonly MediaTypeHeaderValue JsonMedia = new("application/json");
    private readonly Kubernetes _client;
    private readonly string? _fieldManager;
    private readonly JsonSerializerOptions _json;

    /// <param name="client"></param>

    /// <param name="type"></param>
    /// <param name="fieldManager"></param>    /// <param name="json">Where the JSON metadata of <typeparamref name="T"/> and its list come from; <see cref="OperatorJson.Options"/> by default.</param>
    public KubernetesResourceClient(Kubernetes client, ResourceType type, string? fieldManager = null, JsonSerializerOptions? json = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        Type = type ?? throw new ArgumentNullException(nameof(type));
        _fieldManager = fieldManager;
        _json = json ?? OperatorJson.Options;
    }

    public ResourceType Type { get; }

    public async Task<ResourceListPage<T>> ListAsync(string? ns, ListSelector selector, int? limit, string? continueToken, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var query = Selectors(selector);
        Add(query, "limit", limit?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Add(query, "continue", continueToken);
        using var response = await SendAsync(HttpMethod.Get, Collection(ns, list: true), query, null, null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        var list = await ReadAsync<KubernetesList<T>>(response, cancellationToken).ConfigureAwait(false);
        return new ResourceListPage<T>(
            list.Items?.ToList() ?? [],
            list.Metadata?.ResourceVersion ?? "",
            string.IsNullOrEmpty(list.Metadata?.ContinueProperty) ? null : list.Metadata.ContinueProperty);
    }

    public async IAsyncEnumerable<ResourceWatchEvent<T>> WatchAsync(
        string? ns, ListSelector selector, string resourceVersion, int timeoutSeconds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selector);
        var query = Selectors(selector);
        query.Add(("watch", "true"));
        query.Add(("allowWatchBookmarks", "true"));
        Add(query, "resourceVersion", resourceVersion);
        query.Add(("timeoutSeconds", timeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        using var response = await SendAsync(HttpMethod.Get, Collection(ns, list: true), query, null, null, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        while (await reader.ReadLineAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            yield return ParseEvent(line);
        }
    }

    /// <summary>One line of a watch stream: <c>{"type": "ADDED", "object": {...}}</c>; an ERROR event's object is a Status.</summary>
    private ResourceWatchEvent<T> ParseEvent(string line)
    {
        var node = JsonNode.Parse(line) as JsonObject ?? throw new JsonException("A watch event must be a JSON object.");
        var typeName = node["type"]?.GetValue<string>() ?? throw new JsonException("A watch event needs a type.");
        var body = node["object"] ?? throw new JsonException($"The {typeName} watch event has no object.");
        if (typeName == "ERROR")
        {
            throw new KubernetesException(OperatorJson.Deserialize<V1Status>(body));
        }

        var type = Enum.Parse<WatchEventKind>(typeName, ignoreCase: true);
        var obj = (T?)body.Deserialize(_json.GetTypeInfo(typeof(T))) ?? throw new JsonException($"The {typeName} watch event's object is null.");
        return new ResourceWatchEvent<T>(type, obj, obj.Metadata?.ResourceVersion);
    }

    public async Task<T?> GetAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await SendAsync(HttpMethod.Get, Item(ns, name), [], null, null, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
            return await ReadAsync<T>(response, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (KubeErrors.IsNotFound(e))
        {
            return default;
        }
    }

    public Task<T> CreateAsync(string? ns, object body, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Post, Collection(ns, list: false), Body(body), JsonMedia, cancellationToken);

    public Task<T> ReplaceAsync(string? ns, string name, object body, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Put, Item(ns, name), Body(body), JsonMedia, cancellationToken);

    public Task<T> PatchAsync(string? ns, string name, V1Patch patch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(patch);
        var media = patch.Type switch
        {
            V1Patch.PatchType.JsonPatch => "application/json-patch+json",
            V1Patch.PatchType.MergePatch => "application/merge-patch+json",
            V1Patch.PatchType.StrategicMergePatch => "application/strategic-merge-patch+json",
            V1Patch.PatchType.ApplyPatch => "application/apply-patch+yaml",
            var other => throw new ArgumentException($"unknown patch type {other}", nameof(patch)),
        };
        return WriteAsync(HttpMethod.Patch, Item(ns, name), Body(patch.Content), new MediaTypeHeaderValue(media), cancellationToken);
    }

    public Task<T> ReplaceStatusAsync(string? ns, string name, object body, CancellationToken cancellationToken) =>
        WriteAsync(HttpMethod.Put, Item(ns, name) + "/status", Body(body), JsonMedia, cancellationToken);

    public Task DeleteAsync(string? ns, string name, CancellationToken cancellationToken) => Delete(ns, name, null, cancellationToken);

    public Task DeleteAsync(string? ns, string name, V1Preconditions preconditions, CancellationToken cancellationToken) =>
        Delete(ns, name, new V1DeleteOptions { Preconditions = preconditions ?? throw new ArgumentNullException(nameof(preconditions)) }, cancellationToken);

    private async Task Delete(string? ns, string name, V1DeleteOptions? options, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            HttpMethod.Delete, Item(ns, name), [], options is null ? null : OperatorJson.Serialize(options), JsonMedia, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> WriteAsync(HttpMethod method, string path, string body, MediaTypeHeaderValue media, CancellationToken cancellationToken)
    {
        List<(string, string)> query = [];
        Add(query, "fieldManager", _fieldManager);
        using var response = await SendAsync(method, path, query, body, media, HttpCompletionOption.ResponseContentRead, cancellationToken).ConfigureAwait(false);
        return await ReadAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, List<(string Name, string Value)> query, string? body, MediaTypeHeaderValue? media, HttpCompletionOption completion, CancellationToken cancellationToken)
    {
        var uri = new StringBuilder(_client.BaseUri.ToString().TrimEnd('/')).Append('/').Append(path);
        for (var i = 0; i < query.Count; i++)
        {
            uri.Append(i == 0 ? '?' : '&').Append(query[i].Name).Append('=').Append(Uri.EscapeDataString(query[i].Value));
        }

        using var request = new HttpRequestMessage(method, uri.ToString());
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8);
            request.Content.Headers.ContentType = media;
        }

        if (_client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var response = await _client.HttpClient.SendAsync(request, completion, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            var content = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpOperationException($"Operation returned an invalid status code '{response.StatusCode}', response body {content}")
            {
                Request = new HttpRequestMessageWrapper(request, body),
                Response = new HttpResponseMessageWrapper(response, content),
            };
        }
    }

    private async Task<TBody> ReadAsync<TBody>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        return (TBody?)await JsonSerializer.DeserializeAsync(stream, _json.GetTypeInfo(typeof(TBody)), cancellationToken).ConfigureAwait(false)
            ?? throw new JsonException($"{Type} answered null");
    }

    private string Body(object body) => body switch
    {
        null => throw new ArgumentNullException(nameof(body)),
        string text => text,
        JsonNode node => node.ToJsonString(),
        _ => JsonSerializer.Serialize(body, _json.GetTypeInfo(body.GetType())),
    };

    private static List<(string, string)> Selectors(ListSelector selector)
    {
        List<(string, string)> query = [];
        Add(query, "labelSelector", selector.Labels);
        Add(query, "fieldSelector", selector.Fields);
        return query;
    }

    private static void Add(List<(string, string)> query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Add((name, value));
        }
    }

    /// <summary>The collection in a namespace, or across namespaces (a list or watch with no namespace) and for a cluster-scoped kind.</summary>
    private string Collection(string? ns, bool list)
    {
        if (Type.Namespaced && ns is null && !list)
        {
            throw new ArgumentException($"{Type} is namespaced: a namespace is required to create one", nameof(ns));
        }

        return Type.CollectionPath(Type.Namespaced ? ns : null);
    }

    private string Item(string? ns, string name)
    {
        if (Type.Namespaced && ns is null)
        {
            throw new ArgumentException($"{Type} is namespaced: a namespace is required for a single object", nameof(ns));
        }

        return Type.CollectionPath(Type.Namespaced ? ns : null) + "/" + Uri.EscapeDataString(name);
    }
}
