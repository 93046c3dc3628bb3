namespace WaddleObservabilityOperator.Rendering;

/// <summary>One condition the renderer reports: status true when the step did what was asked, a CamelCase reason and a message for people.</summary>
public sealed record ConditionOutcome(string Type, bool Status, string Reason, string Message);
