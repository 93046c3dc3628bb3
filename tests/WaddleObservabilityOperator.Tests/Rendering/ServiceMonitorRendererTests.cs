using k8s;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Tests.Rendering;

public sealed class ServiceMonitorRendererTests
{
    private static ObservabilityPolicy Policy(Action<MetricsPolicy>? configure = null) => Sample.Policy("default", p =>
    {
        p.Metrics = new MetricsPolicy
        {
            SampleLimit = 5000,
            ServiceMonitor = new ServiceMonitorPolicy { Labels = new Dictionary<string, string> { ["release"] = "prometheus", [WellKnown.ManagedByLabel] = "someone-else" } },
        };
        configure?.Invoke(p.Metrics);
    });

    private static ResolvedService Ai(ObservabilityPolicy? policy = null, Action<WaddleServiceSpec>? configure = null) =>
        Sample.Resolve(Sample.Service("ai", ServiceLayer.Action, s =>
        {
            s.ServiceName = "waddlebot-ai";
            configure?.Invoke(s);
        }), policy ?? Policy());

    [Fact]
    public void Renders_the_service_monitor_shape()
    {
        var result = ServiceMonitorRenderer.Render(Ai(), true, [Sample.KubeService("ai", labels: new Dictionary<string, string> { [WellKnown.NameLabel] = "waddlebot-ai" })]);

        Assert.True(result.Outcome.Status, result.Outcome.Message);
        var monitor = result.ServiceMonitor!;
        Assert.Equal(("monitoring.coreos.com/v1", "ServiceMonitor", "ai", "waddlebot"), (monitor.ApiVersion, monitor.Kind, monitor.Metadata.Name, monitor.Metadata.NamespaceProperty));
        Assert.Equal(new Dictionary<string, string>
        {
            [WellKnown.ManagedByLabel] = WellKnown.ManagedByValue,
            [WellKnown.PolicyLabel] = "default",
            [WellKnown.ServiceLabel] = "ai",
            ["release"] = "prometheus",
        }, monitor.Metadata.Labels);
        var owner = Assert.Single(monitor.Metadata.OwnerReferences);
        Assert.Equal((ApiGroup.ApiVersion, "WaddleService", "ai", "uid-wsvc-ai", true, true), (owner.ApiVersion, owner.Kind, owner.Name, owner.Uid, owner.Controller, owner.BlockOwnerDeletion));
        Assert.Equal(new Dictionary<string, string> { [WellKnown.NameLabel] = "waddlebot-ai" }, monitor.Spec.Selector.MatchLabels);
        Assert.Equal(["waddlebot"], monitor.Spec.NamespaceSelector!.MatchNames);
        Assert.Equal(5000, monitor.Spec.SampleLimit);
        var endpoint = Assert.Single(monitor.Spec.Endpoints);
        Assert.Equal(("http-metrics", "/metrics", "15s", "10s"), (endpoint.Port, endpoint.Path, endpoint.Interval, endpoint.ScrapeTimeout));
        Assert.Equal(["waddlebot_service=waddlebot-ai", "waddlebot_layer=action"], endpoint.Relabelings!.Select(r => $"{r.TargetLabel}={r.Replacement}"));
    }

    [Theory]
    [InlineData("rüter \"✓\"", null, "the default Service selector app.kubernetes.io/name=<serviceName>")]
    [InlineData("a-service-name-longer-than-the-sixty-three-characters-a-label-value-may-have", null, "the default Service selector")]
    [InlineData("ai", "bad key!", "spec.metrics.selector: matchLabels[bad key!]")]
    public void A_selector_no_Service_can_match_is_reported_and_renders_no_service_monitor(string serviceName, string? selectorKey, string expected)
    {
        var service = Ai(configure: s =>
        {
            s.ServiceName = serviceName;
            if (selectorKey is not null)
            {
                s.Metrics = new ServiceMetrics { Selector = new Dictionary<string, string> { [selectorKey] = "ai" } };
            }
        });

        var result = ServiceMonitorRenderer.Render(service, true, []);

        Assert.Null(result.ServiceMonitor);
        Assert.False(result.Outcome.Status);
        Assert.Equal(Reasons.InvalidSelector, result.Outcome.Reason);
        Assert.StartsWith(expected, result.Outcome.Message, StringComparison.Ordinal);
    }

    /// <summary>A service whose ServiceMonitor has every option the renderer writes (relabelings, namespace selector, sample limit, labels).</summary>
    internal static ResolvedService EveryOption() => Ai();

    /// <summary>A service whose metrics port and path hold characters that break naive YAML or regex generation.</summary>
    internal static ResolvedService Hostile()
    {
        var policy = Backends.HostileInput.Policy();
        return Backends.BackendTestData.Service(policy, "hostile", port: Backends.HostileInput.Port, path: Backends.HostileInput.Path);
    }

    public static TheoryData<string, string, string, string?, bool, bool, string> Cases => new()
    {
        // case, interval, timeout, mode, metrics on, api present, expected reason
        { "timeout above interval", "10s", "15s", null, true, true, Reasons.ScrapeTimeoutExceedsInterval },
        { "timeout equal to interval is fine", "10s", "10s", null, true, true, Reasons.ServiceMonitorRendered },
        { "compound durations compare by value", "1m", "59s", null, true, true, Reasons.ServiceMonitorRendered },
        { "compound timeout above", "1m", "1m1s", null, true, true, Reasons.ScrapeTimeoutExceedsInterval },
        { "malformed duration", "15 seconds", "10s", null, true, true, Reasons.InvalidDuration },
        { "metrics off", "15s", "10s", null, false, true, Reasons.MetricsDisabled },
        { "mode disabled", "15s", "10s", "disabled", true, true, Reasons.ServiceMonitorDisabled },
        { "auto without the api", "15s", "10s", "auto", true, false, Reasons.ServiceMonitorApiAbsent },
        { "enabled without the api", "15s", "10s", "enabled", true, false, Reasons.ServiceMonitorApiMissing },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Outcomes_follow_the_settings(string name, string interval, string timeout, string? mode, bool metrics, bool api, string reason)
    {
        var policy = Policy(m =>
        {
            m.ScrapeInterval = interval;
            m.ScrapeTimeout = timeout;
            m.Enabled = metrics;
            m.ServiceMonitor!.Mode = mode switch { "disabled" => ServiceMonitorMode.Disabled, "enabled" => ServiceMonitorMode.Enabled, _ => ServiceMonitorMode.Auto };
        });

        var result = ServiceMonitorRenderer.Render(Ai(policy), api, null);

        Assert.True(reason == result.Outcome.Reason, $"{name}: {result.Outcome.Reason}: {result.Outcome.Message}");
        Assert.Equal(reason == Reasons.ServiceMonitorRendered, result.ServiceMonitor is not null);
        Assert.Equal(reason is not (Reasons.ScrapeTimeoutExceedsInterval or Reasons.InvalidDuration or Reasons.ServiceMonitorApiMissing), result.Outcome.Status);
    }

    [Fact]
    public void Services_are_checked_for_the_selector_and_the_port_when_known()
    {
        var service = Ai(configure: s => s.Metrics = new ServiceMetrics { Selector = new Dictionary<string, string> { ["app"] = "ai" }, Port = "metrics" });

        var none = ServiceMonitorRenderer.Render(service, true, [Sample.KubeService("router")]);
        var noPort = ServiceMonitorRenderer.Render(service, true, [Sample.KubeService("ai", "http", new Dictionary<string, string> { ["app"] = "ai" })]);
        var good = ServiceMonitorRenderer.Render(service, true, [Sample.KubeService("ai", "metrics", new Dictionary<string, string> { ["app"] = "ai" })]);

        Assert.Equal(Reasons.ServiceNotFound, none.Outcome.Reason);
        Assert.Contains("app=ai", none.Outcome.Message, StringComparison.Ordinal);
        Assert.Equal(Reasons.MetricsPortNotFound, noPort.Outcome.Reason);
        Assert.Contains("\"metrics\"", noPort.Outcome.Message, StringComparison.Ordinal);
        Assert.True(good.Outcome.Status);
        Assert.All([none, noPort, good], r => Assert.NotNull(r.ServiceMonitor));
    }

    [Fact]
    public void The_service_interval_overrides_the_policy_and_no_limit_means_no_field()
    {
        var policy = Policy(m => m.SampleLimit = 0);
        var monitor = ServiceMonitorRenderer.Render(Ai(policy, s => s.Metrics = new ServiceMetrics { Interval = "30s", Path = "/prom" }), true, null).ServiceMonitor!;

        Assert.Equal(("30s", "/prom"), (monitor.Spec.Endpoints[0].Interval, monitor.Spec.Endpoints[0].Path));
        Assert.Null(monitor.Spec.SampleLimit);
        Assert.DoesNotContain("sampleLimit", KubernetesYaml.Serialize(monitor), StringComparison.Ordinal);
    }
}
