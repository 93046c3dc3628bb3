using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering;

// The resolved settings: a policy (or the built-in defaults) with every unset field defaulted, and a
// WaddleService combined with its policy. Renderers consume only these, never raw specs, so defaulting
// happens in exactly one place (PolicyResolver / WaddleBotDefaults, which asks each managed component for its own).

/// <summary>
/// An ObservabilityPolicy with all defaults applied. <see cref="Name"/> is null for the built-in defaults.
/// <see cref="Uid"/> is the policy's metadata.uid, used for the owner references of its children; it is null for the
/// built-in defaults and for objects read from files that the API server never saw. <see cref="Components"/> holds
/// the settings of every managed component (<c>ManagedComponents.All</c>), one record each, which the component reads
/// itself (<c>JaegerComponent.Settings(policy)</c>).
/// </summary>
public sealed record EffectivePolicy(
    string? Name,
    string Namespace,
    int Priority,
    IReadOnlyList<KeyValuePair<string, string>> ResourceAttributes,
    EffectiveTracing Tracing,
    EffectiveCorrelation Correlation,
    EffectiveMetrics Metrics,
    ComponentSettings Components,
    bool NetworkPolicy,
    string? Uid = null)
{
    public bool IsBuiltIn => Name is null;

    /// <summary>Shortcut to the managed Jaeger's settings in <see cref="Components"/> (the tracing defaults and the injection read them).</summary>
    public EffectiveJaeger Jaeger
    {
        get => Components.Get<EffectiveJaeger>();
        init => Components = Components.With(value);
    }

    /// <summary>Shortcut to the managed Prometheus's settings in <see cref="Components"/>.</summary>
    public EffectivePrometheus Prometheus
    {
        get => Components.Get<EffectivePrometheus>();
        init => Components = Components.With(value);
    }

    /// <summary>
    /// What the cluster around the policy offers (ServiceMonitor API, the namespace's Pod Security level), for the
    /// components whose objects depend on it. Not part of the spec's resolution: the policy's own render sets it from
    /// what it observed; <see cref="ClusterFacts.Unknown"/> otherwise.
    /// </summary>
    public ClusterFacts Cluster { get; init; } = ClusterFacts.Unknown;

    /// <summary>The defaults of the services' SLOs and the labels of their PrometheusRules (<c>spec.slos</c>).</summary>
    public Slos.EffectiveSlos Slos { get; init; } = Rendering.Slos.EffectiveSlos.Default;
}

public sealed record EffectiveTracing(
    bool Enabled,
    TraceExporter Exporter,
    string Endpoint,
    OtlpProtocol Protocol,
    SecretKeyReference? HeadersSecret,
    IReadOnlyList<Propagator> Propagators,
    SamplingMode SamplingMode,
    double DefaultRatio,
    string PollingInterval,
    IReadOnlyList<OperationSampling> Operations,
    bool SdkRemote = false);

public sealed record EffectiveCorrelation(string Header, string RequestHeader, bool GenerateRequestId);

public sealed record EffectiveMetrics(
    bool Enabled,
    string Namespace,
    string ScrapeInterval,
    string ScrapeTimeout,
    long SampleLimit,
    ServiceMonitorMode ServiceMonitorMode,
    IReadOnlyList<KeyValuePair<string, string>> ServiceMonitorLabels)
{
    /// <summary><c>spec.metrics.exemplars</c> with defaults applied.</summary>
    public EffectiveExemplars Exemplars { get; init; } = EffectiveExemplars.Default;
}

/// <summary>
/// Whether exemplars are kept and shown, and how many the managed Prometheus keeps. <see cref="Requested"/>: the policy
/// set them itself (enabled: true or a maxExemplars), which a policy without a managed Prometheus is told it cannot honour.
/// </summary>
public sealed record EffectiveExemplars(bool Enabled, int MaxExemplars, bool Requested)
{
    public static EffectiveExemplars Default { get; } = new(WaddleBotDefaults.MetricsEnabled, WaddleBotDefaults.MaxExemplars, false);
}

/// <summary>A WaddleService combined with its effective policy: what every renderer of one service needs.</summary>
public sealed record ResolvedService(
    WaddleService Source,
    EffectivePolicy Policy,
    string ServiceName,
    bool TracingEnabled,
    double SamplingRatio,
    IReadOnlyList<OperationSampling> Operations,
    bool MetricsEnabled,
    string MetricsPort,
    string MetricsPath,
    string ScrapeInterval,
    IReadOnlyList<KeyValuePair<string, string>> ServiceSelector)
{
    public string Name => Source.Metadata.Name;
    public string Namespace => Source.Metadata.NamespaceProperty;

    /// <summary>Its SDK samples from Jaeger's remote document itself (spec.tracing.sdkRemote, else the policy's): in remote mode it gets no TRACING_SAMPLE_RATE.</summary>
    public bool SdkRemote { get; init; }
}
