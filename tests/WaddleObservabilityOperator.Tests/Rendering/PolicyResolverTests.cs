using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Tests.Rendering;

public sealed class PolicyResolverTests
{
    private static readonly ObservabilityPolicy[] Policies =
    [
        Sample.Policy("all", p => p.Priority = 0),
        Sample.Policy("receivers", p =>
        {
            p.Priority = 10;
            p.Layers = [ServiceLayer.Trigger];
        }),
        Sample.Policy("critical-a", p =>
        {
            p.Priority = 20;
            p.Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["tier"] = "critical" } };
        }),
        Sample.Policy("critical-b", p =>
        {
            p.Priority = 20;
            p.Selector = new V1LabelSelector
            {
                MatchExpressions = [new V1LabelSelectorRequirement { Key = "tier", OperatorProperty = "In", Values = ["critical", "gold"] }],
            };
        }),
        Sample.Policy("not-canary", p =>
        {
            p.Priority = 5;
            p.Selector = new V1LabelSelector
            {
                MatchExpressions =
                [
                    new V1LabelSelectorRequirement { Key = "canary", OperatorProperty = "DoesNotExist" },
                    new V1LabelSelectorRequirement { Key = "team", OperatorProperty = "Exists" },
                    new V1LabelSelectorRequirement { Key = "team", OperatorProperty = "NotIn", Values = ["legacy"] },
                ],
            };
        }),
        Sample.Policy("elsewhere", p => p.Priority = 100, ns: "other"),
    ];

    public static TheoryData<string, ServiceLayer, string, string?, string?, string> Cases => new()
    {
        // name, layer, labels (k=v,...), policyRef, expected policy (null = built-in), expected reason
        { "plain action service: the catch-all", ServiceLayer.Action, "", null, "all", Reasons.Selected },
        { "trigger layer filter beats the catch-all", ServiceLayer.Trigger, "", null, "receivers", Reasons.Selected },
        { "equal priority: first by name, reported", ServiceLayer.Action, "tier=critical", null, "critical-a", Reasons.PolicyConflict },
        { "In expression alone", ServiceLayer.Action, "tier=gold", null, "critical-b", Reasons.Selected },
        { "Exists, NotIn, DoesNotExist all hold", ServiceLayer.Action, "team=chat", null, "not-canary", Reasons.Selected },
        { "NotIn fails", ServiceLayer.Action, "team=legacy", null, "all", Reasons.Selected },
        { "DoesNotExist fails", ServiceLayer.Action, "team=chat,canary=yes", null, "all", Reasons.Selected },
        { "policyRef wins over priority", ServiceLayer.Trigger, "tier=critical", "all", "all", Reasons.PolicyRef },
        { "policyRef to a missing policy fails", ServiceLayer.Action, "", "nope", null, Reasons.PolicyNotFound },
        { "policyRef to another namespace's policy fails", ServiceLayer.Action, "", "elsewhere", null, Reasons.PolicyNotFound },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Resolves_by_policyRef_then_selector_layers_priority_and_name(string name, ServiceLayer layer, string labels, string? policyRef, string? expected, string reason)
    {
        var service = Sample.Service("svc", layer, s => s.PolicyRef = policyRef is null ? null : new LocalObjectReference { Name = policyRef },
            labels: labels.Length == 0 ? null : labels.Split(',').Select(l => l.Split('=')).ToDictionary(p => p[0], p => p[1]));

        var resolution = new PolicyResolver(Policies).Resolve(service);

        Assert.Equal(reason, resolution.Outcome.Reason);
        Assert.Equal(expected, resolution.Policy?.Metadata.Name);
        Assert.False(string.IsNullOrWhiteSpace(resolution.Outcome.Message), name);
        Assert.Equal(reason != Reasons.PolicyNotFound, resolution.Succeeded);
    }

    [Fact]
    public void Conflict_message_names_both_policies()
    {
        var service = Sample.Service("svc", labels: new Dictionary<string, string> { ["tier"] = "critical" });
        var outcome = new PolicyResolver(Policies).Resolve(service).Outcome;
        Assert.Contains("\"critical-a\"", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("\"critical-b\"", outcome.Message, StringComparison.Ordinal);
        Assert.True(outcome.Status);
    }

    [Fact]
    public void No_policy_gives_the_WaddleBot_defaults()
    {
        var resolution = new PolicyResolver([]).Resolve(Sample.Service("router", ServiceLayer.Processing));

        Assert.Equal(Reasons.BuiltInDefaults, resolution.Outcome.Reason);
        var policy = resolution.Service!.Policy;
        Assert.True(policy.IsBuiltIn);
        Assert.True(policy.Tracing.Enabled);
        Assert.Equal(TraceExporter.Jaeger, policy.Tracing.Exporter);
        Assert.Equal("localhost:6831", policy.Tracing.Endpoint);
        Assert.Equal(1.0, policy.Tracing.DefaultRatio);
        Assert.Equal("X-Correlation-ID", policy.Correlation.Header);
        Assert.Equal("X-Request-ID", policy.Correlation.RequestHeader);
        Assert.True(policy.Correlation.GenerateRequestId);
        Assert.True(policy.Metrics.Enabled);
        Assert.Equal("waddlebot", policy.Metrics.Namespace);
        Assert.Equal("15s", policy.Metrics.ScrapeInterval);
        Assert.Equal("10s", policy.Metrics.ScrapeTimeout);
        Assert.Equal([Propagator.TraceContext, Propagator.Baggage], policy.Tracing.Propagators);
    }

    [Theory]
    [InlineData(OtlpProtocol.Grpc, "http://obs-jaeger.waddlebot.svc:4317")]
    [InlineData(OtlpProtocol.HttpProtobuf, "http://obs-jaeger.waddlebot.svc:4318")]
    public void Managed_jaeger_makes_otlp_to_it_the_default(OtlpProtocol protocol, string endpoint)
    {
        var policy = Sample.Policy("obs", p =>
        {
            p.Backends = new BackendsPolicy { Jaeger = new JaegerBackend { Managed = true } };
            p.Tracing = new TracingPolicy { Protocol = protocol };
        });

        var effective = WaddleBotDefaults.Apply(policy);

        Assert.Equal(TraceExporter.Otlp, effective.Tracing.Exporter);
        Assert.Equal(endpoint, effective.Tracing.Endpoint);
    }

    [Fact]
    public void Service_overrides_win_and_unset_fields_inherit()
    {
        var policy = Sample.Policy("p", p =>
        {
            p.Tracing = new TracingPolicy { Sampling = new SamplingPolicy { DefaultRatio = 0.1 } };
            p.Metrics = new MetricsPolicy { ScrapeInterval = "30s" };
        });
        var inherit = Sample.Resolve(Sample.Service("inventory"), policy);
        var own = Sample.Resolve(Sample.Service("ai", configure: s =>
        {
            s.ServiceName = "waddlebot-ai";
            s.Tracing = new ServiceTracing { SamplingRatio = 1.0, Enabled = true };
            s.Metrics = new ServiceMetrics { Port = "metrics", Path = "/prom", Interval = "5s", Selector = new Dictionary<string, string> { ["app"] = "ai" } };
        }), policy);

        Assert.Equal((0.1, "30s", "http-metrics", "/metrics"), (inherit.SamplingRatio, inherit.ScrapeInterval, inherit.MetricsPort, inherit.MetricsPath));
        Assert.Equal([new KeyValuePair<string, string>(WellKnown.NameLabel, "inventory")], inherit.ServiceSelector);
        Assert.Equal((1.0, "5s", "metrics", "/prom", "waddlebot-ai"), (own.SamplingRatio, own.ScrapeInterval, own.MetricsPort, own.MetricsPath, own.ServiceName));
        Assert.Equal([new KeyValuePair<string, string>("app", "ai")], own.ServiceSelector);
    }

    [Fact]
    public void An_invalid_selector_is_reported_and_selects_nothing()
    {
        var bad = Sample.Policy("bad", p =>
        {
            p.Priority = 50;
            p.Selector = new V1LabelSelector { MatchExpressions = [new V1LabelSelectorRequirement { Key = "x", OperatorProperty = "Like", Values = ["y"] }] };
        });
        var resolver = new PolicyResolver([bad]);

        var problem = Assert.Single(resolver.Problems);
        Assert.Equal(Reasons.InvalidSelector, problem.Reason);
        Assert.Contains("Like", problem.Message, StringComparison.Ordinal);
        Assert.Equal(Reasons.BuiltInDefaults, resolver.Resolve(Sample.Service("s")).Outcome.Reason);
    }
}
