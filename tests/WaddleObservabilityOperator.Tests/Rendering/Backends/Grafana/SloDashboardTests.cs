using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends.Grafana;

/// <summary>
/// The SLO dashboard's queries give the figures a hand computation gives, evaluated by promtool's rule unit tests on
/// synthetic series of the names and labels the SLO rules record (issue 16's label contract), with Sloth's metadata
/// rules (research slo.md 1.3) deriving the burn rates and the remaining budget from the SLI series: a 30d SLO and a
/// 28d SLO in the policy's namespace, and the same SLO in another namespace burning far faster, which no query may read.
/// </summary>
public sealed class SloDashboardTests
{
    private const string Namespace = "bots";

    private static JsonObject Dashboard() =>
        JsonNode.Parse(SloDashboard.Render(WaddleBotDefaults.Apply(Sample.Policy("waddlebot", ns: Namespace))).ToJson())!.AsObject();

    /// <summary>The query <paramref name="refId"/> of the panel of <paramref name="type"/> titled <paramref name="title"/>.</summary>
    private static string Expr(JsonObject dashboard, string type, string title, string refId = "A")
    {
        var panel = Assert.Single(DashboardCases.Panels(dashboard), p => (string?)p["type"] == type && (string?)p["title"] == title);
        return (string)panel["targets"]!.AsArray().OfType<JsonObject>().Single(t => (string?)t["refId"] == refId)["expr"]!;
    }

    private static string Chosen(string expr, string service, string slo) =>
        DashboardCases.Substitute(expr, new Dictionary<string, string>(StringComparer.Ordinal) { ["service"] = service, ["slo"] = slo });

    /// <summary>An SLO's recorded SLI series (error ratio per window) and metadata, one value held for 10 minutes.</summary>
    private static IEnumerable<(string Series, double Value)> Slo(string ns, string service, string slo, int days, double objective, IReadOnlyDictionary<string, double> errorRatios)
    {
        var labels = $"sloth_id=\"{service}-{slo}\", sloth_service=\"{service}\", sloth_slo=\"{slo}\", waddlebot_service=\"{service}\", waddlebot_layer=\"core\", namespace=\"{ns}\"";
        foreach (var (window, ratio) in errorRatios)
        {
            yield return ($"slo:sli_error:ratio_rate{window}{{{labels}, sloth_window=\"{window}\"}}", ratio);
        }

        yield return ($"slo:objective:ratio{{{labels}}}", objective);
        yield return ($"slo:error_budget:ratio{{{labels}}}", Math.Round(1 - objective, 10));
        yield return ($"slo:time_period:days{{{labels}}}", days);
    }

    private static Dictionary<string, double> Ratios(string period, params double[] values)
    {
        string[] windows = [.. SloDashboard.AlertWindows, period];
        Assert.Equal(windows.Length, values.Length);
        return windows.Select((w, i) => (w, values[i])).ToDictionary(p => p.w, p => p.Item2, StringComparer.Ordinal);
    }

    private static IEnumerable<(string Series, double Value)> InputSeries()
    {
        // router/availability, 99.9 % over 30d: error ratios 0.02 (5m) ... 0.0004 over the period.
        foreach (var s in Slo(Namespace, "router", "availability", 30, 0.999, Ratios("30d", 0.02, 0.01, 0.016, 0.004, 0.003, 0.002, 0.0015, 0.0004)))
        {
            yield return s;
        }

        // ai/latency, 99 % over 28d: the period's SLI series is ratio_rate28d.
        foreach (var s in Slo(Namespace, "ai", "latency", 28, 0.99, Ratios("28d", 0.001, 0.002, 0.003, 0.004, 0.005, 0.006, 0.007, 0.0025)))
        {
            yield return s;
        }

        // The same SLO in another namespace, burning its whole budget many times over.
        foreach (var s in Slo("other", "router", "availability", 28, 0.5, Ratios("30d", 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9)))
        {
            yield return s;
        }

        const string router = "sloth_id=\"router-availability\", sloth_service=\"router\", sloth_slo=\"availability\", waddlebot_service=\"router\", waddlebot_layer=\"core\"";
        const string ai = "sloth_id=\"ai-latency\", sloth_service=\"ai\", sloth_slo=\"latency\", waddlebot_service=\"ai\", waddlebot_layer=\"core\"";
        yield return ($"ALERTS{{alertname=\"SLOErrorBudgetBurn\", alertstate=\"firing\", sloth_severity=\"page\", {router}, namespace=\"{Namespace}\"}}", 1);
        yield return ($"ALERTS{{alertname=\"SLOErrorBudgetBurn\", alertstate=\"pending\", sloth_severity=\"ticket\", {router}, namespace=\"{Namespace}\"}}", 1);
        yield return ($"ALERTS{{alertname=\"SLOErrorBudgetBurn\", alertstate=\"firing\", sloth_severity=\"ticket\", {ai}, namespace=\"{Namespace}\"}}", 1);
        yield return ($"ALERTS{{alertname=\"SLOErrorBudgetBurn\", alertstate=\"firing\", sloth_severity=\"ticket\", {router}, namespace=\"other\"}}", 1);
        // Another alert of the namespace, not an SLO's.
        yield return ($"ALERTS{{alertname=\"PostgresDown\", alertstate=\"firing\", severity=\"critical\", namespace=\"{Namespace}\"}}", 1);
    }

    /// <summary>Sloth's metadata rules as research slo.md 1.3 prints them, matched per namespace too.</summary>
    private const string SlothMetaRules = """
        groups:
          - name: sloth-slo-meta-recordings
            rules:
              - record: slo:current_burn_rate:ratio
                expr: slo:sli_error:ratio_rate5m / on(sloth_id, sloth_slo, sloth_service, namespace) group_left slo:error_budget:ratio
              - record: slo:period_burn_rate:ratio
                expr: slo:sli_error:ratio_rate30d / on(sloth_id, sloth_slo, sloth_service, namespace) group_left slo:error_budget:ratio
              - record: slo:period_burn_rate:ratio
                expr: slo:sli_error:ratio_rate28d / on(sloth_id, sloth_slo, sloth_service, namespace) group_left slo:error_budget:ratio
              - record: slo:period_error_budget_remaining:ratio
                expr: 1 - slo:period_burn_rate:ratio
        """;

    /// <summary>Each checked query with the hand-computed value of each of its series (by their labels).</summary>
    private static List<(string Where, string Expr, (string Labels, double Value)[] Expected)> Checks(JsonObject dashboard)
    {
        var checks = new List<(string, string, (string, double)[])>
        {
            // Every SLO: page alerts of router fire, ticket alerts of ai (router's ticket is only pending, and the other
            // namespace's does not count).
            ("page alerts firing", Expr(dashboard, "stat", "Page alerts firing"), [("{}", 1)]),
            ("ticket alerts firing", Expr(dashboard, "stat", "Ticket alerts firing"), [("{}", 1)]),
            // 1 - 0.0004 / 0.001 and 1 - 0.0025 / 0.01.
            ("every SLO's budget", Expr(dashboard, "stat", "Error budget remaining by SLO"),
                [("{sloth_service=\"ai\", sloth_slo=\"latency\"}", 0.75), ("{sloth_service=\"router\", sloth_slo=\"availability\"}", 0.6)]),
            ("every SLO's burn rate", Expr(dashboard, "timeseries", "Burn rate (5m), every SLO"),
                [("{sloth_service=\"ai\", sloth_slo=\"latency\"}", 0.1), ("{sloth_service=\"router\", sloth_slo=\"availability\"}", 20)]),
        };

        void Slo(string service, string slo, double objective, double sli5m, double sliPeriod, double remaining, double burn, double periodBurn, double[] windowBurns, double[] factors, (double Page, double Ticket) alerts)
        {
            string Of(string type, string title, string refId = "A") => Chosen(Expr(dashboard, type, title, refId), service, slo);
            var name = $"{service}/{slo}";
            checks.Add(($"{name} objective", Of("stat", "Objective"), [("{}", objective)]));
            checks.Add(($"{name} SLI (5m)", Of("stat", "SLI (5m)"), [("{}", sli5m)]));
            checks.Add(($"{name} SLI over the period", Of("stat", "SLI over the period"), [("{}", sliPeriod)]));
            checks.Add(($"{name} SLI (period) line", Of("timeseries", "SLI against the objective", "B"), [("{}", sliPeriod)]));
            checks.Add(($"{name} budget remaining", Of("stat", "Error budget remaining"), [("{}", remaining)]));
            checks.Add(($"{name} budget remaining line", Of("timeseries", "Error budget remaining"), [("{}", remaining)]));
            checks.Add(($"{name} burn rate", Of("stat", "Burn rate (5m)"), [("{}", burn)]));
            checks.Add(($"{name} period burn rate", Of("stat", "Period burn rate"), [("{}", periodBurn)]));
            var refIds = "ABCDEFGHIJK";
            for (var i = 0; i < windowBurns.Length; i++)
            {
                checks.Add(($"{name} burn rate {SloDashboard.AlertWindows[i]}", Of("timeseries", "Burn rate per alert window", refIds[i].ToString()), [("{}", windowBurns[i])]));
            }

            for (var i = 0; i < factors.Length; i++)
            {
                checks.Add(($"{name} {SloDashboard.Factors[i].Legend}", Of("timeseries", "Burn rate per alert window", refIds[windowBurns.Length + i].ToString()), [("{}", factors[i])]));
            }

            checks.Add(($"{name} alerts", Of("state-timeline", "Alerts"), [("{sloth_severity=\"page\"}", alerts.Page), ("{sloth_severity=\"ticket\"}", alerts.Ticket)]));
        }

        // router: burn rate = error ratio / 0.001; the 30d factors 14.4 / 6 / 3 / 1.
        Slo("router", "availability", 0.999, 0.98, 0.9996, 0.6, 20, 0.4, [20, 10, 16, 4, 3, 2, 1.5], [14.4, 6, 3, 1], (1, 0));
        // ai: burn rate = error ratio / 0.01; the 28d factors 13.44 / 5.6 / 2.8 / 0.9333.
        Slo("ai", "latency", 0.99, 0.999, 0.9975, 0.75, 0.1, 0.25, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7], [13.44, 5.6, 2.8, 28.0 / 30], (0, 1));
        return checks;
    }

    private static string UnitTests(IEnumerable<(string Where, string Expr, (string Labels, double Value)[] Expected)> checks)
    {
        var text = new StringBuilder();
        text.AppendLine("rule_files:\n  - sloth-meta.yml\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:");
        foreach (var (series, value) in InputSeries())
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"      - series: '{series}'\n        values: '{Number(value)}+0x10'");
        }

        text.AppendLine("    promql_expr_test:");
        foreach (var (where, expr, expected) in checks)
        {
            // One series: within 1e-9 of the hand computation, as float arithmetic leaves noise in the last digits
            // (0.2 × 28 is 5.6000000000000005). Several: their values exactly, which these inputs give without noise.
            var (test, samples) = expected.Length == 1
                ? ($"abs(({expr}) - {Number(expected[0].Value)}) < bool 1e-9", expected.Select(e => (e.Labels, 1.0)))
                : (expr, expected);
            text.AppendLine(CultureInfo.InvariantCulture, $"      # {where}\n      - expr: '{test.Replace("'", "''", StringComparison.Ordinal)}'\n        eval_time: 5m\n        exp_samples:");
            foreach (var (labels, value) in samples)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"          - labels: '{labels}'\n            value: {Number(value)}");
            }
        }

        return text.ToString();
    }

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static async Task<(int ExitCode, string Output, string Tests)> RunAsync(string tests)
    {
        var result = await PromtoolCheckTests.TestRulesAsync(new Dictionary<string, string>(StringComparer.Ordinal) { ["sloth-meta.yml"] = SlothMetaRules }, tests);
        return (result.ExitCode, result.Output, tests);
    }

    [Fact]
    public async Task Every_panel_gives_the_hand_computed_figures_on_recorded_slo_series()
    {
        var checks = Checks(Dashboard());
        // The overview's four, then 7 burn rates, 4 factors and 9 other panels' queries per chosen SLO.
        Assert.Equal(4 + (2 * 20), checks.Count);
        var (exitCode, output, tests) = await RunAsync(UnitTests(checks));
        Assert.True(exitCode == 0, $"promtool test rules exit code {exitCode}:\n{output}\ntests:\n{tests}");
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_figure_fails_the_promtool_check()
    {
        // Controls: the budget remaining off by a tenth, and a factor line at 30d's value for the 28d SLO, each fail.
        var checks = Checks(Dashboard());
        var budget = checks.FindIndex(c => c.Where == "router/availability budget remaining");
        checks[budget] = checks[budget] with { Expected = [("{}", 0.5)] };
        var factor = checks.FindIndex(c => c.Where == $"ai/latency {SloDashboard.Factors[0].Legend}");
        checks[factor] = checks[factor] with { Expected = [("{}", 14.4)] };
        var (exitCode, output, _) = await RunAsync(UnitTests([checks[budget], checks[factor]]));
        Assert.True(exitCode != 0, output);
        Assert.Contains("router/availability", UnitTests([checks[budget]]), StringComparison.Ordinal);
        Assert.Equal(2, CountOccurrences(output, "exp:"));
    }

    private static int CountOccurrences(string text, string value)
    {
        var count = 0;
        for (var index = text.IndexOf(value, StringComparison.Ordinal); index >= 0; index = text.IndexOf(value, index + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
