using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Api;
using YamlDotNet.RepresentationModel;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>
/// The generated Jaeger config read back: the sections, components and keys of Jaeger v2's documented configuration
/// (an OpenTelemetry Collector config with Jaeger's extensions). Where a copy of Jaeger's own all-in-one config is beside
/// the repository, every component and key path is also found there (an extra check: a clone on its own has none).
/// </summary>
public sealed class JaegerConfigShapeTests
{
    private static readonly YamlMappingNode Generated = YamlTree.Load(JaegerConfigDocument.Render(BackendTestData.Policy(maxTraces: 1234).Jaeger));
    private static readonly YamlMappingNode? Reference =
        RepositoryLayout.UpstreamReference("jaeger-v2-all-in-one.yaml") is { } path ? YamlTree.Load(File.ReadAllText(path)) : null;

    [Fact]
    public void Top_level_sections_are_the_collector_ones()
    {
        string[] sections = ["exporters", "extensions", "processors", "receivers", "service"];
        Assert.Equal(sections, Generated.Keys().Order(StringComparer.Ordinal));
        if (Reference is not null)
        {
            Assert.Equal(Reference.Keys().Order(StringComparer.Ordinal), Generated.Keys().Order(StringComparer.Ordinal));
        }
    }

    [Theory]
    [InlineData("extensions", new[] { "jaeger_storage", "jaeger_query", "remote_sampling", "healthcheckv2" })]
    [InlineData("receivers", new[] { "otlp" })]
    [InlineData("processors", new[] { "batch" })]
    [InlineData("exporters", new[] { "jaeger_storage_exporter" })]
    public void Components_are_reference_components(string section, string[] expected)
    {
        Assert.Equal(expected, Generated.Keys(section));
        // Every component is one the reference configures too: the same keys, so the same factories in the binary.
        if (Reference is not null)
        {
            Assert.All(expected, component => Assert.Contains(component, Reference.Keys(section)));
        }
    }

    [Fact]
    public void Service_section_lists_exactly_the_configured_components()
    {
        Assert.Equal(Generated.Keys("extensions"), Names(Generated.Items("service", "extensions")));
        var traces = Generated.At("service", "pipelines", "traces");
        Assert.Equal(["receivers", "processors", "exporters"], traces.Keys());
        if (Reference is not null)
        {
            Assert.Equal(Reference.Keys("service", "pipelines", "traces"), traces.Keys());
        }

        Assert.Equal(Generated.Keys("receivers"), Names(traces.Items("receivers")));
        Assert.Equal(Generated.Keys("processors"), Names(traces.Items("processors")));
        Assert.Equal(Generated.Keys("exporters"), Names(traces.Items("exporters")));
        Assert.Equal(["traces"], Generated.Keys("service", "pipelines"));
    }

    [Fact]
    public void Storage_is_in_memory_with_the_policy_max_traces_and_used_by_query_and_exporter()
    {
        var backends = Generated.At("extensions", "jaeger_storage", "backends");
        var store = Assert.Single(backends.Keys());
        Assert.Equal(["memory"], backends.Keys(store));
        Assert.Equal("1234", backends.Text(store, "memory", "max_traces"));
        Assert.Equal(store, Generated.Text("extensions", "jaeger_query", "storage", "traces"));
        Assert.Equal(store, Generated.Text("exporters", "jaeger_storage_exporter", "trace_storage"));
    }

    [Fact]
    public void Remote_sampling_reads_the_mounted_strategies_file_and_reloads_it()
    {
        var sampling = Generated.At("extensions", "remote_sampling");
        Assert.Equal(["file", "http", "grpc"], sampling.Keys());
        if (Reference is not null)
        {
            Assert.All(sampling.Keys(), key => Assert.Contains(key, Reference.Keys("extensions", "remote_sampling")));
        }

        Assert.Equal($"/etc/jaeger/sampling/{ChildNames.SamplingFileName}", sampling.Text("file", "path"));
        Assert.Equal("10s", sampling.Text("file", "reload_interval"));
        Assert.Equal("0.0.0.0:5778", sampling.Text("http", "endpoint"));
        Assert.Equal("0.0.0.0:5779", sampling.Text("grpc", "endpoint"));
    }

    [Theory]
    [InlineData("0.0.0.0:4317", "receivers", "otlp", "protocols", "grpc", "endpoint")]
    [InlineData("0.0.0.0:4318", "receivers", "otlp", "protocols", "http", "endpoint")]
    [InlineData("0.0.0.0:16686", "extensions", "jaeger_query", "http", "endpoint")]
    [InlineData("0.0.0.0:13133", "extensions", "healthcheckv2", "http", "endpoint")]
    [InlineData("true", "extensions", "healthcheckv2", "use_v2")]
    public void Listeners_bind_all_interfaces_on_the_documented_ports(string expected, params string[] path)
    {
        Assert.Equal(expected, Generated.Text(path));
        // The reference has the same key path (its endpoints bind ${env:JAEGER_LISTEN_HOST}); query's http is the exception, defaulted there.
        if (Reference is not null && path[1] != "jaeger_query")
        {
            Assert.NotNull(Reference.At(path[..^1]));
        }
    }

    [Fact]
    public void Batch_processor_is_an_empty_mapping()
    {
        Assert.Empty(Assert.IsType<YamlMappingNode>(Generated.At("processors", "batch")).Children);
    }

    private static IEnumerable<string> Names(IReadOnlyList<YamlNode> nodes) => nodes.Select(n => ((YamlScalarNode)n).Value!);
}
