using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Api;

/// <summary>Observability settings shared by a set of WaddleServices: tracing, correlation, metrics and the managed backends.</summary>
[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = KindName, PluralName = Plural)]
[ResourceNames(Plural, "observabilitypolicy", ["obspol"], [ApiGroup.Category])]
[PrinterColumn(0, "Exporter", "string", ".spec.tracing.exporter", Description = "Trace exporter")]
[PrinterColumn(1, "Sampling", "string", ".spec.tracing.sampling.mode", Description = "Sampling mode")]
[PrinterColumn(2, "Services", "integer", ".status.matchedServices", Description = "WaddleServices using this policy")]
[PrinterColumn(3, "Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", Description = "Status of the Ready condition")]
[PrinterColumn(4, "Age", "date", ".metadata.creationTimestamp")]
public sealed class ObservabilityPolicy : IKubernetesObject<V1ObjectMeta>, ISpec<ObservabilityPolicySpec>
{
    public const string KindName = "ObservabilityPolicy";
    public const string Plural = "observabilitypolicies";

    /// <summary>APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;

    /// <summary>Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>The desired observability settings.</summary>
    [JsonPropertyName("spec")]
    public ObservabilityPolicySpec Spec { get; set; } = new();

    /// <summary>What the operator observed and did.</summary>
    [JsonPropertyName("status")]
    public ObservabilityPolicyStatus? Status { get; set; }
}

public sealed class ObservabilityPolicySpec
{
    /// <summary>Which WaddleServices of this namespace the policy applies to; empty selects all. A WaddleService's spec.policyRef takes precedence over selection.</summary>
    [JsonPropertyName("selector")]
    public V1LabelSelector? Selector { get; set; }

    /// <summary>Restricts the policy to WaddleServices of these layers; empty means every layer.</summary>
    [JsonPropertyName("layers")]
    [MaxItems(5)]
    [ListSet]
    public IList<ServiceLayer>? Layers { get; set; }

    /// <summary>When several policies select a service, the highest priority wins; ties are broken by name order and reported in status.</summary>
    [JsonPropertyName("priority")]
    public int? Priority { get; set; }

    /// <summary>Extra OpenTelemetry resource attributes (OTEL_RESOURCE_ATTRIBUTES), e.g. deployment.environment: production.</summary>
    [JsonPropertyName("resourceAttributes")]
    public IDictionary<string, string>? ResourceAttributes { get; set; }

    /// <summary>Trace export and sampling.</summary>
    [JsonPropertyName("tracing")]
    public TracingPolicy? Tracing { get; set; }

    /// <summary>Correlation and request id headers.</summary>
    [JsonPropertyName("correlation")]
    public CorrelationPolicy? Correlation { get; set; }

    /// <summary>Metrics and scraping.</summary>
    [JsonPropertyName("metrics")]
    public MetricsPolicy? Metrics { get; set; }

    /// <summary>Jaeger, Prometheus and Grafana run by the operator for this policy's services, or the addresses of ones it does not run.</summary>
    [JsonPropertyName("backends")]
    public BackendsPolicy? Backends { get; set; }

    /// <summary>Grafana dashboards of the policy's services as ConfigMaps, loaded by the managed Grafana and by a Grafana you run (its dashboard sidecar).</summary>
    [JsonPropertyName("dashboards")]
    public DashboardsPolicy? Dashboards { get; set; }

    /// <summary>Metrics of the rest of the stack the services run on: PostgreSQL, Redis, the nodes and the containers, each scraped by the managed Prometheus and described by a ServiceMonitor.</summary>
    [JsonPropertyName("exporters")]
    public ExportersPolicy? Exporters { get; set; }

    /// <summary>Where the managed Prometheus sends its alerts: an Alertmanager run by the operator, and Alertmanagers given by URL.</summary>
    [JsonPropertyName("alerting")]
    public AlertingPolicy? Alerting { get; set; }

    /// <summary>Defaults for the service level objectives of the policy's services (spec.slos of a WaddleService), and the labels of their PrometheusRules.</summary>
    [JsonPropertyName("slos")]
    public SloPolicy? Slos { get; set; }
}

public sealed class TracingPolicy
{
    /// <summary>Tracing on or off (TRACING_ENABLED). Default true.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }

    /// <summary>Trace exporter. Default jaeger, the WaddleBot default; otlp when a managed Jaeger is on.</summary>
    [JsonPropertyName("exporter")]
    public TraceExporter? Exporter { get; set; }

    /// <summary>Collector address. Empty with a managed Jaeger: the managed Jaeger's OTLP address.</summary>
    [JsonPropertyName("endpoint")]
    [Length(0, 2048)]
    public string? Endpoint { get; set; }

    /// <summary>OTLP transport. Default grpc.</summary>
    [JsonPropertyName("protocol")]
    public OtlpProtocol? Protocol { get; set; }

    /// <summary>A Secret key holding OTLP headers (OTEL_EXPORTER_OTLP_HEADERS), injected by reference and never copied.</summary>
    [JsonPropertyName("headersSecretRef")]
    public SecretKeyReference? HeadersSecretRef { get; set; }

    /// <summary>Context propagators (OTEL_PROPAGATORS). Default tracecontext, baggage.</summary>
    [JsonPropertyName("propagators")]
    [MaxItems(8)]
    [ListSet]
    public IList<Propagator>? Propagators { get; set; }

    /// <summary>Trace sampling.</summary>
    [JsonPropertyName("sampling")]
    public SamplingPolicy? Sampling { get; set; }
}

public sealed class SamplingPolicy
{
    /// <summary>How sampling decisions reach the services. Default static.</summary>
    [JsonPropertyName("mode")]
    public SamplingMode? Mode { get; set; }

    /// <summary>Probability from 0 to 1 for services without their own ratio. Default 1.0 (the WaddleBot default).</summary>
    [JsonPropertyName("defaultRatio")]
    [Ratio]
    public double? DefaultRatio { get; set; }

    /// <summary>How often services poll for remote sampling strategies. Default 60s.</summary>
    [JsonPropertyName("pollingInterval")]
    [PrometheusDuration]
    public string? PollingInterval { get; set; }

    /// <summary>Per-operation ratios applied to every service of the policy (remote mode).</summary>
    [JsonPropertyName("operations")]
    [ListMapKey("operation")]
    [MaxItems(256)]
    public IList<OperationSampling>? Operations { get; set; }

    /// <summary>In remote mode: the services' SDKs themselves sample from Jaeger's remote sampling document, so they get no TRACING_SAMPLE_RATE and follow a ratio change live, without a rollout. Default false: WaddleBot's Python library reads TRACING_SAMPLE_RATE only, so every service also gets its ratio there and rolls out when it changes. A WaddleService's spec.tracing.sdkRemote overrides it.</summary>
    [JsonPropertyName("sdkRemote")]
    public bool? SdkRemote { get; set; }
}

public sealed class CorrelationPolicy
{
    /// <summary>Correlation id header (CORRELATION_HEADER). Default X-Correlation-ID.</summary>
    [JsonPropertyName("header")]
    [Pattern("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    [Length(1, 256)]
    public string? Header { get; set; }

    /// <summary>Request id header (REQUEST_HEADER). Default X-Request-ID.</summary>
    [JsonPropertyName("requestHeader")]
    [Pattern("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    [Length(1, 256)]
    public string? RequestHeader { get; set; }

    /// <summary>Generate a request id when a request has none (GENERATE_REQUEST_ID). Default true.</summary>
    [JsonPropertyName("generateRequestId")]
    public bool? GenerateRequestId { get; set; }
}

public sealed class MetricsPolicy
{
    /// <summary>Metrics on or off (METRICS_ENABLED). Default true.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }

    /// <summary>Metric name prefix (METRICS_NAMESPACE). Default waddlebot.</summary>
    [JsonPropertyName("namespace")]
    [Pattern("^[a-zA-Z_][a-zA-Z0-9_]*$")]
    [Length(1, 128)]
    public string? Namespace { get; set; }

    /// <summary>How often Prometheus scrapes each service. Default 15s.</summary>
    [JsonPropertyName("scrapeInterval")]
    [PrometheusDuration]
    public string? ScrapeInterval { get; set; }

    /// <summary>Scrape timeout; must not exceed scrapeInterval. Default 10s.</summary>
    [JsonPropertyName("scrapeTimeout")]
    [PrometheusDuration]
    public string? ScrapeTimeout { get; set; }

    /// <summary>Cardinality guard: the most samples accepted per scrape; 0 means no limit.</summary>
    [JsonPropertyName("sampleLimit")]
    [Minimum(0)]
    public long? SampleLimit { get; set; }

    /// <summary>ServiceMonitor creation.</summary>
    [JsonPropertyName("serviceMonitor")]
    public ServiceMonitorPolicy? ServiceMonitor { get; set; }

    /// <summary>How the dashboards read rate, errors and duration (RED) from the services' metrics. Defaults to WaddleBot's shared library.</summary>
    [JsonPropertyName("red")]
    public RedMetrics? Red { get; set; }

    /// <summary>Exemplars: the trace ids services attach to histogram observations, kept by the managed Prometheus and linked to Jaeger by the managed Grafana and the dashboards' latency panels.</summary>
    [JsonPropertyName("exemplars")]
    public ExemplarsPolicy? Exemplars { get; set; }
}

public sealed class ExemplarsPolicy
{
    /// <summary>Keep and show exemplars. Default: on when metrics are on. On: the managed Prometheus runs with --enable-feature=exemplar-storage, the managed Grafana's Prometheus data source links trace_id exemplars to its Jaeger data source, and the service dashboard's latency panels ask for exemplars. A Prometheus the operator does not run keeps them only when started with that flag.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }

    /// <summary>Exemplars the managed Prometheus keeps, for all series together (storage.exemplars.max_exemplars, a ring buffer; changed by a reload, without a restart). Default 100000, Prometheus's own default.</summary>
    [JsonPropertyName("maxExemplars")]
    [Bounds(1, 10_000_000)]
    public int? MaxExemplars { get; set; }
}

public sealed class RedMetrics
{
    /// <summary>Counter of HTTP requests, labelled with the status code. Default &lt;metrics.namespace&gt;_http_requests_total.</summary>
    [JsonPropertyName("requestsMetric")]
    [Pattern(MetricPatterns.MetricName)]
    [Length(1, 256)]
    public string? RequestsMetric { get; set; }

    /// <summary>Histogram of HTTP request durations in seconds, without the _bucket suffix. Default &lt;metrics.namespace&gt;_http_request_duration_seconds.</summary>
    [JsonPropertyName("durationMetric")]
    [Pattern(MetricPatterns.MetricName)]
    [Length(1, 256)]
    public string? DurationMetric { get; set; }

    /// <summary>The label of requestsMetric holding the HTTP status code. Default status.</summary>
    [JsonPropertyName("statusLabel")]
    [Pattern(MetricPatterns.LabelName)]
    [Length(1, 128)]
    public string? StatusLabel { get; set; }

    /// <summary>The status codes that count as errors, a Prometheus (RE2) regular expression matched against the whole value. Default 5.. (server errors).</summary>
    [JsonPropertyName("errorStatusRegex")]
    [Length(1, 256)]
    public string? ErrorStatusRegex { get; set; }
}

public sealed class ServiceMonitorPolicy
{
    /// <summary>When ServiceMonitors are created. Default auto.</summary>
    [JsonPropertyName("mode")]
    public ServiceMonitorMode? Mode { get; set; }

    /// <summary>Extra labels on every ServiceMonitor, e.g. the label a Prometheus selects on.</summary>
    [JsonPropertyName("labels")]
    [LabelMap]
    public IDictionary<string, string>? Labels { get; set; }
}

public sealed class BackendsPolicy
{
    /// <summary>A Jaeger v2 run by the operator.</summary>
    [JsonPropertyName("jaeger")]
    public JaegerBackend? Jaeger { get; set; }

    /// <summary>A Prometheus run by the operator.</summary>
    [JsonPropertyName("prometheus")]
    public PrometheusBackend? Prometheus { get; set; }

    /// <summary>A Grafana run by the operator, with the managed (or given) Prometheus and Jaeger as data sources and the policy's dashboards.</summary>
    [JsonPropertyName("grafana")]
    public GrafanaBackend? Grafana { get; set; }

    /// <summary>Create a NetworkPolicy for each managed backend that admits only its ports.</summary>
    [JsonPropertyName("networkPolicy")]
    public bool? NetworkPolicy { get; set; }
}

public sealed class JaegerBackend
{
    /// <summary>Run a Jaeger for this policy. Default false.</summary>
    [JsonPropertyName("managed")]
    public bool? Managed { get; set; }

    /// <summary>Container image. Default the operator's pinned Jaeger v2 image.</summary>
    [JsonPropertyName("image")]
    [Length(1, 512)]
    public string? Image { get; set; }

    /// <summary>Traces kept by the in-memory store. Default 10000.</summary>
    [JsonPropertyName("maxTraces")]
    [Bounds(1, 10_000_000)]
    public int? MaxTraces { get; set; }

    /// <summary>Where Jaeger keeps the traces. Default in memory (lost on every restart). Changing the type rolls Jaeger out; traces are never migrated between stores.</summary>
    [JsonPropertyName("storage")]
    public JaegerStorage? Storage { get; set; }

    /// <summary>Jaeger pods. Default 1. More than one only with a remote store (elasticsearch, opensearch, cassandra): they then get a PodDisruptionBudget and are spread over nodes.</summary>
    [JsonPropertyName("replicas")]
    [Bounds(1, 10)]
    public int? Replicas { get; set; }

    /// <summary>Compute resources of the Jaeger container.</summary>
    [JsonPropertyName("resources")]
    public V1ResourceRequirements? Resources { get; set; }

    /// <summary>Query address (UI and API, e.g. http://jaeger-query.tracing.svc:16686) of a Jaeger the operator does not run: the managed Grafana's Jaeger data source. Only without managed.</summary>
    [JsonPropertyName("queryUrl")]
    [Pattern(UrlPatterns.Http)]
    [Length(1, 2048)]
    public string? QueryUrl { get; set; }
}

/// <summary>The trace store of the managed Jaeger v2 (its jaeger_storage extension). Only the block of the chosen type may be set.</summary>
public sealed class JaegerStorage
{
    /// <summary>The store. Default memory.</summary>
    [JsonPropertyName("type")]
    public JaegerStorageType? Type { get; set; }

    /// <summary>Settings of the badger store (type badger).</summary>
    [JsonPropertyName("badger")]
    public JaegerBadgerStorage? Badger { get; set; }

    /// <summary>Settings of the Elasticsearch store (type elasticsearch).</summary>
    [JsonPropertyName("elasticsearch")]
    public JaegerSearchStorage? Elasticsearch { get; set; }

    /// <summary>Settings of the OpenSearch store (type opensearch).</summary>
    [JsonPropertyName("opensearch")]
    public JaegerSearchStorage? Opensearch { get; set; }

    /// <summary>Settings of the Cassandra store (type cassandra).</summary>
    [JsonPropertyName("cassandra")]
    public JaegerCassandraStorage? Cassandra { get; set; }
}

/// <summary>Jaeger v2's trace stores the operator renders.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<JaegerStorageType>))]
public enum JaegerStorageType
{
    /// <summary>In memory: lost on restart, one replica.</summary>
    [JsonStringEnumMemberName("memory")] Memory,
    /// <summary>Badger, an embedded key-value store on a persistent volume: one replica (it locks its directory).</summary>
    [JsonStringEnumMemberName("badger")] Badger,
    /// <summary>An Elasticsearch cluster you run.</summary>
    [JsonStringEnumMemberName("elasticsearch")] Elasticsearch,
    /// <summary>An OpenSearch cluster you run.</summary>
    [JsonStringEnumMemberName("opensearch")] Opensearch,
    /// <summary>A Cassandra cluster you run.</summary>
    [JsonStringEnumMemberName("cassandra")] Cassandra,
}

/// <summary>Badger on a persistent volume claim of the Jaeger StatefulSet.</summary>
public sealed class JaegerBadgerStorage
{
    /// <summary>Size of the volume claim. Default 10Gi.</summary>
    [JsonPropertyName("size")]
    [Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")]
    public string? Size { get; set; }

    /// <summary>StorageClass of the claim; empty uses the cluster default.</summary>
    [JsonPropertyName("storageClassName")]
    [Length(1, 253)]
    public string? StorageClassName { get; set; }

    /// <summary>How long spans are kept (badger ttl.spans), a Go duration such as 72h. Default 72h.</summary>
    [JsonPropertyName("retention")]
    [Pattern(GoDurationPattern)]
    public string? Retention { get; set; }

    /// <summary>A Go duration of hours, minutes and seconds, e.g. 72h or 1h30m.</summary>
    public const string GoDurationPattern = "^([0-9]+(h|m|s))+$";
}

/// <summary>An Elasticsearch or OpenSearch cluster: Jaeger writes daily indices and creates their index templates at start.</summary>
public sealed class JaegerSearchStorage
{
    /// <summary>The cluster's URLs, e.g. https://elasticsearch.logging.svc:9200. Required.</summary>
    [JsonPropertyName("serverUrls")]
    [MaxItems(16)]
    [ListSet]
    [ItemPattern(UrlPatterns.Http)]
    public IList<string>? ServerUrls { get; set; }

    /// <summary>Prefix of Jaeger's indices (&lt;prefix&gt;-jaeger-span-YYYY-MM-DD). Default waddlebot.</summary>
    [JsonPropertyName("indexPrefix")]
    [Pattern("^[a-z0-9][a-z0-9_.-]*$")]
    [Length(1, 64)]
    public string? IndexPrefix { get; set; }

    /// <summary>Primary shards of each new index. Default Jaeger's (5).</summary>
    [JsonPropertyName("shards")]
    [Bounds(1, 100)]
    public int? Shards { get; set; }

    /// <summary>Replica shards of each new index. Default Jaeger's (1).</summary>
    [JsonPropertyName("indexReplicas")]
    [Bounds(0, 10)]
    public int? IndexReplicas { get; set; }

    /// <summary>The Secret key holding the user name for basic authentication; with passwordSecretRef.</summary>
    [JsonPropertyName("usernameSecretRef")]
    public SecretKeyReference? UsernameSecretRef { get; set; }

    /// <summary>The Secret key holding the password for basic authentication; with usernameSecretRef.</summary>
    [JsonPropertyName("passwordSecretRef")]
    public SecretKeyReference? PasswordSecretRef { get; set; }

    /// <summary>The Secret key holding the PEM CA bundle that signed the cluster's certificate (https URLs).</summary>
    [JsonPropertyName("caSecretRef")]
    public SecretKeyReference? CaSecretRef { get; set; }
}

/// <summary>A Cassandra cluster.</summary>
public sealed class JaegerCassandraStorage
{
    /// <summary>Contact points (host names or addresses), e.g. cassandra.db.svc. Required.</summary>
    [JsonPropertyName("servers")]
    [MaxItems(16)]
    [ListSet]
    [ItemPattern(NamePatterns.Host)]
    public IList<string>? Servers { get; set; }

    /// <summary>CQL port. Default 9042.</summary>
    [JsonPropertyName("port")]
    [Bounds(1, 65535)]
    public int? Port { get; set; }

    /// <summary>Keyspace of Jaeger's tables. Default jaeger_v1_dc1.</summary>
    [JsonPropertyName("keyspace")]
    [Pattern("^[a-zA-Z][a-zA-Z0-9_]*$")]
    [Length(1, 48)]
    public string? Keyspace { get; set; }

    /// <summary>Have Jaeger create the keyspace and tables at start when missing (Jaeger's defaults: replication factor 1, data center dc1). Default true; set false when you create the schema yourself.</summary>
    [JsonPropertyName("createSchema")]
    public bool? CreateSchema { get; set; }

    /// <summary>The Secret key holding the user name (PasswordAuthenticator); with passwordSecretRef.</summary>
    [JsonPropertyName("usernameSecretRef")]
    public SecretKeyReference? UsernameSecretRef { get; set; }

    /// <summary>The Secret key holding the password; with usernameSecretRef.</summary>
    [JsonPropertyName("passwordSecretRef")]
    public SecretKeyReference? PasswordSecretRef { get; set; }

    /// <summary>The Secret key holding the PEM CA bundle of the cluster's certificate: set it to connect over TLS (without it the connection is plain).</summary>
    [JsonPropertyName("caSecretRef")]
    public SecretKeyReference? CaSecretRef { get; set; }
}

public sealed class PrometheusBackend
{
    /// <summary>Run a Prometheus for this policy. Default false.</summary>
    [JsonPropertyName("managed")]
    public bool? Managed { get; set; }

    /// <summary>Container image. Default the operator's pinned Prometheus v3 image.</summary>
    [JsonPropertyName("image")]
    [Length(1, 512)]
    public string? Image { get; set; }

    /// <summary>Image of the config reloader beside Prometheus, which has it reload its configuration and rules when they change (e.g. a mirror of quay.io/prometheus-operator/prometheus-config-reloader). Default the operator's pinned prometheus-config-reloader image.</summary>
    [JsonPropertyName("configReloaderImage")]
    [Length(1, 512)]
    public string? ConfigReloaderImage { get; set; }

    /// <summary>How long samples are kept (--storage.tsdb.retention.time). Default 30d.</summary>
    [JsonPropertyName("retention")]
    [PrometheusDuration]
    public string? Retention { get; set; }

    /// <summary>Persistent storage; without it Prometheus keeps data in an emptyDir.</summary>
    [JsonPropertyName("storage")]
    public PersistentStorage? Storage { get; set; }

    /// <summary>Labels added to every series and alert (global.external_labels), e.g. environment and cluster.</summary>
    [JsonPropertyName("externalLabels")]
    public IDictionary<string, string>? ExternalLabels { get; set; }

    /// <summary>Compute resources of the Prometheus container.</summary>
    [JsonPropertyName("resources")]
    public V1ResourceRequirements? Resources { get; set; }

    /// <summary>How many Prometheus pods scrape the same targets. Default 1. With 2 or more (a StatefulSet), each pod adds the external label replica=&lt;pod name&gt;, which Thanos and Mimir deduplicate on, and gets a PodDisruptionBudget and anti-affinity by node.</summary>
    [JsonPropertyName("replicas")]
    [Bounds(1, 10)]
    public int? Replicas { get; set; }

    /// <summary>Remote stores every sample is also sent to (remote_write), e.g. Thanos Receive, Mimir or Cortex.</summary>
    [JsonPropertyName("remoteWrite")]
    [MaxItems(16)]
    public IList<RemoteWriteSpec>? RemoteWrite { get; set; }

    /// <summary>Address (e.g. http://prometheus-operated.monitoring.svc:9090) of a Prometheus the operator does not run: the managed Grafana's Prometheus data source. Only without managed.</summary>
    [JsonPropertyName("url")]
    [Pattern(UrlPatterns.Http)]
    [Length(1, 2048)]
    public string? Url { get; set; }
}

public sealed class GrafanaBackend
{
    /// <summary>Run a Grafana for this policy. Default false.</summary>
    [JsonPropertyName("managed")]
    public bool? Managed { get; set; }

    /// <summary>Container image. Default the operator's pinned Grafana 13 image.</summary>
    [JsonPropertyName("image")]
    [Length(1, 512)]
    public string? Image { get; set; }

    /// <summary>The Secret with the admin user and password; required when managed (there is no default password). Injected by reference, never read or copied. The password only seeds Grafana's first start: with persistent storage, changing the Secret does not change it.</summary>
    [JsonPropertyName("adminSecretRef")]
    public GrafanaAdminSecretReference? AdminSecretRef { get; set; }

    /// <summary>Let anyone who reaches Grafana view dashboards without logging in (the Viewer role). Default false.</summary>
    [JsonPropertyName("anonymousViewing")]
    public bool? AnonymousViewing { get; set; }

    /// <summary>Compute resources of the Grafana container.</summary>
    [JsonPropertyName("resources")]
    public V1ResourceRequirements? Resources { get; set; }

    /// <summary>Persistent storage of Grafana's database (users, preferences, annotations); without it Grafana keeps it in an emptyDir and starts afresh on every restart. Not with database.</summary>
    [JsonPropertyName("storage")]
    public PersistentStorage? Storage { get; set; }

    /// <summary>A PostgreSQL or MySQL database you run for Grafana's users, preferences and annotations instead of its own SQLite file; needed for more than one replica.</summary>
    [JsonPropertyName("database")]
    public GrafanaDatabase? Database { get; set; }

    /// <summary>Grafana pods. Default 1. More than one needs database (they share it); they then get a PodDisruptionBudget and are spread over nodes.</summary>
    [JsonPropertyName("replicas")]
    [Bounds(1, 10)]
    public int? Replicas { get; set; }
}

/// <summary>Grafana's database, given as one URL in a Secret (GF_DATABASE_URL): the operator never reads it.</summary>
public sealed class GrafanaDatabase
{
    /// <summary>The database's kind; the URL's scheme must be the same (postgres:// or mysql://).</summary>
    [JsonPropertyName("type")]
    [RequiredField]
    public GrafanaDatabaseType Type { get; set; }

    /// <summary>The Secret key holding the URL, e.g. postgres://grafana:PASSWORD@postgres.db.svc:5432/grafana (special characters of the password percent-encoded).</summary>
    [JsonPropertyName("urlSecretRef")]
    [RequiredField]
    public SecretKeyReference UrlSecretRef { get; set; } = new();

    /// <summary>TLS to the database (GF_DATABASE_SSL_MODE): disable, require (encrypted, certificate not checked) or verify-full. Default require.</summary>
    [JsonPropertyName("sslMode")]
    public GrafanaDatabaseSslMode? SslMode { get; set; }
}

/// <summary>The databases Grafana runs on besides its own SQLite file.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GrafanaDatabaseType>))]
public enum GrafanaDatabaseType
{
    [JsonStringEnumMemberName("postgres")] Postgres,
    [JsonStringEnumMemberName("mysql")] Mysql,
}

/// <summary>How Grafana connects to its database over TLS.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<GrafanaDatabaseSslMode>))]
public enum GrafanaDatabaseSslMode
{
    /// <summary>No TLS.</summary>
    [JsonStringEnumMemberName("disable")] Disable,
    /// <summary>TLS without checking the certificate.</summary>
    [JsonStringEnumMemberName("require")] Require,
    /// <summary>TLS, the certificate checked against the system roots and the host name.</summary>
    [JsonStringEnumMemberName("verify-full")] VerifyFull,
}

/// <summary>The Secret holding the managed Grafana's admin credentials, in the policy's namespace.</summary>
public sealed class GrafanaAdminSecretReference
{
    /// <summary>Name of the Secret.</summary>
    [JsonPropertyName("name")]
    [RequiredField]
    [Length(1, 253)]
    [Pattern(NamePatterns.Subdomain)]
    public string Name { get; set; } = "";

    /// <summary>Key of the admin user name. Default admin-user (the Grafana Helm chart's).</summary>
    [JsonPropertyName("userKey")]
    [Length(1, 253)]
    [Pattern(NamePatterns.DataKey)]
    public string? UserKey { get; set; }

    /// <summary>Key of the admin password. Default admin-password (the Grafana Helm chart's).</summary>
    [JsonPropertyName("passwordKey")]
    [Length(1, 253)]
    [Pattern(NamePatterns.DataKey)]
    public string? PasswordKey { get; set; }
}

public sealed class DashboardsPolicy
{
    /// <summary>Publish the dashboards. Default: on when metrics are on.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }

    /// <summary>Labels of the dashboard ConfigMaps, which a Grafana dashboard sidecar selects on. Default grafana_dashboard: "1" (the Grafana Helm chart's and kube-prometheus-stack's); a map given here replaces it.</summary>
    [JsonPropertyName("labels")]
    [LabelMap]
    public IDictionary<string, string>? Labels { get; set; }

    /// <summary>The Grafana folder of the dashboards (the k8s-sidecar-target-directory annotation of the ConfigMaps, and the managed Grafana's folder). Default WaddleBot.</summary>
    [JsonPropertyName("folder")]
    [Pattern("^[A-Za-z0-9][A-Za-z0-9 ._-]*$")]
    [Length(1, 64)]
    public string? Folder { get; set; }
}

/// <summary>Persistent storage of a managed backend: a StatefulSet with a volume claim template.</summary>
public sealed class PersistentStorage
{
    /// <summary>Size of the persistent volume claim, e.g. 20Gi. Set it to get persistent storage (a StatefulSet).</summary>
    [JsonPropertyName("size")]
    [Pattern("^[0-9]+(\\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$")]
    public string? Size { get; set; }

    /// <summary>StorageClass of the claim; empty uses the cluster default.</summary>
    [JsonPropertyName("storageClassName")]
    public string? StorageClassName { get; set; }
}

public sealed class ObservabilityPolicyStatus
{
    /// <summary>The spec generation this status describes.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Standard conditions: Ready, SamplingPublished, BackendsReady, DashboardsPublished.</summary>
    [JsonPropertyName("conditions")]
    [ListMapKey("type")]
    public IList<V1Condition>? Conditions { get; set; }

    /// <summary>How many WaddleServices resolve to this policy.</summary>
    [JsonPropertyName("matchedServices")]
    public int? MatchedServices { get; set; }

    /// <summary>The managed Jaeger, when on.</summary>
    [JsonPropertyName("jaeger")]
    public BackendStatus? Jaeger { get; set; }

    /// <summary>The managed Prometheus, when on.</summary>
    [JsonPropertyName("prometheus")]
    public BackendStatus? Prometheus { get; set; }

    /// <summary>The managed Grafana, when on.</summary>
    [JsonPropertyName("grafana")]
    public BackendStatus? Grafana { get; set; }

    /// <summary>The managed Alertmanager, when on.</summary>
    [JsonPropertyName("alertmanager")]
    public BackendStatus? Alertmanager { get; set; }
}

public sealed class BackendStatus
{
    /// <summary>In-cluster address of the backend.</summary>
    [JsonPropertyName("endpoint")]
    public string? Endpoint { get; set; }

    /// <summary>Whether its workloads have rolled out the current spec with every replica available (read from their status).</summary>
    [JsonPropertyName("ready")]
    public bool? Ready { get; set; }

    /// <summary>What its workloads report: replicas available, or what it waits for (a rollout, a progress deadline exceeded).</summary>
    [JsonPropertyName("message")]
    public string? Message { get; set; }
}
