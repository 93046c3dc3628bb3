using System.Globalization;
using System.Text.Json.Serialization;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The config.yaml of a managed Jaeger v2 (an OpenTelemetry Collector configuration): OTLP in, the policy's trace store
/// (<see cref="JaegerTraceStore"/>: memory, badger, Elasticsearch, OpenSearch or Cassandra), the query UI, file-based
/// remote sampling reading the mounted sampling ConfigMap, and the v2 health check. Whatever the store, sampling is the
/// same file: several replicas each read it.
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

    public static string SamplingFilePath => $"{SamplingDirectory}/{ChildNames.SamplingFileName}";

    /// <summary>The generated config.yaml for <paramref name="jaeger"/>.</summary>
    public static string Render(EffectiveJaeger jaeger)
    {
        ArgumentNullException.ThrowIfNull(jaeger);
        if (jaeger.TraceStore is InMemoryTraceStore { MaxTraces: <= 0 })
        {
            throw new ArgumentException(
                $"spec.backends.jaeger.maxTraces must be at least 1, got {jaeger.MaxTraces.ToString(CultureInfo.InvariantCulture)}.",
                nameof(jaeger));
        }

        return ConfigYaml.Serialize(Build(jaeger));
    }

    internal static JaegerConfig Build(EffectiveJaeger jaeger)
    {
        var store = jaeger.TraceStore;
        return Build(store.BackendName, store.Backend());
    }

    private static JaegerConfig Build(string storeName, JaegerStorageBackend backend) => new()
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
                    [storeName] = backend,
                },
            },
            JaegerQuery = new JaegerQueryExtension
            {
                Storage = new JaegerQueryStorage { Traces = storeName },
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
        Exporters = new JaegerExporters { StorageExporter = new JaegerStorageExporter { TraceStorage = storeName } },
    };

    // Collector components default to localhost since OpenTelemetry Collector 0.104; the pod must listen on all
    // interfaces for the Service and the kubelet's probes to reach it.
    private static JaegerEndpoint Listen(int port) => new() { Endpoint = $"0.0.0.0:{port.ToString(CultureInfo.InvariantCulture)}" };
}

// The typed model of the file. Property order is the file's key order.
#pragma warning disable CA1812 // instantiated through object initializers above; serialized by reflection

internal sealed record JaegerConfig
{
    [JsonPropertyName("service"), JsonPropertyOrder(0)] public required JaegerServiceSection Service { get; init; }
    [JsonPropertyName("extensions"), JsonPropertyOrder(1)] public required JaegerExtensions Extensions { get; init; }
    [JsonPropertyName("receivers"), JsonPropertyOrder(2)] public required JaegerReceivers Receivers { get; init; }
    [JsonPropertyName("processors"), JsonPropertyOrder(3)] public required JaegerProcessors Processors { get; init; }
    [JsonPropertyName("exporters"), JsonPropertyOrder(4)] public required JaegerExporters Exporters { get; init; }
}

internal sealed record JaegerServiceSection
{
    [JsonPropertyName("extensions"), JsonPropertyOrder(0)] public required IReadOnlyList<string> Extensions { get; init; }
    [JsonPropertyName("pipelines"), JsonPropertyOrder(1)] public required JaegerPipelines Pipelines { get; init; }
}

internal sealed record JaegerPipelines
{
    [JsonPropertyName("traces")] public required JaegerPipeline Traces { get; init; }
}

internal sealed record JaegerPipeline
{
    [JsonPropertyName("receivers"), JsonPropertyOrder(0)] public required IReadOnlyList<string> Receivers { get; init; }
    [JsonPropertyName("processors"), JsonPropertyOrder(1)] public required IReadOnlyList<string> Processors { get; init; }
    [JsonPropertyName("exporters"), JsonPropertyOrder(2)] public required IReadOnlyList<string> Exporters { get; init; }
}

internal sealed record JaegerExtensions
{
    [JsonPropertyName("jaeger_storage"), JsonPropertyOrder(0)] public required JaegerStorageExtension JaegerStorage { get; init; }
    [JsonPropertyName("jaeger_query"), JsonPropertyOrder(1)] public required JaegerQueryExtension JaegerQuery { get; init; }
    [JsonPropertyName("remote_sampling"), JsonPropertyOrder(2)] public required JaegerRemoteSamplingExtension RemoteSampling { get; init; }
    [JsonPropertyName("healthcheckv2"), JsonPropertyOrder(3)] public required JaegerHealthCheckExtension HealthCheck { get; init; }
}

internal sealed record JaegerStorageExtension
{
    [JsonPropertyName("backends")] public required SortedDictionary<string, JaegerStorageBackend> Backends { get; init; }
}

/// <summary>One backend of jaeger_storage: exactly one of its stores is set (Jaeger refuses two).</summary>
internal sealed record JaegerStorageBackend
{
    [JsonPropertyName("memory"), JsonPropertyOrder(0)] public JaegerMemoryStore? Memory { get; init; }
    [JsonPropertyName("badger"), JsonPropertyOrder(1)] public JaegerBadgerConfig? Badger { get; init; }
    [JsonPropertyName("elasticsearch"), JsonPropertyOrder(2)] public JaegerSearchConfig? Elasticsearch { get; init; }
    [JsonPropertyName("opensearch"), JsonPropertyOrder(3)] public JaegerSearchConfig? Opensearch { get; init; }
    [JsonPropertyName("cassandra"), JsonPropertyOrder(4)] public JaegerCassandraConfig? Cassandra { get; init; }
}

// Badger: internal/storage/v1/badger/config.go (Config: directories, ephemeral, ttl).
internal sealed record JaegerBadgerConfig
{
    [JsonPropertyName("directories"), JsonPropertyOrder(0)] public required JaegerBadgerDirectories Directories { get; init; }
    [JsonPropertyName("ephemeral"), JsonPropertyOrder(1)] public required bool Ephemeral { get; init; }
    [JsonPropertyName("ttl"), JsonPropertyOrder(2)] public required JaegerBadgerTtl Ttl { get; init; }
}

internal sealed record JaegerBadgerDirectories
{
    [JsonPropertyName("keys"), JsonPropertyOrder(0)] public required string Keys { get; init; }
    [JsonPropertyName("values"), JsonPropertyOrder(1)] public required string Values { get; init; }
}

internal sealed record JaegerBadgerTtl
{
    [JsonPropertyName("spans")] public required string Spans { get; init; }
}

// Elasticsearch and OpenSearch: internal/storage/elasticsearch/config/config.go (Configuration).
internal sealed record JaegerSearchConfig
{
    [JsonPropertyName("server_urls"), JsonPropertyOrder(0)] public required IReadOnlyList<string> ServerUrls { get; init; }
    [JsonPropertyName("indices"), JsonPropertyOrder(1)] public required JaegerIndices Indices { get; init; }
    [JsonPropertyName("create_mappings"), JsonPropertyOrder(2)] public required bool CreateMappings { get; init; }
    [JsonPropertyName("use_aliases"), JsonPropertyOrder(3)] public required bool UseAliases { get; init; }
    [JsonPropertyName("use_ilm"), JsonPropertyOrder(4)] public required bool UseIlm { get; init; }
    [JsonPropertyName("auth"), JsonPropertyOrder(5)] public JaegerSearchAuth? Auth { get; init; }
    [JsonPropertyName("tls"), JsonPropertyOrder(6)] public JaegerTls? Tls { get; init; }
}

internal sealed record JaegerIndices
{
    [JsonPropertyName("index_prefix"), JsonPropertyOrder(0)] public required string IndexPrefix { get; init; }
    [JsonPropertyName("spans"), JsonPropertyOrder(1)] public JaegerIndexOptions? Spans { get; init; }
    [JsonPropertyName("services"), JsonPropertyOrder(2)] public JaegerIndexOptions? Services { get; init; }
    [JsonPropertyName("dependencies"), JsonPropertyOrder(3)] public JaegerIndexOptions? Dependencies { get; init; }
    [JsonPropertyName("sampling"), JsonPropertyOrder(4)] public JaegerIndexOptions? Sampling { get; init; }
}

internal sealed record JaegerIndexOptions
{
    [JsonPropertyName("shards"), JsonPropertyOrder(0)] public int? Shards { get; init; }
    [JsonPropertyName("replicas"), JsonPropertyOrder(1)] public int? Replicas { get; init; }
}

internal sealed record JaegerSearchAuth
{
    [JsonPropertyName("basic")] public required JaegerBasicAuth Basic { get; init; }
}

internal sealed record JaegerBasicAuth
{
    [JsonPropertyName("username"), JsonPropertyOrder(0)] public required string Username { get; init; }
    [JsonPropertyName("password"), JsonPropertyOrder(1)] public required string Password { get; init; }
}

// The OpenTelemetry Collector's configtls.ClientConfig.
internal sealed record JaegerTls
{
    [JsonPropertyName("insecure"), JsonPropertyOrder(0)] public bool? Insecure { get; init; }
    [JsonPropertyName("ca_file"), JsonPropertyOrder(1)] public string? CaFile { get; init; }
}

// Cassandra: internal/storage/cassandra/config/config.go (Configuration: schema, connection).
internal sealed record JaegerCassandraConfig
{
    [JsonPropertyName("schema"), JsonPropertyOrder(0)] public required JaegerCassandraSchema Schema { get; init; }
    [JsonPropertyName("connection"), JsonPropertyOrder(1)] public required JaegerCassandraConnection Connection { get; init; }
}

internal sealed record JaegerCassandraSchema
{
    [JsonPropertyName("keyspace"), JsonPropertyOrder(0)] public required string Keyspace { get; init; }
    [JsonPropertyName("create"), JsonPropertyOrder(1)] public required bool Create { get; init; }
}

internal sealed record JaegerCassandraConnection
{
    [JsonPropertyName("servers"), JsonPropertyOrder(0)] public required IReadOnlyList<string> Servers { get; init; }
    [JsonPropertyName("port"), JsonPropertyOrder(1)] public required int Port { get; init; }
    [JsonPropertyName("auth"), JsonPropertyOrder(2)] public JaegerCassandraAuth? Auth { get; init; }
    [JsonPropertyName("tls"), JsonPropertyOrder(3)] public required JaegerTls Tls { get; init; }
}

internal sealed record JaegerCassandraAuth
{
    [JsonPropertyName("basic")] public required JaegerBasicAuth Basic { get; init; }
}

internal sealed record JaegerMemoryStore
{
    [JsonPropertyName("max_traces")] public required int MaxTraces { get; init; }
}

internal sealed record JaegerQueryExtension
{
    [JsonPropertyName("storage"), JsonPropertyOrder(0)] public required JaegerQueryStorage Storage { get; init; }
    [JsonPropertyName("http"), JsonPropertyOrder(1)] public required JaegerEndpoint Http { get; init; }
}

internal sealed record JaegerQueryStorage
{
    [JsonPropertyName("traces")] public required string Traces { get; init; }
}

internal sealed record JaegerRemoteSamplingExtension
{
    [JsonPropertyName("file"), JsonPropertyOrder(0)] public required JaegerSamplingFile File { get; init; }
    [JsonPropertyName("http"), JsonPropertyOrder(1)] public required JaegerEndpoint Http { get; init; }
    [JsonPropertyName("grpc"), JsonPropertyOrder(2)] public required JaegerEndpoint Grpc { get; init; }
}

internal sealed record JaegerSamplingFile
{
    [JsonPropertyName("path"), JsonPropertyOrder(0)] public required string Path { get; init; }
    [JsonPropertyName("reload_interval"), JsonPropertyOrder(1)] public required string ReloadInterval { get; init; }
}

internal sealed record JaegerHealthCheckExtension
{
    [JsonPropertyName("use_v2"), JsonPropertyOrder(0)] public required bool UseV2 { get; init; }
    [JsonPropertyName("http"), JsonPropertyOrder(1)] public required JaegerEndpoint Http { get; init; }
}

internal sealed record JaegerReceivers
{
    [JsonPropertyName("otlp")] public required JaegerOtlpReceiver Otlp { get; init; }
}

internal sealed record JaegerOtlpReceiver
{
    [JsonPropertyName("protocols")] public required JaegerOtlpProtocols Protocols { get; init; }
}

internal sealed record JaegerOtlpProtocols
{
    [JsonPropertyName("grpc"), JsonPropertyOrder(0)] public required JaegerEndpoint Grpc { get; init; }
    [JsonPropertyName("http"), JsonPropertyOrder(1)] public required JaegerEndpoint Http { get; init; }
}

internal sealed record JaegerProcessors
{
    [JsonPropertyName("batch")] public required JaegerEmpty Batch { get; init; }
}

internal sealed record JaegerExporters
{
    [JsonPropertyName("jaeger_storage_exporter")] public required JaegerStorageExporter StorageExporter { get; init; }
}

internal sealed record JaegerStorageExporter
{
    [JsonPropertyName("trace_storage")] public required string TraceStorage { get; init; }
}

internal sealed record JaegerEndpoint
{
    [JsonPropertyName("endpoint")] public required string Endpoint { get; init; }
}

/// <summary>A component with default settings, written as <c>{}</c>.</summary>
internal sealed record JaegerEmpty;
#pragma warning restore CA1812
