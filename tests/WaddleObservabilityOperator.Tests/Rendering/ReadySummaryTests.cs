using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Tests.Rendering;

/// <summary>The rules of <see cref="ReadySummary"/>, through which every Ready of both kinds goes.</summary>
public sealed class ReadySummaryTests
{
    private const string Fine = "all good";

    public static TheoryData<string, string, string, string, bool, string, string?> Cases => new()
    {
        // case; steps "Type=True|False/Reason/Message" joined by ", "; problems "Reason/Message" joined by ", "; notes joined by ", ";
        // name steps; expected "True|False/Reason/Message"; failure message
        { "no steps, no problems: True", "", "", "", true, $"True/Ready/{Fine}", null },
        { "every step True: True with the kind's message", "A=True/Ok/a done, B=True/Ok/b done", "", "", true, $"True/Ready/{Fine}", null },
        { "one failing step: its reason, its message named by its type", "A=True/Ok/a done, B=False/BFailed/b broke", "", "", true, "False/BFailed/B: b broke", null },
        { "several failing: the first one's reason, every message in order", "A=False/AFailed/a broke, B=True/Ok/b done, C=False/CFailed/c broke", "", "", true, "False/AFailed/A: a broke; C: c broke", null },
        { "the object's own problem fails Ready although every step is True", "A=True/Ok/a done", "Invalid/bad selector", "", true, "False/Invalid/bad selector", null },
        { "own problems come before failing steps", "A=False/AFailed/a broke", "Invalid/bad selector, TooLong/name too long", "", true, "False/Invalid/bad selector; name too long; A: a broke", null },
        { "steps unnamed when the kind says so", "A=False/AFailed/a broke, B=False/BFailed/b broke", "", "", false, "False/AFailed/a broke; b broke", null },
        { "notes follow a True message", "A=True/Ok/a done", "", "note one, note two", true, $"True/Ready/{Fine}; note one; note two", null },
        { "notes follow a False message", "A=False/AFailed/a broke", "", "note one", false, "False/AFailed/a broke; note one", null },
        { "a failure message replaces the failures, not the reason", "A=True/Ok/a done, B=False/BFailed/b broke", "", "", true, "False/BFailed/not rendered", "not rendered" },
        { "a failure message does not touch a True Ready", "A=True/Ok/a done", "", "", true, $"True/Ready/{Fine}", "not rendered" },
        { "a Ready among the steps is not a step", "Ready=False/Stale/old, A=True/Ok/a done", "", "", true, $"True/Ready/{Fine}", null },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Summarize_follows_the_rules(string name, string steps, string problems, string notes, bool nameSteps, string expected, string? failureMessage)
    {
        _ = name;
        var options = new ReadySummaryOptions
        {
            Problems = [.. Split(problems).Select(p => p.Split('/')).Select(p => new ReadyProblem(p[0], p[1]))],
            Notes = Split(notes),
            NameSteps = nameSteps,
            FailureMessage = failureMessage,
        };

        var ready = ReadySummary.Summarize(Steps(steps), Fine, options);

        Assert.Equal(ConditionTypes.Ready, ready.Type);
        Assert.Equal(expected, $"{ready.Status}/{ready.Reason}/{ready.Message}");
    }

    [Fact]
    public void WithReady_puts_Ready_first_then_the_steps_in_their_order()
    {
        var steps = Steps("B=True/Ok/b done, A=False/AFailed/a broke");

        var conditions = ReadySummary.WithReady(steps, Fine);

        Assert.Equal(["Ready", "B", "A"], conditions.Select(c => c.Type));
        Assert.Equal("AFailed", conditions[0].Reason);
    }

    public static TheoryData<string, string, string, string> StepCases => new()
    {
        // case; conditions (Ready first); the step observed; expected conditions
        { "a failing step replaces the rendered one in place and fails Ready",
            $"Ready=True/Ready/{Fine}, A=True/Ok/a done, B=True/Ok/b done", "A=False/Conflict/foreign object",
            "Ready=False/Conflict/A: foreign object, A=False/Conflict/foreign object, B=True/Ok/b done" },
        { "a step the render did not report is added last",
            $"Ready=True/Ready/{Fine}, A=True/Ok/a done", "B=False/Pending/waiting",
            "Ready=False/Pending/B: waiting, A=True/Ok/a done, B=False/Pending/waiting" },
        { "failures are summarised again from every step",
            "Ready=False/AFailed/A: a broke, A=False/AFailed/a broke, B=True/Ok/b done", "B=False/Conflict/foreign object",
            "Ready=False/AFailed/A: a broke; B: foreign object, A=False/AFailed/a broke, B=False/Conflict/foreign object" },
        { "a Ready that stays True keeps its message",
            "Ready=True/Ready/rendered message, A=True/Ok/a done", "A=True/Ok/a still done",
            "Ready=True/Ready/rendered message, A=True/Ok/a still done" },
        { "a Ready that turns True takes the kind's message",
            "Ready=False/AFailed/A: a broke, A=False/AFailed/a broke", "A=True/Ok/a done",
            $"Ready=True/Ready/{Fine}, A=True/Ok/a done" },
    };

    [Theory]
    [MemberData(nameof(StepCases))]
    public void WithStep_replaces_the_observed_step_and_summarises_again(string name, string conditions, string step, string expected)
    {
        _ = name;

        var result = ReadySummary.WithStep(Steps(conditions), Steps(step).Single(), Fine);

        Assert.Equal(expected, string.Join(", ", result.Select(c => $"{c.Type}={c.Status}/{c.Reason}/{c.Message}")));
    }

    private static List<string> Split(string list) =>
        [.. list.Split(", ", StringSplitOptions.RemoveEmptyEntries)];

    private static List<ConditionOutcome> Steps(string list) =>
        [.. Split(list).Select(s =>
        {
            var (type, rest) = (s[..s.IndexOf('=', StringComparison.Ordinal)], s[(s.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            var parts = rest.Split('/', 3);
            return new ConditionOutcome(type, bool.Parse(parts[0]), parts[1], parts[2]);
        })];
}
