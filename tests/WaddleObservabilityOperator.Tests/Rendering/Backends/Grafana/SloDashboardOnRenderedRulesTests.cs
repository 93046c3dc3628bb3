using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Cli;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends.Grafana;

/// <summary>
/// The SLO dashboard and the SLO rules, each as <c>render</c> prints them for the samples, work together: promtool
/// evaluates the router's rules file (the one the managed Prometheus loads) on request counters and a duration
/// histogram that burn at known rates, and the dashboard's queries, as Grafana sends them for each of the router's
/// SLOs, give the hand-computed figures. This is where a label the rules do not write, or a vector match the recorded
/// series cannot satisfy, would show: <see cref="SloDashboardTests"/> feeds the dashboard recorded series written by
/// hand, and the rules' own tests never read the dashboard.
/// </summary>
public sealed class SloDashboardOnRenderedRulesTests
{
    // 2000 requests a minute for two hours: 1 fails (0.05 %, against the availability SLO's budget of 0.1 %) and 10 are
    // slower than 250 ms (0.5 %, against the latency SLO's budget of 1 %). Both burn at half the budget's rate, so half of
    // each budget remains, and no alert fires.
    private const string InputSeries = """
              - series: 'waddlebot_http_requests_total{namespace="waddlebot", waddlebot_service="router", status="200"}'
                values: '1999+1999x120'
              - series: 'waddlebot_http_requests_total{namespace="waddlebot", waddlebot_service="router", status="500"}'
                values: '1+1x120'
              - series: 'waddlebot_http_request_duration_seconds_count{namespace="waddlebot", waddlebot_service="router"}'
                values: '2000+2000x120'
              - series: 'waddlebot_http_request_duration_seconds_bucket{namespace="waddlebot", waddlebot_service="router", le="0.25"}'
                values: '1990+1990x120'
        """;

    private static readonly Lazy<(string Rules, JsonObject Dashboard)> Rendered = new(() =>
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.True(RenderCommand.Run(["-o", "json", RepositoryLayout.PathOf("config", "samples", "waddlebot")], stdout, stderr) == 0, stderr.ToString());
        var configMaps = JsonNode.Parse(stdout.ToString())!["items"]!.AsArray().OfType<JsonObject>().Where(i => (string?)i["kind"] == "ConfigMap").ToList();
        var rules = (string)configMaps.Single(c => c["data"]?["slos-router.yml"] is not null)["data"]!["slos-router.yml"]!;
        var dashboard = configMaps.Select(c => c["data"]!.AsObject()).SelectMany(d => d)
            .Single(kv => kv.Key.StartsWith("waddlebot-slos-", StringComparison.Ordinal)).Value!.GetValue<string>();
        return (rules, JsonNode.Parse(dashboard)!.AsObject());
    });

    private static string Expr(string type, string title, string refId = "A")
    {
        var panel = Assert.Single(DashboardCases.Panels(Rendered.Value.Dashboard), p => (string?)p["type"] == type && (string?)p["title"] == title);
        return (string)panel["targets"]!.AsArray().OfType<JsonObject>().Single(t => (string?)t["refId"] == refId)["expr"]!;
    }

    private static string For(string expr, string slo) =>
        DashboardCases.Substitute(expr, new Dictionary<string, string>(StringComparer.Ordinal) { ["service"] = "router", ["slo"] = slo });

    /// <summary>Each query, where it stands, and its figures by series labels, all rounded to 6 decimals.</summary>
    private static List<(string Where, string Expr, (string Labels, double Value)[] Expected)> Checks()
    {
        var checks = new List<(string, string, (string, double)[])>
        {
            ("every SLO's budget", Expr("stat", "Error budget remaining by SLO"),
                [("{sloth_service=\"router\", sloth_slo=\"availability\"}", 0.5), ("{sloth_service=\"router\", sloth_slo=\"latency\"}", 0.5)]),
            ("page alerts firing", Expr("stat", "Page alerts firing"), [("{}", 0)]),
            ("ticket alerts firing", Expr("stat", "Ticket alerts firing"), [("{}", 0)]),
        };
        foreach (var (slo, objective, sli) in new[] { ("availability", 0.999, 0.9995), ("latency", 0.99, 0.995) })
        {
            string Of(string type, string title, string refId = "A") => For(Expr(type, title, refId), slo);
            checks.Add(($"{slo} objective", Of("stat", "Objective"), [("{}", objective)]));
            checks.Add(($"{slo} SLI (5m)", Of("stat", "SLI (5m)"), [("{}", sli)]));
            checks.Add(($"{slo} SLI over the period", Of("stat", "SLI over the period"), [("{}", sli)]));
            checks.Add(($"{slo} budget remaining", Of("stat", "Error budget remaining"), [("{}", 0.5)]));
            checks.Add(($"{slo} burn rate", Of("stat", "Burn rate (5m)"), [("{}", 0.5)]));
            checks.Add(($"{slo} period burn rate", Of("stat", "Period burn rate"), [("{}", 0.5)]));
            for (var i = 0; i < SloDashboard.AlertWindows.Count; i++)
            {
                checks.Add(($"{slo} burn rate {SloDashboard.AlertWindows[i]}", Of("timeseries", "Burn rate per alert window", ((char)('A' + i)).ToString()), [("{}", 0.5)]));
            }

            double[] factors = [14.4, 6, 3, 1];
            for (var i = 0; i < factors.Length; i++)
            {
                checks.Add(($"{slo} {SloDashboard.Factors[i].Legend}", Of("timeseries", "Burn rate per alert window", ((char)('A' + SloDashboard.AlertWindows.Count + i)).ToString()), [("{}", factors[i])]));
            }

            checks.Add(($"{slo} alerts", Of("state-timeline", "Alerts"), [("{sloth_severity=\"page\"}", 0), ("{sloth_severity=\"ticket\"}", 0)]));
        }

        return checks;
    }

    private static string UnitTests(IEnumerable<(string Where, string Expr, (string Labels, double Value)[] Expected)> checks)
    {
        var text = new StringBuilder();
        text.AppendLine("rule_files: [slos-router.yml]\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:");
        text.AppendLine(InputSeries);
        text.AppendLine("    promql_expr_test:");
        foreach (var (where, expr, expected) in checks)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"      # {where}\n      - expr: 'round(({expr.Replace("'", "''", StringComparison.Ordinal)}), 0.000001)'\n        eval_time: 120m\n        exp_samples:");
            foreach (var (labels, value) in expected)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"          - labels: '{labels}'\n            value: {value.ToString("R", CultureInfo.InvariantCulture)}");
            }
        }

        return text.ToString();
    }

    private static async Task<(int ExitCode, string Output, string Tests)> RunAsync(string tests)
    {
        var result = await PromtoolCheckTests.TestRulesAsync(new Dictionary<string, string>(StringComparer.Ordinal) { ["slos-router.yml"] = Rendered.Value.Rules }, tests);
        return (result.ExitCode, result.Output, tests);
    }

    [Fact]
    public async Task The_dashboard_reads_the_figures_the_rendered_rules_record()
    {
        var checks = Checks();
        // Three of every SLO, and per router SLO 6 stats, 7 burn rates, 4 factor lines and the alerts.
        Assert.Equal(3 + (2 * 18), checks.Count);
        var (exitCode, output, tests) = await RunAsync(UnitTests(checks));
        Assert.True(exitCode == 0, $"promtool test rules exit code {exitCode}:\n{output}\ntests:\n{tests}");
        Assert.Contains("SUCCESS", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_figure_the_rules_do_not_give_fails()
    {
        // Control: the availability SLO's budget at 0.6 instead of 0.5.
        var checks = Checks();
        var budget = checks.FindIndex(c => c.Where == "availability budget remaining");
        checks[budget] = checks[budget] with { Expected = [("{}", 0.6)] };
        var (exitCode, output, _) = await RunAsync(UnitTests([checks[budget]]));
        Assert.True(exitCode != 0, output);
        Assert.Contains("exp:", output, StringComparison.Ordinal);
    }
}
