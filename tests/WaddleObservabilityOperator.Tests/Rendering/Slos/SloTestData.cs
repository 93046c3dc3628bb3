using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Manifests;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Tests.Rendering.Slos;

/// <summary>A policy and a router WaddleService with SLOs, resolved as the renderers see them.</summary>
internal static class SloTestData
{
    public const string Namespace = "waddlebot";

    public static ObservabilityPolicy Policy(bool managedPrometheus = false, SloPolicy? slos = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = "waddlebot", NamespaceProperty = Namespace, Uid = "5f0c9a52-2a53-4a8e-9d0e-3f1b2c4d5e6f" },
        Spec = new ObservabilityPolicySpec
        {
            Backends = managedPrometheus ? new BackendsPolicy { Prometheus = new PrometheusBackend { Managed = true } } : null,
            Slos = slos,
        },
    };

    public static WaddleService Service(params ServiceLevelObjective[] slos) => new()
    {
        Metadata = new V1ObjectMeta { Name = "router", NamespaceProperty = Namespace, Uid = "0d9b1c2e-7f4a-4b8e-9c3d-2a1b0c9d8e7f", Generation = 1 },
        Spec = new WaddleServiceSpec
        {
            Layer = ServiceLayer.Processing,
            Workload = new WorkloadReference { Name = "router" },
            Slos = slos.Length == 0 ? null : [.. slos],
        },
    };

    public static ResolvedService Resolved(WaddleService service, ObservabilityPolicy? policy = null) =>
        PolicyResolver.Combine(service, WaddleBotDefaults.Apply(policy ?? Policy()));

    public static ServiceLevelObjective Availability(string name = "availability", double objective = 99.9, SloAlerting? alerting = null) =>
        new() { Name = name, Objective = objective, Alerting = alerting };

    public static ServiceLevelObjective Latency(string threshold = "250ms", double objective = 99, string name = "latency") =>
        new() { Name = name, Objective = objective, Sli = new SloIndicator { Latency = new SloLatency { Threshold = threshold } } };

    public static ServiceLevelObjective Events(string error, string total, string name = "jobs") =>
        new() { Name = name, Objective = 99.5, Window = SloWindow.Days28, Sli = new SloIndicator { Events = new SloEvents { ErrorQuery = error, TotalQuery = total } } };

    /// <summary>An object as the render command prints it.</summary>
    public static string Yaml(IKubernetesObject<V1ObjectMeta> obj) => new ManifestYamlWriter().Write(JsonNode.Parse(KubernetesJson.Serialize(obj))!);

    public static JsonObject Json(PrometheusRule rule) => JsonNode.Parse(KubernetesJson.Serialize(rule))!.AsObject();
}
