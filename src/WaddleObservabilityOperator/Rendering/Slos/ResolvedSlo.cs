using System.Globalization;
using System.Text.RegularExpressions;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering.Slos;

/// <summary>The SLI kinds.</summary>
public enum SliKind
{
    Availability,
    Latency,
    Events,
}

/// <summary>One alert of an SLO as it will be written: off, or its labels and annotations merged from the policy and the SLO.</summary>
public sealed record SloAlertSettings(
    bool Disabled,
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    IReadOnlyList<KeyValuePair<string, string>> Annotations);

/// <summary>
/// A valid SLO of a service with everything it renders from: the period, the objective as an exact decimal, the SLI's
/// error and total queries with <c>{{.window}}</c> still in them, and the two alerts' settings.
/// </summary>
public sealed record ResolvedSlo(
    ResolvedService Service,
    string Name,
    SloPeriod Period,
    decimal Objective,
    SliKind Kind,
    string ErrorQuery,
    string TotalQuery,
    SloAlertSettings Page,
    SloAlertSettings Ticket)
{
    /// <summary>Sloth's SLO id: &lt;service&gt;-&lt;slo&gt;.</summary>
    public string Id => $"{Service.Name}-{Name}";

    /// <summary>The objective as a ratio, e.g. 0.999.</summary>
    public decimal ObjectiveRatio => Objective / 100m;

    /// <summary>The error budget as a ratio, e.g. 0.001 for 99.9 %.</summary>
    public decimal ErrorBudgetRatio => (100m - Objective) / 100m;

    /// <summary>The layer label value of the service.</summary>
    public string Layer => EnvInjectionPlanner.LayerName(Service.Source.Spec.Layer);
}

/// <summary>Why an SLO of a service is left out: the SLOsConfigured reason and a message naming the field.</summary>
public sealed record SloProblem(string Slo, string Reason, string Message);

/// <summary>A service's SLOs: the valid ones in spec order, and the problems of the others.</summary>
public sealed record SloSet(IReadOnlyList<ResolvedSlo> Slos, IReadOnlyList<SloProblem> Problems)
{
    public static SloSet Empty { get; } = new([], []);
}

/// <summary>
/// Checks and resolves a WaddleService's <c>spec.slos</c> against its policy (<c>spec.slos</c> defaults, the RED metrics
/// of <c>spec.metrics.red</c>). A bad SLO is left out with a problem; the others are kept. Pure.
/// </summary>
public static partial class SloResolver
{
    /// <summary>Sloth's placeholder for the range of a query (pkg/common/conventions): <c>{{.window}}</c>, spaces allowed inside the braces.</summary>
    public static Regex WindowPlaceholder => WindowPlaceholderRegex();

    public static SloSet Resolve(ResolvedService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var specs = service.Source.Spec.Slos;
        if (specs is not { Count: > 0 })
        {
            return SloSet.Empty;
        }

        var policy = service.Policy.Slos;
        var red = GrafanaComponent.Settings(service.Policy).Dashboards.Red;
        var slos = new List<ResolvedSlo>();
        var problems = new List<SloProblem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < specs.Count; i++)
        {
            var spec = specs[i];
            var field = $"spec.slos[{i}]";
            var name = spec.Name ?? "";
            if (!Dns1035().IsMatch(name) || name.Length > 63)
            {
                problems.Add(new(name, Reasons.InvalidSlo, $"{field}.name \"{name}\" is not a DNS-1035 label (lower case letters, digits and '-', a letter first, at most 63 characters)"));
                continue;
            }

            if (!seen.Add(name))
            {
                problems.Add(new(name, Reasons.InvalidSlo, $"{field}.name \"{name}\" is declared more than once; SLO names are unique in a service"));
                continue;
            }

            if (Check(spec, field, policy, red) is { } problem)
            {
                problems.Add(problem with { Slo = name });
                continue;
            }

            slos.Add(Build(service, spec, policy, red));
        }

        return new SloSet(slos, problems);
    }

    private static SloProblem? Check(ServiceLevelObjective spec, string field, EffectiveSlos policy, EffectiveRed red)
    {
        if (!double.IsFinite(spec.Objective) || spec.Objective <= 0 || spec.Objective >= 100)
        {
            return Invalid($"{field}.objective {spec.Objective.ToString(CultureInfo.InvariantCulture)} is not a percentage strictly between 0 and 100, e.g. 99.9");
        }

        var sli = spec.Sli;
        var kinds = new[] { sli?.Availability is not null, sli?.Latency is not null, sli?.Events is not null }.Count(k => k);
        if (kinds > 1)
        {
            return Invalid($"{field}.sli sets more than one of availability, latency and events; an SLO has one indicator");
        }

        if (sli?.Events is { } events)
        {
            foreach (var (query, which) in new[] { (events.ErrorQuery, "errorQuery"), (events.TotalQuery, "totalQuery") })
            {
                if (string.IsNullOrWhiteSpace(query) || !WindowPlaceholder.IsMatch(query))
                {
                    return Invalid($"{field}.sli.events.{which} has no {{{{.window}}}} placeholder where the range goes, e.g. sum(rate(requests_total[{{{{.window}}}}]))");
                }
            }

            if (string.Equals(events.ErrorQuery.Trim(), events.TotalQuery.Trim(), StringComparison.Ordinal))
            {
                return Invalid($"{field}.sli.events: errorQuery and totalQuery are the same query, so the error ratio would always be 1");
            }
        }
        else if (sli?.Latency is { } latency)
        {
            if (!PrometheusDuration.TryParseMilliseconds(latency.Threshold, out var ms) || ms <= 0)
            {
                return Invalid($"{field}.sli.latency.threshold \"{latency.Threshold}\" is not a positive Prometheus duration such as 250ms or 1s");
            }

            if (Bucket(policy, ms) is null)
            {
                return new SloProblem("", Reasons.LatencyThresholdNotABucket,
                    $"{field}.sli.latency.threshold {latency.Threshold} ({Seconds(ms)}s) is not a bucket boundary of {red.DurationMetric}; only a boundary counts slow requests exactly. Use one of the policy's spec.slos.latencyBuckets: {string.Join(", ", policy.LatencyBuckets.Select(b => Seconds(b)))} (seconds)");
            }
        }

        if (sli?.Events is null && sli?.Latency is null && GrafanaDashboards.ErrorRegexProblem(red.ErrorStatusRegex) is { } regexProblem)
        {
            return Invalid($"the policy's spec.metrics.red.errorStatusRegex \"{red.ErrorStatusRegex}\" {regexProblem}");
        }

        foreach (var (alert, where) in Alerts(spec.Alerting, $"{field}.alerting").Concat(Alerts(policy.Alerting, "the policy's spec.slos.alerting")))
        {
            foreach (var key in (alert.Labels ?? new Dictionary<string, string>()).Keys.Concat((alert.Annotations ?? new Dictionary<string, string>()).Keys))
            {
                if (!LabelName().IsMatch(key))
                {
                    return Invalid($"{where}: \"{key}\" is not a Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*)");
                }
            }
        }

        return null;
    }

    private static IEnumerable<((IDictionary<string, string>? Labels, IDictionary<string, string>? Annotations), string)> Alerts(SloAlerting? alerting, string where)
    {
        if (alerting is null)
        {
            yield break;
        }

        yield return ((alerting.Labels, alerting.Annotations), where);
        if (alerting.Page is { } page)
        {
            yield return ((page.Labels, page.Annotations), where + ".page");
        }

        if (alerting.Ticket is { } ticket)
        {
            yield return ((ticket.Labels, ticket.Annotations), where + ".ticket");
        }
    }

    private static SloProblem Invalid(string message) => new("", Reasons.InvalidSlo, message);

    private static ResolvedSlo Build(ResolvedService service, ServiceLevelObjective spec, EffectiveSlos policy, EffectiveRed red)
    {
        var selector = $"namespace={Quote(service.Namespace ?? "")}, {WellKnown.ServiceMetricLabel}={Quote(service.ServiceName)}";
        string error, total;
        SliKind kind;
        if (spec.Sli?.Events is { } events)
        {
            (kind, error, total) = (SliKind.Events, events.ErrorQuery.Trim(), events.TotalQuery.Trim());
        }
        else if (spec.Sli?.Latency is { } latency)
        {
            PrometheusDuration.TryParseMilliseconds(latency.Threshold, out var ms);
            var le = PrometheusFloat.Format(Bucket(policy, ms)!.Value);
            var count = $"sum(rate({red.DurationMetric}_count{{{selector}}}[{{{{.window}}}}]))";
            kind = SliKind.Latency;
            error = $"{count} - sum(rate({red.DurationMetric}_bucket{{{selector}, le={Quote(le)}}}[{{{{.window}}}}]))";
            total = count;
        }
        else
        {
            kind = SliKind.Availability;
            error = $"sum(rate({red.RequestsMetric}{{{selector}, {red.StatusLabel}=~{Quote(red.ErrorStatusRegex)}}}[{{{{.window}}}}]))";
            total = $"sum(rate({red.RequestsMetric}{{{selector}}}[{{{{.window}}}}]))";
        }

        var objective = decimal.Parse(spec.Objective.ToString("R", CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture);
        return new ResolvedSlo(
            service,
            spec.Name,
            SloPeriod.Of(spec.Window ?? policy.Window),
            objective,
            kind,
            error,
            total,
            Alert(SloSeverity.Page, spec, policy),
            Alert(SloSeverity.Ticket, spec, policy));
    }

    private static SloAlertSettings Alert(SloSeverity severity, ServiceLevelObjective spec, EffectiveSlos policy)
    {
        SloAlert? Of(SloAlerting? a) => severity == SloSeverity.Page ? a?.Page : a?.Ticket;
        var own = Of(spec.Alerting);
        var inherited = Of(policy.Alerting);
        var disabled = own?.Disable ?? inherited?.Disable ?? false;
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (!string.IsNullOrWhiteSpace(spec.Description))
        {
            annotations["description"] = spec.Description.Trim();
        }

        // Least specific first: the policy's, then the SLO's; each alert's own over the shared ones.
        foreach (var source in new[] { (policy.Alerting?.Labels, policy.Alerting?.Annotations), (inherited?.Labels, inherited?.Annotations), (spec.Alerting?.Labels, spec.Alerting?.Annotations), (own?.Labels, own?.Annotations) })
        {
            foreach (var (key, value) in source.Item1 ?? new Dictionary<string, string>())
            {
                labels[key] = value;
            }

            foreach (var (key, value) in source.Item2 ?? new Dictionary<string, string>())
            {
                annotations[key] = value;
            }
        }

        return new SloAlertSettings(disabled, [.. labels], [.. annotations]);
    }

    /// <summary>The bucket boundary equal to <paramref name="milliseconds"/>, compared exactly in decimal, or null.</summary>
    private static double? Bucket(EffectiveSlos policy, long milliseconds)
    {
        var seconds = milliseconds / 1000m;
        foreach (var bucket in policy.LatencyBuckets)
        {
            if (double.IsFinite(bucket) && Math.Abs(bucket) < 7.9e27 && (decimal)bucket == seconds)
            {
                return bucket;
            }
        }

        return null;
    }

    private static string Seconds(long milliseconds) => ExactDecimal.Format(milliseconds / 1000m);

    private static string Seconds(double seconds) => seconds.ToString("R", CultureInfo.InvariantCulture);

    internal static string Quote(string value) => PromQl.String(value);

    [GeneratedRegex(@"\{\{ *\.window *\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex WindowPlaceholderRegex();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelName();
}
