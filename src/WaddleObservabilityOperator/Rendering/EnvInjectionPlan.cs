using System.Globalization;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>The variables one container should get, in injection order (OTEL_RESOURCE_ATTRIBUTES last).</summary>
public sealed record ContainerEnvPlan(string Container, IReadOnlyList<V1EnvVar> Variables);

/// <summary>What the operator wants injected into one workload's app containers, before user-set variables are taken into account.</summary>
public sealed record EnvInjectionPlan(string WaddleService, WorkloadKind Kind, string Workload, IReadOnlyList<ContainerEnvPlan> Containers);

/// <summary>A plan, or the validation outcome that prevented one.</summary>
public sealed record EnvPlanResult(EnvInjectionPlan? Plan, ConditionOutcome? Failure);

/// <summary>
/// Builds the env set of DESIGN section 3.1 for a resolved service. Decisions:
/// tracing off (or exporter none) sets TRACING_ENABLED=false, OTEL_TRACES_EXPORTER=none and
/// OTEL_TRACES_SAMPLER=always_off rather than OTEL_SDK_DISABLED, which would also switch off the SDK's
/// metrics and logs; JAEGER_HOST/JAEGER_PORT are set only for the jaeger exporter; TRACING_SAMPLE_RATE only in
/// static mode (in remote mode no ratio is in the environment, so changing one never rolls a workload).
/// </summary>
public static class EnvInjectionPlanner
{
    public const string PodName = "OTEL_POD_NAME";
    public const string PodUid = "OTEL_POD_UID";
    public const string NodeName = "OTEL_NODE_NAME";
    public const string ResourceAttributesVariable = "OTEL_RESOURCE_ATTRIBUTES";

    /// <summary>The ratio WaddleBot's library samples with (it reads no OTEL_TRACES_SAMPLER).</summary>
    public const string SampleRateVariable = "TRACING_SAMPLE_RATE";

    /// <summary>Selects the containers (spec.workload.containers, else every app container; never init containers) and builds each one's variables.</summary>
    public static EnvPlanResult Plan(ResolvedService service, V1PodSpec podSpec)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(podSpec);
        var appContainers = podSpec.Containers?.Select(c => c.Name).ToList() ?? [];
        var wanted = service.Source.Spec.Workload.Containers;
        List<string> selected;
        if (wanted is { Count: > 0 })
        {
            var missing = wanted.Where(n => !appContainers.Contains(n)).Distinct().Order(StringComparer.Ordinal).ToList();
            if (missing.Count > 0)
            {
                var initOnes = missing.Where(n => podSpec.InitContainers?.Any(c => c.Name == n) == true).ToList();
                var hint = initOnes.Count > 0 ? $" ({string.Join(", ", initOnes)} is an init container, which is never injected)" : "";
                return new EnvPlanResult(null, new ConditionOutcome(ConditionTypes.WorkloadInjected, false, Reasons.ContainerNotFound,
                    $"spec.workload.containers lists {string.Join(", ", missing.Select(n => $"\"{n}\""))}, not an app container of {WorkloadText(service)}{hint}; its containers are {string.Join(", ", appContainers.Select(n => $"\"{n}\""))}"));
            }

            // Pod order, not list order: the output must not depend on how the user ordered the list.
            selected = [.. appContainers.Where(wanted.Contains)];
        }
        else
        {
            selected = appContainers;
        }

        if (selected.Count == 0)
        {
            return new EnvPlanResult(null, new ConditionOutcome(ConditionTypes.WorkloadInjected, false, Reasons.NoContainers,
                $"{WorkloadText(service)} has no app containers to inject"));
        }

        var secret = service.Policy.Tracing.HeadersSecret;
        if (secret is not null && (string.IsNullOrEmpty(secret.Name) || string.IsNullOrEmpty(secret.Key)))
        {
            return new EnvPlanResult(null, new ConditionOutcome(ConditionTypes.WorkloadInjected, false, Reasons.InvalidHeadersSecretRef,
                $"ObservabilityPolicy \"{service.Policy.Name}\" spec.tracing.headersSecretRef needs both name and key (name \"{secret.Name}\", key \"{secret.Key}\")"));
        }

        if (service.Policy.Tracing.SamplingMode == SamplingMode.Remote
            && !PrometheusDuration.TryParseMilliseconds(service.Policy.Tracing.PollingInterval, out _))
        {
            return new EnvPlanResult(null, new ConditionOutcome(ConditionTypes.WorkloadInjected, false, Reasons.InvalidDuration,
                $"spec.tracing.sampling.pollingInterval \"{service.Policy.Tracing.PollingInterval}\" is not a Prometheus duration such as 60s or 1m30s"));
        }

        if (!IsRatio(service.SamplingRatio))
        {
            return new EnvPlanResult(null, new ConditionOutcome(ConditionTypes.WorkloadInjected, false, Reasons.InvalidRatio,
                $"sampling ratio {service.SamplingRatio.ToString(CultureInfo.InvariantCulture)} is outside 0..1"));
        }

        var kind = service.Source.Spec.Workload.Kind ?? WaddleBotDefaults.Workload;
        return new EnvPlanResult(
            new EnvInjectionPlan(service.Name, kind, service.Source.Spec.Workload.Name,
                [.. selected.Select(c => new ContainerEnvPlan(c, Variables(service, c)))]),
            null);
    }

    internal static bool IsRatio(double ratio) => ratio is >= 0 and <= 1;

    /// <summary>
    /// How a change of the service's ratio reaches it: <see cref="SamplingApplication.Rollout"/> when the ratio is in
    /// its environment (static mode; remote mode without sdkRemote), <see cref="SamplingApplication.RemoteDocument"/>
    /// when only Jaeger's document carries it; null when it traces nothing. <paramref name="overriddenEnv"/> is what the
    /// workload sets itself: a TRACING_SAMPLE_RATE of the user's is never changed, so a ratio change does not reach it
    /// (<see cref="SamplingApplication.UserEnvironment"/>).
    /// </summary>
    public static SamplingApplication? AppliedBy(ResolvedService service, IReadOnlyList<string>? overriddenEnv = null)
    {
        ArgumentNullException.ThrowIfNull(service);
        var tracing = service.Policy.Tracing;
        if (!service.TracingEnabled || tracing.Exporter == TraceExporter.None)
        {
            return null;
        }

        if (tracing.SamplingMode == SamplingMode.Remote && service.SdkRemote)
        {
            return SamplingApplication.RemoteDocument;
        }

        return overriddenEnv?.Contains(SampleRateVariable, StringComparer.Ordinal) == true ? SamplingApplication.UserEnvironment : SamplingApplication.Rollout;
    }

    private static string WorkloadText(ResolvedService service) =>
        $"{service.Source.Spec.Workload.Kind ?? WaddleBotDefaults.Workload} \"{service.Source.Spec.Workload.Name}\"";

    /// <summary>The variables of one container in injection order.</summary>
    public static IReadOnlyList<V1EnvVar> Variables(ResolvedService service, string container)
    {
        ArgumentNullException.ThrowIfNull(service);
        var policy = service.Policy;
        var tracing = policy.Tracing;
        var exporting = service.TracingEnabled && tracing.Exporter != TraceExporter.None;
        var env = new List<V1EnvVar>
        {
            Field(PodName, "metadata.name"),
            Field(PodUid, "metadata.uid"),
            Field(NodeName, "spec.nodeName"),
            Literal("OTEL_SERVICE_NAME", service.ServiceName),
        };

        if (exporting)
        {
            switch (tracing.Exporter)
            {
                case TraceExporter.Otlp:
                    env.Add(Literal("OTEL_TRACES_EXPORTER", "otlp"));
                    env.Add(Literal("OTEL_EXPORTER_OTLP_ENDPOINT", tracing.Endpoint));
                    env.Add(Literal("OTEL_EXPORTER_OTLP_PROTOCOL", tracing.Protocol == OtlpProtocol.Grpc ? "grpc" : "http/protobuf"));
                    if (tracing.HeadersSecret is { } secret)
                    {
                        // Never the value: the Secret is read by the kubelet, not by the operator.
                        env.Add(new V1EnvVar { Name = "OTEL_EXPORTER_OTLP_HEADERS", ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret.Name, Key = secret.Key } } });
                    }

                    break;
                case TraceExporter.Zipkin:
                    env.Add(Literal("OTEL_TRACES_EXPORTER", "zipkin"));
                    env.Add(Literal("OTEL_EXPORTER_ZIPKIN_ENDPOINT", tracing.Endpoint));
                    break;
                case TraceExporter.Console:
                    env.Add(Literal("OTEL_TRACES_EXPORTER", "console"));
                    break;
                default:
                    // jaeger: the OTel spec has no jaeger exporter any more; the WaddleBot library exports
                    // to the agent itself from TRACING_EXPORTER, JAEGER_HOST and JAEGER_PORT.
                    break;
            }
        }
        else
        {
            env.Add(Literal("OTEL_TRACES_EXPORTER", "none"));
        }

        env.Add(Literal("OTEL_PROPAGATORS", string.Join(',', tracing.Propagators.Select(PropagatorName))));
        if (!exporting)
        {
            env.Add(Literal("OTEL_TRACES_SAMPLER", "always_off"));
        }
        else if (tracing.SamplingMode == SamplingMode.Remote)
        {
            PrometheusDuration.TryParseMilliseconds(tracing.PollingInterval, out var pollingMs);
            env.Add(Literal("OTEL_TRACES_SAMPLER", "parentbased_jaeger_remote"));
            env.Add(Literal("OTEL_TRACES_SAMPLER_ARG",
                $"endpoint={RemoteSamplingEndpoint(policy)},pollingIntervalMs={pollingMs.ToString(CultureInfo.InvariantCulture)},initialSamplingRate={Ratio.Format(WaddleBotDefaults.RemoteInitialSamplingRate)}"));
        }
        else
        {
            env.Add(Literal("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"));
            env.Add(Literal("OTEL_TRACES_SAMPLER_ARG", Ratio.Format(service.SamplingRatio)));
        }

        env.Add(Literal("TRACING_ENABLED", exporting ? "true" : "false"));
        if (exporting)
        {
            env.Add(Literal("TRACING_EXPORTER", ExporterName(tracing.Exporter)));
            if (tracing.Exporter == TraceExporter.Jaeger)
            {
                var (host, port) = JaegerAgent(tracing.Endpoint);
                env.Add(Literal("JAEGER_HOST", host));
                env.Add(Literal("JAEGER_PORT", port.ToString(CultureInfo.InvariantCulture)));
            }

            if (AppliedBy(service) == SamplingApplication.Rollout)
            {
                env.Add(Literal(SampleRateVariable, Ratio.Format(service.SamplingRatio)));
            }
        }

        env.Add(Literal("CORRELATION_HEADER", policy.Correlation.Header));
        env.Add(Literal("REQUEST_HEADER", policy.Correlation.RequestHeader));
        env.Add(Literal("GENERATE_REQUEST_ID", policy.Correlation.GenerateRequestId ? "true" : "false"));
        env.Add(Literal("METRICS_ENABLED", service.MetricsEnabled ? "true" : "false"));
        env.Add(Literal("METRICS_NAMESPACE", policy.Metrics.Namespace));
        env.Add(new V1EnvVar { Name = ResourceAttributesVariable, Value = ResourceAttributes.Format(Attributes(service, container)) });
        return env;
    }

    /// <summary>Resource attributes of one container, sorted by key. The policy's resourceAttributes win over computed ones of the same key.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Attributes(ResolvedService service, string container)
    {
        ArgumentNullException.ThrowIfNull(service);
        var ns = service.Namespace ?? "";
        var workload = service.Source.Spec.Workload;
        var attributes = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["k8s.namespace.name"] = ns,
            ["k8s.pod.name"] = $"$({PodName})",
            ["k8s.pod.uid"] = $"$({PodUid})",
            ["k8s.node.name"] = $"$({NodeName})",
            ["k8s.container.name"] = container,
            [(workload.Kind ?? WaddleBotDefaults.Workload) switch
            {
                WorkloadKind.StatefulSet => "k8s.statefulset.name",
                WorkloadKind.DaemonSet => "k8s.daemonset.name",
                _ => "k8s.deployment.name",
            }] = workload.Name,
            ["service.namespace"] = ns,
            ["service.instance.id"] = $"{ns}.$({PodName}).{container}",
            ["waddlebot.layer"] = LayerName(service.Source.Spec.Layer),
        };
        if (!string.IsNullOrEmpty(service.Source.Spec.Version))
        {
            attributes["service.version"] = service.Source.Spec.Version;
        }

        foreach (var (key, value) in service.Policy.ResourceAttributes)
        {
            attributes[key] = value;
        }

        return [.. attributes];
    }

    /// <summary>
    /// The jaeger_remote endpoint: the managed Jaeger's remote sampling HTTP port when there is one, else port
    /// 5778 on the trace endpoint's host. HTTP, because the Python remote sampler (WaddleBot's SDK) and the Go
    /// one speak HTTP; Jaeger v2 serves any path on 5778.
    /// </summary>
    public static string RemoteSamplingEndpoint(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var host = policy.Jaeger.Managed && policy.Name is not null
            ? JaegerComponent.HostName(policy.Name, policy.Namespace)
            : EndpointHost(policy.Tracing.Endpoint) ?? WaddleBotDefaults.JaegerHost;
        return $"http://{host}:{WaddleBotDefaults.RemoteSamplingHttpPort}/sampling";
    }

    /// <summary>The host of an endpoint given as a URL or as host:port.</summary>
    internal static string? EndpointHost(string endpoint)
    {
        if (string.IsNullOrEmpty(endpoint))
        {
            return null;
        }

        if (Uri.TryCreate(endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : "udp://" + endpoint, UriKind.Absolute, out var uri)
            && !string.IsNullOrEmpty(uri.Host))
        {
            return uri.Host;
        }

        return null;
    }

    private static (string Host, int Port) JaegerAgent(string endpoint)
    {
        if (!string.IsNullOrEmpty(endpoint)
            && Uri.TryCreate(endpoint.Contains("://", StringComparison.Ordinal) ? endpoint : "udp://" + endpoint, UriKind.Absolute, out var uri)
            && !string.IsNullOrEmpty(uri.Host))
        {
            return (uri.Host, uri.Port > 0 ? uri.Port : WaddleBotDefaults.JaegerAgentPort);
        }

        return (WaddleBotDefaults.JaegerHost, WaddleBotDefaults.JaegerAgentPort);
    }

    private static V1EnvVar Literal(string name, string value) => new() { Name = name, Value = ResourceAttributes.KubernetesLiteral(value) };

    private static V1EnvVar Field(string name, string path) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { ApiVersion = "v1", FieldPath = path } } };

    internal static string ExporterName(TraceExporter exporter) => exporter switch
    {
        TraceExporter.Otlp => "otlp",
        TraceExporter.Jaeger => "jaeger",
        TraceExporter.Zipkin => "zipkin",
        TraceExporter.Console => "console",
        _ => "none",
    };

    internal static string LayerName(ServiceLayer layer) => layer switch
    {
        ServiceLayer.Processing => "processing",
        ServiceLayer.Trigger => "trigger",
        ServiceLayer.Action => "action",
        ServiceLayer.Core => "core",
        _ => "admin",
    };

    private static string PropagatorName(Propagator propagator) => propagator switch
    {
        Propagator.TraceContext => "tracecontext",
        Propagator.Baggage => "baggage",
        Propagator.B3 => "b3",
        Propagator.B3Multi => "b3multi",
        Propagator.Jaeger => "jaeger",
        Propagator.XRay => "xray",
        Propagator.OtTrace => "ottrace",
        _ => "none",
    };
}
