using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Manifests;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Cli;

public sealed class ManifestLoaderTests
{
    /// <summary>The documents of a YAML stream as JSON, typed as the loader types them.</summary>
    internal static List<JsonNode> ReadYamlDocuments(string yaml)
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader(yaml));
        return [.. stream.Documents.Select(d => YamlJsonConverter.ToJson(d.RootNode)!)];
    }

    private static ManifestLoadResult LoadText(string file, string text) => ManifestLoader.Load([new ManifestFile(file, text)]);

    [Fact]
    public void The_waddlebot_samples_load_completely()
    {
        var result = ManifestLoader.Load([RepositoryLayout.PathOf("config", "samples", "waddlebot")]);

        Assert.Empty(result.Errors);
        var set = result.Manifests;
        Assert.Single(set.Namespaces);
        Assert.Single(set.Policies);
        Assert.Equal(19, set.WaddleServices.Count);
        Assert.Equal(19, set.Deployments.Count);
        Assert.Equal(19, set.Services.Count);
        Assert.All(set.WaddleServices, s => Assert.Equal("waddlebot", s.Metadata.NamespaceProperty));
        Assert.Equal(5, set.WaddleServices.Select(s => s.Spec.Layer).Distinct().Count());

        // Every WaddleService has its workload and Service, named alike.
        var deployments = set.Deployments.Select(d => d.Metadata.Name).ToHashSet();
        var services = set.Services.Select(d => d.Metadata.Name).ToHashSet();
        Assert.All(set.WaddleServices, s =>
        {
            Assert.Contains(s.Spec.Workload.Name, deployments);
            Assert.Contains(s.Metadata.Name, services);
        });
    }

    [Fact]
    public void The_sample_policy_reproduces_the_original_settings()
    {
        var policy = Assert.Single(ManifestLoader.Load([RepositoryLayout.PathOf("config", "samples", "waddlebot")]).Manifests.Policies).Spec;

        Assert.Equal("15s", policy.Metrics!.ScrapeInterval);
        Assert.Equal("30d", policy.Backends!.Prometheus!.Retention);
        Assert.Equal(["cluster", "environment"], policy.Backends.Prometheus.ExternalLabels!.Keys.Order());
        Assert.True(policy.Backends.Jaeger!.Managed);
        Assert.Equal(10000, policy.Backends.Jaeger.MaxTraces);
        Assert.True(policy.Backends.Prometheus.Managed);
        Assert.Equal(0.1, policy.Tracing!.Sampling!.DefaultRatio);
        Assert.Equal([("GET /health", 0.05), ("GET /metrics", 0.05)], policy.Tracing.Sampling.Operations!.Select(o => (o.Operation, o.Ratio)));
    }

    [Fact]
    public void Namespace_defaults_to_default_and_cluster_scoped_objects_have_none()
    {
        var result = LoadText("x.yaml", """
            apiVersion: v1
            kind: Namespace
            metadata: {name: waddlebot}
            ---
            apiVersion: v1
            kind: Service
            metadata: {name: router}
            """);

        Assert.Empty(result.Errors);
        Assert.Null(Assert.Single(result.Manifests.Namespaces).Metadata.NamespaceProperty);
        Assert.Equal("default", Assert.Single(result.Manifests.Services).Metadata.NamespaceProperty);
    }

    [Fact]
    public void Plain_scalars_are_typed_like_the_api_server_and_quoted_ones_stay_strings()
    {
        var result = LoadText("x.yaml", """
            apiVersion: observability.waddlebot.io/v1alpha1
            kind: WaddleService
            metadata: {name: router, namespace: waddlebot}
            spec:
              layer: processing
              version: "1.0"
              workload: {name: router}
              tracing: {samplingRatio: 0.1, enabled: true}
            """);

        Assert.Empty(result.Errors);
        var spec = Assert.Single(result.Manifests.WaddleServices).Spec;
        Assert.Equal("1.0", spec.Version);
        Assert.Equal(0.1, spec.Tracing!.SamplingRatio); // exactly 0.1, not a single-precision 0.100000001
        Assert.True(spec.Tracing.Enabled);
    }

    [Fact]
    public void Json_files_and_v1_Lists_are_read_like_yaml()
    {
        var result = LoadText("x.json", """
            {"apiVersion": "v1", "kind": "List", "items": [
              {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "a", "namespace": "w"}},
              {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "b", "namespace": "w"}}
            ]}
            """);

        Assert.Empty(result.Errors);
        Assert.Equal(["a", "b"], result.Manifests.Services.Select(s => s.Metadata.Name));
    }

    [Fact]
    public void A_bad_item_of_a_list_is_located_by_document_and_item()
    {
        var result = LoadText("x.yaml", """
            apiVersion: v1
            kind: List
            items:
              - {apiVersion: v1, kind: Service, metadata: {name: a}}
              - {apiVersion: v1, kind: Secret, metadata: {name: b}}
            """);

        var error = Assert.Single(result.Errors);
        Assert.StartsWith("x.yaml: document 1, item 2: kind: Secret is not a kind render reads", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"apiVersion\": \"v1\",}", "x.json: line 1, column 21: invalid JSON: The JSON object contains a trailing comma")]
    [InlineData("{\"apiVersion\": \"v1\", \"apiVersion\": \"v1\"}", "x.json: invalid JSON: Duplicate property 'apiVersion'")]
    [InlineData("a: 1\na: 2\n", "x.yaml: line 2, column 1: invalid YAML: Duplicate key")]
    [InlineData("ratio: .inf\n", "x.yaml: document 1: line 1: '.inf' is not a finite number")]
    public void Syntax_errors_name_the_file_and_line(string text, string expected)
    {
        var file = text.StartsWith('{') ? "x.json" : "x.yaml";

        var result = LoadText(file, text);

        Assert.Contains(result.Errors, e => e.ToString().StartsWith(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_paths_and_empty_folders_are_errors()
    {
        var empty = Directory.CreateTempSubdirectory("render-empty-");
        try
        {
            var result = ManifestLoader.Load(["does/not/exist.yaml", empty.FullName]);

            Assert.Equal(
                ["does/not/exist.yaml: no such file or folder", $"{empty.FullName}: no *.yaml, *.yml or *.json files in this folder"],
                result.Errors.Select(e => e.ToString()));
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public void Folders_are_read_recursively_in_path_order_and_a_file_named_twice_is_read_once()
    {
        var root = Directory.CreateTempSubdirectory("render-order-");
        try
        {
            Directory.CreateDirectory(Path.Combine(root.FullName, "b"));
            File.WriteAllText(Path.Combine(root.FullName, "b", "x.yml"), "apiVersion: v1\nkind: Service\nmetadata: {name: second}\n");
            File.WriteAllText(Path.Combine(root.FullName, "a.yaml"), "apiVersion: v1\nkind: Service\nmetadata: {name: first}\n");
            File.WriteAllText(Path.Combine(root.FullName, "c.txt"), "not a manifest");

            var result = ManifestLoader.Load([root.FullName, Path.Combine(root.FullName, "a.yaml")]);

            Assert.Empty(result.Errors);
            Assert.Equal(["first", "second"], result.Manifests.Services.Select(s => s.Metadata.Name));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public void Yaml_conversion_keeps_numbers_exact_and_keys_as_strings()
    {
        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader("a: 0.1\nb: 9007199254740993\nc: 0x1F\nd: ~\ne: '3'\n8080: port\nf: 1.0.0\ng: True\n"));

        var json = YamlJsonConverter.ToJson(stream.Documents[0].RootNode)!.ToJsonString();

        Assert.Equal("""{"a":0.1,"b":9007199254740993,"c":31,"d":null,"e":"3","8080":"port","f":"1.0.0","g":true}""", json);
    }
}
