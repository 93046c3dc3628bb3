using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>One page of a list: the items, the collection's resourceVersion and the continue token (null on the last page).</summary>
public sealed record ResourceListPage<T>(IReadOnlyList<T> Items, string ResourceVersion, string? Continue);

/// <summary>Which objects a list or watch returns: a label selector and a field selector (e.g. metadata.name=x), either optional.</summary>
public sealed record ListSelector(string? Labels = null, string? Fields = null)
{
    public static ListSelector Everything { get; } = new();
}

/// <summary>What a watch event says happened (an ERROR event is thrown as a KubernetesException instead).</summary>
public enum WatchEventKind
{
    Added,
    Modified,
    Deleted,
    Bookmark,
}

/// <summary>A watch event; for a bookmark only <see cref="ResourceVersion"/> is meaningful.</summary>
public sealed record ResourceWatchEvent<T>(WatchEventKind Type, T Object, string? ResourceVersion);

/// <summary>
/// The calls the runtime makes for one kind. Errors surface as KubernetesClient's exceptions
/// (<c>HttpOperationException</c> for HTTP statuses, <c>KubernetesException</c> for in-stream watch errors);
/// <see cref="KubeErrors"/> classifies them.
/// </summary>
public interface IResourceClient<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    ResourceType Type { get; }

    /// <summary>One page of the collection in a namespace, or in all namespaces (and for a cluster-scoped kind) when the namespace is null.</summary>
    Task<ResourceListPage<T>> ListAsync(string? ns, ListSelector selector, int? limit, string? continueToken, CancellationToken cancellationToken);

    /// <summary>Watches from <paramref name="resourceVersion"/> with bookmarks; ends when the server ends the watch; throws on any error, including an in-stream 410.</summary>
    IAsyncEnumerable<ResourceWatchEvent<T>> WatchAsync(string? ns, ListSelector selector, string resourceVersion, int timeoutSeconds, CancellationToken cancellationToken);

    /// <summary>Reads one object; null when it does not exist.</summary>
    Task<T?> GetAsync(string? ns, string name, CancellationToken cancellationToken);

    /// <summary>POST; the body is the typed object or a JSON node.</summary>
    Task<T> CreateAsync(string? ns, object body, CancellationToken cancellationToken);

    /// <summary>PUT; the body's metadata.resourceVersion makes it conditional (409 when stale).</summary>
    Task<T> ReplaceAsync(string? ns, string name, object body, CancellationToken cancellationToken);

    Task<T> PatchAsync(string? ns, string name, V1Patch patch, CancellationToken cancellationToken);

    /// <summary>PUT to the status subresource; conditional on the body's metadata.resourceVersion.</summary>
    Task<T> ReplaceStatusAsync(string? ns, string name, object body, CancellationToken cancellationToken);

    Task DeleteAsync(string? ns, string name, CancellationToken cancellationToken);

    /// <summary>DELETE only if the object still has this uid and resourceVersion (409 otherwise): never removes something other than what was seen.</summary>
    Task DeleteAsync(string? ns, string name, V1Preconditions preconditions, CancellationToken cancellationToken);
}
