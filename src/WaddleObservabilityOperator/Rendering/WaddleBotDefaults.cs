using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// The built-in defaults: the WaddleBot seed settings of DESIGN section 1 plus the operator's own choices
/// (scrape timing, polling, propagators, pinned images). Every unset policy field takes its value from here,
/// and a service that no policy selects gets exactly these.
/// </summary>
public static class WaddleBotDefaults
{
    public const bool TracingEnabled = true;
    public const TraceExporter Exporter = TraceExporter.Jaeger;
    public const string JaegerHost = "localhost";
    public const int JaegerAgentPort = 6831;
    public const double SamplingRatio = 1.0;
    public const string CorrelationHeader = "X-Correlation-ID";
    public const string RequestHeader = "X-Request-ID";
    public const bool GenerateRequestId = true;
    public const bool MetricsEnabled = true;
    public const string MetricsNamespace = "waddlebot";

    /// <summary>Exemplars the managed Prometheus keeps: Prometheus's own default of storage.exemplars.max_exemplars.</summary>
    public const int MaxExemplars = 100_000;

    public const string ScrapeInterval = "15s";
    public const string ScrapeTimeout = "10s";
    public const string PollingInterval = "60s";
    public const OtlpProtocol Protocol = OtlpProtocol.Grpc;
    public static readonly IReadOnlyList<Propagator> Propagators = [Propagator.TraceContext, Propagator.Baggage];
    public const SamplingMode Sampling = SamplingMode.Static;

    /// <summary>WaddleBot's Python library reads TRACING_SAMPLE_RATE, not OTEL_TRACES_SAMPLER: its services do not sample remotely by themselves.</summary>
    public const bool SdkRemote = false;
    public const ServiceMonitorMode ServiceMonitor = ServiceMonitorMode.Auto;

    public const string MetricsPort = "http-metrics";
    public const string MetricsPath = "/metrics";
    public const WorkloadKind Workload = WorkloadKind.Deployment;

    /// <summary>
    /// initialSamplingRate of the jaeger_remote sampler: Jaeger's own DefaultSamplingProbability, which the
    /// Java and Go remote samplers also start with. A constant on purpose: a service whose SDK samples remotely
    /// (sdkRemote) has no ratio in its environment, or changing one would roll the workloads that remote
    /// sampling exists to leave alone.
    /// </summary>
    public const double RemoteInitialSamplingRate = 0.001;

    // Managed Jaeger v2 ports (research/jaeger.md section 3.2).
    public const int OtlpGrpcPort = 4317;
    public const int OtlpHttpPort = 4318;
    public const int RemoteSamplingHttpPort = 5778;
    public const int ZipkinPort = 9411;
    public const int PrometheusPort = 9090;

    /// <summary>The settings a WaddleService gets when no policy selects it.</summary>
    public static EffectivePolicy BuiltIn(string @namespace) => Apply(null, @namespace);

    /// <summary>A policy with every unset field defaulted.</summary>
    public static EffectivePolicy Apply(ObservabilityPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return Apply(policy.Spec, policy.Metadata.NamespaceProperty ?? "", policy.Metadata.Name, policy.Metadata.Uid);
    }

    private static EffectivePolicy Apply(ObservabilityPolicySpec? spec, string @namespace, string? name = null, string? uid = null)
    {
        var tracing = spec?.Tracing;
        var sampling = tracing?.Sampling;
        var metrics = spec?.Metrics;
        // Each managed component defaults its own settings (Rendering/Backends/<Component>/).
        var components = ManagedComponents.Resolve(spec, owned: name is not null);
        var managedJaeger = components.Get<EffectiveJaeger>().Managed;
        var protocol = tracing?.Protocol ?? Protocol;
        var exporter = tracing?.Exporter ?? (managedJaeger ? TraceExporter.Otlp : Exporter);
        var endpoint = string.IsNullOrEmpty(tracing?.Endpoint)
            ? DefaultEndpoint(exporter, protocol, managedJaeger ? JaegerComponent.HostName(name!, @namespace) : null)
            : tracing!.Endpoint!;

        return new EffectivePolicy(
            name,
            @namespace,
            spec?.Priority ?? 0,
            Sorted(spec?.ResourceAttributes),
            new EffectiveTracing(
                tracing?.Enabled ?? TracingEnabled,
                exporter,
                endpoint,
                protocol,
                tracing?.HeadersSecretRef,
                Distinct(tracing?.Propagators) ?? Propagators,
                sampling?.Mode ?? Sampling,
                sampling?.DefaultRatio ?? SamplingRatio,
                NonEmpty(sampling?.PollingInterval) ?? PollingInterval,
                SortedOperations(sampling?.Operations),
                sampling?.SdkRemote ?? SdkRemote),
            new EffectiveCorrelation(
                NonEmpty(spec?.Correlation?.Header) ?? CorrelationHeader,
                NonEmpty(spec?.Correlation?.RequestHeader) ?? RequestHeader,
                spec?.Correlation?.GenerateRequestId ?? GenerateRequestId),
            new EffectiveMetrics(
                metrics?.Enabled ?? MetricsEnabled,
                NonEmpty(metrics?.Namespace) ?? MetricsNamespace,
                NonEmpty(metrics?.ScrapeInterval) ?? ScrapeInterval,
                NonEmpty(metrics?.ScrapeTimeout) ?? ScrapeTimeout,
                metrics?.SampleLimit ?? 0,
                metrics?.ServiceMonitor?.Mode ?? ServiceMonitor,
                Sorted(metrics?.ServiceMonitor?.Labels))
            {
                Exemplars = new EffectiveExemplars(
                    metrics?.Exemplars?.Enabled ?? metrics?.Enabled ?? MetricsEnabled,
                    metrics?.Exemplars?.MaxExemplars ?? MaxExemplars,
                    metrics?.Exemplars?.Enabled == true || metrics?.Exemplars?.MaxExemplars is not null),
            },
            components,
            spec?.Backends?.NetworkPolicy ?? false,
            string.IsNullOrEmpty(uid) ? null : uid)
        {
            Slos = Slos.EffectiveSlos.Resolve(spec?.Slos),
        };
    }

    /// <summary>The endpoint an exporter uses when the policy names none: the managed Jaeger if there is one, else the SDK's local default.</summary>
    public static string DefaultEndpoint(TraceExporter exporter, OtlpProtocol protocol, string? managedJaegerHost)
    {
        var host = managedJaegerHost ?? JaegerHost;
        return exporter switch
        {
            TraceExporter.Otlp => $"http://{host}:{(protocol == OtlpProtocol.Grpc ? OtlpGrpcPort : OtlpHttpPort)}",
            TraceExporter.Jaeger => $"{host}:{JaegerAgentPort}",
            TraceExporter.Zipkin => $"http://{host}:{ZipkinPort}/api/v2/spans",
            _ => "",
        };
    }

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static IReadOnlyList<KeyValuePair<string, string>> Sorted(IDictionary<string, string>? map) =>
        map is null ? [] : [.. map.OrderBy(kv => kv.Key, StringComparer.Ordinal)];

    private static IReadOnlyList<Propagator>? Distinct(IList<Propagator>? propagators) =>
        propagators is null || propagators.Count == 0 ? null : [.. propagators.Distinct()];

    /// <summary>Operations sorted by name; a repeated name keeps its first entry.</summary>
    internal static IReadOnlyList<OperationSampling> SortedOperations(IList<OperationSampling>? operations) =>
        operations is null ? [] : [.. operations.DistinctBy(o => o.Operation).OrderBy(o => o.Operation, StringComparer.Ordinal)];

    /// <summary>The label a Service carries by default, which a ServiceMonitor selects on.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ServiceSelector(string serviceName) =>
        [new(WellKnown.NameLabel, serviceName)];

    /// <summary>The service name a WaddleService reports: spec.serviceName, else its own name.</summary>
    public static string ServiceName(WaddleService service) =>
        string.IsNullOrEmpty(service.Spec.ServiceName) ? service.Metadata.Name : service.Spec.ServiceName;

    /// <summary>The labels a WaddleService's Services are selected by, sorted by key: spec.metrics.selector, else the default one.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> MetricsSelector(WaddleService service) =>
        service.Spec.Metrics?.Selector is { Count: > 0 } own
            ? [.. own.OrderBy(kv => kv.Key, StringComparer.Ordinal)]
            : ServiceSelector(ServiceName(service));

}
