using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The objects of a managed Prometheus: ServiceAccount, Role and RoleBinding for discovery, the config ConfigMap,
/// a StatefulSet (persistent storage) or Deployment (emptyDir), the Service and an optional NetworkPolicy.
/// </summary>
/// <remarks>
/// Config reload, as prometheus-operator does it: Prometheus runs with --web.enable-lifecycle and the pod has a
/// second container, prometheus-operator's prometheus-config-reloader, which watches the directory the ConfigMap is
/// mounted at (a directory mount, never subPath, so the kubelet refreshes it) and POSTs /-/reload to Prometheus on
/// loopback when a file there changes. prometheus.yml, alerts.yml and the slos-*.yml files are therefore not hashed
/// into the pod template: a changed SLO or job changes the ConfigMap only, the pod keeps its samples (and the 30-day
/// SLO windows) even on an emptyDir. What needs a restart (image, retention, the other flags, resources) is in the pod
/// template itself and rolls the pod as any template change does.
/// </remarks>
internal static class PrometheusBackend
{
    public const string AppName = "prometheus";
    public const string Component = "metrics-backend";
    public const string ConfigFileName = "prometheus.yml";
    public const string ConfigDirectory = "/etc/prometheus";
    public const string DataDirectory = "/prometheus";
    public const string ReloaderName = "config-reloader";
    public const string ReloaderPortName = "reloader-web";

    /// <summary>The reloader's /metrics and /healthz port (prometheus-operator's choice too).</summary>
    public const int ReloaderPort = 8080;
    private const string DataVolume = "data";

    // prom/prometheus runs as nobody (USER nobody in its Dockerfile); fsGroup lets it write a fresh volume.
    public const long UserId = 65534;

    public static string ConfigMapName(string policyName) => $"{PrometheusComponent.InstanceName(policyName)}-config";

    /// <summary>What kubernetes_sd_configs with role endpointslice lists and watches, in the policy's namespace only: its Role's rules (new instances each time).</summary>
    public static IReadOnlyList<V1PolicyRule> DiscoveryRules =>
    [
        new V1PolicyRule { ApiGroups = [""], Resources = ["endpoints", "pods", "services"], Verbs = ["get", "list", "watch"] },
        new V1PolicyRule { ApiGroups = ["discovery.k8s.io"], Resources = ["endpointslices"], Verbs = ["get", "list", "watch"] },
    ];

    public static IEnumerable<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services)
    {
        var policyName = policy.Name!;
        var name = PrometheusComponent.InstanceName(policyName);
        var identity = new BackendIdentity(policy, AppName, Component, name);
        var config = PrometheusConfigDocument.Render(policy, services);
        var rules = PrometheusRulesDocument.Render(policy);
        var data = new Dictionary<string, string>(StringComparer.Ordinal) { [ConfigFileName] = config };
        if (rules is not null)
        {
            data[PrometheusRulesDocument.FileName] = rules;
        }

        // The members' SLO rules, a file each (Rendering/Slos), in the same directory the reloader watches.
        foreach (var file in Slos.SloRulesFiles.Of(services))
        {
            data[file.FileName] = file.Content;
        }

        yield return new V1ServiceAccount
        {
            ApiVersion = "v1",
            Kind = "ServiceAccount",
            Metadata = identity.Metadata(name),
        };
        yield return new V1Role
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "Role",
            Metadata = identity.Metadata(name),
            Rules = [.. DiscoveryRules],
        };
        yield return new V1RoleBinding
        {
            ApiVersion = "rbac.authorization.k8s.io/v1",
            Kind = "RoleBinding",
            Metadata = identity.Metadata(name),
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "Role", Name = name },
            Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = name, NamespaceProperty = identity.Namespace }],
        };
        yield return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = identity.Metadata(ConfigMapName(policyName)),
            Data = data,
        };
        // Nothing of the ConfigMap is hashed into the pod template: the reloader has Prometheus reload every file of it.
        yield return Workload(identity, policy);
        yield return new V1Service
        {
            ApiVersion = "v1",
            Kind = "Service",
            Metadata = identity.Metadata(name),
            Spec = new V1ServiceSpec
            {
                Type = "ClusterIP",
                Selector = identity.SelectorLabels(),
                Ports =
                [
                    new V1ServicePort
                    {
                        Name = "web",
                        Port = PrometheusConfigDocument.WebPort,
                        TargetPort = "web",
                        Protocol = "TCP",
                        AppProtocol = "http",
                    },
                ],
            },
        };
        if (policy.NetworkPolicy)
        {
            yield return identity.NetworkPolicy(name, [PrometheusConfigDocument.WebPort]);
        }

        if (PrometheusComponent.Settings(policy).HighlyAvailable)
        {
            yield return HighAvailability.DisruptionBudget(identity);
        }
    }

    /// <summary>
    /// A StatefulSet with persistent storage, or with two or more replicas: its pods have stable names
    /// (&lt;policy&gt;-prometheus-0, -1...), so each replica's external label stays the same across restarts and the
    /// remote store keeps one series per replica. A single Prometheus without storage is a Recreate Deployment.
    /// </summary>
    public static bool RunsAsStatefulSet(EffectivePrometheus settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return settings.Storage?.Size is { Length: > 0 } || settings.HighlyAvailable;
    }

    private static IKubernetesObject<V1ObjectMeta> Workload(BackendIdentity identity, EffectivePolicy policy)
    {
        var template = PodTemplate(identity, policy);
        var selector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() };
        var settings = PrometheusComponent.Settings(policy);
        var storage = settings.Storage;
        if (RunsAsStatefulSet(settings))
        {
            var size = storage?.Size;
            if (size is not { Length: > 0 })
            {
                // Replicas without storage: each pod its own emptyDir.
                template.Spec.Volumes.Add(new V1Volume { Name = DataVolume, EmptyDir = new V1EmptyDirVolumeSource() });
            }

            return new V1StatefulSet
            {
                ApiVersion = "apps/v1",
                Kind = "StatefulSet",
                Metadata = identity.Metadata(identity.InstanceName),
                Spec = new V1StatefulSetSpec
                {
                    Replicas = settings.Replicas,
                    ServiceName = identity.InstanceName,
                    Selector = selector,
                    Template = template,
                    // The samples are the user's data: deleting or scaling the StatefulSet keeps the claim.
                    PersistentVolumeClaimRetentionPolicy = RetainedDataClaims.Retention(),
                    VolumeClaimTemplates = size is null ? null : [RetainedDataClaims.Claim(identity, DataVolume, storage!.StorageClassName, size)],
                },
            };
        }

        template.Spec.Volumes.Add(new V1Volume { Name = DataVolume, EmptyDir = new V1EmptyDirVolumeSource() });
        return new V1Deployment
        {
            ApiVersion = "apps/v1",
            Kind = "Deployment",
            Metadata = identity.Metadata(identity.InstanceName),
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                // One Prometheus at a time: two would scrape every target twice during a rollout.
                Strategy = new V1DeploymentStrategy { Type = "Recreate" },
                Selector = selector,
                Template = template,
            },
        };
    }

    /// <summary>The flag that turns exemplar storage on (storage.exemplars in prometheus.yml sizes it).</summary>
    public const string ExemplarStorageFlag = "--enable-feature=exemplar-storage";

    private static V1PodTemplateSpec PodTemplate(BackendIdentity identity, EffectivePolicy policy)
    {
        var settings = PrometheusComponent.Settings(policy);
        var container = new V1Container
        {
            Name = AppName,
            Image = PrometheusComponent.Settings(policy).Image,
            ImagePullPolicy = "IfNotPresent",
            Args =
            [
                $"--config.file={ConfigDirectory}/{ConfigFileName}",
                $"--storage.tsdb.path={DataDirectory}",
                $"--storage.tsdb.retention.time={PrometheusComponent.Settings(policy).Retention}",
                // POST /-/reload, which the config reloader calls (and /-/quit): see the remarks.
                "--web.enable-lifecycle",
                // Keeps the trace ids services attach to histogram samples, which Grafana's latency panels link to Jaeger
                // (spec.metrics.exemplars; still a feature flag in Prometheus 3, and only read at start).
                .. policy.Metrics.Exemplars.Enabled ? [ExemplarStorageFlag] : Array.Empty<string>(),
                // ${POD_NAME} in external_labels (the replica label) and $$ for a literal '$': a feature flag in 2.x,
                // always on in 3.x, which logs the flag as unknown and goes on. With it both read the file alike.
                "--enable-feature=expand-external-labels",
            ],
            // The pod's own name for the replica external label; only the pods of a highly available Prometheus need it.
            Env = settings.HighlyAvailable
                ?
                [
                    new V1EnvVar
                    {
                        Name = PrometheusConfigDocument.PodNameVariable,
                        ValueFrom = new V1EnvVarSource { FieldRef = new V1ObjectFieldSelector { ApiVersion = "v1", FieldPath = "metadata.name" } },
                    },
                ]
                : null,
            Ports = [new V1ContainerPort { Name = "web", ContainerPort = PrometheusConfigDocument.WebPort, Protocol = "TCP" }],
            // Replaying a large WAL can take minutes; the startup probe holds the liveness probe off until then.
            StartupProbe = new V1Probe { HttpGet = Http("/-/ready"), PeriodSeconds = 10, FailureThreshold = 60, TimeoutSeconds = 5 },
            ReadinessProbe = new V1Probe { HttpGet = Http("/-/ready"), PeriodSeconds = 10, FailureThreshold = 3, TimeoutSeconds = 5 },
            LivenessProbe = new V1Probe { HttpGet = Http("/-/healthy"), PeriodSeconds = 15, FailureThreshold = 5, TimeoutSeconds = 5 },
            Resources = PrometheusComponent.Settings(policy).Resources ?? DefaultResources(),
            SecurityContext = RestrictedPodSecurity.Container(UserId),
            VolumeMounts =
            [
                new V1VolumeMount { Name = "config", MountPath = ConfigDirectory, ReadOnlyProperty = true },
                new V1VolumeMount { Name = DataVolume, MountPath = DataDirectory },
                // The remote stores' credentials: Secret keys as files, only in this container (not the reloader's).
                .. RemoteWriteSecrets.Mounts(settings),
            ],
        };

        return new V1PodTemplateSpec
        {
            // No config hash: every file of the ConfigMap is reloaded in place (the remarks).
            Metadata = identity.PodTemplateMetadata(),
            Spec = new V1PodSpec
            {
                ServiceAccountName = identity.InstanceName,
                // Discovery talks to the API server with this account's token.
                AutomountServiceAccountToken = true,
                EnableServiceLinks = false,
                SecurityContext = RestrictedPodSecurity.Pod(UserId, fsGroup: UserId),
                Affinity = settings.HighlyAvailable ? HighAvailability.SpreadByNode(identity) : null,
                Containers = [container, Reloader(settings)],
                Volumes =
                [
                    new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = ConfigMapName(identity.PolicyName) } },
                    .. RemoteWriteSecrets.Volumes(settings),
                ],
            },
        };
    }

    /// <summary>
    /// prometheus-operator's prometheus-config-reloader (cmd/prometheus-config-reloader): it watches the ConfigMap's
    /// directory (fsnotify, and a full re-read every 3 minutes, its default --watch-interval) and, a second after a
    /// change (--delay-interval), POSTs the reload URL, retrying every 5 s while Prometheus refuses or is not up yet.
    /// The pod shares one network namespace, so Prometheus is 127.0.0.1:9090 to it. /healthz answers once its own
    /// server listens.
    /// </summary>
    private static V1Container Reloader(EffectivePrometheus settings) => new()
    {
        Name = ReloaderName,
        Image = settings.ConfigReloaderImage,
        ImagePullPolicy = "IfNotPresent",
        // The image's entrypoint is /bin/prometheus-config-reloader.
        Args =
        [
            $"--listen-address=:{ReloaderPort}",
            $"--reload-url=http://127.0.0.1:{PrometheusConfigDocument.WebPort}/-/reload",
            $"--watched-dir={ConfigDirectory}",
        ],
        Ports = [new V1ContainerPort { Name = ReloaderPortName, ContainerPort = ReloaderPort, Protocol = "TCP" }],
        ReadinessProbe = new V1Probe { HttpGet = ReloaderHealth(), PeriodSeconds = 10, FailureThreshold = 3, TimeoutSeconds = 5 },
        // A reloader that stopped serving is restarted alone; Prometheus keeps running with what it loaded last.
        LivenessProbe = new V1Probe { HttpGet = ReloaderHealth(), PeriodSeconds = 30, FailureThreshold = 5, TimeoutSeconds = 5 },
        // prometheus-operator's defaults for the reloader; it holds the file hashes and nothing else.
        Resources = new V1ResourceRequirements
        {
            Requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
            {
                ["cpu"] = new("10m"),
                ["memory"] = new("50Mi"),
            },
            Limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
            {
                ["memory"] = new("50Mi"),
            },
        },
        // The image runs as nobody (USER nobody), as Prometheus does.
        SecurityContext = RestrictedPodSecurity.Container(UserId),
        // The whole directory, never subPath: the kubelet refreshes only directory mounts of a ConfigMap.
        VolumeMounts = [new V1VolumeMount { Name = "config", MountPath = ConfigDirectory, ReadOnlyProperty = true }],
    };

    private static V1HTTPGetAction ReloaderHealth() => new() { Path = "/healthz", Port = ReloaderPortName, Scheme = "HTTP" };

    private static V1HTTPGetAction Http(string path) => new() { Path = path, Port = "web", Scheme = "HTTP" };

    // Enough for the ~20 WaddleBot services at a 15 s interval; a policy's resources replace these entirely.
    private static V1ResourceRequirements DefaultResources() => new()
    {
        Requests = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            ["cpu"] = new("200m"),
            ["memory"] = new("512Mi"),
        },
        Limits = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            ["memory"] = new("2Gi"),
        },
    };
}
