using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>The objects of a managed Jaeger v2: its config ConfigMap, Deployment, Service and optional NetworkPolicy.</summary>
internal static class JaegerBackend
{
    public const string AppName = "jaeger";
    public const string Component = "tracing-backend";
    public const string ConfigFileName = "config.yaml";
    public const string ConfigDirectory = "/etc/jaeger/config";

    // The jaegertracing/jaeger image runs as this user (USER 10001 in cmd/jaeger/Dockerfile).
    public const long UserId = 10001;

    public static string ConfigMapName(string policyName) => $"{JaegerComponent.InstanceName(policyName)}-config";

    private static readonly (string Name, int Port, string AppProtocol)[] Ports =
    [
        ("otlp-grpc", JaegerConfigDocument.OtlpGrpcPort, "grpc"),
        ("otlp-http", JaegerConfigDocument.OtlpHttpPort, "http"),
        ("query", JaegerConfigDocument.QueryHttpPort, "http"),
        ("sampling-http", JaegerConfigDocument.SamplingHttpPort, "http"),
        ("sampling-grpc", JaegerConfigDocument.SamplingGrpcPort, "grpc"),
        ("health", JaegerConfigDocument.HealthPort, "http"),
    ];

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy)
    {
        var policyName = policy.Name!;
        var name = JaegerComponent.InstanceName(policyName);
        var identity = new BackendIdentity(policy, AppName, Component, name);
        var config = JaegerConfigDocument.Render(JaegerComponent.Settings(policy));

        yield return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = identity.Metadata(ConfigMapName(policyName)),
            Data = new Dictionary<string, string>(StringComparer.Ordinal) { [ConfigFileName] = config },
        };
        yield return Deployment(identity, policy, config);
        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = identity.Metadata(name),
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = identity.SelectorLabels(),
                Ports = Ports
                    .Select(p => new V1ServicePort
                    {
                        Name = p.Name,
                        Port = p.Port,
                        TargetPort = p.Name,
                        Protocol = "TCP",
                        AppProtocol = p.AppProtocol,
                    })
                    .ToList(),
            },
        };
        if (policy.NetworkPolicy)
        {
            yield return identity.NetworkPolicy(name, Ports.Select(p => p.Port));
        }
    }

    private static V1Deployment Deployment(BackendIdentity identity, EffectivePolicy policy, string config)
    {
        var policyName = identity.PolicyName;
        var healthProbe = new V1HTTPGetAction { Path = JaegerConfigDocument.HealthPath, Port = "health", Scheme = "HTTP" };
        var container = new V1Container
        {
            Name = AppName,
            Image = JaegerComponent.Settings(policy).Image,
            ImagePullPolicy = "IfNotPresent",
            Args = ["--config", $"{ConfigDirectory}/{ConfigFileName}"],
            Ports = Ports.Select(p => new V1ContainerPort { Name = p.Name, ContainerPort = p.Port, Protocol = "TCP" }).ToList(),
            ReadinessProbe = new V1Probe { HttpGet = healthProbe, PeriodSeconds = 10, FailureThreshold = 3, TimeoutSeconds = 5 },
            LivenessProbe = new V1Probe
            {
                HttpGet = healthProbe,
                InitialDelaySeconds = 10,
                PeriodSeconds = 15,
                FailureThreshold = 5,
                TimeoutSeconds = 5,
            },
            Resources = JaegerComponent.Settings(policy).Resources ?? DefaultResources(),
            SecurityContext = RestrictedPodSecurity.Container(UserId),
            // Both ConfigMaps are mounted as directories, never with subPath: the kubelet then swaps in edited sampling
            // strategies, which Jaeger re-reads every reload interval without a restart.
            VolumeMounts =
            [
                new V1VolumeMount { Name = "config", MountPath = ConfigDirectory, ReadOnlyProperty = true },
                new V1VolumeMount { Name = "sampling", MountPath = JaegerConfigDocument.SamplingDirectory, ReadOnlyProperty = true },
                new V1VolumeMount { Name = "tmp", MountPath = "/tmp" },
            ],
        };

        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = identity.Metadata(identity.InstanceName),
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                // In-memory storage: two pods would split the traces between them, so never run old and new together.
                Strategy = new V1DeploymentStrategy { Type = "Recreate" },
                Selector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() },
                Template = new V1PodTemplateSpec
                {
                    // Only config.yaml is hashed: the sampling document reloads in place and must not restart Jaeger.
                    Metadata = identity.PodTemplateMetadata(ConfigHash.Of(config)),
                    Spec = new V1PodSpec
                    {
                        AutomountServiceAccountToken = false,
                        EnableServiceLinks = false,
                        SecurityContext = RestrictedPodSecurity.Pod(UserId, fsGroup: null),
                        Containers = [container],
                        Volumes =
                        [
                            new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = ConfigMapName(policyName) } },
                            new V1Volume
                            {
                                Name = "sampling",
                                ConfigMap = new V1ConfigMapVolumeSource { Name = ChildNames.SamplingConfigMap(policyName) },
                            },
                            // The root filesystem is read-only; Go and the collector may still want a scratch directory.
                            new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("64Mi") } },
                        ],
                    },
                },
            },
        };
    }

    // Sized for the default 10 000 in-memory traces of a small cluster; a policy's resources replace these entirely.
    private static V1ResourceRequirements DefaultResources() => new()
    {
        Requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            ["cpu"] = new("100m"),
            ["memory"] = new("256Mi"),
        },
        Limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            ["memory"] = new("1Gi"),
        },
    };
}
