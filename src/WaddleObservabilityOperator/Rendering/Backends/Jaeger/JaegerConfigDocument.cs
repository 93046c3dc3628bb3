using System.Globalization;
using YamlDotNet.Serialization;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The config.yaml of a managed Jaeger v2 (an OpenTelemetry Collector configuration): OTLP in, in-memory storage,
/// the query UI, file-based remote sampling reading the mounted sampling ConfigMap, and the v2 health check.
/// </summary>
public static class JaegerConfigDocument
{
    public const int OtlpGrpcPort = 4317;
    public const int OtlpHttpPort = 4318;
    public const int QueryHttpPort = 16686;
    public const int SamplingHttpPort = 5778;
    public const int SamplingGrpcPort = 5779;
    public const int HealthPort = 13133;

    /// <summary>Where the health check extension answers (healthcheckv2's default status path).</summary>
    public const string HealthPath = "/status";

    /// <summary>Directory the sampling ConfigMap is mounted at, as a directory so edits reach the file.</summary>
    public const string SamplingDirectory = "/etc/jaeger/sampling";

    /// <summary>How often Jaeger re-reads the strategies file; it re-parses only when the bytes changed.</summary>
    public const string SamplingReloadInterval = "10s";

    private const string StoreName = "memstore";

    public static string SamplingFilePath => $"{SamplingDirectory}/{ChildNames.SamplingFileName}";

    /// <summary>The generated config.yaml for <paramref name="jaeger"/>.</summary>
    public static string Render(EffectiveJaeger jaeger)
    {
        ArgumentNullException.ThrowIfNull(jaeger);
        if (jaeger.MaxTraces <= 0)
        {
            throw new ArgumentException(
                $"spec.backends.jaeger.maxTraces must be at least 1, got {jaeger.MaxTraces.ToString(CultureInfo.InvariantCulture)}.",
                nameof(jaeger));
        }

        return ConfigYaml.Serialize(Build(jaeger));
    }

    internal static JaegerConfig Build(EffectiveJaeger jaeger) => new()
    {
        Service = new JaegerServiceSection
        {
            Extensions = ["jaeger_storage", "jaeger_query", "remote_sampling", "healthcheckv2"],
            Pipelines = new JaegerPipelines
            {
                Traces = new JaegerPipeline
                {
                    Receivers = ["otlp"],
                    Processors = ["batch"],
                    Exporters = ["jaeger_storage_exporter"],
                },
            },
        },
        Extensions = new JaegerExtensions
        {
            JaegerStorage = new JaegerStorageExtension
            {
                Backends = new SortedDictionary<string, JaegerStorageBackend>(StringComparer.Ordinal)
                {
                    [StoreName] = new JaegerStorageBackend { Memory = new JaegerMemoryStore { MaxTraces = jaeger.MaxTraces } },
                },
            },
            JaegerQuery = new JaegerQueryExtension
            {
                Storage = new JaegerQueryStorage { Traces = StoreName },
                Http = Listen(QueryHttpPort),
            },
            RemoteSampling = new JaegerRemoteSamplingExtension
            {
                // No default_sampling_probability: the strategies document carries the default, and a value here would
                // enter the config hash and restart Jaeger (dropping its in-memory traces) on every ratio change.
                File = new JaegerSamplingFile { Path = SamplingFilePath, ReloadInterval = SamplingReloadInterval },
                Http = Listen(SamplingHttpPort),
                Grpc = Listen(SamplingGrpcPort),
            },
            HealthCheck = new JaegerHealthCheckExtension { UseV2 = true, Http = Listen(HealthPort) },
        },
        Receivers = new JaegerReceivers
        {
            Otlp = new JaegerOtlpReceiver
            {
                Protocols = new JaegerOtlpProtocols { Grpc = Listen(OtlpGrpcPort), Http = Listen(OtlpHttpPort) },
            },
        },
        Processors = new JaegerProcessors { Batch = new JaegerEmpty() },
        Exporters = new JaegerExporters { StorageExporter = new JaegerStorageExporter { TraceStorage = StoreName } },
    };

    // Collector components default to localhost since OpenTelemetry Collector 0.104; the pod must listen on all
    // interfaces for the Service and the kubelet's probes to reach it.
    private static JaegerEndpoint Listen(int port) => new() { Endpoint = $"0.0.0.0:{port.ToString(CultureInfo.InvariantCulture)}" };
}

// The typed model of the file. Property order is the file's key order.
#pragma warning disable CA1812 // instantiated through object initializers above; serialized by reflection

internal sealed record JaegerConfig
{
    [YamlMember(Alias = "service", Order = 0)] public required JaegerServiceSection Service { get; init; }
    [YamlMember(Alias = "extensions", Order = 1)] public required JaegerExtensions Extensions { get; init; }
    [YamlMember(Alias = "receivers", Order = 2)] public required JaegerReceivers Receivers { get; init; }
    [YamlMember(Alias = "processors", Order = 3)] public required JaegerProcessors Processors { get; init; }
    [YamlMember(Alias = "exporters", Order = 4)] public required JaegerExporters Exporters { get; init; }
}

internal sealed record JaegerServiceSection
{
    [YamlMember(Alias = "extensions", Order = 0)] public required IReadOnlyList<string> Extensions { get; init; }
    [YamlMember(Alias = "pipelines", Order = 1)] public required JaegerPipelines Pipelines { get; init; }
}

internal sealed record JaegerPipelines
{
    [YamlMember(Alias = "traces")] public required JaegerPipeline Traces { get; init; }
}

internal sealed record JaegerPipeline
{
    [YamlMember(Alias = "receivers", Order = 0)] public required IReadOnlyList<string> Receivers { get; init; }
    [YamlMember(Alias = "processors", Order = 1)] public required IReadOnlyList<string> Processors { get; init; }
    [YamlMember(Alias = "exporters", Order = 2)] public required IReadOnlyList<string> Exporters { get; init; }
}

internal sealed record JaegerExtensions
{
    [YamlMember(Alias = "jaeger_storage", Order = 0)] public required JaegerStorageExtension JaegerStorage { get; init; }
    [YamlMember(Alias = "jaeger_query", Order = 1)] public required JaegerQueryExtension JaegerQuery { get; init; }
    [YamlMember(Alias = "remote_sampling", Order = 2)] public required JaegerRemoteSamplingExtension RemoteSampling { get; init; }
    [YamlMember(Alias = "healthcheckv2", Order = 3)] public required JaegerHealthCheckExtension HealthCheck { get; init; }
}

internal sealed record JaegerStorageExtension
{
    [YamlMember(Alias = "backends")] public required SortedDictionary<string, JaegerStorageBackend> Backends { get; init; }
}

internal sealed record JaegerStorageBackend
{
    [YamlMember(Alias = "memory")] public required JaegerMemoryStore Memory { get; init; }
}

internal sealed record JaegerMemoryStore
{
    [YamlMember(Alias = "max_traces")] public required int MaxTraces { get; init; }
}

internal sealed record JaegerQueryExtension
{
    [YamlMember(Alias = "storage", Order = 0)] public required JaegerQueryStorage Storage { get; init; }
    [YamlMember(Alias = "http", Order = 1)] public required JaegerEndpoint Http { get; init; }
}

internal sealed record JaegerQueryStorage
{
    [YamlMember(Alias = "traces")] public required string Traces { get; init; }
}

internal sealed record JaegerRemoteSamplingExtension
{
    [YamlMember(Alias = "file", Order = 0)] public required JaegerSamplingFile File { get; init; }
    [YamlMember(Alias = "http", Order = 1)] public required JaegerEndpoint Http { get; init; }
    [YamlMember(Alias = "grpc", Order = 2)] public required JaegerEndpoint Grpc { get; init; }
}

internal sealed record JaegerSamplingFile
{
    [YamlMember(Alias = "path", Order = 0)] public required string Path { get; init; }
    [YamlMember(Alias = "reload_interval", Order = 1)] public required string ReloadInterval { get; init; }
}

internal sealed record JaegerHealthCheckExtension
{
    [YamlMember(Alias = "use_v2", Order = 0)] public required bool UseV2 { get; init; }
    [YamlMember(Alias = "http", Order = 1)] public required JaegerEndpoint Http { get; init; }
}

internal sealed record JaegerReceivers
{
    [YamlMember(Alias = "otlp")] public required JaegerOtlpReceiver Otlp { get; init; }
}

internal sealed record JaegerOtlpReceiver
{
    [YamlMember(Alias = "protocols")] public required JaegerOtlpProtocols Protocols { get; init; }
}

internal sealed record JaegerOtlpProtocols
{
    [YamlMember(Alias = "grpc", Order = 0)] public required JaegerEndpoint Grpc { get; init; }
    [YamlMember(Alias = "http", Order = 1)] public required JaegerEndpoint Http { get; init; }
}

internal sealed record JaegerProcessors
{
    [YamlMember(Alias = "batch")] public required JaegerEmpty Batch { get; init; }
}

internal sealed record JaegerExporters
{
    [YamlMember(Alias = "jaeger_storage_exporter")] public required JaegerStorageExporter StorageExporter { get; init; }
}

internal sealed record JaegerStorageExporter
{
    [YamlMember(Alias = "trace_storage")] public required string TraceStorage { get; init; }
}

internal sealed record JaegerEndpoint
{
    [YamlMember(Alias = "endpoint")] public required string Endpoint { get; init; }
}

/// <summary>A component with default settings, written as <c>{}</c>.</summary>
internal sealed record JaegerEmpty;
#pragma warning restore CA1812
