using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Cli;
using WaddleObservabilityOperator.Rendering.Models;
using WaddleObservabilityOperator.Rendering.Slos;
using WaddleObservabilityOperator.Tests.Api;
using WaddleObservabilityOperator.Tests.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Upstream;

namespace WaddleObservabilityOperator.Tests.Rendering.Slos;

/// <summary>
/// The SLO rules as Prometheus and prometheus-operator take them: every rendered rules file and PrometheusRule passes
/// <c>promtool check rules</c> and prometheus-operator's generated validators, and the alerts behave as the workbook
/// says on series that burn the budget at chosen rates (<c>promtool test rules</c>).
/// </summary>
public sealed class SloPromtoolTests
{
    [Theory]
    [MemberData(nameof(SloRendererTests.Kinds), MemberType = typeof(SloRendererTests))]
    public async Task The_PrometheusRule_of_each_sli_kind_passes_promtool_and_prometheus_operators_schema(string kind)
    {
        var (service, policy) = SloRendererTests.GoldenInput(kind);
        var rule = SloRenderer.Render(SloTestData.Resolved(service, policy), prometheusRuleApi: true).PrometheusRule!;
        var check = await CheckRulesAsync(SloRulesFiles.Render([.. rule.Spec.Groups]));
        Assert.True(check.ExitCode == 0, check.Output);
        Assert.Contains("SUCCESS: 16 rules found", check.Output, StringComparison.Ordinal);

        var verdict = Assert.Single(await PrometheusOperatorSchemas.ValidateAsync([SloTestData.Json(rule)]));
        Assert.True(verdict.Errors.Count == 0, verdict.ToString());
    }

    [Fact]
    public async Task Prometheus_operators_schema_rejects_a_broken_PrometheusRule()
    {
        // Control: the validator really reads the groups (a rule without expr, a group without a name).
        var (service, policy) = SloRendererTests.GoldenInput("availability");
        var json = SloTestData.Json(SloRenderer.Render(SloTestData.Resolved(service, policy), true).PrometheusRule!);
        var group = json["spec"]!["groups"]![0]!.AsObject();
        group.Remove("name");
        group["rules"]![0]!.AsObject().Remove("expr");
        var verdict = Assert.Single(await PrometheusOperatorSchemas.ValidateAsync([json]));
        Assert.NotEmpty(verdict.Errors);
    }

    [Fact]
    public async Task Promtool_rejects_a_rules_file_with_a_broken_expression()
    {
        // Control: promtool parses the expressions, so the passes above are the rules' own.
        var (service, policy) = SloRendererTests.GoldenInput("events");
        var rule = SloRenderer.Render(SloTestData.Resolved(service, policy), true).PrometheusRule!;
        rule.Spec.Groups[0].Rules[0].Expr = rule.Spec.Groups[0].Rules[0].Expr.Replace("[5m]", "[5m", StringComparison.Ordinal);
        var check = await CheckRulesAsync(SloRulesFiles.Render([.. rule.Spec.Groups]));
        Assert.True(check.ExitCode != 0, check.Output);
    }

    [Fact]
    public async Task The_samples_rules_pass_promtool_in_the_managed_prometheus_and_as_PrometheusRules()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.True(RenderCommand.Run(["-o", "json", Path.Combine(RepositoryLayout.Root, "config", "samples", "waddlebot")], stdout, stderr) == 0, stderr.ToString());
        var items = JsonNode.Parse(stdout.ToString())!["items"]!.AsArray().Select(i => i!.AsObject()).ToList();

        var rules = items.Where(i => (string?)i["kind"] == PrometheusRule.KindName).ToList();
        Assert.Equal(["ai-slos", "router-slos"], rules.Select(r => (string)r["metadata"]!["name"]!).Order(StringComparer.Ordinal));
        var verdicts = await PrometheusOperatorSchemas.ValidateAsync(rules);
        Assert.All(verdicts, v => Assert.True(v.Errors.Count == 0, v.ToString()));

        var data = items.Single(i => (string?)i["kind"] == "ConfigMap" && i["data"]?["prometheus.yml"] is not null)["data"]!;
        var files = new[] { "slos-ai.yml", "slos-router.yml" };
        Assert.Equal(files.Prepend("alerts.yml"), YamlTree.Load((string)data["prometheus.yml"]!).Items("rule_files").Select(f => f.Text()));
        foreach (var file in files)
        {
            var check = await CheckRulesAsync((string)data[file]!);
            Assert.True(check.ExitCode == 0, check.Output);
            // Two SLOs: 8 SLI and 6 meta recordings and 2 alerts each.
            Assert.Contains("SUCCESS: 32 rules found", check.Output, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// A 99.9 % availability SLO over 30 days (budget 0.001) against request counters that burn at chosen rates, evaluated
    /// every minute as rendered. Page: both 5m and 1h above 14.4 × budget (or 30m and 6h above 6 ×); ticket: 2h and 1d
    /// above 3 × (or 6h and 3d above 1 ×). The series are healthy for 7 hours first, so every window up to 6h holds
    /// history, as in a running system.
    /// </summary>
    [Fact]
    public async Task The_alerts_fire_and_resolve_at_the_rates_and_minutes_the_workbook_gives()
    {
        var directory = Directory.CreateTempSubdirectory("waddle-slo-rules-").FullName;
        try
        {
            var service = SloTestData.Service(SloTestData.Availability());
            var slos = SloResolver.Resolve(SloTestData.Resolved(service)).Slos;
            await File.WriteAllTextAsync(Path.Combine(directory, "slos.yml"), SloRulesFiles.Render(SloRuleGroups.Of(slos)));
            var tests = Path.Combine(directory, "slos-test.yml");
            await File.WriteAllTextAsync(tests, BurnScenarios);
            var result = await PromtoolCheckTests.RunPromtoolAsync(["test", "rules", tests]);
            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains("SUCCESS", result.Output, StringComparison.Ordinal);

            // Controls: the page is not there a minute before the quick pair crosses 14.4 × budget, and the remaining
            // budget is not 0.6; so the SUCCESS above is the rules' own.
            await File.WriteAllTextAsync(tests, BurnScenarios.Replace("eval_time: 430m # page fires", "eval_time: 428m # page fires", StringComparison.Ordinal));
            Assert.NotEqual(0, (await PromtoolCheckTests.RunPromtoolAsync(["test", "rules", tests])).ExitCode);
            await File.WriteAllTextAsync(tests, BurnScenarios.Replace("value: 0.5 # remaining", "value: 0.6 # remaining", StringComparison.Ordinal));
            Assert.NotEqual(0, (await PromtoolCheckTests.RunPromtoolAsync(["test", "rules", tests])).ExitCode);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private const string Labels = "namespace=\"waddlebot\", sloth_id=\"router-availability\", sloth_service=\"router\", sloth_slo=\"availability\", waddlebot_layer=\"processing\", waddlebot_service=\"router\"";

    private static string Alert(string severity) => $"""
                  - exp_labels:
                      namespace: waddlebot
                      sloth_id: router-availability
                      sloth_service: router
                      sloth_slo: availability
                      waddlebot_layer: processing
                      waddlebot_service: router
                      sloth_severity: {severity}
                    exp_annotations:
                      title: "({severity}) router availability SLO error budget burn rate is too fast."
                      summary: "router availability SLO error budget burn rate is over expected."
        """;

    // Requests per minute: 100 with 10 errors (10 %) burn at 100x the budget rate; 200 with 1 error (0.5 %) at 5x; 2000 with 1
    // (0.05 %) at 0.5x. Error counters start above zero as real ones do. In promtool 2.42 a range [T-w, T] holds the samples of
    // both ends, so a 1h rate at minute T covers the 60 intervals before T.
    private static readonly string BurnScenarios = $$"""
        rule_files: [slos.yml]
        evaluation_interval: 1m
        tests:
          # No error at all: no alert, and the whole budget remains.
          - interval: 1m
            input_series:
              - series: 'waddlebot_http_requests_total{namespace="waddlebot", waddlebot_service="router", status="200"}'
                values: '100+100x240'
              - series: 'waddlebot_http_requests_total{namespace="waddlebot", waddlebot_service="router", status="500"}'
                values: '5+0x240'
            alert_rule_test:
              - eval_time: 240m
                alertname: RouterAvailabilityErrorBudgetBurn
                exp_alerts: []
            promql_expr_test:
              - expr: slo:period_error_budget_remaining:ratio
                eval_time: 240m
                exp_samples:
                  - labels: 'slo:period_error_budget_remaining:ratio{{{Labels}}, sloth_window="30d"}'
                    value: 1
          # A fast burn: 10 % errors from minute 420 after 7 healthy hours. After e minutes the 1h window holds 10e errors in
          # 6000 requests, above 14.4 x 0.001 from e = 9: the page fires at minute 429, not at 428. The ticket comes first,
          # from its slow pair: 6h holds 10e in 36000 (above 0.001 from e = 4), 3d the whole history, 10e in 100(420 + e)
          # (from e = 5); before that, at minute 423, nothing fires.
          - interval: 1m
            input_series:
              - series: 'waddlebot_http_requests_total{namespace="waddlebot", waddlebot_service="router", status="200"}'
                values: '100+100x420 42190+90x60'
              - series: 'waddlebot_http_requests_total{namespace="waddlebot", waddlebot_service="router", status="500"}'
                values: '5+0x420 15+10x60'
            alert_rule_test:
              - eval_time: 423m
                alertname: RouterAvailabilityErrorBudgetBurn
                exp_alerts: []
              - eval_time: 427m
                alertname: RouterAvailabilityErrorBudgetBurn
                exp_alerts:
        {{Alert("ticket")}}
              - eval_time: 430m # page fires
                alertname: RouterAvailabilityErrorBudgetBurn
                exp_alerts:
        {{Alert("page")}}
        {{Alert("ticket")}}
          # A slow burn, 0.5 % errors (5x the budget rate): it tickets (2h and 1d above 3x) and never pages (below 6x).
          - interval: 1m
            input_series:
              - series: 'waddlebot_http_requests_total{namespace="waddlebot", waddlebot_service="router", status="200"}'
                values: '199+199x420'
              - series: 'waddlebot_http_requests_total{namespace="waddlebot", waddlebot_service="router", status="500"}'
                values: '1+1x420'
            alert_rule_test:
              - eval_time: 420m
                alertname: RouterAvailabilityErrorBudgetBurn
                exp_alerts:
        {{Alert("ticket")}}
          # Recovery: 20 minutes of 10 % errors after 7 healthy hours, then none. The page resolves once the 5m window is clean
          # (the slow pair's 6h window then holds 200 errors in 36000 requests, 0.0056 < 6 x 0.001); the ticket stays while
          # its windows still burn.
          - interval: 1m
            input_series:
              - series: 'waddlebot_http_requests_total{namespace="waddlebot", waddlebot_service="router", status="200"}'
                values: '100+100x420 42190+90x19 44000+100x40'
              - series: 'waddlebot_http_requests_total{namespace="waddlebot", waddlebot_service="router", status="500"}'
                values: '5+0x420 15+10x19 205+0x40'
            alert_rule_test:
              - eval_time: 441m
                alertname: RouterAvailabilityErrorBudgetBurn
                exp_alerts:
        {{Alert("page")}}
        {{Alert("ticket")}}
              - eval_time: 450m
                alertname: RouterAvailabilityErrorBudgetBurn
                exp_alerts:
        {{Alert("ticket")}}
          # The remaining budget by hand: 0.05 % errors throughout, so every 5m ratio is 1/2000 = 0.0005, the period ratio
          # (their mean) 0.0005, the period burn rate 0.0005 / 0.001 = 0.5, and 1 - 0.5 = 0.5 of the budget remains.
          - interval: 1m
            input_series:
              - series: 'waddlebot_http_requests_total{namespace="waddlebot", waddlebot_service="router", status="200"}'
                values: '1999+1999x120'
              - series: 'waddlebot_http_requests_total{namespace="waddlebot", waddlebot_service="router", status="500"}'
                values: '1+1x120'
            promql_expr_test:
              - expr: round(slo:period_error_budget_remaining:ratio, 0.000001)
                eval_time: 120m
                exp_samples:
                  - labels: '{{{Labels}}, sloth_window="30d"}'
                    value: 0.5 # remaining
              - expr: round(slo:current_burn_rate:ratio, 0.000001)
                eval_time: 120m
                exp_samples:
                  - labels: '{{{Labels}}, sloth_window="5m"}'
                    value: 0.5

        """;

    private static async Task<(int ExitCode, string Output)> CheckRulesAsync(string rulesFile)
    {
        var directory = Directory.CreateTempSubdirectory("waddle-slo-check-").FullName;
        try
        {
            var file = Path.Combine(directory, "rules.yml");
            await File.WriteAllTextAsync(file, rulesFile);
            var result = await PromtoolCheckTests.RunPromtoolAsync(["check", "rules", file]);
            return (result.ExitCode, result.Output + "\nchecked file:\n" + rulesFile);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
