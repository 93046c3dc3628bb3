using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Manifests;

/// <summary>The objects read from the user's manifests, typed, in file and document order, each with its namespace set.</summary>
public sealed record ManifestSet(
    IReadOnlyList<ObservabilityPolicy> Policies,
    IReadOnlyList<WaddleService> WaddleServices,
    IReadOnlyList<V1Deployment> Deployments,
    IReadOnlyList<V1StatefulSet> StatefulSets,
    IReadOnlyList<V1DaemonSet> DaemonSets,
    IReadOnlyList<V1Service> Services,
    IReadOnlyList<V1Namespace> Namespaces)
{
    public static ManifestSet Empty { get; } = new([], [], [], [], [], [], []);

    public int Count => Policies.Count + WaddleServices.Count + Deployments.Count + StatefulSets.Count
        + DaemonSets.Count + Services.Count + Namespaces.Count;
}

/// <summary>What loading produced: the objects when every input was valid, and all the errors found.</summary>
public sealed record ManifestLoadResult(ManifestSet Manifests, IReadOnlyList<ManifestError> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
