using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>The order rendered objects are listed and applied in: kind install order, then namespace, then name.</summary>
internal static class ObjectOrder
{
    // Helm's install order, so that a listing reads (and applies) dependencies first.
    private static readonly string[] KindOrder =
    [
        "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodDisruptionBudget", "ServiceAccount", "Secret",
        "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
        "ClusterRoleBinding", "Role", "RoleBinding", "Service", "DaemonSet", "Pod", "ReplicaSet", "Deployment",
        "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "Ingress",
    ];

    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Sort(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects) =>
        [.. objects.OrderBy(KindRank).ThenBy(o => o.Metadata.NamespaceProperty ?? "", StringComparer.Ordinal).ThenBy(o => o.Metadata.Name, StringComparer.Ordinal).ThenBy(o => o.Kind, StringComparer.Ordinal)];

    private static int KindRank(IKubernetesObject<V1ObjectMeta> o)
    {
        var rank = Array.IndexOf(KindOrder, o.Kind);
        return rank < 0 ? KindOrder.Length : rank;
    }
}
