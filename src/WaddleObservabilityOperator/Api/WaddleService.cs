using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Api;

/// <summary>One WaddleBot microservice: its workload receives the tracing, correlation and metrics environment, and it is scraped and sampled as its policy says.</summary>
[KubernetesEntity(Group = ApiGroup.Group, ApiVersion = ApiGroup.Version, Kind = KindName, PluralName = Plural)]
[ResourceNames(Plural, "waddleservice", ["wsvc"], [ApiGroup.Category])]
[PrinterColumn(0, "Layer", "string", ".spec.layer", Description = "WaddleBot layer")]
[PrinterColumn(1, "Service", "string", ".status.effective.serviceName", Description = "OTEL_SERVICE_NAME")]
[PrinterColumn(2, "Policy", "string", ".status.policy", Description = "Resolved ObservabilityPolicy")]
[PrinterColumn(3, "Sampling", "number", ".status.effective.samplingRatio", Description = "Effective sampling ratio")]
[PrinterColumn(4, "Ready", "string", ".status.conditions[?(@.type==\"Ready\")].status", Description = "Status of the Ready condition")]
[PrinterColumn(5, "Age", "date", ".metadata.creationTimestamp")]
public sealed class WaddleService : IKubernetesObject<V1ObjectMeta>, ISpec<WaddleServiceSpec>
{
    public const string KindName = "WaddleService";
    public const string Plural = "waddleservices";

    /// <summary>APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources</summary>
    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = ApiGroup.ApiVersion;

    /// <summary>Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds</summary>
    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    /// <summary>The microservice and what to observe of it.</summary>
    [JsonPropertyName("spec")]
    [RequiredField]
    public WaddleServiceSpec Spec { get; set; } = new();

    /// <summary>What the operator observed and did.</summary>
    [JsonPropertyName("status")]
    public WaddleServiceStatus? Status { get; set; }
}

public sealed class WaddleServiceSpec
{
    /// <summary>The WaddleBot layer of the service.</summary>
    [JsonPropertyName("layer")]
    [RequiredField]
    public ServiceLayer Layer { get; set; }

    /// <summary>Service version (service.version resource attribute).</summary>
    [JsonPropertyName("version")]
    [Length(0, 128)]
    public string? Version { get; set; }

    /// <summary>OTEL_SERVICE_NAME; default metadata.name.</summary>
    [JsonPropertyName("serviceName")]
    [Length(0, 253)]
    public string? ServiceName { get; set; }

    /// <summary>Use this ObservabilityPolicy instead of selection by policy selectors.</summary>
    [JsonPropertyName("policyRef")]
    public LocalObjectReference? PolicyRef { get; set; }

    /// <summary>The workload that runs the service.</summary>
    [JsonPropertyName("workload")]
    [RequiredField]
    public WorkloadReference Workload { get; set; } = new();

    /// <summary>Scraping of the service's metrics endpoint.</summary>
    [JsonPropertyName("metrics")]
    public ServiceMetrics? Metrics { get; set; }

    /// <summary>Per-service tracing overrides.</summary>
    [JsonPropertyName("tracing")]
    public ServiceTracing? Tracing { get; set; }

    /// <summary>Service level objectives: recording rules, burn-rate alerts and error budgets written for each (docs/slos.md).</summary>
    [JsonPropertyName("slos")]
    [ListMapKey("name")]
    [MaxItems(32)]
    public IList<ServiceLevelObjective>? Slos { get; set; }
}

public sealed class WorkloadReference
{
    /// <summary>Kind of the workload. Default Deployment.</summary>
    [JsonPropertyName("kind")]
    public WorkloadKind? Kind { get; set; }

    /// <summary>Name of the workload in the WaddleService's namespace.</summary>
    [JsonPropertyName("name")]
    [RequiredField]
    [Length(1, 253)]
    [Pattern(NamePatterns.Subdomain)]
    public string Name { get; set; } = "";

    /// <summary>Containers to inject; empty means every app container (init containers are never injected).</summary>
    [JsonPropertyName("containers")]
    [MaxItems(64)]
    [ListSet]
    [ItemPattern(NamePatterns.Label)]
    public IList<string>? Containers { get; set; }
}

public sealed class ServiceMetrics
{
    /// <summary>Scrape the service; unset inherits the policy.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }

    /// <summary>Name of the Service port that serves metrics. Default http-metrics.</summary>
    [JsonPropertyName("port")]
    [Length(1, 63)]
    [Pattern(NamePatterns.Label)]
    public string? Port { get; set; }

    /// <summary>HTTP path of the metrics endpoint. Default /metrics.</summary>
    [JsonPropertyName("path")]
    [Pattern("^/")]
    [Length(1, 1024)]
    public string? Path { get; set; }

    /// <summary>Scrape interval override of the policy's.</summary>
    [JsonPropertyName("interval")]
    [PrometheusDuration]
    public string? Interval { get; set; }

    /// <summary>Labels selecting the Kubernetes Service to scrape. Default app.kubernetes.io/name: serviceName.</summary>
    [JsonPropertyName("selector")]
    [LabelMap]
    public IDictionary<string, string>? Selector { get; set; }
}

public sealed class ServiceTracing
{
    /// <summary>Trace the service; unset inherits the policy.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }

    /// <summary>Sampling probability of this service, overriding the policy default.</summary>
    [JsonPropertyName("samplingRatio")]
    [Ratio]
    public double? SamplingRatio { get; set; }

    /// <summary>Per-operation ratios of this service (remote sampling).</summary>
    [JsonPropertyName("operations")]
    [ListMapKey("operation")]
    [MaxItems(256)]
    public IList<OperationSampling>? Operations { get; set; }

    /// <summary>In remote mode: the service's SDK itself samples from Jaeger's remote sampling document (OTEL_TRACES_SAMPLER=parentbased_jaeger_remote), so it gets no TRACING_SAMPLE_RATE and follows a ratio change live, without a rollout. Unset inherits the policy's spec.tracing.sampling.sdkRemote. WaddleBot's Python library reads TRACING_SAMPLE_RATE only: leave it false for its services.</summary>
    [JsonPropertyName("sdkRemote")]
    public bool? SdkRemote { get; set; }
}

public sealed class WaddleServiceStatus
{
    /// <summary>The spec generation this status describes.</summary>
    [JsonPropertyName("observedGeneration")]
    public long? ObservedGeneration { get; set; }

    /// <summary>Name of the resolved ObservabilityPolicy; empty when built-in defaults apply.</summary>
    [JsonPropertyName("policy")]
    public string? Policy { get; set; }

    /// <summary>Standard conditions: Ready, PolicyResolved, WorkloadInjected, MonitoringConfigured, SamplingPublished, and SLOsConfigured when the service declares SLOs.</summary>
    [JsonPropertyName("conditions")]
    [ListMapKey("type")]
    public IList<V1Condition>? Conditions { get; set; }

    /// <summary>The settings in force after defaults and the policy are applied.</summary>
    [JsonPropertyName("effective")]
    public EffectiveSettings? Effective { get; set; }

    /// <summary>Variables the user set by hand in the workload, which the operator leaves alone.</summary>
    [JsonPropertyName("overriddenEnv")]
    public IList<string>? OverriddenEnv { get; set; }
}

public sealed class EffectiveSettings
{
    /// <summary>OTEL_SERVICE_NAME in force.</summary>
    [JsonPropertyName("serviceName")]
    public string? ServiceName { get; set; }

    /// <summary>Trace exporter in force.</summary>
    [JsonPropertyName("exporter")]
    public string? Exporter { get; set; }

    /// <summary>Trace endpoint in force.</summary>
    [JsonPropertyName("endpoint")]
    public string? Endpoint { get; set; }

    /// <summary>Sampling ratio in force.</summary>
    [JsonPropertyName("samplingRatio")]
    public double? SamplingRatio { get; set; }

    /// <summary>How a change of the sampling ratio reaches the service; absent when tracing is off.</summary>
    [JsonPropertyName("samplingAppliedBy")]
    public SamplingApplication? SamplingAppliedBy { get; set; }

    /// <summary>Scrape interval in force.</summary>
    [JsonPropertyName("scrapeInterval")]
    public string? ScrapeInterval { get; set; }

    /// <summary>The names of the SLOs whose rules are written.</summary>
    [JsonPropertyName("slos")]
    public IList<string>? Slos { get; set; }
}
