using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The objects of a managed Alertmanager: the default configuration's ConfigMap (only without the user's Secret), a
/// one-replica Deployment with cluster gossip off, the Service on 9093 and an optional NetworkPolicy.
/// </summary>
/// <remarks>
/// One replica and <c>--cluster.listen-address=</c> (empty): a single Alertmanager has no peers, and without the flag it
/// would listen for them on 9094 and wait for the gossip to settle before sending anything. Silences and the
/// notification log live in an emptyDir, so a restart forgets them. The user's configuration is a Secret mounted as a
/// directory: the kubelet updates the file when the Secret changes, and Alertmanager reads it again on POST /-/reload or a
/// restart (the operator cannot notice the change: it never reads Secrets).
/// </remarks>
internal static class AlertmanagerBackend
{
    public const string AppName = "alertmanager";
    public const string Component = "alerting";
    public const int WebPort = 9093;
    public const string ConfigDirectory = "/etc/alertmanager";
    public const string DataDirectory = "/alertmanager";

    // The image runs as nobody (USER nobody in its Dockerfile).
    public const long UserId = 65534;

    public static string ConfigMapName(string policyName) => $"{AlertmanagerComponent.InstanceName(policyName)}-config";

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy)
    {
        var settings = AlertmanagerComponent.Settings(policy);
        var policyName = policy.Name!;
        var name = AlertmanagerComponent.InstanceName(policyName);
        var identity = new BackendIdentity(policy, AppName, Component, name);
        string configHash;
        V1Volume configVolume;
        if (settings.ConfigSecret is { } secret)
        {
            // Mounted, never read: the hash is of the reference, so pointing at another Secret or key rolls the pod.
            configHash = ConfigHash.Of(["secret", secret.Name, secret.Key]);
            configVolume = new V1Volume
            {
                Name = "config",
                Secret = new V1SecretVolumeSource
                {
                    SecretName = secret.Name,
                    Items = [new V1KeyToPath { Key = secret.Key, Path = AlertmanagerConfigDocument.FileName }],
                },
            };
        }
        else
        {
            var config = AlertmanagerConfigDocument.Render();
            configHash = ConfigHash.Of(config);
            configVolume = new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = ConfigMapName(policyName) } };
            yield return new V1ConfigMap
            {
                ApiVersion = "v1",
                Kind = "ConfigMap",
                Metadata = identity.Metadata(ConfigMapName(policyName)),
                Data = new Dictionary<string, string>(StringComparer.Ordinal) { [AlertmanagerConfigDocument.FileName] = config },
            };
        }

        yield return Deployment(identity, settings, configVolume, configHash);
        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = identity.Metadata(name),
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = identity.SelectorLabels(),
                Ports = [new V1ServicePort { Name = "web", Port = WebPort, TargetPort = "web", Protocol = "TCP", AppProtocol = "http" }],
            },
        };
        if (policy.NetworkPolicy)
        {
            yield return identity.NetworkPolicy(name, [WebPort]);
        }
    }

    /// <summary>The command line: the configuration, the data directory, gossip off, the web port.</summary>
    public static IList<string> Args() =>
    [
        $"--config.file={ConfigDirectory}/{AlertmanagerConfigDocument.FileName}",
        $"--storage.path={DataDirectory}",
        "--cluster.listen-address=",
        $"--web.listen-address=:{WebPort}",
    ];

    private static V1Deployment Deployment(BackendIdentity identity, EffectiveAlertmanager settings, V1Volume configVolume, string configHash)
    {
        var container = new V1Container
        {
            Name = AppName,
            Image = settings.Image,
            ImagePullPolicy = "IfNotPresent",
            Args = Args(),
            Ports = [new V1ContainerPort { Name = "web", ContainerPort = WebPort, Protocol = "TCP" }],
            ReadinessProbe = new V1Probe { HttpGet = Http("/-/ready"), PeriodSeconds = 10, TimeoutSeconds = 5, FailureThreshold = 3 },
            LivenessProbe = new V1Probe { HttpGet = Http("/-/healthy"), PeriodSeconds = 15, TimeoutSeconds = 5, FailureThreshold = 5 },
            Resources = settings.Resources ?? DefaultResources(),
            SecurityContext = RestrictedPodSecurity.Container(UserId),
            VolumeMounts =
            [
                new V1VolumeMount { Name = "config", MountPath = ConfigDirectory, ReadOnlyProperty = true },
                new V1VolumeMount { Name = "data", MountPath = DataDirectory },
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
                // One Alertmanager at a time: without gossip, two would each notify for the same alerts.
                Strategy = new V1DeploymentStrategy { Type = "Recreate" },
                Selector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() },
                Template = new V1PodTemplateSpec
                {
                    Metadata = identity.PodTemplateMetadata(configHash),
                    Spec = new V1PodSpec
                    {
                        AutomountServiceAccountToken = false,
                        EnableServiceLinks = false,
                        SecurityContext = RestrictedPodSecurity.Pod(UserId, fsGroup: UserId),
                        Containers = [container],
                        Volumes = [configVolume, new V1Volume { Name = "data", EmptyDir = new V1EmptyDirVolumeSource() }],
                    },
                },
            },
        };
    }

    private static V1HTTPGetAction Http(string path) => new() { Path = path, Port = "web", Scheme = "HTTP" };

    private static V1ResourceRequirements DefaultResources() => new()
    {
        Requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            ["cpu"] = new("10m"),
            ["memory"] = new("64Mi"),
        },
        Limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            ["memory"] = new("256Mi"),
        },
    };
}
