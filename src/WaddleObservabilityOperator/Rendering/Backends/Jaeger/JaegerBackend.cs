using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The objects of a managed Jaeger v2: its config ConfigMap, its workload, Service, optional NetworkPolicy and, with
/// several replicas, a PodDisruptionBudget. The workload follows the store: in memory one <c>Recreate</c> Deployment pod;
/// badger a StatefulSet of one pod with a volume claim (the claim outlives the pod and a rollout, and a StatefulSet never
/// starts a second pod on a volume the first still locks); a remote store a <c>RollingUpdate</c> Deployment of
/// <c>replicas</c> pods spread over nodes.
/// </summary>
internal static class JaegerBackend
{
    public const string AppName = "jaeger";
    public const string Component = "tracing-backend";
    public const string ConfigFileName = "config.yaml";
    public const string ConfigDirectory = "/etc/jaeger/config";

    // The jaegertracing/jaeger image runs as this user (USER 10001 in cmd/jaeger/Dockerfile).
    public const long UserId = 10001;

    /// <summary>The pod template's record of its storage type, which tells a change of type from the running workload.</summary>
    public const string StorageAnnotation = "observability.waddlebot.io/jaeger-storage";

    private const string DataVolume = "data";

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
        var jaeger = JaegerComponent.Settings(policy);
        var template = PodTemplate(identity, jaeger, config);
        yield return jaeger.TraceStore switch
        {
            BadgerTraceStore badger => StatefulSet(identity, badger, template),
            _ => Deployment(identity, jaeger, template),
        };
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

        if (jaeger.Replicas > 1)
        {
            yield return HighAvailability.DisruptionBudget(identity);
        }
    }

    private static V1PodTemplateSpec PodTemplate(BackendIdentity identity, EffectiveJaeger jaeger, string config)
    {
        var store = jaeger.TraceStore;
        var healthProbe = new V1HTTPGetAction { Path = JaegerConfigDocument.HealthPath, Port = "health", Scheme = "HTTP" };
        // Both ConfigMaps are mounted as directories, never with subPath: the kubelet then swaps in edited sampling
        // strategies, which Jaeger re-reads every reload interval without a restart.
        var mounts = new List<V1VolumeMount>
        {
            new() { Name = "config", MountPath = ConfigDirectory, ReadOnlyProperty = true },
            new() { Name = "sampling", MountPath = JaegerConfigDocument.SamplingDirectory, ReadOnlyProperty = true },
            new() { Name = "tmp", MountPath = "/tmp" },
        };
        var volumes = new List<V1Volume>
        {
            new() { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = ConfigMapName(identity.PolicyName) } },
            new() { Name = "sampling", ConfigMap = new V1ConfigMapVolumeSource { Name = ChildNames.SamplingConfigMap(identity.PolicyName) } },
            // The root filesystem is read-only; Go and the collector may still want a scratch directory.
            new() { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("64Mi") } },
        };
        if (store is BadgerTraceStore)
        {
            mounts.Add(new V1VolumeMount { Name = DataVolume, MountPath = BadgerTraceStore.DataDirectory });
        }

        foreach (var (volume, mount) in store.Volumes())
        {
            volumes.Add(volume);
            mounts.Add(mount);
        }

        var env = store.Environment();
        var container = new V1Container
        {
            Name = AppName,
            Image = jaeger.Image,
            ImagePullPolicy = "IfNotPresent",
            Args = ["--config", $"{ConfigDirectory}/{ConfigFileName}"],
            Env = env.Count == 0 ? null : [.. env],
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
            Resources = jaeger.Resources ?? DefaultResources(),
            SecurityContext = RestrictedPodSecurity.Container(UserId),
            VolumeMounts = mounts,
        };

        // Only config.yaml is hashed: the sampling document reloads in place and must not restart Jaeger. The Secret
        // references are in the environment and volumes of the template itself, so another Secret rolls the pods too.
        var metadata = identity.PodTemplateMetadata(ConfigHash.Of(config));
        if (store is not InMemoryTraceStore)
        {
            // In memory it stays unannotated, as before storage types: an upgrade of the operator rolls no Jaeger.
            metadata.Annotations[StorageAnnotation] = store.TypeName;
        }

        return new V1PodTemplateSpec
        {
            Metadata = metadata,
            Spec = new V1PodSpec
            {
                AutomountServiceAccountToken = false,
                EnableServiceLinks = false,
                // A fresh badger volume must be writable by Jaeger's user.
                SecurityContext = RestrictedPodSecurity.Pod(UserId, fsGroup: store is BadgerTraceStore ? UserId : null),
                Affinity = jaeger.Replicas > 1 ? HighAvailability.SpreadByNode(identity) : null,
                Containers = [container],
                Volumes = volumes,
            },
        };
    }

    private static V1Deployment Deployment(BackendIdentity identity, EffectiveJaeger jaeger, V1PodTemplateSpec template) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "Deployment",
        Metadata = identity.Metadata(identity.InstanceName),
        Spec = new V1DeploymentSpec
        {
            Replicas = jaeger.Replicas,
            Strategy = jaeger.TraceStore.Remote
                // The traces are in the remote store: a new pod starts before an old one stops, and collection goes on.
                ? new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = 1, MaxUnavailable = 0 } }
                // In-memory storage: two pods would split the traces between them, so never run old and new together.
                : new V1DeploymentStrategy { Type = "Recreate" },
            Selector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() },
            Template = template,
        },
    };

    private static V1StatefulSet StatefulSet(BackendIdentity identity, BadgerTraceStore badger, V1PodTemplateSpec template) => new()
    {
        ApiVersion = "apps/v1",
        Kind = "StatefulSet",
        Metadata = identity.Metadata(identity.InstanceName),
        Spec = new V1StatefulSetSpec
        {
            Replicas = 1,
            ServiceName = identity.InstanceName,
            Selector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() },
            Template = template,
            // The traces are the user's data: deleting the StatefulSet (or switching to another store) keeps the claim.
            PersistentVolumeClaimRetentionPolicy = RetainedDataClaims.Retention(),
            VolumeClaimTemplates = [RetainedDataClaims.Claim(identity, DataVolume, badger.StorageClassName, badger.Size)],
        },
    };

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
