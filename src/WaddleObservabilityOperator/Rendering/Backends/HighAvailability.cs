using k8s.Models;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// What a managed backend running more than one replica gets: a PodDisruptionBudget, so a node drain takes at most one
/// pod at a time, and a preferred anti-affinity that spreads the pods over nodes (preferred: a one-node cluster still
/// schedules them all).
/// </summary>
internal static class HighAvailability
{
    /// <summary>The node label pods are spread over.</summary>
    public const string NodeTopologyKey = "kubernetes.io/hostname";

    /// <summary>A policy/v1 PodDisruptionBudget named as the backend that lets a voluntary disruption evict one of its pods at a time.</summary>
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

    /// <summary>Prefer nodes that run no other pod of the backend.</summary>
    public static V1Affinity SpreadOverNodes(BackendIdentity identity) => new()
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
                        TopologyKey = NodeTopologyKey,
                        LabelSelector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() },
                    },
                },
            ],
        },
    };
}
