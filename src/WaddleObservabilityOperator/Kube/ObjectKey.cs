using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>Namespace and name of an object: the cache key and the unit of reconcile. Namespace is null for cluster-scoped objects.</summary>
public readonly record struct ObjectKey(string? Namespace, string Name)
{
    public static ObjectKey Of(IKubernetesObject<V1ObjectMeta> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var name = obj.Metadata?.Name;
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException($"{obj.Kind} has no metadata.name", nameof(obj));
        }

        return new ObjectKey(string.IsNullOrEmpty(obj.Metadata!.NamespaceProperty) ? null : obj.Metadata.NamespaceProperty, name);
    }

    /// <summary>"namespace/name", or "name" when cluster-scoped (client-go's MetaNamespaceKeyFunc).</summary>
    public override string ToString() => Namespace is null ? Name : $"{Namespace}/{Name}";
}
