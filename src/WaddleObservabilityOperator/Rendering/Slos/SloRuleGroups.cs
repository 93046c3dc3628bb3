using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Rendering.Slos;

/// <summary>
/// The Sloth-compatible rule groups of one SLO (Sloth v0.16's sli_rules_v1, metadata_rules_v1 and alert_rules_v1):
/// <c>sloth-slo-sli-recordings-&lt;id&gt;</c>, <c>sloth-slo-meta-recordings-&lt;id&gt;</c> and <c>sloth-slo-alerts-&lt;id&gt;</c>
/// (left out when both alerts are disabled). Every rule carries the label contract: <c>sloth_id</c>, <c>sloth_service</c>,
/// <c>sloth_slo</c>, <c>waddlebot_service</c>, <c>waddlebot_layer</c> and <c>namespace</c>; SLI recordings also
/// <c>sloth_window</c>, alerts also <c>sloth_severity</c>. Numbers are exact decimals (<see cref="ExactDecimal"/>).
/// </summary>
public static class SloRuleGroups
{
    public const string SliErrorRecord = "slo:sli_error:ratio_rate";
    public const string WindowLabel = "sloth_window";
    public const string SeverityLabel = "sloth_severity";

    public static string SliGroupName(ResolvedSlo slo) => $"sloth-slo-sli-recordings-{Id(slo)}";

    public static string MetaGroupName(ResolvedSlo slo) => $"sloth-slo-meta-recordings-{Id(slo)}";

    public static string AlertGroupName(ResolvedSlo slo) => $"sloth-slo-alerts-{Id(slo)}";

    /// <summary>Every group of every SLO, in the SLOs' order.</summary>
    public static IReadOnlyList<PrometheusRuleGroup> Of(IEnumerable<ResolvedSlo> slos) => [.. slos.SelectMany(Of)];

    public static IReadOnlyList<PrometheusRuleGroup> Of(ResolvedSlo slo)
    {
        ArgumentNullException.ThrowIfNull(slo);
        var groups = new List<PrometheusRuleGroup> { Sli(slo), Meta(slo) };
        if (Alerts(slo) is { Rules.Count: > 0 } alerts)
        {
            groups.Add(alerts);
        }

        return groups;
    }

    /// <summary>The labels every rule of the SLO carries, sorted by name.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> IdentityLabels(ResolvedSlo slo)
    {
        ArgumentNullException.ThrowIfNull(slo);
        return
        [
            new("namespace", slo.Service.Namespace ?? ""),
            new("sloth_id", slo.Id),
            new("sloth_service", slo.Service.Name),
            new("sloth_slo", slo.Name),
            new(WellKnown.LayerMetricLabel, slo.Layer),
            new(WellKnown.ServiceMetricLabel, slo.Service.ServiceName),
        ];
    }

    // The selector of the SLO's own series: Sloth's three ids, and the namespace, which tells apart services of one
    // name in two namespaces when a Prometheus loads the rules of every namespace.
    private static string Filter(ResolvedSlo slo) =>
        $"{{namespace={SloResolver.Quote(slo.Service.Namespace ?? "")}, sloth_id={SloResolver.Quote(slo.Id)}, sloth_service={SloResolver.Quote(slo.Service.Name)}, sloth_slo={SloResolver.Quote(slo.Name)}}}";

    private const string On = "on(namespace, sloth_id, sloth_slo, sloth_service)";

    private static PrometheusRuleGroup Sli(ResolvedSlo slo)
    {
        var rules = new List<PrometheusRuleEntry>();
        foreach (var window in slo.Period.SliWindows)
        {
            rules.Add(Record(slo, SliErrorRecord + window,
                $"({Window(slo.ErrorQuery, window)})\n/\n({Window(slo.TotalQuery, window)})\n", new(WindowLabel, window)));
        }

        // Sloth's "optimized" period SLI: the mean of the 5m ratios over the period, far cheaper than a 30d range query
        // over the raw series (and slightly less exact: every 5m ratio weighs the same whatever the traffic).
        var period = slo.Period.Duration;
        var fiveMinutes = $"{SliErrorRecord}5m{Filter(slo)}";
        rules.Add(Record(slo, SliErrorRecord + period,
            $"sum_over_time({fiveMinutes}[{period}])\n/ ignoring ({WindowLabel})\ncount_over_time({fiveMinutes}[{period}])\n", new(WindowLabel, period)));
        return new PrometheusRuleGroup { Name = SliGroupName(slo), Rules = rules };
    }

    private static PrometheusRuleGroup Meta(ResolvedSlo slo)
    {
        var filter = Filter(slo);
        return new PrometheusRuleGroup
        {
            Name = MetaGroupName(slo),
            Rules =
            [
                Record(slo, "slo:objective:ratio", $"vector({ExactDecimal.Format(slo.ObjectiveRatio)})"),
                Record(slo, "slo:error_budget:ratio", $"vector(1-{ExactDecimal.Format(slo.ObjectiveRatio)})"),
                Record(slo, "slo:time_period:days", $"vector({slo.Period.Days})"),
                Record(slo, "slo:current_burn_rate:ratio",
                    $"{SliErrorRecord}5m{filter}\n/ {On} group_left\nslo:error_budget:ratio{filter}\n"),
                Record(slo, "slo:period_burn_rate:ratio",
                    $"{SliErrorRecord}{slo.Period.Duration}{filter}\n/ {On} group_left\nslo:error_budget:ratio{filter}\n"),
                Record(slo, "slo:period_error_budget_remaining:ratio", $"1 - slo:period_burn_rate:ratio{filter}"),
            ],
        };
    }

    private static PrometheusRuleGroup Alerts(ResolvedSlo slo)
    {
        var rules = new List<PrometheusRuleEntry>();
        foreach (var (severity, settings) in new[] { (SloSeverity.Page, slo.Page), (SloSeverity.Ticket, slo.Ticket) })
        {
            if (settings.Disabled)
            {
                continue;
            }

            var (quick, slow) = slo.Period.Alert(severity);
            var name = severity == SloSeverity.Page ? "page" : "ticket";
            var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
            foreach (var (key, value) in settings.Labels)
            {
                labels[key] = value;
            }

            // The contract's labels win over the user's: the dashboards and the alert routing depend on them.
            foreach (var (key, value) in IdentityLabels(slo))
            {
                labels[key] = value;
            }

            labels[SeverityLabel] = name;
            var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal)
            {
                ["title"] = $"({name}) {{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} SLO error budget burn rate is too fast.",
                ["summary"] = $"{{{{$labels.sloth_service}}}} {{{{$labels.sloth_slo}}}} SLO error budget burn rate is over expected.",
            };
            foreach (var (key, value) in settings.Annotations)
            {
                annotations[key] = value;
            }

            rules.Add(new PrometheusRuleEntry
            {
                Alert = AlertName(slo),
                Expr = $"(\n{Pair(slo, quick)}\n)\nor\n(\n{Pair(slo, slow)}\n)\n",
                Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal),
                Annotations = new Dictionary<string, string>(annotations, StringComparer.Ordinal),
            });
        }

        return new PrometheusRuleGroup { Name = AlertGroupName(slo), Rules = rules };
    }

    /// <summary>
    /// The alert's name: the service's and the SLO's words in PascalCase and ErrorBudgetBurn, e.g.
    /// RouterRequestsAvailabilityErrorBudgetBurn; the page and the ticket alert share it and differ by sloth_severity.
    /// </summary>
    public static string AlertName(ResolvedSlo slo)
    {
        ArgumentNullException.ThrowIfNull(slo);
        var words = $"{slo.Service.Name}-{slo.Name}".Split(['-', '.'], StringSplitOptions.RemoveEmptyEntries);
        var name = string.Concat(words.Select(w => char.ToUpperInvariant(w[0]) + w[1..])) + "ErrorBudgetBurn";
        return char.IsAsciiLetter(name[0]) ? name : "Slo" + name;
    }

    private static string Pair(ResolvedSlo slo, BurnRateWindow window)
    {
        var threshold = $"({ExactDecimal.Format(window.Factor)} * {ExactDecimal.Format(slo.ErrorBudgetRatio)})";
        var filter = Filter(slo);
        return $"    max({SliErrorRecord}{window.ShortWindow}{filter} > {threshold}) without ({WindowLabel})\n    and\n    max({SliErrorRecord}{window.LongWindow}{filter} > {threshold}) without ({WindowLabel})";
    }

    private static PrometheusRuleEntry Record(ResolvedSlo slo, string record, string expr, KeyValuePair<string, string>? extra = null)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in IdentityLabels(slo))
        {
            labels[key] = value;
        }

        if (extra is { } label)
        {
            labels[label.Key] = label.Value;
        }

        return new PrometheusRuleEntry { Record = record, Expr = expr, Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal) };
    }

    private static string Window(string query, string window) => SloResolver.WindowPlaceholder.Replace(query, window);

    private static string Id(ResolvedSlo slo) => slo.Id;
}
