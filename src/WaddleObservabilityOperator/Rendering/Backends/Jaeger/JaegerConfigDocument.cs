using System.Globalization;
using YamlDotNet.Serialization;

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

/// <summary>One backend of jaeger_storage: exactly one of its stores is set (Jaeger refuses two).</summary>
internal sealed record JaegerStorageBackend
{
    [YamlMember(Alias = "memory", Order = 0)] public JaegerMemoryStore? Memory { get; init; }
    [YamlMember(Alias = "badger", Order = 1)] public JaegerBadgerConfig? Badger { get; init; }
    [YamlMember(Alias = "elasticsearch", Order = 2)] public JaegerSearchConfig? Elasticsearch { get; init; }
    [YamlMember(Alias = "opensearch", Order = 3)] public JaegerSearchConfig? Opensearch { get; init; }
    [YamlMember(Alias = "cassandra", Order = 4)] public JaegerCassandraConfig? Cassandra { get; init; }
}

// Badger: internal/storage/v1/badger/config.go (Config: directories, ephemeral, ttl).
internal sealed record JaegerBadgerConfig
{
    [YamlMember(Alias = "directories", Order = 0)] public required JaegerBadgerDirectories Directories { get; init; }
    [YamlMember(Alias = "ephemeral", Order = 1)] public required bool Ephemeral { get; init; }
    [YamlMember(Alias = "ttl", Order = 2)] public required JaegerBadgerTtl Ttl { get; init; }
}

internal sealed record JaegerBadgerDirectories
{
    [YamlMember(Alias = "keys", Order = 0)] public required string Keys { get; init; }
    [YamlMember(Alias = "values", Order = 1)] public required string Values { get; init; }
}

internal sealed record JaegerBadgerTtl
{
    [YamlMember(Alias = "spans")] public required string Spans { get; init; }
}

// Elasticsearch and OpenSearch: internal/storage/elasticsearch/config/config.go (Configuration).
internal sealed record JaegerSearchConfig
{
    [YamlMember(Alias = "server_urls", Order = 0)] public required IReadOnlyList<string> ServerUrls { get; init; }
    [YamlMember(Alias = "indices", Order = 1)] public required JaegerIndices Indices { get; init; }
    [YamlMember(Alias = "create_mappings", Order = 2)] public required bool CreateMappings { get; init; }
    [YamlMember(Alias = "use_aliases", Order = 3)] public required bool UseAliases { get; init; }
    [YamlMember(Alias = "use_ilm", Order = 4)] public required bool UseIlm { get; init; }
    [YamlMember(Alias = "auth", Order = 5)] public JaegerSearchAuth? Auth { get; init; }
    [YamlMember(Alias = "tls", Order = 6)] public JaegerTls? Tls { get; init; }
}

internal sealed record JaegerIndices
{
    [YamlMember(Alias = "index_prefix", Order = 0)] public required string IndexPrefix { get; init; }
    [YamlMember(Alias = "spans", Order = 1)] public JaegerIndexOptions? Spans { get; init; }
    [YamlMember(Alias = "services", Order = 2)] public JaegerIndexOptions? Services { get; init; }
    [YamlMember(Alias = "dependencies", Order = 3)] public JaegerIndexOptions? Dependencies { get; init; }
    [YamlMember(Alias = "sampling", Order = 4)] public JaegerIndexOptions? Sampling { get; init; }
}

internal sealed record JaegerIndexOptions
{
    [YamlMember(Alias = "shards", Order = 0)] public int? Shards { get; init; }
    [YamlMember(Alias = "replicas", Order = 1)] public int? Replicas { get; init; }
}

internal sealed record JaegerSearchAuth
{
    [YamlMember(Alias = "basic")] public required JaegerBasicAuth Basic { get; init; }
}

internal sealed record JaegerBasicAuth
{
    [YamlMember(Alias = "username", Order = 0)] public required string Username { get; init; }
    [YamlMember(Alias = "password", Order = 1)] public required string Password { get; init; }
}

// The OpenTelemetry Collector's configtls.ClientConfig.
internal sealed record JaegerTls
{
    [YamlMember(Alias = "insecure", Order = 0)] public bool? Insecure { get; init; }
    [YamlMember(Alias = "ca_file", Order = 1)] public string? CaFile { get; init; }
}

// Cassandra: internal/storage/cassandra/config/config.go (Configuration: schema, connection).
internal sealed record JaegerCassandraConfig
{
    [YamlMember(Alias = "schema", Order = 0)] public required JaegerCassandraSchema Schema { get; init; }
    [YamlMember(Alias = "connection", Order = 1)] public required JaegerCassandraConnection Connection { get; init; }
}

internal sealed record JaegerCassandraSchema
{
    [YamlMember(Alias = "keyspace", Order = 0)] public required string Keyspace { get; init; }
    [YamlMember(Alias = "create", Order = 1)] public required bool Create { get; init; }
}

internal sealed record JaegerCassandraConnection
{
    [YamlMember(Alias = "servers", Order = 0)] public required IReadOnlyList<string> Servers { get; init; }
    [YamlMember(Alias = "port", Order = 1)] public required int Port { get; init; }
    [YamlMember(Alias = "auth", Order = 2)] public JaegerCassandraAuth? Auth { get; init; }
    [YamlMember(Alias = "tls", Order = 3)] public required JaegerTls Tls { get; init; }
}

internal sealed record JaegerCassandraAuth
{
    [YamlMember(Alias = "basic")] public required JaegerBasicAuth Basic { get; init; }
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
