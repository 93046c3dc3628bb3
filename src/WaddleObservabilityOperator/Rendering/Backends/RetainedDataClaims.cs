using k8s.Models;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The volume claim of a managed backend's StatefulSet that holds the user's data (Prometheus's samples, Jaeger's
/// Badger traces, Grafana's users and preferences): one ReadWriteOnce claim per pod, kept when the StatefulSet is
/// deleted or scaled, so switching a backend off or to another store never deletes the data with it.
/// </summary>
internal static class RetainedDataClaims
{
    public static V1StatefulSetPersistentVolumeClaimRetentionPolicy Retention() => new() { WhenDeleted = "Retain", WhenScaled = "Retain" };

    /// <param name="identity">The backend: the claim carries its labels.</param>
    /// <param name="name">The claim template's name, which the pod mounts as a volume.</param>
    /// <param name="storageClassName">Empty or null: the cluster's default storage class.</param>
    /// <param name="size">A Kubernetes quantity such as 10Gi.</param>
    public static V1PersistentVolumeClaim Claim(BackendIdentity identity, string name, string? storageClassName, string size) => new()
    {
        ApiVersion = "v1",
        Kind = "PersistentVolumeClaim",
        Metadata = new V1ObjectMeta { Name = name, Labels = identity.Labels() },
        Spec = new V1PersistentVolumeClaimSpec
        {
            AccessModes = ["ReadWriteOnce"],
            StorageClassName = string.IsNullOrEmpty(storageClassName) ? null : storageClassName,
            Resources = new V1VolumeResourceRequirements
            {
                Requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal) { ["storage"] = new(size) },
            },
        },
    };
}
