using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Tests.Rendering;

/// <summary>Small builders for rendering inputs, so that each test states only what it is about.</summary>
internal static class Sample
{
    public const string Namespace = "waddlebot";

    public static ObservabilityPolicy Policy(string name, Action<ObservabilityPolicySpec>? configure = null, string ns = Namespace)
    {
        var policy = new ObservabilityPolicy
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = $"uid-policy-{name}", Generation = 1 },
        };
        configure?.Invoke(policy.Spec);
        return policy;
    }

    public static WaddleService Service(string name, ServiceLayer layer = ServiceLayer.Action, Action<WaddleServiceSpec>? configure = null,
        IDictionary<string, string>? labels = null, string ns = Namespace)
    {
        var service = new WaddleService
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = ns, Uid = $"uid-wsvc-{name}", Generation = 2, Labels = labels },
            Spec = new WaddleServiceSpec { Layer = layer, Version = "1.0.0", Workload = new WorkloadReference { Name = name } },
        };
        configure?.Invoke(service.Spec);
        return service;
    }

    public static V1Deployment Deployment(string name, params V1Container[] containers) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
        Spec = new V1DeploymentSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = containers.Length > 0 ? containers : [Container("app")] },
            },
        },
    };

    public static V1StatefulSet StatefulSet(string name, params V1Container[] containers) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "StatefulSet",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
        Spec = new V1StatefulSetSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = containers.Length > 0 ? containers : [Container("app")] } },
        },
    };

    public static V1DaemonSet DaemonSet(string name, params V1Container[] containers) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "DaemonSet",
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Namespace },
        Spec = new V1DaemonSetSpec
        {
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec { Spec = new V1PodSpec { Containers = containers.Length > 0 ? containers : [Container("app")] } },
        },
    };

    public static V1Container Container(string name, params (string Name, string Value)[] env) => new()
    {
        Name = name,
        Image = "ghcr.io/waddlebot/" + name + ":1.0.0",
        Env = env.Length == 0 ? null : [.. env.Select(e => new V1EnvVar { Name = e.Name, Value = e.Value })],
    };

    public static V1Service KubeService(string name, string port = "http-metrics", IDictionary<string, string>? labels = null) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = Namespace,
            Labels = labels ?? new Dictionary<string, string> { [WellKnown.NameLabel] = name },
        },
        Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Name = port, Port = 9090 }] },
    };

    public static RenderInput Input(
        IEnumerable<ObservabilityPolicy>? policies = null,
        IEnumerable<WaddleService>? services = null,
        IEnumerable<IKubernetesObject<V1ObjectMeta>>? workloads = null,
        IEnumerable<V1Service>? kubeServices = null,
        bool serviceMonitorApi = true,
        bool prometheusRuleApi = false) =>
        new([.. policies ?? []], [.. services ?? []], [.. workloads ?? []], kubeServices?.ToList(), new RenderCapabilities(serviceMonitorApi, prometheusRuleApi));

    public static ResolvedService Resolve(WaddleService service, params ObservabilityPolicy[] policies) =>
        new PolicyResolver(policies).Resolve(service).Service ?? throw new InvalidOperationException("policy not resolved");

    public static IList<V1EnvVar> Env(IKubernetesObject<V1ObjectMeta> workload, string container = "app") =>
        WorkloadInjection.PodTemplate(workload).Spec.Containers.Single(c => c.Name == container).Env ?? [];

    public static string? Value(IKubernetesObject<V1ObjectMeta> workload, string name, string container = "app") =>
        Env(workload, container).LastOrDefault(e => e.Name == name)?.Value;

    public static string Yaml(object o) => KubernetesYaml.Serialize(o);
}
