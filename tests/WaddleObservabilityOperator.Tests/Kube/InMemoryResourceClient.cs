using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using k8s;
using k8s.Autorest;
using k8s.Models;
using WaddleObservabilityOperator.Kube;

namespace WaddleObservabilityOperator.Tests.Kube;

/// <summary>An in-memory store for one kind with resourceVersion checks (409) and a log of the writes made.</summary>
internal sealed class InMemoryResourceClient<T> : IResourceClient<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly Dictionary<ObjectKey, string> _objects = [];
    private int _version = 100;

    public InMemoryResourceClient(ResourceType type) => Type = type;

    public ResourceType Type { get; }

    public List<(string Verb, ObjectKey Key, string Body)> Writes { get; } = [];

    /// <summary>Stores an object as the server would hold it, assigning uid and resourceVersion.</summary>
    public T Seed(T obj)
    {
        obj.Metadata.Uid ??= Guid.NewGuid().ToString();
        obj.Metadata.ResourceVersion = NextVersion();
        _objects[ObjectKey.Of(obj)] = KubernetesJson.Serialize(obj);
        return Read(ObjectKey.Of(obj))!;
    }

    public T? Read(ObjectKey key) => _objects.TryGetValue(key, out var json) ? KubernetesJson.Deserialize<T>(json) : default;

    public Task<T?> GetAsync(string? ns, string name, CancellationToken cancellationToken) => Task.FromResult(Read(new ObjectKey(ns, name)));

    public Task<T> CreateAsync(string? ns, object body, CancellationToken cancellationToken)
    {
        var obj = KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(body));
        var key = ObjectKey.Of(obj);
        Writes.Add(("create", key, KubernetesJson.Serialize(body)));
        if (_objects.ContainsKey(key))
        {
            throw Status(HttpStatusCode.Conflict, "AlreadyExists");
        }

        return Task.FromResult(Seed(obj));
    }

    public Task<T> ReplaceAsync(string? ns, string name, object body, CancellationToken cancellationToken) => Update("update", ns, name, body, status: false);

    public Task<T> ReplaceStatusAsync(string? ns, string name, object body, CancellationToken cancellationToken) => Update("update-status", ns, name, body, status: true);

    public Task<ResourceListPage<T>> ListAsync(string? ns, ListSelector selector, int? limit, string? continueToken, CancellationToken cancellationToken) => throw new NotSupportedException();

    public async IAsyncEnumerable<ResourceWatchEvent<T>> WatchAsync(string? ns, ListSelector selector, string resourceVersion, int timeoutSeconds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        yield break;
    }

    public Task<T> PatchAsync(string? ns, string name, V1Patch patch, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DeleteAsync(string? ns, string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DeleteAsync(string? ns, string name, V1Preconditions preconditions, CancellationToken cancellationToken)
    {
        var key = new ObjectKey(ns, name);
        Writes.Add(("delete", key, KubernetesJson.Serialize(preconditions)));
        var current = Read(key) ?? throw Status(HttpStatusCode.NotFound, "NotFound");
        if ((preconditions.Uid is not null && preconditions.Uid != current.Metadata.Uid)
            || (preconditions.ResourceVersion is not null && preconditions.ResourceVersion != current.Metadata.ResourceVersion))
        {
            throw Status(HttpStatusCode.Conflict, "Conflict");
        }

        _objects.Remove(key);
        return Task.CompletedTask;
    }

    private Task<T> Update(string verb, string? ns, string name, object body, bool status)
    {
        var key = new ObjectKey(ns, name);
        var json = KubernetesJson.Serialize(body);
        Writes.Add((verb, key, json));
        var current = Read(key) ?? throw Status(HttpStatusCode.NotFound, "NotFound");
        var incoming = KubernetesJson.Deserialize<T>(json);
        if (incoming.Metadata.ResourceVersion != current.Metadata.ResourceVersion)
        {
            throw Status(HttpStatusCode.Conflict, "Conflict");
        }

        // The status subresource takes only status; the main resource ignores it (as the server does for kinds with /status).
        var stored = status ? current : incoming;
        if (status)
        {
            var node = OwnedObjectWriterNode(current);
            node["status"] = System.Text.Json.Nodes.JsonNode.Parse(json)!["status"]?.DeepClone();
            stored = KubernetesJson.Deserialize<T>(node.ToJsonString());
        }

        stored.Metadata.ResourceVersion = NextVersion();
        _objects[key] = KubernetesJson.Serialize(stored);
        return Task.FromResult(Read(key)!);
    }

    private static System.Text.Json.Nodes.JsonObject OwnedObjectWriterNode(T obj) =>
        (System.Text.Json.Nodes.JsonObject)System.Text.Json.Nodes.JsonNode.Parse(KubernetesJson.Serialize(obj))!;

    private string NextVersion() => (++_version).ToString(CultureInfo.InvariantCulture);

    private static HttpOperationException Status(HttpStatusCode code, string reason) => new($"{(int)code} {reason}")
    {
        Response = new HttpResponseMessageWrapper(new HttpResponseMessage(code), $$"""{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"{{reason}}","code":{{(int)code}}}"""),
    };
}

internal sealed class InMemoryResourceClients : IResourceClientProvider
{
    private readonly Dictionary<Type, object> _clients = [];
    private readonly ResourceTypeRegistry _registry = new();

    public InMemoryResourceClient<T> Of<T>()
        where T : IKubernetesObject<V1ObjectMeta>
    {
        if (!_clients.TryGetValue(typeof(T), out var client))
        {
            _clients[typeof(T)] = client = new InMemoryResourceClient<T>(_registry.Get<T>());
        }

        return (InMemoryResourceClient<T>)client;
    }

    public IResourceClient<T> For<T>()
        where T : IKubernetesObject<V1ObjectMeta> => Of<T>();
}
