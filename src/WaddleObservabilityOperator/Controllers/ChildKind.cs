using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// One kind of object the operator creates (ConfigMap, Deployment, ServiceMonitor...): its cache, and writes through
/// the owned-object writer. Lets the reconcilers handle rendered objects of any kind without a switch per call site.
/// </summary>
public interface IChildKind
{
    Type ClrType { get; }

    /// <summary>Cached objects of this kind in <paramref name="ns"/> that carry the operator's managed-by label.</summary>
    IEnumerable<IKubernetesObject<V1ObjectMeta>> Managed(string ns);

    /// <summary>Writes <paramref name="desired"/> against the cached object of the same name (create, update on diff, or leave a foreign one).</summary>
    Task<WriteAction> ApplyAsync(IKubernetesObject<V1ObjectMeta> desired, CancellationToken cancellationToken);

    /// <summary>The cached object with the desired object's name, if any.</summary>
    IKubernetesObject<V1ObjectMeta>? Cached(string ns, string name);

    Task DeleteAsync(IKubernetesObject<V1ObjectMeta> obj, CancellationToken cancellationToken);
}

/// <inheritdoc />
public sealed class ChildKind<T>(Func<ResourceInformer<T>?> informer, OwnedObjectWriter writer, IResourceClient<T> client)
    : IChildKind
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public Type ClrType => typeof(T);

    public IEnumerable<IKubernetesObject<V1ObjectMeta>> Managed(string ns) =>
        informer()?.Cache.List(ns).Where(IsManaged) ?? [];

    public IKubernetesObject<V1ObjectMeta>? Cached(string ns, string name) => informer()?.Cache.Get(ns, name);

    public async Task<WriteAction> ApplyAsync(IKubernetesObject<V1ObjectMeta> desired, CancellationToken cancellationToken)
    {
        var typed = (T)desired;
        var cache = informer() ?? throw new InvalidOperationException($"{client.Type} is not being watched, so it cannot be written");
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

    internal static bool IsManaged(IKubernetesObject<V1ObjectMeta> obj) =>
        obj.Metadata?.Labels?.TryGetValue(WellKnown.ManagedByLabel, out var value) == true && value == WellKnown.ManagedByValue;
}
