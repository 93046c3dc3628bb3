using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>A fault of the object itself that fails its Ready without a condition of its own (a policy's invalid selector).</summary>
public sealed record ReadyProblem(string Reason, string Message);

/// <summary>How one kind words its Ready; the rules are <see cref="ReadySummary"/>'s.</summary>
public sealed record ReadySummaryOptions
{
    /// <summary>The object's own problems, which fail Ready ahead of its steps.</summary>
    public IReadOnlyList<ReadyProblem> Problems { get; init; } = [];

    /// <summary>Whether a failing step's message is prefixed by its type (<c>WorkloadInjected: ...</c>).</summary>
    public bool NameSteps { get; init; } = true;

    /// <summary>Notes appended to Ready's message, True or False (a policy's "WaddleService x: ...").</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>When set, the message of a False Ready instead of its failures (a render whose services' Ready nobody reads).</summary>
    public string? FailureMessage { get; init; }
}

/// <summary>
/// The one rule every Ready condition goes through (Cluster API's conditions.SetSummary), for both kinds and for the
/// renderer as for the controllers:
/// <list type="number">
/// <item>Ready is True when every step (the object's other conditions) is True and the object has no problem of its
/// own: reason <see cref="Reasons.Ready"/> and the kind's message.</item>
/// <item>Otherwise it is False with the reason of the first failure: the object's own problems first, then the failing
/// steps in their order.</item>
/// <item>A False Ready's message lists every failure in that order, separated by "; ", each step's message prefixed by
/// its type when <see cref="ReadySummaryOptions.NameSteps"/>.</item>
/// <item>Notes are appended to the message, True or False, each after "; ".</item>
/// </list>
/// </summary>
public static class ReadySummary
{
    public static ConditionOutcome Summarize(IReadOnlyList<ConditionOutcome> steps, string readyMessage, ReadySummaryOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(steps);
        options ??= new ReadySummaryOptions();
        var failures = options.Problems
            .Concat(steps.Where(s => s.Type != ConditionTypes.Ready && !s.Status)
                .Select(s => new ReadyProblem(s.Reason, options.NameSteps ? $"{s.Type}: {s.Message}" : s.Message)))
            .ToList();
        var notes = options.Notes.Count == 0 ? "" : "; " + string.Join("; ", options.Notes);
        return failures.Count == 0
            ? new ConditionOutcome(ConditionTypes.Ready, true, Reasons.Ready, readyMessage + notes)
            : new ConditionOutcome(ConditionTypes.Ready, false, failures[0].Reason,
                (options.FailureMessage ?? string.Join("; ", failures.Select(f => f.Message))) + notes);
    }

    /// <summary>
    /// Ready first, then the steps: the conditions of a status. <paramref name="steps"/> must not hold a Ready.
    /// </summary>
    public static IReadOnlyList<ConditionOutcome> WithReady(IReadOnlyList<ConditionOutcome> steps, string readyMessage, ReadySummaryOptions? options = null) =>
        [Summarize(steps, readyMessage, options), .. steps];

    /// <summary>
    /// Folds what a controller observed while writing into rendered conditions: a step the renderer considered done can
    /// still fail in the cluster (a foreign object in the way). <paramref name="step"/> replaces the step of its type (or
    /// is added), and Ready is summarised again from the steps; a Ready that was and stays True keeps its message.
    /// </summary>
    public static IReadOnlyList<ConditionOutcome> WithStep(IReadOnlyList<ConditionOutcome> conditions, ConditionOutcome step, string readyMessage)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(step);
        var steps = conditions.Where(c => c.Type != ConditionTypes.Ready)
            .Select(c => c.Type == step.Type ? step : c)
            .ToList();
        if (!steps.Any(c => c.Type == step.Type))
        {
            steps.Add(step);
        }

        var previous = conditions.FirstOrDefault(c => c.Type == ConditionTypes.Ready);
        return WithReady(steps, previous is { Status: true } ? previous.Message : readyMessage);
    }
}
