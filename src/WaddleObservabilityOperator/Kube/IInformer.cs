using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>An informer as the operator's informer set runs it: a plain <see cref="ResourceInformer{T}"/> or an <see cref="OptionalInformer{T}"/>.</summary>
public interface IInformer
{
    ResourceType Type { get; }

    /// <summary>Its cache has its first list (an optional informer whose API is not served counts as synced: there is nothing to list).</summary>
    bool HasSynced { get; }

    /// <summary>Runs until cancelled.</summary>
    Task RunAsync(CancellationToken cancellationToken);

    Task WaitForSyncAsync(CancellationToken cancellationToken);

    /// <summary>The keys of every cached object (none while an optional API is not served).</summary>
    IReadOnlyList<ObjectKey> CachedKeys();
}

/// <inheritdoc />
public interface IInformer<T> : IInformer
    where T : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>The running informer and its cache; null for an optional API that is not served.</summary>
    ResourceInformer<T>? Current { get; }

    /// <summary>Adds a handler for every change, including those of informers an optional API starts later.</summary>
    void AddHandler(IResourceEventHandler<T> handler);
}

/// <summary>Creates the informers of an <see cref="InformerSet"/>, each over the shared clients with the same options.</summary>
public sealed class InformerFactory(ResourceClients clients, InformerOptions options, TimeProvider time, ILoggerFactory loggers)
{
    public ResourceClients Clients { get; } = clients ?? throw new ArgumentNullException(nameof(clients));

    public InformerOptions Options { get; } = options ?? throw new ArgumentNullException(nameof(options));

    /// <summary>
    /// An informer; with <paramref name="ownerIndex"/>, its cache indexes objects by owner uid (<see cref="CacheIndexes.ByOwner"/>);
    /// with <paramref name="transform"/>, it caches what that keeps of each object it decodes.
    /// </summary>
    public ResourceInformer<T> Create<T>(InformerOptions? options = null, bool ownerIndex = false, Func<T, T>? transform = null)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var client = Clients.For<T>();
        var effective = options ?? Options;
        if (!client.Type.Namespaced && effective.Namespaces is { Count: > 0 } watched)
        {
            // A cluster-scoped kind has no namespace to limit it by. For an operator limited to some namespaces, the
            // Namespace objects are exactly those, by name; any other cluster-scoped kind is watched whole.
            effective = effective with { Namespaces = null, Names = client.Type.Kind == NamespaceKind ? watched : null };
        }

        var informer = new ResourceInformer<T>(client, effective, time, loggers.CreateLogger($"informer.{client.Type.Plural}"), transform: transform);
        if (ownerIndex)
        {
            informer.Cache.AddOwnerIndex();
        }

        return informer;
    }

    /// <summary>The kind whose objects are the namespaces themselves.</summary>
    public const string NamespaceKind = "Namespace";

    public OptionalInformer<T> CreateOptional<T>(bool ownerIndex = false, Func<T, T>? transform = null)
        where T : IKubernetesObject<V1ObjectMeta> =>
        new(Clients.Registry.Get<T>(), () => Create(ownerIndex: ownerIndex, transform: transform));
}
