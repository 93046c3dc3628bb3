using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// Builds the status subresources from render outcomes. Conditions have the metav1.Condition shape; a condition
/// keeps its previous lastTransitionTime while its status is unchanged (Kubernetes API conventions), otherwise it
/// takes <c>now</c>, which the caller supplies so that rendering never reads a clock. <c>observedGeneration</c> moves to
/// the outcome's generation only when <c>settled</c>: a reconcile that will retry (a write conflicted or failed) reports its
/// conditions, but keeps the previous observedGeneration until a reconcile needs no retry (Cluster API's rule).
/// </summary>
public static class StatusRenderer
{
    public static WaddleServiceStatus ServiceStatus(ServiceOutcome outcome, DateTime now, WaddleServiceStatus? previous = null, bool settled = true)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return new WaddleServiceStatus
        {
            ObservedGeneration = settled ? outcome.Generation : previous?.ObservedGeneration,
            Policy = outcome.PolicyName ?? "",
            Conditions = Conditions(outcome.Conditions, outcome.Generation, now, previous?.Conditions),
            Effective = outcome.Effective,
            OverriddenEnv = [.. outcome.OverriddenEnv],
        };
    }

    public static ObservabilityPolicyStatus PolicyStatus(PolicyOutcome outcome, DateTime now, ObservabilityPolicyStatus? previous = null, bool settled = true)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var status = new ObservabilityPolicyStatus
        {
            ObservedGeneration = settled ? outcome.Generation : previous?.ObservedGeneration,
            Conditions = Conditions(outcome.Conditions, outcome.Generation, now, previous?.Conditions),
            MatchedServices = outcome.MatchedServices,
        };
        // Each managed component puts its address, and whether it runs, into its own status field (status.<component>).
        foreach (var endpoint in outcome.Endpoints)
        {
            endpoint.Component.SetStatus(status, new BackendStatus { Endpoint = endpoint.Endpoint, Ready = endpoint.Ready, Message = endpoint.Message });
        }

        return status;
    }

    /// <summary>metav1.Conditions in the outcome's order.</summary>
    public static IList<V1Condition> Conditions(IReadOnlyList<ConditionOutcome> outcomes, long? generation, DateTime now, IList<V1Condition>? previous)
    {
        ArgumentNullException.ThrowIfNull(outcomes);
        var conditions = new List<V1Condition>(outcomes.Count);
        foreach (var outcome in outcomes)
        {
            var status = outcome.Status ? "True" : "False";
            var before = previous?.FirstOrDefault(c => c.Type == outcome.Type);
            conditions.Add(new V1Condition
            {
                Type = outcome.Type,
                Status = status,
                Reason = outcome.Reason,
                Message = outcome.Message,
                ObservedGeneration = generation,
                LastTransitionTime = before is not null && before.Status == status && before.LastTransitionTime is { } kept ? kept : now,
            });
        }

        return conditions;
    }
}
