using System.Collections.Concurrent;
using System.Collections.Frozen;
using System.Reflection;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// Maps CLR types to where the API serves them. Types carrying <see cref="KubernetesEntityAttribute"/> (every
/// KubernetesClient model and the operator's CRD types) resolve on their own; scope comes from a registration or
/// from the short list of cluster-scoped built-ins, and defaults to namespaced.
/// </summary>
public sealed class ResourceTypeRegistry
{
    // Built-in kinds that are cluster-scoped; everything else defaults to namespaced.
    private static readonly FrozenSet<string> ClusterScopedKinds = new[]
    {
        "Namespace", "Node", "PersistentVolume", "CustomResourceDefinition", "ClusterRole", "ClusterRoleBinding",
        "StorageClass", "PriorityClass", "APIService", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration",
        "IngressClass", "RuntimeClass", "CSIDriver", "CSINode", "VolumeAttachment",
    }.ToFrozenSet(StringComparer.Ordinal);

    private readonly ConcurrentDictionary<Type, ResourceType> _types = new();

    /// <summary>Registers (or overrides) where <typeparamref name="T"/> is served, e.g. a kind without the attribute or a cluster-scoped CRD.</summary>
    public ResourceTypeRegistry Register<T>(ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(type);
        _types[typeof(T)] = type;
        return this;
    }

    public ResourceType Get<T>() => Get(typeof(T));

    public ResourceType Get(Type clrType)
    {
        ArgumentNullException.ThrowIfNull(clrType);
        return _types.GetOrAdd(clrType, FromAttribute);
    }

    private static ResourceType FromAttribute(Type clrType)
    {
        var entity = clrType.GetCustomAttribute<KubernetesEntityAttribute>()
            ?? throw new InvalidOperationException(
                $"{clrType.FullName} has no [KubernetesEntity] attribute and was not registered in the ResourceTypeRegistry");
        if (string.IsNullOrEmpty(entity.PluralName) || string.IsNullOrEmpty(entity.ApiVersion) || string.IsNullOrEmpty(entity.Kind))
        {
            throw new InvalidOperationException($"[KubernetesEntity] on {clrType.FullName} must name Kind, ApiVersion and PluralName");
        }

        return new ResourceType(entity.Group ?? "", entity.ApiVersion, entity.PluralName, entity.Kind, !ClusterScopedKinds.Contains(entity.Kind));
    }
}
