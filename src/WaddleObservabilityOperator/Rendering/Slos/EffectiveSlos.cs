using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Slos;

/// <summary>A policy's SLO defaults with every unset field defaulted (<c>spec.slos</c>).</summary>
public sealed record EffectiveSlos(
    SloWindow Window,
    IReadOnlyList<double> LatencyBuckets,
    SloAlerting? Alerting,
    IReadOnlyList<KeyValuePair<string, string>> RuleLabels)
{
    /// <summary>prometheus_client's default histogram buckets (seconds), which WaddleBot's Python library uses.</summary>
    public static IReadOnlyList<double> DefaultLatencyBuckets { get; } = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    public static EffectiveSlos Default { get; } = new(SloWindow.Days30, DefaultLatencyBuckets, null, []);

    public static EffectiveSlos Resolve(SloPolicy? spec) => spec is null
        ? Default
        : new EffectiveSlos(
            spec.Window ?? SloWindow.Days30,
            spec.LatencyBuckets is { Count: > 0 } buckets ? [.. buckets] : DefaultLatencyBuckets,
            spec.Alerting,
            [.. (spec.RuleLabels ?? new Dictionary<string, string>()).OrderBy(l => l.Key, StringComparer.Ordinal)]);
}
