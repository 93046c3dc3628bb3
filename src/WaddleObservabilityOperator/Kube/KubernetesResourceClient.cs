using System.Runtime.CompilerServices;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// <see cref="IResourceClient{T}"/> over KubernetesClient's CustomObjects operations, which serve built-in kinds too
/// (the client rewrites the core group's "apis//v1" to "api/v1") and deserialize into <typeparamref name="T"/> with KubernetesJson.
/// </summary>
public sealed class KubernetesResourceClient<T> : IResourceClient<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly IKubernetes _client;
    private readonly string? _fieldManager;

    public KubernetesResourceClient(IKubernetes client, ResourceType type, string? fieldManager = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        Type = type ?? throw new ArgumentNullException(nameof(type));
        _fieldManager = fieldManager;
    }

    public ResourceType Type { get; }

    private ICustomObjectsOperations Ops => _client.CustomObjects;

    public async Task<ResourceListPage<T>> ListAsync(string? ns, ListSelector selector, int? limit, string? continueToken, CancellationToken cancellationToken)
    {
        using var response = await SendList<KubernetesList<T>>(ns, selector, limit, continueToken, null, null, watch: false, cancellationToken).ConfigureAwait(false);
        var list = response.Body;
        return new ResourceListPage<T>(
            list.Items?.ToList() ?? [],
            list.Metadata?.ResourceVersion ?? "",
            string.IsNullOrEmpty(list.Metadata?.ContinueProperty) ? null : list.Metadata.ContinueProperty);
    }

    public async IAsyncEnumerable<ResourceWatchEvent<T>> WatchAsync(
        string? ns, ListSelector selector, string resourceVersion, int timeoutSeconds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var responseTask = SendList<object>(ns, selector, null, null, resourceVersion, timeoutSeconds, watch: true, cancellationToken);

        // The watch extension is marked obsolete but is the only typed watch for custom resources in 21.0.8. It passes an
        // in-stream ERROR event (e.g. 410 Expired) only to onError and otherwise ends silently, so onError rethrows.
#pragma warning disable CS0618
        var events = responseTask.WatchAsync<T, object>(onError: static e => throw e, cancellationToken);
#pragma warning restore CS0618
        await foreach (var (type, obj) in events.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return new ResourceWatchEvent<T>(type, obj, obj?.Metadata?.ResourceVersion);
        }
    }

    public async Task<T?> GetAsync(string? ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            using var response = Scoped(ns)
                ? await Ops.GetNamespacedCustomObjectWithHttpMessagesAsync<T>(Type.Group, Type.Version, ns!, Type.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false)
                : await Ops.GetClusterCustomObjectWithHttpMessagesAsync<T>(Type.Group, Type.Version, Type.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false);
            return response.Body;
        }
        catch (HttpOperationException e) when (KubeErrors.IsNotFound(e))
        {
            return default;
        }
    }

    public async Task<T> CreateAsync(string? ns, object body, CancellationToken cancellationToken)
    {
        using var response = Scoped(ns)
            ? await Ops.CreateNamespacedCustomObjectWithHttpMessagesAsync<T>(body, Type.Group, Type.Version, ns!, Type.Plural, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await Ops.CreateClusterCustomObjectWithHttpMessagesAsync<T>(body, Type.Group, Type.Version, Type.Plural, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Body;
    }

    public async Task<T> ReplaceAsync(string? ns, string name, object body, CancellationToken cancellationToken)
    {
        using var response = Scoped(ns)
            ? await Ops.ReplaceNamespacedCustomObjectWithHttpMessagesAsync<T>(body, Type.Group, Type.Version, ns!, Type.Plural, name, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await Ops.ReplaceClusterCustomObjectWithHttpMessagesAsync<T>(body, Type.Group, Type.Version, Type.Plural, name, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Body;
    }

    public async Task<T> PatchAsync(string? ns, string name, V1Patch patch, CancellationToken cancellationToken)
    {
        using var response = Scoped(ns)
            ? await Ops.PatchNamespacedCustomObjectWithHttpMessagesAsync<T>(patch, Type.Group, Type.Version, ns!, Type.Plural, name, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await Ops.PatchClusterCustomObjectWithHttpMessagesAsync<T>(patch, Type.Group, Type.Version, Type.Plural, name, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Body;
    }

    public async Task<T> ReplaceStatusAsync(string? ns, string name, object body, CancellationToken cancellationToken)
    {
        using var response = Scoped(ns)
            ? await Ops.ReplaceNamespacedCustomObjectStatusWithHttpMessagesAsync<T>(body, Type.Group, Type.Version, ns!, Type.Plural, name, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await Ops.ReplaceClusterCustomObjectStatusWithHttpMessagesAsync<T>(body, Type.Group, Type.Version, Type.Plural, name, fieldManager: _fieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
        return response.Body;
    }

    public Task DeleteAsync(string? ns, string name, CancellationToken cancellationToken) => Delete(ns, name, null, cancellationToken);

    public Task DeleteAsync(string? ns, string name, V1Preconditions preconditions, CancellationToken cancellationToken) =>
        Delete(ns, name, new V1DeleteOptions { Preconditions = preconditions ?? throw new ArgumentNullException(nameof(preconditions)) }, cancellationToken);

    private async Task Delete(string? ns, string name, V1DeleteOptions? options, CancellationToken cancellationToken)
    {
        using var response = Scoped(ns)
            ? await Ops.DeleteNamespacedCustomObjectWithHttpMessagesAsync<object>(Type.Group, Type.Version, ns!, Type.Plural, name, body: options, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await Ops.DeleteClusterCustomObjectWithHttpMessagesAsync<object>(Type.Group, Type.Version, Type.Plural, name, body: options, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private bool Scoped(string? ns)
    {
        if (Type.Namespaced && ns is null)
        {
            throw new ArgumentException($"{Type} is namespaced: a namespace is required for a single object", nameof(ns));
        }

        return Type.Namespaced;
    }

    private Task<HttpOperationResponse<TBody>> SendList<TBody>(
        string? ns, ListSelector selector, int? limit, string? continueToken, string? resourceVersion, int? timeoutSeconds, bool watch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(selector);
        bool? bookmarks = watch ? true : null;
        var labelSelector = selector.Labels;
        var fieldSelector = selector.Fields;
        if (!Type.Namespaced)
        {
            return Ops.ListClusterCustomObjectWithHttpMessagesAsync<TBody>(
                Type.Group, Type.Version, Type.Plural, allowWatchBookmarks: bookmarks, continueParameter: continueToken, fieldSelector: fieldSelector, labelSelector: labelSelector,
                limit: limit, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: watch, cancellationToken: cancellationToken);
        }

        return ns is null
            ? Ops.ListCustomObjectForAllNamespacesWithHttpMessagesAsync<TBody>(
                Type.Group, Type.Version, Type.Plural, allowWatchBookmarks: bookmarks, continueParameter: continueToken, fieldSelector: fieldSelector, labelSelector: labelSelector,
                limit: limit, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: watch, cancellationToken: cancellationToken)
            : Ops.ListNamespacedCustomObjectWithHttpMessagesAsync<TBody>(
                Type.Group, Type.Version, ns, Type.Plural, allowWatchBookmarks: bookmarks, continueParameter: continueToken, fieldSelector: fieldSelector, labelSelector: labelSelector,
                limit: limit, resourceVersion: resourceVersion, timeoutSeconds: timeoutSeconds, watch: watch, cancellationToken: cancellationToken);
    }
}
