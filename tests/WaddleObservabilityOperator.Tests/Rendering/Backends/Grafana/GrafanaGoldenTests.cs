using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends.Grafana;

/// <summary>The representative policy's managed Grafana and dashboards, in golden files (UPDATE_GOLDEN=1 regenerates them).</summary>
public sealed class GrafanaGoldenTests
{
    private static string Golden(string fileName) => RepositoryLayout.PathOf("tests", "WaddleObservabilityOperator.Tests", "Rendering", "Backends", "Golden", fileName);

    private static EffectivePolicy Policy(EffectiveGrafana? grafana = null, bool networkPolicy = false) =>
        BackendTestData.Policy(networkPolicy: networkPolicy, grafana: grafana ?? BackendTestData.Grafana());

    [Fact]
    public void Grafana_objects_match_the_golden_file()
    {
        var policy = Policy();
        GoldenFile.AssertMatches(Golden("grafana-objects.yaml"), ManagedBackendsGoldenTests.AsYamlStream(GrafanaComponent.Instance.Render(policy, [])));
    }

    [Fact]
    public void Grafana_objects_with_storage_anonymous_viewing_and_a_network_policy_match_the_golden_file()
    {
        var policy = Policy(BackendTestData.Grafana(storage: new PersistentStorage { Size = "5Gi", StorageClassName = "fast-ssd" }, anonymousViewing: true), networkPolicy: true);
        GoldenFile.AssertMatches(Golden("grafana-storage-networkpolicy-objects.yaml"), ManagedBackendsGoldenTests.AsYamlStream(GrafanaComponent.Instance.Render(policy, [])));
    }

    [Fact]
    public void Objects_on_a_postgres_database_with_two_replicas_match_the_golden_file()
    {
        var database = new GrafanaDatabaseSettings(GrafanaDatabaseType.Postgres, new SecretKeyReference { Name = "grafana-db", Key = "url" }, GrafanaDatabaseSslMode.Require);
        var policy = BackendTestData.Policy(grafana: BackendTestData.Grafana() with { Database = database, Replicas = 2 });
        GoldenFile.AssertMatches(Golden("grafana-database-objects.yaml"), ManagedBackendsGoldenTests.AsYamlStream(GrafanaComponent.Instance.Render(policy, [])));
    }

    [Fact]
    public void Data_sources_match_the_golden_file()
    {
        var policy = Policy();
        GoldenFile.AssertMatches(Golden("grafana-datasources.yaml"), GrafanaProvisioning.DataSources(policy, GrafanaComponent.PrometheusUrl(policy)!, GrafanaComponent.JaegerUrl(policy)));
    }

    [Fact]
    public void The_published_dashboards_match_the_golden_files()
    {
        var published = GrafanaDashboards.Of(Policy());
        GoldenFile.AssertMatches(Golden("dashboard-overview.json"), published[0].Dashboard.ToJson());
        GoldenFile.AssertMatches(Golden("dashboard-service.json"), published[1].Dashboard.ToJson());
        GoldenFile.AssertMatches(Golden("dashboard-configmaps.yaml"), ManagedBackendsGoldenTests.AsYamlStream(GrafanaDashboards.ConfigMaps(Policy())));
    }

    [Fact]
    public void The_slo_dashboard_matches_the_golden_file()
    {
        var policy = Policy();
        var slos = GrafanaDashboards.Of(policy, withSlos: true).Single(d => d.Name == GrafanaDashboards.ConfigMapName(policy.Name!, SloDashboard.ConfigMapSuffix));
        GoldenFile.AssertMatches(Golden("dashboard-slos.json"), slos.Dashboard.ToJson());
    }

    [Fact]
    public void The_infrastructure_dashboard_of_every_exporter_kind_matches_the_golden_file()
    {
        var policy = WaddleBotDefaults.Apply(RealPrograms.StackProgramsTests.Policy()) with { Cluster = new ClusterFacts(false, new NamespaceFacts("waddlebot", "privileged")) };
        var infrastructure = GrafanaDashboards.Of(policy).Single(d => d.Name == GrafanaDashboards.ConfigMapName(policy.Name!, InfrastructureDashboard.ConfigMapSuffix));
        GoldenFile.AssertMatches(Golden("dashboard-infrastructure.json"), infrastructure.Dashboard.ToJson());
    }
}
