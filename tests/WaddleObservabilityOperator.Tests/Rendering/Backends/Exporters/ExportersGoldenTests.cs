using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends.Exporters;

/// <summary>A policy with every exporter, the kubelet scrape and both kinds of Alertmanager, rendered to golden files (UPDATE_GOLDEN=1 regenerates them).</summary>
public sealed class ExportersGoldenTests
{
    private static string Golden(string fileName) => RepositoryLayout.PathOf("tests", "WaddleObservabilityOperator.Tests", "Rendering", "Backends", "Golden", fileName);

    [Fact]
    public void Objects_match_the_golden_file()
    {
        var policy = BackendTestData.Everything(networkPolicy: true);
        GoldenFile.AssertMatches(Golden("exporters-objects.yaml"), ManagedBackendsGoldenTests.AsYamlStream(ManagedBackendsRenderer.Render(policy, BackendTestData.ThreeServices(policy))));
    }

    [Fact]
    public void Prometheus_config_matches_the_golden_file()
    {
        var policy = BackendTestData.Everything();
        GoldenFile.AssertMatches(Golden("exporters-prometheus.yml"), PrometheusConfigDocument.Render(policy, BackendTestData.ThreeServices(policy)));
    }

    [Fact]
    public void Alerting_rules_match_the_golden_file()
    {
        GoldenFile.AssertMatches(Golden("exporters-alerts.yml"), PrometheusRulesDocument.Render(BackendTestData.Everything())!);
    }

    [Fact]
    public void Default_alertmanager_config_matches_the_golden_file()
    {
        GoldenFile.AssertMatches(Golden("alertmanager.yml"), AlertmanagerConfigDocument.Render());
    }
}
