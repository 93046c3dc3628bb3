using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>What the cluster offers that rendering depends on: prometheus-operator's ServiceMonitor and PrometheusRule APIs.</summary>
public sealed record RenderCapabilities(bool ServiceMonitorApi, bool PrometheusRuleApi = false)
{
    public static RenderCapabilities All { get; } = new(ServiceMonitorApi: true, PrometheusRuleApi: true);
}

/// <summary>
/// Everything a service's render (and the offline render of the whole system) reads: the custom resources, the observed workloads (Deployment, StatefulSet, DaemonSet)
/// and Services of the namespaces involved. <see cref="KubernetesServices"/> null means "not known", which skips
/// the checks that need them (a Service matching the selector, its metrics port).
/// </summary>
public sealed record RenderInput(
    IReadOnlyList<ObservabilityPolicy> Policies,
    IReadOnlyList<WaddleService> Services,
    IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Workloads,
    IReadOnlyList<V1Service>? KubernetesServices,
    RenderCapabilities Capabilities,
    IReadOnlyList<V1Namespace>? Namespaces = null)
{
    /// <summary>What the policies of <paramref name="namespace"/> observe of the cluster: the capabilities, and that namespace if the input holds it.</summary>
    public ClusterFacts ClusterFactsOf(string @namespace) => new(
        Capabilities.ServiceMonitorApi,
        Namespaces?.FirstOrDefault(n => n.Metadata?.Name == @namespace) is { } ns ? NamespaceFacts.Of(ns) : null);
}

/// <summary>
/// What a policy's render reads: the policies and WaddleServices of its namespace (to find its members), and what the
/// cluster offers its components (<see cref="ClusterFacts"/>: null is <see cref="ClusterFacts.Unknown"/>). No workloads or
/// Services: those are the services' own.
/// </summary>
public sealed record PolicyRenderInput(
    IReadOnlyList<ObservabilityPolicy> Policies,
    IReadOnlyList<WaddleService> Services,
    ClusterFacts? Cluster = null,
    IReadOnlyList<IKubernetesObject<V1ObjectMeta>>? ObservedWorkloads = null);

/// <summary>
/// A workload with the injection applied (or, for <see cref="Removal"/>, taken out). <see cref="Changed"/> is false when
/// the observed object is already so; otherwise <see cref="Patch"/> is the strategic merge patch that makes the change
/// (<see cref="WorkloadPatch"/>: only what the operator owns, conditional on the version observed).
/// </summary>
public sealed record WorkloadChange(IKubernetesObject<V1ObjectMeta> Workload, bool Changed, bool Removal, string WaddleService, JsonObject? Patch = null);

/// <summary>What rendering found for one WaddleService: enough to build its status.</summary>
public sealed record ServiceOutcome(
    string Namespace,
    string Name,
    long? Generation,
    string? PolicyName,
    ResolvedService? Resolved,
    IReadOnlyList<ConditionOutcome> Conditions,
    EffectiveSettings? Effective,
    IReadOnlyList<string> OverriddenEnv,
    string? ConfigHash)
{
    public bool Ready => Conditions.All(c => c.Status);
}

/// <summary>What rendering found for one ObservabilityPolicy; <see cref="Endpoints"/> has the address of each managed component once rendered.</summary>
public sealed record PolicyOutcome(
    string Namespace,
    string Name,
    long? Generation,
    int MatchedServices,
    IReadOnlyList<ConditionOutcome> Conditions,
    IReadOnlyList<ComponentEndpoint> Endpoints,
    long SamplingDocumentBytes);

/// <summary>
/// The result of rendering: desired children in a stable order (kind install order, then namespace, then name),
/// the workloads to patch (by namespace, kind, name), and per-service and per-policy outcomes (by namespace, name).
/// </summary>
public sealed record RenderOutput(
    IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects,
    IReadOnlyList<WorkloadChange> Workloads,
    IReadOnlyList<ServiceOutcome> Services,
    IReadOnlyList<PolicyOutcome> Policies);
