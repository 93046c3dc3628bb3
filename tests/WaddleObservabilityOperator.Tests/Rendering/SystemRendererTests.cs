using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Tests.Rendering;

public sealed class SystemRendererTests
{
    private static RenderInput System() => Sample.Input(
        policies:
        [
            Sample.Policy("default", p =>
            {
                p.Tracing = new TracingPolicy { Sampling = new SamplingPolicy { Mode = SamplingMode.Remote, DefaultRatio = 0.1, Operations = [new OperationSampling { Operation = "GET /health", Ratio = 0.05 }] } };
                p.Metrics = new MetricsPolicy { ServiceMonitor = new ServiceMonitorPolicy { Labels = new Dictionary<string, string> { ["release"] = "prometheus" } } };
                p.ResourceAttributes = new Dictionary<string, string> { ["deployment.environment"] = "production" };
            }),
        ],
        services:
        [
            Sample.Service("router", ServiceLayer.Processing, s => s.Tracing = new ServiceTracing { SamplingRatio = 1.0 }),
            Sample.Service("inventory"),
            Sample.Service("twitch", ServiceLayer.Trigger, s => s.Tracing = new ServiceTracing { SamplingRatio = 0.5 }),
        ],
        workloads: [Sample.Deployment("router"), Sample.Deployment("inventory"), Sample.Deployment("twitch")],
        kubeServices: [Sample.KubeService("router"), Sample.KubeService("inventory"), Sample.KubeService("twitch")]);

    [Fact]
    public void Renders_every_child_in_a_stable_order()
    {
        var output = SystemRenderer.Render(System());

        Assert.Equal(
            ["ConfigMap/default-dashboard-overview", "ConfigMap/default-dashboard-service", "ConfigMap/default-sampling", "ServiceMonitor/inventory", "ServiceMonitor/router", "ServiceMonitor/twitch"],
            output.Objects.Select(o => $"{o.Kind}/{o.Metadata.Name}"));
        Assert.Equal(["inventory", "router", "twitch"], output.Workloads.Select(w => w.Workload.Metadata.Name));
        Assert.All(output.Workloads, w => Assert.True(w.Changed));
        Assert.All(output.Services, s => Assert.True(s.Ready, string.Join("; ", s.Conditions.Select(c => c.Message))));
        var policy = Assert.Single(output.Policies);
        Assert.Equal(3, policy.MatchedServices);
        Assert.True(policy.Conditions.All(c => c.Status));
    }

    [Fact]
    public void The_service_and_policy_renders_give_what_the_whole_render_gives_each_owner()
    {
        var input = System();
        input.Policies[0].Spec.Backends = new BackendsPolicy { Jaeger = new JaegerBackend { Managed = true }, Prometheus = new PrometheusBackend { Managed = true } };
        static string Dump(IEnumerable<object> objects) => string.Join("---\n", objects.Select(Sample.Yaml));
        var at = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

        var full = SystemRenderer.Render(input);

        foreach (var service in full.Services)
        {
            var own = ServiceRenderer.Render(input, service.Namespace, service.Name);
            Assert.Equal(Dump([StatusRenderer.ServiceStatus(service, at)]), Dump([StatusRenderer.ServiceStatus(own.Outcome, at)]));
            Assert.Equal(Dump(full.Workloads.Where(w => w.WaddleService == service.Name).Select(w => w.Workload)), Dump(own.Workloads.Select(w => w.Workload)));
            Assert.Equal(Dump(full.Objects.OfType<ServiceMonitor>().Where(m => m.Metadata.Name == service.Name)), Dump(own.ServiceMonitor is null ? [] : [own.ServiceMonitor]));
        }

        var policy = PolicyRenderer.Render(new PolicyRenderInput(input.Policies, input.Services), full.Policies[0].Namespace, full.Policies[0].Name);
        var backendObjects = full.Objects.Where(o => o.Metadata.Labels is { } labels && labels.TryGetValue("app.kubernetes.io/name", out var app) && app is "jaeger" or "prometheus").ToList();
        Assert.NotEmpty(backendObjects);
        Assert.Equal(Dump(full.Objects.Where(o => o is not ServiceMonitor)), Dump(policy.Objects));
        Assert.Equal(Dump([StatusRenderer.PolicyStatus(full.Policies[0], at)]), Dump([StatusRenderer.PolicyStatus(policy.Outcome, at)]));
        Assert.Contains(policy.Outcome.Conditions, c => c.Type == ConditionTypes.BackendsReady);
    }

    [Fact]
    public void Same_input_gives_byte_identical_yaml()
    {
        static string Dump(RenderOutput output) => string.Join("---\n",
            output.Objects.Select(Sample.Yaml).Concat(output.Workloads.Select(w => Sample.Yaml(w.Workload)))
                .Concat(output.Services.Select(s => Sample.Yaml(StatusRenderer.ServiceStatus(s, new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc))))));

        var first = Dump(SystemRenderer.Render(System()));
        var input = System();
        var reversed = input with
        {
            Services = [.. input.Services.Reverse()],
            Workloads = [.. input.Workloads.Reverse()],
            KubernetesServices = [.. input.KubernetesServices!.Reverse()],
        };

        Assert.Equal(first, Dump(SystemRenderer.Render(System())));
        Assert.Equal(first, Dump(SystemRenderer.Render(reversed)));
    }

    [Fact]
    public void Rendering_the_patched_workloads_again_changes_nothing()
    {
        var first = SystemRenderer.Render(System());
        var again = SystemRenderer.Render(System() with { Workloads = [.. first.Workloads.Select(w => w.Workload)] });

        Assert.All(again.Workloads, w => Assert.False(w.Changed));
        Assert.Equal(first.Workloads.Select(w => Sample.Yaml(w.Workload)), again.Workloads.Select(w => Sample.Yaml(w.Workload)));
    }

    [Fact]
    public void A_deleted_WaddleService_gets_its_injection_removed()
    {
        var original = Sample.Deployment("router", Sample.Container("app", ("LOG_LEVEL", "debug")));
        var injected = SystemRenderer.Render(System() with { Workloads = [original] }).Workloads.Single().Workload;

        var output = SystemRenderer.Render(Sample.Input(workloads: [injected]));

        var change = Assert.Single(output.Workloads);
        Assert.True(change.Removal);
        Assert.Equal(Sample.Yaml(original), Sample.Yaml(change.Workload));
    }

    [Fact]
    public void Validation_problems_become_reasons()
    {
        var input = Sample.Input(
            policies: [Sample.Policy("p", p => p.Metrics = new MetricsPolicy { ScrapeInterval = "10s", ScrapeTimeout = "30s" })],
            services:
            [
                Sample.Service("missing"),
                Sample.Service("wrong-kind", configure: s => s.Workload.Kind = WorkloadKind.StatefulSet),
                Sample.Service("containers", configure: s => s.Workload.Containers = ["app", "sidecar"]),
                Sample.Service("orphan", configure: s => s.PolicyRef = new LocalObjectReference { Name = "gone" }),
            ],
            workloads: [Sample.Deployment("wrong-kind"), Sample.Deployment("containers")],
            kubeServices: []);

        var output = SystemRenderer.Render(input);
        string Reason(string service, string type) => output.Services.Single(s => s.Name == service).Conditions.Single(c => c.Type == type).Reason;

        Assert.Equal(Reasons.WorkloadNotFound, Reason("missing", ConditionTypes.WorkloadInjected));
        Assert.Equal(Reasons.WorkloadKindMismatch, Reason("wrong-kind", ConditionTypes.WorkloadInjected));
        Assert.Equal(Reasons.ContainerNotFound, Reason("containers", ConditionTypes.WorkloadInjected));
        Assert.Equal(Reasons.ScrapeTimeoutExceedsInterval, Reason("missing", ConditionTypes.MonitoringConfigured));
        Assert.Equal(Reasons.PolicyNotFound, Reason("orphan", ConditionTypes.PolicyResolved));
        Assert.All(output.Services, s => Assert.False(s.Ready));
        Assert.All(output.Services.SelectMany(s => s.Conditions), c => Assert.False(string.IsNullOrWhiteSpace(c.Message)));
        Assert.Equal(Reasons.ScrapeTimeoutExceedsInterval, output.Policies.Single().Conditions.Single(c => c.Type == ConditionTypes.Ready).Reason);
        Assert.DoesNotContain(output.Objects, o => o is ServiceMonitor);
    }

    [Fact]
    public void Status_keeps_transition_time_while_a_condition_holds()
    {
        var outcome = SystemRenderer.Render(System()).Services[0];
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var t1 = t0.AddHours(1);

        var first = StatusRenderer.ServiceStatus(outcome, t0);
        var second = StatusRenderer.ServiceStatus(outcome, t1, first);

        Assert.Equal(["Ready", "PolicyResolved", "WorkloadInjected", "MonitoringConfigured", "SamplingPublished"], second.Conditions!.Select(c => c.Type));
        Assert.All(second.Conditions!, c => Assert.Equal(t0, c.LastTransitionTime));
        Assert.Equal("default", second.Policy);
        Assert.Equal(2, second.ObservedGeneration);
    }

    [Fact]
    public void Ten_thousand_services_render_with_their_services_checked()
    {
        const int count = 10_000;
        var names = Enumerable.Range(0, count).Select(i => $"svc-{i:D5}").ToList();
        var input = Sample.Input(
            policies: [Sample.Policy("default", p => p.Tracing = new TracingPolicy { Sampling = new SamplingPolicy { Mode = SamplingMode.Remote, DefaultRatio = 0.1 } })],
            services: names.Select((n, i) => Sample.Service(n, configure: s => s.Tracing = new ServiceTracing { SamplingRatio = (i % 10) / 10.0 })),
            workloads: names.Select(n => Sample.Deployment(n)),
            kubeServices: names.Select((n, i) => Sample.KubeService(n, i == 42 ? "http" : "http-metrics")));

        var output = SystemRenderer.Render(input);

        // The services' ServiceMonitors, the policy's sampling ConfigMap and its two dashboards.
        Assert.Equal(count + 3, output.Objects.Count);
        Assert.Equal(count, output.Workloads.Count);
        var notReady = Assert.Single(output.Services, s => !s.Ready);
        Assert.Equal("svc-00042", notReady.Name);
        Assert.Equal(Reasons.MetricsPortNotFound, notReady.Conditions[0].Reason);
        Assert.Equal(count, output.Policies.Single().MatchedServices);
        Assert.True(output.Policies.Single().Conditions.All(c => c.Status));
    }
}
