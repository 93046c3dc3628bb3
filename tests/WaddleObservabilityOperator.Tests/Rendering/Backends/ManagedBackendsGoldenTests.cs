using System.Text;
using k8s;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>The representative policy with three services, rendered to golden files (UPDATE_GOLDEN=1 regenerates them).</summary>
public sealed class ManagedBackendsGoldenTests
{
    private static string Golden(string fileName) => Path.Combine(RepositoryLayout.PathOf("tests", "WaddleObservabilityOperator.Tests", "Rendering", "Backends"), "Golden", fileName);

    [Fact]
    public void All_objects_match_the_golden_file()
    {
        var policy = BackendTestData.Policy();
        GoldenFile.AssertMatches(Golden("representative-objects.yaml"), AsYamlStream(ManagedBackendsRenderer.Render(policy, BackendTestData.ThreeServices(policy))));
    }

    [Fact]
    public void Objects_with_storage_and_network_policies_match_the_golden_file()
    {
        var policy = BackendTestData.Policy(
            storage: new PersistentStorage { Size = "20Gi", StorageClassName = "fast-ssd" },
            networkPolicy: true);
        GoldenFile.AssertMatches(Golden("storage-networkpolicy-objects.yaml"), AsYamlStream(ManagedBackendsRenderer.Render(policy, BackendTestData.ThreeServices(policy))));
    }

    [Fact]
    public void Prometheus_config_matches_the_golden_file()
    {
        var policy = BackendTestData.Policy();
        GoldenFile.AssertMatches(Golden("representative-prometheus.yml"), PrometheusConfigDocument.Render(policy, BackendTestData.ThreeServices(policy)));
    }

    [Fact]
    public void Highly_available_prometheus_with_remote_write_matches_the_golden_files()
    {
        var policy = BackendTestData.Policy(jaeger: false, prometheusReplicas: 2, remoteWrite: BackendTestData.RemoteWrites());
        var services = BackendTestData.ThreeServices(policy);
        GoldenFile.AssertMatches(Golden("remote-write-ha-objects.yaml"), AsYamlStream(ManagedBackendsRenderer.Render(policy, services)));
        GoldenFile.AssertMatches(Golden("remote-write-ha-prometheus.yml"), PrometheusConfigDocument.Render(policy, services));
    }

    [Fact]
    public void Jaeger_config_matches_the_golden_file()
    {
        GoldenFile.AssertMatches(Golden("representative-jaeger-config.yaml"), JaegerConfigDocument.Render(BackendTestData.Policy().Jaeger));
    }

    [Fact]
    public void Rendering_twice_gives_byte_identical_yaml_whatever_the_service_order()
    {
        var policy = BackendTestData.Policy(networkPolicy: true);
        var services = BackendTestData.ThreeServices(policy);
        var first = AsYamlStream(ManagedBackendsRenderer.Render(policy, services));
        var second = AsYamlStream(ManagedBackendsRenderer.Render(policy, services.Reverse().ToList()));
        Assert.Equal(first, second);
    }

    internal static string AsYamlStream(IEnumerable<IKubernetesObject<k8s.Models.V1ObjectMeta>> objects)
    {
        var stream = new StringBuilder();
        foreach (var item in objects)
        {
            var document = KubernetesYaml.Serialize(item);
            stream.Append("---\n").Append(document);
            if (!document.EndsWith('\n'))
            {
                stream.Append('\n');
            }
        }

        return stream.ToString();
    }
}
