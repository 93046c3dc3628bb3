using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// Kit: what every exporter renders alike. Its Service and pods carry <see cref="BackendIdentity"/>'s labels, its
/// metrics port is named <see cref="PortName"/>, and the same <see cref="ScrapeJob"/> becomes a job of the managed
/// Prometheus and, while prometheus-operator's API is served, a ServiceMonitor, so either Prometheus sees the same
/// series: <c>job</c> is the exporter's app name (postgres-exporter...), <c>waddlebot_exporter</c> says which exporter,
/// <c>instance</c> is the instance's name (or the node's).
/// </summary>
internal static class ExporterObjects
{
    public const string PortName = "metrics";

    /// <summary>nobody: the exporters are static binaries that need no user of their own (the upstream images run as nobody too).</summary>
    public const long UserId = 65534;

    /// <summary>The discovery label holding a Service's <c>app.kubernetes.io/name</c>: the exporters' job label.</summary>
    public const string AppNameSource = "__meta_kubernetes_service_label_app_kubernetes_io_name";

    /// <summary>The scrape job of an exporter Service of <paramref name="identity"/>: its pods' metrics port, job = its app name.</summary>
    public static ScrapeJob Job(BackendIdentity identity, string jobName, string exporter, string path = "/metrics", string? instance = null, string? instanceSource = null) =>
        new(jobName, ScrapeRole.ServiceEndpoints, path, [new(WellKnown.ExporterMetricLabel, exporter)])
        {
            ServiceSelector = [.. identity.SelectorLabels().OrderBy(l => l.Key, StringComparer.Ordinal)],
            Port = PortName,
            JobSource = AppNameSource,
            Instance = instance,
            InstanceSource = instanceSource,
        };

    /// <summary>Whether the policy's exporters get ServiceMonitors: unless the policy turns them off, while the API is served.</summary>
    public static bool WantsServiceMonitors(EffectivePolicy policy) =>
        policy.Metrics.ServiceMonitorMode != ServiceMonitorMode.Disabled && policy.Cluster.ServiceMonitorApi;

    /// <summary>The ServiceMonitor of an exporter Service: the same targets and labels as <paramref name="job"/> in the managed Prometheus.</summary>
    public static ServiceMonitor ServiceMonitor(BackendIdentity identity, ScrapeJob job)
    {
        var relabelings = new List<RelabelConfig>();
        foreach (var (name, value) in job.Labels)
        {
            relabelings.Add(new RelabelConfig { Action = "replace", TargetLabel = name, Replacement = value });
        }

        if (job.Instance is { } instance)
        {
            relabelings.Add(new RelabelConfig { Action = "replace", TargetLabel = "instance", Replacement = instance });
        }
        else if (job.InstanceSource is { } source)
        {
            relabelings.Add(new RelabelConfig { Action = "replace", SourceLabels = [source], TargetLabel = "instance" });
        }

        return new ServiceMonitor
        {
            Metadata = ServiceMonitorMetadata(identity, identity.InstanceName),
            Spec = new ServiceMonitorSpec
            {
                Selector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() },
                NamespaceSelector = new NamespaceSelector { MatchNames = [identity.Namespace] },
                JobLabel = WellKnown.NameLabel,
                Endpoints =
                [
                    new ServiceMonitorEndpoint { Port = job.Port, Path = job.Path, Relabelings = relabelings },
                ],
            },
        };
    }

    /// <summary>A policy's ServiceMonitor: its labels, the policy's extra ServiceMonitor labels (the ones a Prometheus selects on), its owner.</summary>
    public static V1ObjectMeta ServiceMonitorMetadata(BackendIdentity identity, string name)
    {
        var metadata = identity.Metadata(name);
        foreach (var (key, value) in identity.Policy.Metrics.ServiceMonitorLabels)
        {
            // The operator's own labels win: ownership must stay recognisable.
            metadata.Labels.TryAdd(key, value);
        }

        return metadata;
    }

    /// <summary>The Service of an exporter: its metrics port, selecting its pods.</summary>
    public static V1Service Service(BackendIdentity identity, int port, bool headless = false) => new()
    {
        ApiVersion = "v1",
        Kind = "Service",
        Metadata = identity.Metadata(identity.InstanceName),
        Spec = new V1ServiceSpec
        {
            Type = "ClusterIP",
            // A DaemonSet's pods are scraped one by one through discovery; a virtual IP in front of them would mean nothing.
            ClusterIP = headless ? "None" : null,
            Selector = identity.SelectorLabels(),
            Ports = [new V1ServicePort { Name = PortName, Port = port, TargetPort = PortName, Protocol = "TCP", AppProtocol = "http" }],
        },
    };

    /// <summary>
    /// The exporter's container: its args and environment, the metrics port, probes on its landing page (which answers
    /// without querying the database, unlike /metrics), restricted security.
    /// </summary>
    public static V1Container Container(string name, string image, IList<string> args, IList<V1EnvVar>? env, int port, V1ResourceRequirements? resources) => new()
    {
        Name = name,
        Image = image,
        ImagePullPolicy = "IfNotPresent",
        Args = args,
        Env = env is { Count: > 0 } ? env : null,
        Ports = [new V1ContainerPort { Name = PortName, ContainerPort = port, Protocol = "TCP" }],
        ReadinessProbe = new V1Probe { HttpGet = LandingPage(), PeriodSeconds = 10, TimeoutSeconds = 5, FailureThreshold = 3 },
        LivenessProbe = new V1Probe { HttpGet = LandingPage(), PeriodSeconds = 30, TimeoutSeconds = 5, FailureThreshold = 3 },
        Resources = resources ?? DefaultResources(),
        SecurityContext = RestrictedPodSecurity.Container(UserId),
    };

    /// <summary>A one-replica Deployment of <paramref name="container"/>; nothing to mount, so no service account token either.</summary>
    public static V1Deployment Deployment(BackendIdentity identity, V1Container container) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = identity.Metadata(identity.InstanceName),
        Spec = new V1DeploymentSpec
        {
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = identity.Labels() },
                Spec = new V1PodSpec
                {
                    AutomountServiceAccountToken = false,
                    EnableServiceLinks = false,
                    SecurityContext = RestrictedPodSecurity.Pod(UserId, fsGroup: null),
                    Containers = [container],
                },
            },
        },
    };

    /// <summary>An environment variable from a Secret key, resolved by the kubelet: the operator never reads it.</summary>
    public static V1EnvVar FromSecret(string name, SecretKeyReference secret) => new()
    {
        Name = name,
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = secret.Name, Key = secret.Key } },
    };

    /// <summary>The alert that an exporter's own target is down (its database alerts cannot fire then).</summary>
    public static AlertRule ExporterDown(string group, string alertPrefix, string exporter, string what) => new(
        group,
        $"{alertPrefix}ExporterDown",
        $"up{{{WellKnown.ExporterMetricLabel}=\"{exporter}\"}} == 0",
        "5m",
        [new("severity", "warning")],
        [
            new("summary", $"The {what} exporter {{{{ $labels.instance }}}} cannot be scraped"),
            new("description", $"Prometheus has not reached the {what} exporter {{{{ $labels.instance }}}} in namespace {{{{ $labels.namespace }}}} for 5 minutes, so the {what} alerts cannot fire."),
        ]);

    private static V1HTTPGetAction LandingPage() => new() { Path = "/", Port = PortName, Scheme = "HTTP" };

    private static V1ResourceRequirements DefaultResources() => new()
    {
        Requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            ["cpu"] = new("10m"),
            ["memory"] = new("32Mi"),
        },
        Limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            ["memory"] = new("128Mi"),
        },
    };
}
