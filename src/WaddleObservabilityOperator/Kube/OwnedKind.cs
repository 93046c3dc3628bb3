using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// One kind a controller owns (ConfigMap, Deployment, ServiceMonitor...): its cache, and writes through the
/// owned-object writer. Built from the controller's <c>Owns</c> declarations, so a reconciler handles rendered objects
/// of any kind it declared without a switch per call site.
/// </summary>
public interface IOwnedKind
{
    Type ClrType { get; }

    /// <summary>Its objects live in namespaces; false for a cluster-scoped kind (a ClusterRole), whose objects cannot have a namespaced owner.</summary>
    bool Namespaced { get; }

    /// <summary>Its API is served and its cache synced (always, but for an optional API that is not installed): it can be written.</summary>
    bool Served { get; }

    /// <summary>Cached objects of this kind whose owner references name <paramref name="ownerUid"/>, whoever made them.</summary>
    IReadOnlyList<IKubernetesObject<V1ObjectMeta>> OwnedBy(string ownerUid);

    /// <summary>Cached objects of this kind in <paramref name="ns"/> (null: everywhere, as for a cluster-scoped kind) that carry the operator's managed-by label (none while an optional API is not served).</summary>
    IEnumerable<IKubernetesObject<V1ObjectMeta>> Managed(string? ns);

    /// <summary>Writes <paramref name="desired"/> against the cached object of the same name (create, update on diff, or leave a foreign one).</summary>
    Task<WriteAction> ApplyAsync(IKubernetesObject<V1ObjectMeta> desired, CancellationToken cancellationToken);

    /// <summary>The cached object with the desired object's name, if any.</summary>
    IKubernetesObject<V1ObjectMeta>? Cached(string ns, string name);

    Task DeleteAsync(IKubernetesObject<V1ObjectMeta> obj, CancellationToken cancellationToken);
}

/// <inheritdoc />
public sealed class OwnedKind<T>(IInformer<T> informer, OwnedObjectWriter writer, IResourceClient<T> client) : IOwnedKind
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public Type ClrType => typeof(T);

    public bool Namespaced => client.Type.Namespaced;

    public IEnumerable<IKubernetesObject<V1ObjectMeta>> Managed(string? ns) =>
        informer.Current?.Cache.List(ns).Where(o => writer.Ownership.IsManaged(o.Metadata)) ?? [];

    public IKubernetesObject<V1ObjectMeta>? Cached(string ns, string name) => informer.Current?.Cache.Get(ns, name);

    public bool Served => informer.Current is { HasSynced: true };

    public IReadOnlyList<IKubernetesObject<V1ObjectMeta>> OwnedBy(string ownerUid) =>
        informer.Current?.Cache.ByOwner(ownerUid) ?? [];

    public async Task<WriteAction> ApplyAsync(IKubernetesObject<V1ObjectMeta> desired, CancellationToken cancellationToken)
    {
        var typed = (T)desired;
        var cache = informer.Current ?? throw new InvalidOperationException($"{client.Type} is not being watched, so it cannot be written");
        var actual = cache.Cache.Get(ObjectKey.Of(typed));
        var outcome = await writer.ApplyAsync(typed, actual, cancellationToken).ConfigureAwait(false);
        if (outcome is { Action: WriteAction.Updated, Object: { } updated })
        {
            cache.ObserveUpdate(updated, actual?.Metadata.ResourceVersion);
        }

        return outcome.Action;
    }

    public async Task DeleteAsync(IKubernetesObject<V1ObjectMeta> obj, CancellationToken cancellationToken)
    {
        try
        {
            await client.DeleteAsync(obj.Metadata.NamespaceProperty, obj.Metadata.Name, cancellationToken).ConfigureAwait(false);
        }
        catch (k8s.Autorest.HttpOperationException e) when (KubeErrors.IsNotFound(e))
        {
            // Already gone: what deletion wanted.
        }
    }
}
