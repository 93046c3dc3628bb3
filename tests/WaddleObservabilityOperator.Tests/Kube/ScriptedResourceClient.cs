using System.Runtime.CompilerServices;
using System.Threading.Channels;
using k8s.Models;
using WaddleObservabilityOperator.Kube;

namespace WaddleObservabilityOperator.Tests.Kube;

/// <summary>
/// An in-memory IResourceClient for ConfigMaps whose lists answer from <see cref="Objects"/> and whose watches are
/// streams the test feeds and ends (normally or with an error), so informer behaviour can be driven step by step.
/// </summary>
internal sealed class ScriptedResourceClient : IResourceClient<V1ConfigMap>
{
    private readonly Lock _gate = new();
    private readonly Channel<ScriptedWatch> _watches = Channel.CreateUnbounded<ScriptedWatch>();

    public ResourceType Type { get; } = new("", "v1", "configmaps", "ConfigMap", Namespaced: true);

    public Dictionary<ObjectKey, V1ConfigMap> Objects { get; } = [];

    public string ListResourceVersion { get; set; } = "1";

    public List<(string? Namespace, string? Continue, int? Limit)> ListCalls { get; } = [];

    /// <summary>The field selector of each list, in order.</summary>
    public List<string?> ListFieldSelectors { get; } = [];

    /// <summary>Exceptions to throw from the next list calls, in order.</summary>
    public Queue<Exception> ListFailures { get; } = new();

    public static V1ConfigMap Map(string ns, string name, string rv, string? value = null) => new()
    {
        Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, ResourceVersion = rv },
        Data = value is null ? null : new Dictionary<string, string> { ["v"] = value },
    };

    public void Put(V1ConfigMap map)
    {
        lock (_gate)
        {
            Objects[ObjectKey.Of(map)] = map;
        }
    }

    public void Remove(string ns, string name)
    {
        lock (_gate)
        {
            Objects.Remove(new ObjectKey(ns, name));
        }
    }

    public Task<ResourceListPage<V1ConfigMap>> ListAsync(string? ns, ListSelector selector, int? limit, string? continueToken, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ListCalls.Add((ns, continueToken, limit));
            ListFieldSelectors.Add(selector.Fields);
            if (ListFailures.TryDequeue(out var failure))
            {
                throw failure;
            }

            // The one field selector the runtime sends: metadata.name=<name>.
            var name = selector.Fields is { } fields && fields.StartsWith("metadata.name=", StringComparison.Ordinal) ? fields["metadata.name=".Length..] : null;
            var all = Objects.Values.Where(o => (ns is null || o.Metadata.NamespaceProperty == ns) && (name is null || o.Metadata.Name == name))
                .OrderBy(o => ObjectKey.Of(o).ToString(), StringComparer.Ordinal).ToList();
            var start = continueToken is null ? 0 : int.Parse(continueToken, System.Globalization.CultureInfo.InvariantCulture);
            var count = limit ?? all.Count;
            var page = all.Skip(start).Take(count).ToList();
            var next = start + count < all.Count ? (start + count).ToString(System.Globalization.CultureInfo.InvariantCulture) : null;
            return Task.FromResult(new ResourceListPage<V1ConfigMap>(page, ListResourceVersion, next));
        }
    }

    /// <summary>The next watch the informer opens.</summary>
    public async Task<ScriptedWatch> NextWatchAsync() => await _watches.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    public async IAsyncEnumerable<ResourceWatchEvent<V1ConfigMap>> WatchAsync(
        string? ns, ListSelector selector, string resourceVersion, int timeoutSeconds, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var watch = new ScriptedWatch(ns, resourceVersion, timeoutSeconds, selector.Fields);
        await _watches.Writer.WriteAsync(watch, cancellationToken);
        await foreach (var ev in watch.Events.Reader.ReadAllAsync(cancellationToken))
        {
            yield return ev;
        }
    }

    public Task<V1ConfigMap?> GetAsync(string? ns, string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<V1ConfigMap> CreateAsync(string? ns, object body, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<V1ConfigMap> ReplaceAsync(string? ns, string name, object body, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<V1ConfigMap> PatchAsync(string? ns, string name, V1Patch patch, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<V1ConfigMap> ReplaceStatusAsync(string? ns, string name, object body, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DeleteAsync(string? ns, string name, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task DeleteAsync(string? ns, string name, V1Preconditions preconditions, CancellationToken cancellationToken) => throw new NotSupportedException();
}

internal sealed record ScriptedWatch(string? Namespace, string ResourceVersion, int TimeoutSeconds, string? FieldSelector = null)
{
    public Channel<ResourceWatchEvent<V1ConfigMap>> Events { get; } = Channel.CreateUnbounded<ResourceWatchEvent<V1ConfigMap>>();

    public void Send(WatchEventKind type, V1ConfigMap obj) =>
        Events.Writer.TryWrite(new ResourceWatchEvent<V1ConfigMap>(type, obj, obj.Metadata.ResourceVersion));

    public void Bookmark(string rv) =>
        Events.Writer.TryWrite(new ResourceWatchEvent<V1ConfigMap>(WatchEventKind.Bookmark, new V1ConfigMap { Metadata = new V1ObjectMeta { ResourceVersion = rv } }, rv));

    public void End(Exception? error = null) => Events.Writer.TryComplete(error);
}
