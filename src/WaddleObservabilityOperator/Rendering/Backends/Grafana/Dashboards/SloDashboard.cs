namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The SLOs of the policy's WaddleServices, from the Sloth-compatible series their rules record: every SLO's remaining
/// error budget, burn rate and firing alerts at a glance, then one SLO chosen by the <c>service</c> and <c>slo</c>
/// variables: its objective, SLI, remaining budget over the SLO period, burn rate per alert window against the page and
/// ticket factors, and the state of its page and ticket alerts.
/// </summary>
/// <remarks>
/// It reads only recorded series, by Sloth's names and labels (<c>slo:sli_error:ratio_rate&lt;window&gt;</c>,
/// <c>slo:objective:ratio</c>, <c>slo:error_budget:ratio</c>, <c>slo:time_period:days</c>,
/// <c>slo:current_burn_rate:ratio</c>, <c>slo:period_error_budget_remaining:ratio</c>; <c>sloth_service</c>,
/// <c>sloth_slo</c>, <c>sloth_severity</c>), and Prometheus's <c>ALERTS</c>; every query selects the policy's namespace,
/// which the rules and alerts carry. The variables are single-select: the burn-rate factors and the period differ from
/// one SLO to the next (30d or 28d), so the chosen-SLO panels show one SLO at a time; the first row shows them all.
/// The page and ticket factors are computed from the SLO's <c>slo:time_period:days</c> with the window catalog of the
/// Google SRE workbook that the rules use (2 % of the budget in 1h, 5 % in 6h, 10 % in 1d, 10 % in 3d), so a 28d SLO
/// shows 13.44 / 5.6 / 2.8 / 0.933 where a 30d one shows 14.4 / 6 / 3 / 1.
/// </remarks>
internal static class SloDashboard
{
    public const string ConfigMapSuffix = "slos";

    /// <summary>The SLI windows the rules record for the alerts, shortest first.</summary>
    public static IReadOnlyList<string> AlertWindows { get; } = ["5m", "30m", "1h", "2h", "6h", "1d", "3d"];

    /// <summary>The SLO periods the rules have a window catalog for: the period's SLI series is named after one of them.</summary>
    public static IReadOnlyList<string> Periods { get; } = ["30d", "28d"];

    /// <summary>
    /// Each alert's burn-rate factor as a multiple of the SLO period in days: the share of the budget the alert allows
    /// to be spent in its long window, times the period in hours, over the long window in hours.
    /// </summary>
    public static IReadOnlyList<(string Legend, string PerPeriodDay)> Factors { get; } =
    [
        ("page factor (1h & 5m)", "0.48"),       // 2 % × 24h / 1h: 14.4 at 30d
        ("page factor (6h & 30m)", "0.2"),       // 5 % × 24h / 6h: 6 at 30d
        ("ticket factor (1d & 2h)", "0.1"),      // 10 % × 24h / 24h: 3 at 30d
        ("ticket factor (3d & 6h)", "1 / 30"),   // 10 % × 24h / 72h: 1 at 30d
    ];

    public const string ServiceLabel = "sloth_service";
    public const string SloLabel = "sloth_slo";
    public const string SeverityLabel = "sloth_severity";

    private static readonly string[] BySlo = [ServiceLabel, SloLabel];
    private static readonly string[] None = [];

    private static readonly (double Value, string Text, string Color)[] AlertStates =
    [
        (0, "not firing", "green"),
        (1, "firing", "red"),
    ];

    /// <summary>Remaining budget: red when spent (the SLO is missed), orange in its last quarter.</summary>
    private static readonly (double? From, string Color)[] BudgetThresholds = [(null, "red"), (0, "orange"), (0.25, "green")];

    public static string Uid(EffectivePolicy policy) => WaddleBotDashboards.Uid("waddlebot-slos", policy);

    public static DashboardDocument Render(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var inNamespace = new PromScope(PromQl.Equal("namespace", policy.Namespace));
        var chosen = inNamespace.With($"{ServiceLabel}=\"$service\"", $"{SloLabel}=\"$slo\"");
        var grid = new DashboardGrid();
        // From an SLO's value or line to the same dashboard with that SLO chosen, same data source and time range.
        DataLink[] toSlo = [new("This SLO", $"/d/{Uid(policy)}?var-service=${{__field.labels.{ServiceLabel}}}&var-slo=${{__field.labels.{SloLabel}}}&${{datasource:queryparam}}&${{__url_time_range}}")];

        grid.Row($"Every SLO of namespace {policy.Namespace}");
        grid.Add(4, 5, DashboardGrid.Stat("Page alerts firing", "SLOs whose page alert fires: the error budget burns so fast that someone must act now.", "none",
            DashboardGrid.Query("A", FiringCount(inNamespace, "page"), "page"), (null, "green"), (1, "red")));
        grid.Add(4, 5, DashboardGrid.Stat("Ticket alerts firing", "SLOs whose ticket alert fires: the error budget burns too fast to last the period.", "none",
            DashboardGrid.Query("A", FiringCount(inNamespace, "ticket"), "ticket"), (null, "green"), (1, "orange")));
        grid.Add(16, 5, WithLinks(NamedValues(DashboardGrid.Stat("Error budget remaining by SLO", "Share of each SLO's error budget left over its period (slo:period_error_budget_remaining:ratio); below 0 the SLO is missed. Click one to choose it.", "percentunit",
            DashboardGrid.Query("A", inNamespace.Gauge("max", "slo:period_error_budget_remaining:ratio", BySlo), "{{sloth_service}} / {{sloth_slo}}"), BudgetThresholds)), toSlo));
        grid.Add(12, 8, DashboardGrid.TimeSeries("Error budget remaining, every SLO", "Share of each SLO's error budget left over its period.", "percentunit",
            [DashboardGrid.Query("A", inNamespace.Gauge("max", "slo:period_error_budget_remaining:ratio", BySlo), "{{sloth_service}} / {{sloth_slo}}")], toSlo, min: null));
        grid.Add(12, 8, DashboardGrid.TimeSeries("Burn rate (5m), every SLO", "How fast each SLO spends its error budget over the last 5 minutes (slo:current_burn_rate:ratio): 1 spends it exactly over the period.", "none",
            [DashboardGrid.Query("A", inNamespace.Gauge("max", "slo:current_burn_rate:ratio", BySlo), "{{sloth_service}} / {{sloth_slo}}")], toSlo));

        grid.Row("SLO $slo of $service");
        var periodError = PeriodErrorRatio(chosen);
        grid.Add(4, 5, Decimals(DashboardGrid.Stat("Objective", "The share of good events the SLO promises over its period.", "percentunit",
            DashboardGrid.Query("A", chosen.Gauge("max", "slo:objective:ratio", None), "objective"), (null, "blue")), 3));
        grid.Add(4, 5, Decimals(DashboardGrid.Stat("SLI (5m)", "The share of good events over the last 5 minutes.", "percentunit",
            DashboardGrid.Query("A", $"1 - {chosen.Gauge("max", "slo:sli_error:ratio_rate5m", None)}", "SLI"), (null, "blue")), 3));
        grid.Add(4, 5, Decimals(DashboardGrid.Stat("SLI over the period", "The share of good events over the SLO's whole period (30 or 28 days): what the objective is measured against.", "percentunit",
            DashboardGrid.Query("A", $"1 - ({periodError})", "SLI"), (null, "blue")), 3));
        grid.Add(4, 5, DashboardGrid.Stat("Error budget remaining", "Share of the error budget left over the period: 1 - period error ratio / (1 - objective). Below 0 the SLO is missed.", "percentunit",
            DashboardGrid.Query("A", chosen.Gauge("max", "slo:period_error_budget_remaining:ratio", None), "remaining"), BudgetThresholds));
        grid.Add(4, 5, DashboardGrid.Stat("Burn rate (5m)", "How fast the error budget is spent now: 1 spends it exactly over the period, 14.4 (at 30 days) spends 2 % of it in an hour.", "none",
            DashboardGrid.Query("A", chosen.Gauge("max", "slo:current_burn_rate:ratio", None), "burn rate"), (null, "green"), (1, "orange"), (6, "red")));
        grid.Add(4, 5, DashboardGrid.Stat("Period burn rate", "How fast the error budget was spent over the period: above 1 the SLO is missed.", "none",
            DashboardGrid.Query("A", chosen.Gauge("max", "slo:period_burn_rate:ratio", None), "burn rate"), (null, "green"), (1, "red")));

        grid.Add(12, 8, DashboardGrid.TimeSeries("Error budget remaining", "Share of the error budget left over the period, as it went: a downward slope is budget spent, below 0 the SLO is missed.", "percentunit",
            [DashboardGrid.Query("A", chosen.Gauge("max", "slo:period_error_budget_remaining:ratio", None), "remaining")], min: null));
        grid.Add(12, 8, DashboardGrid.TimeSeries("SLI against the objective", "The share of good events over the last 5 minutes and over the period, against the objective.", "percentunit",
        [
            DashboardGrid.Query("A", $"1 - {chosen.Gauge("max", "slo:sli_error:ratio_rate5m", None)}", "SLI (5m)"),
            DashboardGrid.Query("B", $"1 - ({periodError})", "SLI (period)"),
            DashboardGrid.Query("C", chosen.Gauge("max", "slo:objective:ratio", None), "objective"),
        ], min: null));

        var budget = chosen.Gauge("max", "slo:error_budget:ratio", None);
        var days = chosen.Gauge("max", "slo:time_period:days", None);
        var refIds = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
        List<PanelQuery> burnRates =
        [
            .. AlertWindows.Select((window, i) => DashboardGrid.Query(refIds[i].ToString(), $"{chosen.Gauge("max", $"slo:sli_error:ratio_rate{window}", None)} / {budget}", window)),
            .. Factors.Select((factor, i) => DashboardGrid.Query(refIds[AlertWindows.Count + i].ToString(), $"{factor.PerPeriodDay} * {days}", factor.Legend)),
        ];
        grid.Add(24, 10, FactorLines(DashboardGrid.TimeSeries("Burn rate per alert window", "Error ratio over each alert window divided by the error budget (1 - objective). The page alert fires when both windows of a page pair are above their factor (1h & 5m, or 6h & 30m); the ticket alert likewise (1d & 2h, or 3d & 6h). The dashed factors follow the SLO's period.", "none",
            burnRates)));

        grid.Add(24, 5, DashboardGrid.StateTimeline("Alerts", "Whether the SLO's page and ticket alerts fire (Prometheus's ALERTS series; the SLO alerts have no pending state).",
            DashboardGrid.Query("A", AlertState(chosen), "{{sloth_severity}}"), AlertStates));

        return new DashboardDocument
        {
            Uid = Uid(policy),
            Title = $"WaddleBot SLOs ({WaddleBotDashboards.Where(policy)})",
            Description = $"The SLOs of the WaddleServices of namespace {policy.Namespace}, from their Sloth-compatible recording rules: every SLO's remaining error budget, burn rate and firing alerts; then one SLO's objective, SLI, remaining budget over its period, burn rate per alert window and alert state.",
            Tags = [WaddleBotDashboards.Tag],
            Time = new DashboardTime("now-7d", "now"),
            Links = [WaddleBotDashboards.OtherDashboards()],
            Templating = new DashboardTemplating(
            [
                DashboardGrid.DataSourcePicker(),
                DashboardGrid.LabelValues("service", ServiceLabel, inNamespace.Select("slo:objective:ratio"), "Service"),
                DashboardGrid.LabelValues("slo", SloLabel, inNamespace.Select("slo:objective:ratio", $"{ServiceLabel}=\"$service\""), "SLO"),
            ]),
            Panels = grid.Panels,
        };
    }

    /// <summary>The error ratio over the SLO's period: its 30d series, or its 28d one.</summary>
    internal static string PeriodErrorRatio(PromScope scope) =>
        string.Join(" or ", Periods.Select(period => scope.Gauge("max", $"slo:sli_error:ratio_rate{period}", None)));

    /// <summary>How many SLOs' alerts of <paramref name="severity"/> fire; 0, not "no data", when none does.</summary>
    internal static string FiringCount(PromScope scope, string severity) =>
        $"count({scope.Gauge("max", "ALERTS", BySlo, "alertstate=\"firing\"", PromQl.Equal(SeverityLabel, severity))}) or vector(0)";

    /// <summary>1 per severity whose alert fires, 0 for page and ticket when they do not: both bands are always there.</summary>
    internal static string AlertState(PromScope scope) =>
        $"{scope.Gauge("max", "ALERTS", [SeverityLabel], "alertstate=\"firing\"", PromQl.Has(SeverityLabel))}"
        + string.Concat(new[] { "page", "ticket" }.Select(s => $" or label_replace(vector(0), {PromQl.String(SeverityLabel)}, {PromQl.String(s)}, \"\", \"\")"));

    private static Func<int, GridPosition, DashboardPanel> Decimals(Func<int, GridPosition, DashboardPanel> panel, int decimals) =>
        (id, position) =>
        {
            var p = panel(id, position);
            return p with { FieldConfig = p.FieldConfig with { Defaults = p.FieldConfig.Defaults with { Decimals = decimals } } };
        };

    private static Func<int, GridPosition, DashboardPanel> WithLinks(Func<int, GridPosition, DashboardPanel> panel, IReadOnlyList<DataLink> links) =>
        (id, position) =>
        {
            var p = panel(id, position);
            return p with { FieldConfig = p.FieldConfig with { Defaults = p.FieldConfig.Defaults with { Links = links } } };
        };

    /// <summary>A stat of several series, each shown with its name.</summary>
    private static Func<int, GridPosition, DashboardPanel> NamedValues(Func<int, GridPosition, DashboardPanel> panel) =>
        (id, position) => panel(id, position) with { Options = new StatOptions { TextMode = "value_and_name", GraphMode = "none" } };

    /// <summary>The factor series drawn as dashed lines, red for page and orange for ticket.</summary>
    private static Func<int, GridPosition, DashboardPanel> FactorLines(Func<int, GridPosition, DashboardPanel> panel) =>
        (id, position) =>
        {
            var p = panel(id, position);
            FieldOverride Dashed(string severity, string color) => new(
                new FieldMatcher("byRegexp", $"^{severity} factor .*"),
                [new FieldProperty("custom.lineStyle", new LineStyle("dash", [10, 10])), new FieldProperty("color", new FieldColor("fixed", color))]);
            return p with { FieldConfig = p.FieldConfig with { Overrides = [Dashed("page", "red"), Dashed("ticket", "orange")] } };
        };
}
