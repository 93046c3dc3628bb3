using k8s.Models;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// What a managed backend with two or more pods gets beside its workload: a PodDisruptionBudget, so that a node drain
/// never takes every pod at once, and preferred anti-affinity by node, so that the scheduler spreads the pods where it
/// can (preferred, not required: a one-node cluster still runs them all).
/// </summary>
internal static class HighAvailability
{
    /// <summary>The node label the pods are spread by.</summary>
    public const string HostnameTopologyKey = "kubernetes.io/hostname";

    /// <summary>A policy/v1 PodDisruptionBudget allowing one of the backend's pods to be evicted at a time.</summary>
    public static V1PodDisruptionBudget DisruptionBudget(BackendIdentity identity) => new()
    {
        ApiVersion = "policy/v1",
        Kind = "PodDisruptionBudget",
        Metadata = identity.Metadata(identity.InstanceName),
        Spec = new V1PodDisruptionBudgetSpec
        {
            MaxUnavailable = 1,
            Selector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() },
        },
    };

    /// <summary>Preferred anti-affinity of the backend's pods to each other, by node.</summary>
    public static V1Affinity SpreadByNode(BackendIdentity identity) => new()
    {
        PodAntiAffinity = new V1PodAntiAffinity
        {
            PreferredDuringSchedulingIgnoredDuringExecution =
            [
                new V1WeightedPodAffinityTerm
                {
                    Weight = 100,
                    PodAffinityTerm = new V1PodAffinityTerm
                    {
                        TopologyKey = HostnameTopologyKey,
                        LabelSelector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() },
                    },
                },
            ],
        },
    };
}
