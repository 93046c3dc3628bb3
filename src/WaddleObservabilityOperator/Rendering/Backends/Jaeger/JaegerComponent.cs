using System.Globalization;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The managed Jaeger v2 (<c>spec.backends.jaeger</c>): its defaults, validation, objects (<see cref="JaegerBackend"/>,
/// <see cref="JaegerConfigDocument"/>) and addresses. Besides its status address it has the injection addresses: the
/// tracing defaults send traces to <see cref="HostName"/> and the remote sampler polls it when it is managed.
/// </summary>
public sealed class JaegerComponent : ManagedComponent<EffectiveJaeger>
{
    /// <summary>The pinned Jaeger v2 image.</summary>
    public const string DefaultImage = "jaegertracing/jaeger:2.20.0";

    /// <summary>Traces kept by the in-memory store by default.</summary>
    public const int DefaultMaxTraces = 10_000;

    public static JaegerComponent Instance { get; } = new();

    private JaegerComponent()
    {
    }

    public override string Name => "jaeger";

    public override string DisplayName => "Jaeger";

    /// <summary>Name of the managed Jaeger's Service and Deployment.</summary>
    public static string InstanceName(string policyName) => $"{policyName}-jaeger";

    /// <summary>In-cluster DNS name of a policy's managed Jaeger Service.</summary>
    public static string HostName(string policyName, string @namespace) => BackendAddress.HostName(InstanceName(policyName), @namespace);

    /// <summary>The managed Jaeger's OTLP address for the policy's protocol: gRPC on 4317, HTTP on 4318.</summary>
    public static string Endpoint(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var port = policy.Tracing.Protocol == OtlpProtocol.HttpProtobuf ? JaegerConfigDocument.OtlpHttpPort : JaegerConfigDocument.OtlpGrpcPort;
        return BackendAddress.ServiceUrl(policy, InstanceName, port);
    }

    /// <summary>The managed Jaeger's remote sampling address over gRPC (5779), the form OTEL_TRACES_SAMPLER_ARG's endpoint takes.</summary>
    public static string SamplingGrpcEndpoint(EffectivePolicy policy) =>
        BackendAddress.ServiceUrl(policy, InstanceName, JaegerConfigDocument.SamplingGrpcPort);

    /// <summary>The managed Jaeger's remote sampling address over HTTP (5778), for SDKs whose sampler speaks only HTTP (Go, Python).</summary>
    public static string SamplingHttpEndpoint(EffectivePolicy policy) =>
        BackendAddress.ServiceUrl(policy, InstanceName, JaegerConfigDocument.SamplingHttpPort) + "/sampling";

    /// <summary>The managed Jaeger's UI and query API.</summary>
    public static string QueryEndpoint(EffectivePolicy policy) =>
        BackendAddress.ServiceUrl(policy, InstanceName, JaegerConfigDocument.QueryHttpPort);

    public override EffectiveJaeger Resolve(ObservabilityPolicySpec? spec, bool owned)
    {
        var jaeger = spec?.Backends?.Jaeger;
        return new EffectiveJaeger(
            owned && (jaeger?.Managed ?? false),
            string.IsNullOrEmpty(jaeger?.Image) ? DefaultImage : jaeger.Image,
            jaeger?.MaxTraces ?? DefaultMaxTraces,
            jaeger?.Resources);
    }

    public override IReadOnlyList<string> ServiceNames(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return [InstanceName(policy.Name!)];
    }

    public override void Validate(EffectivePolicy policy, IReadOnlyList<ResolvedService> services, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(problems);
        var jaeger = Settings(policy);
        BackendValidation.CheckName(problems, policy.Name!, InstanceName(policy.Name!), BackendValidation.MaxServiceNameLength, "Service and Deployment");
        BackendValidation.CheckImage(problems, jaeger.Image, "spec.backends.jaeger.image");
        if (jaeger.MaxTraces <= 0)
        {
            problems.Add($"spec.backends.jaeger.maxTraces must be at least 1, got {jaeger.MaxTraces.ToString(CultureInfo.InvariantCulture)}.");
        }
    }

    public override IEnumerable<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services) =>
        JaegerBackend.Render(policy);

    public override string StatusEndpoint(EffectivePolicy policy) => Endpoint(policy);

    public override void SetStatus(ObservabilityPolicyStatus status, BackendStatus entry)
    {
        ArgumentNullException.ThrowIfNull(status);
        status.Jaeger = entry;
    }
}
