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

    private static readonly string ProductionFolder = RepositoryLayout.PathOf("config", "samples", "waddlebot-production");

    /// <summary>The production policy with the sample's namespace and services (every file of the sample but its policy, which it replaces).</summary>
    private static string[] ProductionInput() =>
    [
        .. Directory.GetFiles(SamplesFolder, "*.yaml").Where(f => Path.GetFileName(f) != "01-policy.yaml").Order(StringComparer.Ordinal),
        ProductionFolder,
    ];

    [Fact]
    public void The_production_variant_renders_with_the_samples_services_to_the_golden_file()
    {
        var (exitCode, stdout, stderr) = Render(ProductionInput());

        Assert.Equal("", stderr);
        Assert.Equal(0, exitCode);
        GoldenFile.AssertMatches(Path.Combine(GoldenFolder, "waddlebot-production.yaml"), stdout);

        // Two replicas with their disruption budget, and a remote write whose password is a file of the Secret's volume.
        var objects = ManifestLoaderTests.ReadYamlDocuments(stdout);
        var prometheus = objects.Single(o => (string?)o["kind"] == "StatefulSet" && (string?)o["metadata"]!["name"] == "waddlebot-prometheus");
        Assert.Equal(2L, (long)prometheus["spec"]!["replicas"]!);
        Assert.Single(objects, o => (string?)o["kind"] == "PodDisruptionBudget" && (string?)o["metadata"]!["name"] == "waddlebot-prometheus");
        var volume = prometheus["spec"]!["template"]!["spec"]!["volumes"]!.AsArray().Single(v => v!["secret"] is not null)!;
        Assert.Equal("mimir-remote-write", (string?)volume["secret"]!["secretName"]);
        Assert.Equal(["password"], volume["secret"]!["items"]!.AsArray().Select(i => (string)i!["key"]!));
        var config = objects.Single(o => (string?)o["metadata"]!["name"] == "waddlebot-prometheus-config")["data"]!["prometheus.yml"]!.GetValue<string>();
        Assert.Contains("password_file: /etc/prometheus-secrets/mimir-remote-write/password", config, StringComparison.Ordinal);
        Assert.Contains("replica: ${POD_NAME}", config, StringComparison.Ordinal);
        Assert.Equal(19, objects.Count(o => (string?)o["kind"] == "WaddleService"));
    }

    [Fact]
    public async Task The_production_prometheus_config_passes_promtool()
    {
        var objects = ManifestLoaderTests.ReadYamlDocuments(Render(ProductionInput()).Stdout);
        var data = objects.Single(o => (string?)o["metadata"]!["name"] == "waddlebot-prometheus-config")["data"]!.AsObject();
        var secrets = Directory.CreateTempSubdirectory("waddle-production-secrets-").FullName;
        try
        {
            // Where the kubelet would mount the Secret's key.
            Directory.CreateDirectory(Path.Combine(secrets, "mimir-remote-write"));
            await File.WriteAllTextAsync(Path.Combine(secrets, "mimir-remote-write", "password"), "secret");
            var config = data["prometheus.yml"]!.GetValue<string>().Replace(WaddleObservabilityOperator.Rendering.Backends.RemoteWriteSecrets.Directory, secrets, StringComparison.Ordinal);
            var result = await Rendering.Backends.PromtoolCheckTests.CheckAsync(config, [.. data.Where(d => d.Key != "prometheus.yml").Select(d => (d.Key, d.Value!.GetValue<string>()))]);
            Assert.True(result.ExitCode == 0, result.Describe());
        }
        finally
        {
            Directory.Delete(secrets, recursive: true);
        }
    }
}
