using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Slos;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Rendering.Slos;

/// <summary>
/// A WaddleService's SLOs render to one PrometheusRule of Sloth-compatible groups (a golden file per SLI kind), and
/// SLOsConfigured says what was written or why an SLO was left out.
/// </summary>
public sealed class SloRendererTests
{
    internal static string Golden(string fileName) => Path.Combine(RepositoryLayout.PathOf("tests", "WaddleObservabilityOperator.Tests", "Rendering", "Slos"), "Golden", fileName);

    public static TheoryData<string> Kinds => ["availability", "latency", "events"];

    /// <summary>The SLO of each golden file: one per SLI kind, with alerting labels from the policy and the SLO.</summary>
    internal static (WaddleService Service, ObservabilityPolicy Policy) GoldenInput(string kind)
    {
        var policy = SloTestData.Policy(slos: new SloPolicy
        {
            Alerting = new SloAlerting
            {
                Labels = new Dictionary<string, string> { ["team"] = "chat" },
                Annotations = new Dictionary<string, string> { ["runbook_url"] = "https://runbooks.example/slos" },
            },
            RuleLabels = new Dictionary<string, string> { ["release"] = "kube-prometheus-stack" },
        });
        var slo = kind switch
        {
            "availability" => SloTestData.Availability(alerting: new SloAlerting
            {
                Page = new SloAlert { Labels = new Dictionary<string, string> { ["severity"] = "critical" } },
                Ticket = new SloAlert { Labels = new Dictionary<string, string> { ["severity"] = "warning" } },
            }),
            "latency" => SloTestData.Latency(),
            _ => SloTestData.Events(
                "sum(rate(waddlebot_jobs_failed_total{namespace=\"waddlebot\"}[{{.window}}]))",
                "sum(rate(waddlebot_jobs_total{namespace=\"waddlebot\"}[{{ .window }}]))"),
        };
        slo.Description = $"The router's {kind} SLO.";
        return (SloTestData.Service(slo), policy);
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void PrometheusRule_matches_the_golden_file(string kind)
    {
        var (service, policy) = GoldenInput(kind);
        var render = SloRenderer.Render(SloTestData.Resolved(service, policy), prometheusRuleApi: true);
        Assert.NotNull(render.PrometheusRule);
        Assert.True(render.Outcome!.Status, render.Outcome.Message);
        GoldenFile.AssertMatches(Golden($"prometheusrule-{kind}.yaml"), SloTestData.Yaml(render.PrometheusRule));
    }

    [Fact]
    public void Every_rule_carries_the_label_contract()
    {
        var (service, policy) = GoldenInput("availability");
        var rule = SloRenderer.Render(SloTestData.Resolved(service, policy), prometheusRuleApi: true).PrometheusRule!;
        Assert.Equal(["sloth-slo-sli-recordings-router-availability", "sloth-slo-meta-recordings-router-availability", "sloth-slo-alerts-router-availability"],
            rule.Spec.Groups.Select(g => g.Name));
        var expected = new Dictionary<string, string>
        {
            ["sloth_id"] = "router-availability",
            ["sloth_service"] = "router",
            ["sloth_slo"] = "availability",
            ["waddlebot_service"] = "router",
            ["waddlebot_layer"] = "processing",
            ["namespace"] = "waddlebot",
        };
        foreach (var entry in rule.Spec.Groups.SelectMany(g => g.Rules))
        {
            foreach (var (key, value) in expected)
            {
                Assert.Equal(value, entry.Labels![key]);
            }
        }

        var sli = rule.Spec.Groups[0].Rules;
        Assert.Equal(["5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d"], sli.Select(r => r.Labels!["sloth_window"]));
        Assert.All(sli, r => Assert.Equal("slo:sli_error:ratio_rate" + r.Labels!["sloth_window"], r.Record));
        Assert.Equal(
            ["slo:objective:ratio", "slo:error_budget:ratio", "slo:time_period:days", "slo:current_burn_rate:ratio", "slo:period_burn_rate:ratio", "slo:period_error_budget_remaining:ratio"],
            rule.Spec.Groups[1].Rules.Select(r => r.Record));
        var alerts = rule.Spec.Groups[2].Rules;
        Assert.Equal(["page", "ticket"], alerts.Select(a => a.Labels!["sloth_severity"]));
        Assert.Equal(["critical", "warning"], alerts.Select(a => a.Labels!["severity"]));
        Assert.All(alerts, a => Assert.Equal("chat", a.Labels!["team"]));
        Assert.All(alerts, a => Assert.Null(a.For));
        Assert.All(alerts, a => Assert.Equal("https://runbooks.example/slos", a.Annotations!["runbook_url"]));
        Assert.Contains("(14.4 * 0.001)", alerts[0].Expr, StringComparison.Ordinal);
        Assert.Contains("(6 * 0.001)", alerts[0].Expr, StringComparison.Ordinal);
        Assert.Contains("(3 * 0.001)", alerts[1].Expr, StringComparison.Ordinal);
        Assert.Contains("(1 * 0.001)", alerts[1].Expr, StringComparison.Ordinal);
        Assert.Equal("kube-prometheus-stack", rule.Metadata.Labels["release"]);
        Assert.Equal("router", Assert.Single(rule.Metadata.OwnerReferences).Name);
    }

    [Fact]
    public void A_disabled_alert_is_left_out_and_the_policy_can_disable_it_for_every_slo()
    {
        var slo = SloTestData.Availability(alerting: new SloAlerting { Ticket = new SloAlert { Disable = true } });
        var rule = SloRenderer.Render(SloTestData.Resolved(SloTestData.Service(slo)), true).PrometheusRule!;
        Assert.Equal(["page"], rule.Spec.Groups[2].Rules.Select(r => r.Labels!["sloth_severity"]));

        var policy = SloTestData.Policy(slos: new SloPolicy { Alerting = new SloAlerting { Page = new SloAlert { Disable = true }, Ticket = new SloAlert { Disable = true } } });
        var none = SloRenderer.Render(SloTestData.Resolved(SloTestData.Service(SloTestData.Availability()), policy), true).PrometheusRule!;
        Assert.Equal(2, none.Spec.Groups.Count);
        Assert.DoesNotContain(none.Spec.Groups, g => g.Name.StartsWith("sloth-slo-alerts-", StringComparison.Ordinal));
    }

    [Fact]
    public void The_28d_window_comes_from_the_policy_unless_the_slo_sets_one()
    {
        var policy = SloTestData.Policy(slos: new SloPolicy { Window = SloWindow.Days28 });
        var rule = SloRenderer.Render(SloTestData.Resolved(SloTestData.Service(SloTestData.Availability()), policy), true).PrometheusRule!;
        Assert.Equal("slo:sli_error:ratio_rate28d", rule.Spec.Groups[0].Rules[^1].Record);
        Assert.Equal("vector(28)", rule.Spec.Groups[1].Rules.Single(r => r.Record == "slo:time_period:days").Expr);
        Assert.Contains("(13.44 * 0.001)", rule.Spec.Groups[2].Rules[0].Expr, StringComparison.Ordinal);
        Assert.Contains("(0.9333333333 * 0.001)", rule.Spec.Groups[2].Rules[1].Expr, StringComparison.Ordinal);

        var own = SloTestData.Availability();
        own.Window = SloWindow.Days30;
        var kept = SloRenderer.Render(SloTestData.Resolved(SloTestData.Service(own), policy), true).PrometheusRule!;
        Assert.Equal("slo:sli_error:ratio_rate30d", kept.Spec.Groups[0].Rules[^1].Record);
    }

    [Fact]
    public void A_latency_threshold_is_matched_against_the_buckets_exactly_and_written_as_prometheus_writes_le()
    {
        var second = SloRenderer.Render(SloTestData.Resolved(SloTestData.Service(SloTestData.Latency("1s"))), true).PrometheusRule!;
        Assert.Contains("le=\"1.0\"", second.Spec.Groups[0].Rules[0].Expr, StringComparison.Ordinal);
        var custom = SloTestData.Policy(slos: new SloPolicy { LatencyBuckets = [0.3, 0.6] });
        var rule = SloRenderer.Render(SloTestData.Resolved(SloTestData.Service(SloTestData.Latency("300ms")), custom), true).PrometheusRule!;
        Assert.Contains("waddlebot_http_request_duration_seconds_bucket{namespace=\"waddlebot\", waddlebot_service=\"router\", le=\"0.3\"}[5m]", rule.Spec.Groups[0].Rules[0].Expr, StringComparison.Ordinal);
    }

    public static TheoryData<string, string, string> BadSlos => new()
    {
        { "no-window-error", Reasons.InvalidSlo, "errorQuery has no {{.window}} placeholder" },
        { "no-window-total", Reasons.InvalidSlo, "totalQuery has no {{.window}} placeholder" },
        { "same-queries", Reasons.InvalidSlo, "errorQuery and totalQuery are the same query" },
        { "duplicate", Reasons.InvalidSlo, "is declared more than once" },
        { "not-a-bucket", Reasons.LatencyThresholdNotABucket, "300ms (0.3s) is not a bucket boundary of waddlebot_http_request_duration_seconds" },
        { "two-kinds", Reasons.InvalidSlo, "sets more than one of availability, latency and events" },
        { "objective", Reasons.InvalidSlo, "objective 100 is not a percentage strictly between 0 and 100" },
        { "label-name", Reasons.InvalidSlo, "\"team-name\" is not a Prometheus label name" },
    };

    [Theory]
    [MemberData(nameof(BadSlos))]
    public void A_bad_slo_is_left_out_with_its_reason_and_the_good_ones_are_written(string which, string reason, string message)
    {
        var good = SloTestData.Availability("good");
        var bad = which switch
        {
            "no-window-error" => SloTestData.Events("sum(rate(x_failed_total[5m]))", "sum(rate(x_total[{{.window}}]))"),
            "no-window-total" => SloTestData.Events("sum(rate(x_failed_total[{{.window}}]))", "sum(rate(x_total[5m]))"),
            "same-queries" => SloTestData.Events("sum(rate(x_total[{{.window}}]))", " sum(rate(x_total[{{.window}}]))"),
            "duplicate" => SloTestData.Availability("good", 99),
            "not-a-bucket" => SloTestData.Latency("300ms"),
            "two-kinds" => new ServiceLevelObjective { Name = "both", Objective = 99, Sli = new SloIndicator { Availability = new SloAvailability(), Latency = new SloLatency { Threshold = "250ms" } } },
            "objective" => SloTestData.Availability("full", 100),
            _ => SloTestData.Availability("labels", 99, new SloAlerting { Labels = new Dictionary<string, string> { ["team-name"] = "chat" } }),
        };
        var render = SloRenderer.Render(SloTestData.Resolved(SloTestData.Service(good, bad)), true);
        Assert.False(render.Outcome!.Status);
        Assert.Equal(reason, render.Outcome.Reason);
        Assert.Contains(message, render.Outcome.Message, StringComparison.Ordinal);
        Assert.Equal(["good"], render.Names);
        Assert.Equal(3, render.PrometheusRule!.Spec.Groups.Count);
    }

    [Fact]
    public void Without_the_PrometheusRule_api_and_a_managed_prometheus_nothing_would_load_the_rules()
    {
        var render = SloRenderer.Render(SloTestData.Resolved(SloTestData.Service(SloTestData.Availability())), prometheusRuleApi: false);
        Assert.Null(render.PrometheusRule);
        Assert.False(render.Outcome!.Status);
        Assert.Equal(Reasons.NoRuleDestination, render.Outcome.Reason);
        Assert.Empty(render.Names);

        var managed = SloRenderer.Render(SloTestData.Resolved(SloTestData.Service(SloTestData.Availability()), SloTestData.Policy(managedPrometheus: true)), prometheusRuleApi: false);
        Assert.Null(managed.PrometheusRule);
        Assert.True(managed.Outcome!.Status, managed.Outcome.Message);
        Assert.Contains("the managed Prometheus of ObservabilityPolicy \"waddlebot\"", managed.Outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_service_without_slos_has_no_condition_no_rule_and_no_names()
    {
        var render = SloRenderer.Render(SloTestData.Resolved(SloTestData.Service()), true);
        Assert.Null(render.PrometheusRule);
        Assert.Null(render.Outcome);
        Assert.Empty(render.Names);
    }

    [Fact]
    public void A_bad_slo_fails_only_SLOsConfigured_the_injection_and_the_ServiceMonitor_go_on()
    {
        var service = Sample.Service("router", ServiceLayer.Processing, s => s.Slos = [SloTestData.Latency("300ms")]);
        var input = Sample.Input([Sample.Policy("waddlebot")], [service], [Sample.Deployment("router", new k8s.Models.V1Container { Name = "app" })],
            [Sample.KubeService("router")], serviceMonitorApi: true, prometheusRuleApi: true);
        var render = ServiceRenderer.Render(input, Sample.Namespace, "router");
        var conditions = render.Outcome.Conditions.ToDictionary(c => c.Type);
        Assert.True(conditions[ConditionTypes.WorkloadInjected].Status);
        Assert.True(conditions[ConditionTypes.MonitoringConfigured].Status);
        Assert.False(conditions[ConditionTypes.SlosConfigured].Status);
        Assert.Equal(Reasons.LatencyThresholdNotABucket, conditions[ConditionTypes.Ready].Reason);
        Assert.NotNull(render.ServiceMonitor);
        Assert.DoesNotContain(render.Children, c => c.Object is WaddleObservabilityOperator.Rendering.Models.PrometheusRule);
        Assert.Null(render.Outcome.Effective!.Slos);

        var fixedService = Sample.Service("router", ServiceLayer.Processing, s => s.Slos = [SloTestData.Latency("250ms")]);
        var fixedRender = ServiceRenderer.Render(input with { Services = [fixedService] }, Sample.Namespace, "router");
        Assert.Equal(["latency"], fixedRender.Outcome.Effective!.Slos);
        Assert.Single(fixedRender.Children, c => c.Object is WaddleObservabilityOperator.Rendering.Models.PrometheusRule);
        Assert.DoesNotContain(ServiceRenderer.Render(input with { Services = [Sample.Service("router")] }, Sample.Namespace, "router").Outcome.Conditions,
            c => c.Type == ConditionTypes.SlosConfigured);
    }
}
