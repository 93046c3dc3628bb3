using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using ApiPrometheusBackend = WaddleObservabilityOperator.Api.PrometheusBackend;
using GrafanaObjects = WaddleObservabilityOperator.Rendering.Backends.GrafanaBackend;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>
/// spec.metrics.exemplars end to end on the operator's side: the managed Prometheus keeps them (the feature flag and
/// storage.exemplars), the managed Grafana links them to Jaeger, the service dashboard's latency panels ask for them,
/// and a policy asking for them without a managed Prometheus is told what it must do itself.
/// </summary>
public sealed class ExemplarsTests
{
    private static EffectivePolicy Policy(bool enabled = true, int maxExemplars = WaddleBotDefaults.MaxExemplars, bool prometheus = true, bool jaeger = true)
    {
        var policy = BackendTestData.Policy(prometheus: prometheus, jaeger: jaeger, grafana: BackendTestData.Grafana());
        return policy with { Metrics = policy.Metrics with { Exemplars = new EffectiveExemplars(enabled, maxExemplars, Requested: true) } };
    }

    private static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy) =>
        ManagedBackendsRenderer.Render(policy, BackendTestData.ThreeServices(policy));

    private static V1PodTemplateSpec PrometheusTemplate(EffectivePolicy policy) =>
        Render(policy).OfType<V1Deployment>().Single(d => d.Metadata.Name == "waddlebot-prometheus").Spec.Template;

    private static IList<string> PrometheusArgs(EffectivePolicy policy) =>
        PrometheusTemplate(policy).Spec.Containers.Single(c => c.Name == "prometheus").Args;

    private static string PrometheusYaml(EffectivePolicy policy) =>
        Render(policy).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == "waddlebot-prometheus-config").Data["prometheus.yml"];

    private static string DataSources(EffectivePolicy policy) =>
        Render(policy).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == GrafanaObjects.ProvisioningConfigMapName(BackendTestData.PolicyName))
            .Data[GrafanaObjects.DataSourcesFileName];

    /// <summary>Every Prometheus query of the service dashboard: its panel's title and whether it asks for exemplars.</summary>
    private static List<(string Panel, bool Exemplar)> ServiceDashboardQueries(EffectivePolicy policy)
    {
        var dashboard = JsonNode.Parse(WaddleBotDashboards.Service(policy, GrafanaComponent.Settings(policy).Dashboards).ToJson())!;
        return [.. dashboard["panels"]!.AsArray()
            .Where(p => p!["targets"] is not null)
            .SelectMany(p => p!["targets"]!.AsArray().Select(t => ((string)p["title"]!, (bool)t!["exemplar"]!)))];
    }

    private static readonly string[] LatencyPanels = ["Latency p50 / p95 / p99", "Slowest endpoints p95", "Command latency p95", "Database query latency p95"];

    [Fact]
    public void On_the_managed_prometheus_keeps_exemplars_and_grafana_links_them_to_jaeger()
    {
        var policy = Policy(maxExemplars: 250_000);

        Assert.Contains("--enable-feature=exemplar-storage", PrometheusArgs(policy));
        var config = YamlTree.Load(PrometheusYaml(policy));
        Assert.Equal("250000", config.Text("storage", "exemplars", "max_exemplars"));
        // Prometheus 2.42 and 3.x ask for OpenMetrics first by themselves; promtool 2.42 rejects scrape_protocols.
        Assert.DoesNotContain("scrape_protocols", PrometheusYaml(policy), StringComparison.Ordinal);

        var prometheus = YamlTree.Load(DataSources(policy)).Items("datasources").Single(s => s.Text("type") == "prometheus");
        var destination = Assert.Single(prometheus.Items("jsonData", "exemplarTraceIdDestinations"));
        Assert.Equal(("trace_id", GrafanaProvisioning.JaegerUid), (destination.Text("name"), destination.Text("datasourceUid")));

        var queries = ServiceDashboardQueries(policy);
        Assert.Equal(LatencyPanels.Order(StringComparer.Ordinal), queries.Where(q => q.Exemplar).Select(q => q.Panel).Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Off_nothing_keeps_links_or_asks_for_exemplars()
    {
        var policy = Policy(enabled: false);

        Assert.DoesNotContain(PrometheusArgs(policy), a => a.Contains("exemplar", StringComparison.Ordinal));
        Assert.DoesNotContain("storage:", PrometheusYaml(policy), StringComparison.Ordinal);
        Assert.DoesNotContain("exemplarTraceIdDestinations", DataSources(policy), StringComparison.Ordinal);
        var queries = ServiceDashboardQueries(policy);
        Assert.NotEmpty(queries);
        Assert.All(queries, q => Assert.False(q.Exemplar, q.Panel));
    }

    [Fact]
    public void A_new_maximum_is_reloaded_and_switching_exemplars_restarts_prometheus()
    {
        var before = Policy(maxExemplars: 100_000);
        var resized = Policy(maxExemplars: 500_000);
        var off = Policy(enabled: false);

        // storage.exemplars is applied by a reload (the config reloader), so the pod template stays the same...
        Assert.NotEqual(PrometheusYaml(before), PrometheusYaml(resized));
        Assert.Equal(KubernetesJson.Serialize(PrometheusTemplate(before)), KubernetesJson.Serialize(PrometheusTemplate(resized)));
        // ...while the feature flag is read only at start: a change of it is a change of the template.
        Assert.NotEqual(KubernetesJson.Serialize(PrometheusTemplate(before)), KubernetesJson.Serialize(PrometheusTemplate(off)));
    }

    [Fact]
    public void Without_jaeger_there_is_no_exemplar_link_even_when_on()
    {
        var policy = Policy(jaeger: false);
        Assert.Contains("--enable-feature=exemplar-storage", PrometheusArgs(policy));
        Assert.DoesNotContain("exemplarTraceIdDestinations", DataSources(policy), StringComparison.Ordinal);
    }

    public static TheoryData<string, bool?, bool?, int?, bool, int, bool> Defaults => new()
    {
        // case, metrics.enabled, exemplars.enabled, exemplars.maxExemplars, expected enabled, max, requested
        { "nothing set: on with metrics", null, null, null, true, 100_000, false },
        { "metrics off: off", false, null, null, false, 100_000, false },
        { "asked for", null, true, null, true, 100_000, true },
        { "a maximum of its own", null, null, 5_000, true, 5_000, true },
        { "turned off", true, false, null, false, 100_000, false },
    };

    [Theory]
    [MemberData(nameof(Defaults))]
    public void Exemplars_default_to_on_when_metrics_are(string name, bool? metrics, bool? enabled, int? max, bool expectedEnabled, int expectedMax, bool requested)
    {
        var policy = WaddleBotDefaults.Apply(Sample.Policy("p", p => p.Metrics = new MetricsPolicy
        {
            Enabled = metrics,
            Exemplars = enabled is null && max is null ? null : new ExemplarsPolicy { Enabled = enabled, MaxExemplars = max },
        }));
        Assert.True(new EffectiveExemplars(expectedEnabled, expectedMax, requested) == policy.Metrics.Exemplars, $"{name}: {policy.Metrics.Exemplars}");
    }

    [Theory]
    [InlineData("no Prometheus at all", null, true)]
    [InlineData("a Prometheus the operator does not run", "http://prometheus-operated.monitoring.svc:9090", true)]
    [InlineData("the managed Prometheus", "managed", false)]
    public void Exemplars_asked_for_without_a_managed_prometheus_are_a_note_in_ready_not_a_failure(string name, string? prometheus, bool note)
    {
        var policy = Sample.Policy("waddlebot", p =>
        {
            p.Metrics = new MetricsPolicy { Exemplars = new ExemplarsPolicy { Enabled = true, MaxExemplars = 50_000 } };
            p.Backends = prometheus switch
            {
                null => null,
                "managed" => new BackendsPolicy { Prometheus = new ApiPrometheusBackend { Managed = true } },
                _ => new BackendsPolicy { Prometheus = new ApiPrometheusBackend { Url = prometheus } },
            };
        });

        var render = PolicyRenderer.Render(new PolicyRenderInput([policy], []), Sample.Namespace, "waddlebot");
        var ready = render.Outcome.Conditions.Single(c => c.Type == ConditionTypes.Ready);

        Assert.True(ready.Status, $"{name}: {ready.Message}");
        Assert.Equal(note, ready.Message.Contains("spec.metrics.exemplars: no managed Prometheus", StringComparison.Ordinal));
        Assert.Equal(note, ready.Message.Contains("--enable-feature=exemplar-storage", StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_is_no_note_without_a_managed_prometheus()
    {
        // Exemplars are on by default; only a policy that asked for them itself is told it has no Prometheus to keep them.
        var render = PolicyRenderer.Render(new PolicyRenderInput([Sample.Policy("waddlebot")], []), Sample.Namespace, "waddlebot");
        Assert.DoesNotContain("exemplars", render.Outcome.Conditions.Single(c => c.Type == ConditionTypes.Ready).Message, StringComparison.Ordinal);
    }
}
