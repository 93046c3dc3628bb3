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

    /// <summary>Jaeger and Prometheus run by the operator for this policy's services.</summary>
    [JsonPropertyName("backends")]
    public BackendsPolicy? Backends { get; set; }

    /// <summary>Metrics of the rest of the stack the services run on: PostgreSQL, Redis, the nodes and the containers, each scraped by the managed Prometheus and described by a ServiceMonitor.</summary>
    [JsonPropertyName("exporters")]
    public ExportersPolicy? Exporters { get; set; }

    /// <summary>Where the managed Prometheus sends its alerts: an Alertmanager run by the operator, and Alertmanagers given by URL.</summary>
    [JsonPropertyName("alerting")]
    public AlertingPolicy? Alerting { get; set; }
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

    /// <summary>Compute resources of the Jaeger container.</summary>
    [JsonPropertyName("resources")]
    public V1ResourceRequirements? Resources { get; set; }
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

    /// <summary>How long samples are kept (--storage.tsdb.retention.time). Default 30d.</summary>
    [JsonPropertyName("retention")]
    [PrometheusDuration]
    public string? Retention { get; set; }

    /// <summary>Persistent storage; without it Prometheus keeps data in an emptyDir.</summary>
    [JsonPropertyName("storage")]
    public PrometheusStorage? Storage { get; set; }

    /// <summary>Labels added to every series and alert (global.external_labels), e.g. environment and cluster.</summary>
    [JsonPropertyName("externalLabels")]
    public IDictionary<string, string>? ExternalLabels { get; set; }

    /// <summary>Compute resources of the Prometheus container.</summary>
    [JsonPropertyName("resources")]
    public V1ResourceRequirements? Resources { get; set; }
}

public sealed class PrometheusStorage
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

    /// <summary>Standard conditions: Ready, SamplingPublished, BackendsReady.</summary>
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

    /// <summary>The managed Alertmanager, when on.</summary>
    [JsonPropertyName("alertmanager")]
    public BackendStatus? Alertmanager { get; set; }
}

public sealed class BackendStatus
{
    /// <summary>In-cluster address of the backend.</summary>
    [JsonPropertyName("endpoint")]
    public string? Endpoint { get; set; }
}
