using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Api.Crds;
using WaddleObservabilityOperator.Cli;

namespace WaddleObservabilityOperator.Tests.Api;

public sealed class CrdGeneratorTests
{
    [Fact]
    public void The_validator_uses_the_committed_schemas_minus_descriptions()
    {
        // ApiValidator generates without XML docs; its rules must be exactly those of the committed CRDs.
        foreach (var crd in new CrdGenerator(XmlDocumentation.None).GenerateAll())
        {
            var committed = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(File.ReadAllText(RepositoryLayout.PathOf("config", "crds", crd.FileName)));
            Assert.Equal(WithoutDescriptions(committed), WithoutDescriptions(crd.Definition));
        }
    }

    public static TheoryData<Type, string> BadTypes() => new()
    {
        { typeof(OptionalValueType), "OptionalValueType.Count is an optional value type; make it nullable or [RequiredField]." },
        { typeof(RequiredNullable), "RequiredNullable.Name is [RequiredField] but nullable; make it non-nullable." },
        { typeof(RatioOnString), "RatioOnString.Value: [Ratio] applies only to a number." },
        { typeof(PatternOnNumber), "PatternOnNumber.Value: [Pattern] applies only to a string." },
        { typeof(MapKeyNotRequired), "MapKeyNotRequired.Items: [ListMapKey(\"key\")] applies only to a list of objects with a required key." },
        { typeof(NoWireName), "NoWireName.Value has no [JsonPropertyName]; every API field names its wire name." },
        { typeof(Recursive), "Recursive contains itself (at spec.child); a CRD schema cannot be recursive." },
        { typeof(UnknownUpstreamType), "No schema mapping for k8s.Models.V1PodSpec (at spec.pod); KubernetesClient model types need their upstream markers in UpstreamMarkers." },
    };

    [Theory]
    [MemberData(nameof(BadTypes))]
    public void Types_the_generator_cannot_map_faithfully_are_refused_with_the_reason(Type type, string message)
    {
        var error = Assert.Throws<InvalidOperationException>(() => new OpenApiSchemaBuilder(XmlDocumentation.None).ForObject(type, "spec"));
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public async Task Crds_command_writes_the_committed_files_and_prints_them_with_stdout()
    {
        var dir = Directory.CreateTempSubdirectory("crds-");
        try
        {
            var docs = Path.Combine(dir.FullName, "docs", "api.md");
            var (code, stdout, stderr) = await Run("--output", dir.FullName, "--docs", docs, "--stdout");
            Assert.True(code == 0, stderr);
            var expected = new List<string>();
            foreach (var name in new[] { "observability.waddlebot.io_waddleservices.yaml", "observability.waddlebot.io_observabilitypolicies.yaml" })
            {
                var committed = await File.ReadAllTextAsync(RepositoryLayout.PathOf("config", "crds", name));
                Assert.Equal(committed, await File.ReadAllTextAsync(Path.Combine(dir.FullName, name)));
                expected.Add(committed);
            }

            Assert.Equal(string.Concat(expected), stdout);
            Assert.Equal(await File.ReadAllTextAsync(RepositoryLayout.PathOf("docs", "api-reference.md")), await File.ReadAllTextAsync(docs));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData]
    [InlineData("--bogus")]
    [InlineData("--output")]
    public async Task Crds_command_rejects_bad_arguments_with_usage(params string[] args)
    {
        var (code, stdout, stderr) = await Run(args);
        Assert.Equal(2, code);
        Assert.Empty(stdout);
        Assert.Contains(CrdsCommand.Usage, stderr, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var code = await CrdsCommand.RunAsync(args, stdout, stderr, CancellationToken.None);
        return (code, stdout.ToString(), stderr.ToString());
    }

    private static string WithoutDescriptions(V1CustomResourceDefinition crd)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(crd))!;
        Strip(node);
        return node.ToJsonString();
    }

    private static void Strip(JsonNode? node)
    {
        if (node is JsonObject o)
        {
            o.Remove("description");
        }

        foreach (var child in node switch { JsonObject o2 => o2.Select(p => p.Value), JsonArray a => a, _ => [] })
        {
            Strip(child);
        }
    }

    private sealed class OptionalValueType
    {
        [JsonPropertyName("count")]
        public int Count { get; set; }
    }

    private sealed class RequiredNullable
    {
        [JsonPropertyName("name")]
        [RequiredField]
        public string? Name { get; set; }
    }

    private sealed class RatioOnString
    {
        [JsonPropertyName("value")]
        [Ratio]
        public string? Value { get; set; }
    }

    private sealed class PatternOnNumber
    {
        [JsonPropertyName("value")]
        [Pattern("^1$")]
        public int? Value { get; set; }
    }

    private sealed class MapKeyNotRequired
    {
        [JsonPropertyName("items")]
        [ListMapKey("key")]
        public IList<Entry>? Items { get; set; }
    }

    private sealed class Entry
    {
        [JsonPropertyName("key")]
        public string? Key { get; set; }
    }

    private sealed class NoWireName
    {
        public string? Value { get; set; }
    }

    private sealed class Recursive
    {
        [JsonPropertyName("child")]
        public Recursive? Child { get; set; }
    }

    private sealed class UnknownUpstreamType
    {
        [JsonPropertyName("pod")]
        public V1PodSpec? Pod { get; set; }
    }
}
