using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Cli;
using WaddleObservabilityOperator.Manifests;
using WaddleObservabilityOperator.Tests.Api;
using WaddleObservabilityOperator.Tests.Cli;

namespace WaddleObservabilityOperator.Tests.Samples;

/// <summary>The WaddleBot samples rendered by the <c>render</c> command, compared with golden files.</summary>
public sealed class WaddleBotSampleTests
{
    private static readonly string SamplesFolder = RepositoryLayout.PathOf("config", "samples", "waddlebot");
    private static readonly string GoldenFolder = RepositoryLayout.PathOf("tests", "WaddleObservabilityOperator.Tests", "Samples", "golden");

    private static (int ExitCode, string Stdout, string Stderr) Render(params string[] args) => RenderInvocation.Run(args);

    [Fact]
    public void Yaml_rendering_matches_the_golden_file()
    {
        var (exitCode, stdout, stderr) = Render(SamplesFolder);

        Assert.Equal("", stderr);
        Assert.Equal(0, exitCode);
        GoldenFile.AssertMatches(Path.Combine(GoldenFolder, "waddlebot.yaml"), stdout);
    }

    [Fact]
    public void Json_rendering_matches_the_golden_file()
    {
        var (exitCode, stdout, stderr) = Render(SamplesFolder, "-o", "json");

        Assert.Equal("", stderr);
        Assert.Equal(0, exitCode);
        GoldenFile.AssertMatches(Path.Combine(GoldenFolder, "waddlebot.json"), stdout);
    }

    [Fact]
    public void Yaml_and_json_carry_the_same_objects()
    {
        var yaml = Render(SamplesFolder).Stdout;
        var json = JsonNode.Parse(Render(SamplesFolder, "--output=json").Stdout)!;

        var fromYaml = ManifestLoaderTests.ReadYamlDocuments(yaml);
        Assert.Equal("v1", (string?)json["apiVersion"]);
        Assert.Equal("List", (string?)json["kind"]);
        var items = json["items"]!.AsArray();
        Assert.Equal(items.Count, fromYaml.Count);
        for (var i = 0; i < items.Count; i++)
        {
            Assert.True(JsonNode.DeepEquals(items[i], fromYaml[i]), $"object {i} differs between YAML and JSON");
        }
    }

    [Fact]
    public void The_rendering_covers_the_whole_system()
    {
        var objects = ManifestLoaderTests.ReadYamlDocuments(Render(SamplesFolder).Stdout);
        var kinds = objects.GroupBy(o => (string)o["kind"]!).ToDictionary(g => g.Key, g => g.Count());

        // One per WaddleService, and the policy's: WaddleBot's PostgreSQL and Redis exporters and the kubelet scrape.
        var monitors = objects.Where(o => (string?)o["kind"] == "ServiceMonitor").ToList();
        Assert.Equal(19, monitors.Count(m => m["metadata"]!["labels"]!["observability.waddlebot.io/service"] is not null));
        Assert.Equal(
            ["waddlebot-kubelet", "waddlebot-postgres-exporter-waddlebot", "waddlebot-redis-exporter-waddlebot"],
            monitors.Where(m => m["metadata"]!["labels"]!["observability.waddlebot.io/service"] is null).Select(m => (string)m["metadata"]!["name"]!).Order(StringComparer.Ordinal));
        Assert.Equal(1, kinds["ClusterRole"]);
        Assert.Equal(1, kinds["ClusterRoleBinding"]);
        Assert.Equal(19, kinds["WaddleService"]);
        Assert.Equal(1, kinds["ObservabilityPolicy"]);
        Assert.True(kinds["Deployment"] >= 19, "every service's Deployment is changed by the injection");
        Assert.True(kinds["ConfigMap"] >= 1, "the sampling strategies are published");

        var services = objects.Where(o => (string?)o["kind"] == "WaddleService").ToList();
        Assert.All(services, s => Assert.Equal(
            "True",
            (string?)s["status"]!["conditions"]!.AsArray().Single(c => (string?)c!["type"] == "Ready")!["status"]));
        Assert.Equal(["METRICS_NAMESPACE"], Overridden(services, "ai"));
        // The hub's leftover TRACING_SAMPLE_RATE is kept (remote mode injects it for WaddleBot's library), so its ratio is the user's.
        Assert.Equal(["GENERATE_REQUEST_ID", "TRACING_SAMPLE_RATE"], Overridden(services, "hub"));
        Assert.Equal("UserEnvironment", AppliedBy(services, "hub"));
        Assert.All(services.Where(s => (string?)s["metadata"]!["name"] != "hub"), s => Assert.Equal("Rollout", (string?)s["status"]!["effective"]!["samplingAppliedBy"]));

        static string? AppliedBy(List<JsonNode> services, string name) =>
            (string?)services.Single(s => (string?)s["metadata"]!["name"] == name)["status"]!["effective"]!["samplingAppliedBy"];

        static IEnumerable<string> Overridden(List<JsonNode> services, string name) =>
            services.Single(s => (string?)s["metadata"]!["name"] == name)["status"]!["overriddenEnv"]!.AsArray().Select(e => (string)e!);
    }

    [Fact]
    public void Without_the_servicemonitor_api_no_servicemonitor_is_rendered()
    {
        var objects = ManifestLoaderTests.ReadYamlDocuments(Render(SamplesFolder, "--no-servicemonitors").Stdout);

        Assert.DoesNotContain(objects, o => (string?)o["kind"] == "ServiceMonitor");
        Assert.Equal(19, objects.Count(o => (string?)o["kind"] == "WaddleService"));
    }

    [Fact]
    public void The_samples_input_is_not_changed_by_rendering()
    {
        var before = ManifestLoader.Load([SamplesFolder]).Manifests;
        var snapshot = k8s.KubernetesJson.Serialize(before.Deployments);

        RenderCommand.Render(before, RenderOptions.Parse([SamplesFolder], out _)!);

        Assert.Equal(snapshot, k8s.KubernetesJson.Serialize(before.Deployments));
    }
}
