using System.Text.Json.Serialization;

namespace WaddleObservabilityOperator.Api;

/// <summary>The architectural layer of a WaddleBot microservice.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ServiceLayer>))]
public enum ServiceLayer
{
    /// <summary>Message processing, e.g. the router.</summary>
    [JsonStringEnumMemberName("processing")] Processing,
    /// <summary>Platform receivers, e.g. twitch, discord, slack.</summary>
    [JsonStringEnumMemberName("trigger")] Trigger,
    /// <summary>Actions, e.g. ai, alias, shoutout, inventory, calendar, memories, youtube-music, spotify.</summary>
    [JsonStringEnumMemberName("action")] Action,
    /// <summary>Core services, e.g. identity, labels, browser-source, reputation, community, analytics.</summary>
    [JsonStringEnumMemberName("core")] Core,
    /// <summary>Administration, e.g. the hub.</summary>
    [JsonStringEnumMemberName("admin")] Admin,
}

/// <summary>Where traces are sent.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TraceExporter>))]
public enum TraceExporter
{
    /// <summary>OpenTelemetry protocol (OTLP) to the endpoint.</summary>
    [JsonStringEnumMemberName("otlp")] Otlp,
    /// <summary>The Jaeger exporter (JAEGER_HOST/JAEGER_PORT), WaddleBot's original setting.</summary>
    [JsonStringEnumMemberName("jaeger")] Jaeger,
    /// <summary>A Zipkin collector at the endpoint.</summary>
    [JsonStringEnumMemberName("zipkin")] Zipkin,
    /// <summary>Spans are written to the service's standard output.</summary>
    [JsonStringEnumMemberName("console")] Console,
    /// <summary>Spans are not exported.</summary>
    [JsonStringEnumMemberName("none")] None,
}

/// <summary>The OTLP transport.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<OtlpProtocol>))]
public enum OtlpProtocol
{
    [JsonStringEnumMemberName("grpc")] Grpc,
    [JsonStringEnumMemberName("http/protobuf")] HttpProtobuf,
}

/// <summary>A context propagation format (OTEL_PROPAGATORS).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Propagator>))]
public enum Propagator
{
    [JsonStringEnumMemberName("tracecontext")] TraceContext,
    [JsonStringEnumMemberName("baggage")] Baggage,
    [JsonStringEnumMemberName("b3")] B3,
    [JsonStringEnumMemberName("b3multi")] B3Multi,
    [JsonStringEnumMemberName("jaeger")] Jaeger,
    [JsonStringEnumMemberName("xray")] XRay,
    [JsonStringEnumMemberName("ottrace")] OtTrace,
    [JsonStringEnumMemberName("none")] None,
}

/// <summary>How sampling decisions reach the services.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SamplingMode>))]
public enum SamplingMode
{
    /// <summary>The ratio is set in the environment; a change rolls the workload out.</summary>
    [JsonStringEnumMemberName("static")] Static,
    /// <summary>Jaeger serves the policy's sampling strategies document (per-operation ratios too) to SDKs that poll it (jaeger_remote sampler); services whose SDK does not (sdkRemote false, WaddleBot's library) also get their ratio in TRACING_SAMPLE_RATE and roll out when it changes.</summary>
    [JsonStringEnumMemberName("remote")] Remote,
}

/// <summary>How a change of a service's sampling ratio reaches it (status.effective.samplingAppliedBy).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SamplingApplication>))]
public enum SamplingApplication
{
    /// <summary>The ratio is in the pod template's environment (TRACING_SAMPLE_RATE, and OTEL_TRACES_SAMPLER_ARG in static mode): a change rolls the workload out.</summary>
    [JsonStringEnumMemberName("Rollout")] Rollout,
    /// <summary>The SDK polls Jaeger's remote sampling document (remote mode with sdkRemote): a change reaches the running pods within the polling interval, without a rollout.</summary>
    [JsonStringEnumMemberName("RemoteDocument")] RemoteDocument,
    /// <summary>The workload sets TRACING_SAMPLE_RATE itself (listed in status.overriddenEnv), which the operator never changes: a ratio change does not reach WaddleBot's library until that entry is removed.</summary>
    [JsonStringEnumMemberName("UserEnvironment")] UserEnvironment,
}

/// <summary>When the operator creates ServiceMonitors.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ServiceMonitorMode>))]
public enum ServiceMonitorMode
{
    /// <summary>Only when the monitoring.coreos.com/v1 ServiceMonitor API exists in the cluster.</summary>
    [JsonStringEnumMemberName("auto")] Auto,
    /// <summary>Always; a missing API is reported as a condition.</summary>
    [JsonStringEnumMemberName("enabled")] Enabled,
    /// <summary>Never.</summary>
    [JsonStringEnumMemberName("disabled")] Disabled,
}

/// <summary>The kind of workload the env is injected into.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<WorkloadKind>))]
public enum WorkloadKind
{
    [JsonStringEnumMemberName("Deployment")] Deployment,
    [JsonStringEnumMemberName("StatefulSet")] StatefulSet,
    [JsonStringEnumMemberName("DaemonSet")] DaemonSet,
}

/// <summary>What a relabelling rule does (Prometheus's relabel actions, each in Prometheus 2.42 and 3.x).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RelabelAction>))]
public enum RelabelAction
{
    /// <summary>Writes replacement (with regex groups) to targetLabel when regex matches.</summary>
    [JsonStringEnumMemberName("replace")] Replace,
    /// <summary>Keeps only the series whose source labels match regex.</summary>
    [JsonStringEnumMemberName("keep")] Keep,
    /// <summary>Drops the series whose source labels match regex.</summary>
    [JsonStringEnumMemberName("drop")] Drop,
    /// <summary>Writes the hash of the source labels modulo modulus to targetLabel.</summary>
    [JsonStringEnumMemberName("hashmod")] HashMod,
    /// <summary>Copies the labels whose names match regex to the names replacement gives.</summary>
    [JsonStringEnumMemberName("labelmap")] LabelMap,
    /// <summary>Removes the labels whose names match regex.</summary>
    [JsonStringEnumMemberName("labeldrop")] LabelDrop,
    /// <summary>Removes the labels whose names do not match regex.</summary>
    [JsonStringEnumMemberName("labelkeep")] LabelKeep,
    /// <summary>Writes the lower-cased source labels to targetLabel.</summary>
    [JsonStringEnumMemberName("lowercase")] Lowercase,
    /// <summary>Writes the upper-cased source labels to targetLabel.</summary>
    [JsonStringEnumMemberName("uppercase")] Uppercase,
    /// <summary>Keeps the series whose source labels equal targetLabel's value.</summary>
    [JsonStringEnumMemberName("keepequal")] KeepEqual,
    /// <summary>Drops the series whose source labels equal targetLabel's value.</summary>
    [JsonStringEnumMemberName("dropequal")] DropEqual,
}
