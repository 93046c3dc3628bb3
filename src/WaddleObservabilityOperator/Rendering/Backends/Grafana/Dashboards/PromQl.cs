using System.Globalization;
using System.Text;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// Builds the dashboards' PromQL from parts, so a user value (a label value, the error status regex) reaches a query
/// only as a quoted string literal and metric and label names only after their syntax was checked.
/// </summary>
internal static class PromQl
{
    /// <summary>Grafana's range for rate(): at least four scrape intervals of the data source (its timeInterval).</summary>
    public const string RateInterval = "$__rate_interval";

    /// <summary>A double-quoted PromQL string literal holding exactly <paramref name="value"/> (Go string escapes).</summary>
    public static string String(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var literal = new StringBuilder(value.Length + 2).Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '\\':
                    literal.Append(@"\\");
                    break;
                case '"':
                    literal.Append("\\\"");
                    break;
                case '\n':
                    literal.Append(@"\n");
                    break;
                case '\r':
                    literal.Append(@"\r");
                    break;
                case '\t':
                    literal.Append(@"\t");
                    break;
                default:
                    literal.Append(c);
                    break;
            }
        }

        return literal.Append('"').ToString();
    }

    /// <summary><c>label="value"</c>.</summary>
    public static string Equal(string label, string value) => $"{label}={String(value)}";

    /// <summary><c>label=~"regex"</c>.</summary>
    public static string Matches(string label, string regex) => $"{label}=~{String(regex)}";

    /// <summary><c>label!=""</c>: the series has the label.</summary>
    public static string Has(string label) => $"{label}!=\"\"";

    /// <summary>A number as PromQL writes it (0.95).</summary>
    public static string Number(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}

/// <summary>
/// The label matchers every query of a dashboard starts from (its namespace, its service), and the query shapes the
/// dashboards use. Immutable; <see cref="With"/> gives a narrower scope.
/// </summary>
internal sealed class PromScope
{
    private readonly IReadOnlyList<string> _matchers;

    public PromScope(params string[] matchers) => _matchers = matchers;

    private PromScope(IReadOnlyList<string> matchers) => _matchers = matchers;

    public PromScope With(params string[] matchers) => new([.. _matchers, .. matchers]);

    /// <summary><c>metric{scope, extra}</c>.</summary>
    public string Select(string metric, params string[] extra)
    {
        var matchers = _matchers.Concat(extra).ToList();
        return matchers.Count == 0 ? metric : $"{metric}{{{string.Join(", ", matchers)}}}";
    }

    /// <summary>Per-second rate of a counter summed by <paramref name="by"/> (nothing: one series).</summary>
    public string Rate(string counter, string[] by, params string[] extra) => Sum(by, RateOf(counter, extra));

    /// <summary>Per-second rate of each series of a counter: <c>rate(counter{scope, extra}[$__rate_interval])</c>.</summary>
    public string RateOf(string counter, params string[] extra) => $"rate({Select(counter, extra)}[{PromQl.RateInterval}])";

    /// <summary>The <paramref name="quantile"/> of a classic histogram (its _bucket series) by <paramref name="by"/>.</summary>
    public string Quantile(double quantile, string histogram, string[] by, params string[] extra) =>
        $"histogram_quantile({PromQl.Number(quantile)}, {Sum([.. by, "le"], $"rate({Select(histogram + "_bucket", extra)}[{PromQl.RateInterval}])")})";

    /// <summary>
    /// The share of <paramref name="counter"/>'s rate that matches <paramref name="errorMatcher"/>, by <paramref name="by"/>.
    /// A group without errors reads 0, not "no data": its missing numerator is filled with its total times zero.
    /// </summary>
    public string Ratio(string counter, string errorMatcher, string[] by)
    {
        var total = Rate(counter, by);
        return $"({Rate(counter, by, errorMatcher)} or {total} * 0) / {total}";
    }

    /// <summary><paramref name="aggregation"/> of a gauge by <paramref name="by"/>.</summary>
    public string Gauge(string aggregation, string gauge, string[] by, params string[] extra) => Aggregate(aggregation, by, Select(gauge, extra));

    /// <summary>How many series of <paramref name="gauge"/> equal <paramref name="value"/>; 0, not "no data", when none does.</summary>
    public string CountEqual(string gauge, double value, params string[] extra) =>
        $"count({Select(gauge, extra)} == {PromQl.Number(value)}) or vector(0)";

    /// <summary><paramref name="aggregation"/> of <paramref name="inner"/> by <paramref name="by"/> (nothing: one series).</summary>
    public static string Aggregate(string aggregation, string[] by, string inner) =>
        by.Length == 0 ? $"{aggregation}({inner})" : $"{aggregation} by ({string.Join(", ", by)}) ({inner})";

    private static string Sum(string[] by, string inner) => Aggregate("sum", by, inner);
}
