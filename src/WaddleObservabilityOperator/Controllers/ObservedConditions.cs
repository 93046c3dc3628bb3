using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// Folds what the controllers observed while writing into the rendered conditions: a step the renderer considered
/// done can still fail in the cluster (a foreign object in the way). Ready is recomputed from the steps.
/// </summary>
public static class ObservedConditions
{
    public static IReadOnlyList<ConditionOutcome> Override(IReadOnlyList<ConditionOutcome> conditions, ConditionOutcome replacement, string readyMessageWhenTrue)
    {
        var steps = conditions.Where(c => c.Type != ConditionTypes.Ready)
            .Select(c => c.Type == replacement.Type ? replacement : c)
            .ToList();
        if (!steps.Any(c => c.Type == replacement.Type))
        {
            steps.Add(replacement);
        }

        var failing = steps.Where(s => !s.Status).ToList();
        var previousReady = conditions.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        var ready = failing.Count == 0
            ? new ConditionOutcome(ConditionTypes.Ready, true, Reasons.Ready, previousReady is { Status: true } ? previousReady.Message : readyMessageWhenTrue)
            : new ConditionOutcome(ConditionTypes.Ready, false, failing[0].Reason, string.Join("; ", failing.Select(f => $"{f.Type}: {f.Message}")));
        return [ready, .. steps];
    }
}
