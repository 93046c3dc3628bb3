using System.Globalization;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The node exporter (<c>spec.exporters.node</c>): node_exporter on every node (a DaemonSet on the host network, reading
/// the host's /proc, /sys and root filesystem read-only), a headless Service, a ServiceMonitor while prometheus-operator's
/// API is served, and a job in the managed Prometheus with the node's name as instance.
/// </summary>
/// <remarks>
/// Host network, host PID and hostPath volumes are what the Pod Security levels baseline and restricted forbid, so it
/// runs only where the namespace admits privileged pods: its <c>pod-security.kubernetes.io/enforce</c> label is
/// <c>privileged</c>, or absent (the API server's built-in default, privileged, applies unless the cluster's admission
/// configuration says otherwise, which the operator cannot see). Otherwise it is refused with a condition, and the
/// operator never touches the namespace's labels.
/// </remarks>
public sealed class NodeExporterComponent : ManagedComponent<EffectiveNodeExporter>
{
    /// <summary>The pinned node_exporter image.</summary>
    public const string DefaultImage = "quay.io/prometheus/node-exporter:v1.12.1";

    public const int DefaultPort = 9100;
    public const string AppName = "node-exporter";
    public const string Exporter = "node";

    /// <summary>Where the host's filesystems appear in the container.</summary>
    public const string HostProc = "/host/proc";
    public const string HostSys = "/host/sys";
    public const string HostRoot = "/host/root";

    // kube-prometheus's exclusions: the kernel's and the container runtime's mounts, which are not the node's disks.
    private const string MountPointsExclude = "^/(dev|proc|sys|run/k3s/containerd/.+|var/lib/docker/.+|var/lib/kubelet/pods/.+)($|/)";
    private const string FsTypesExclude = "^(autofs|binfmt_misc|bpf|cgroup2?|configfs|debugfs|devpts|devtmpfs|fusectl|hugetlbfs|iso9660|mqueue|nsfs|overlay|proc|procfs|pstore|rpc_pipefs|securityfs|selinuxfs|squashfs|sysfs|tracefs)$";

    public static NodeExporterComponent Instance { get; } = new();

    private NodeExporterComponent()
    {
    }

    public override string Name => "node";

    public override string DisplayName => "node exporter";

    public override string SpecPath => "spec.exporters.node";

    /// <summary>Name of the DaemonSet, Service and ServiceMonitor.</summary>
    public static string InstanceName(string policyName) => $"{policyName}-node-exporter";

    public override EffectiveNodeExporter Resolve(ObservabilityPolicySpec? spec, bool owned)
    {
        var node = spec?.Exporters?.Node;
        return new EffectiveNodeExporter(
            owned && (node?.Enabled ?? false),
            node?.Port ?? DefaultPort,
            string.IsNullOrEmpty(node?.Image) ? DefaultImage : node.Image,
            node?.Resources);
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
        BackendValidation.CheckName(problems, policy.Name!, InstanceName(policy.Name!), BackendValidation.MaxServiceNameLength, "Service and DaemonSet");
        BackendValidation.CheckImage(problems, Settings(policy).Image, $"{SpecPath}.image");
    }

    /// <summary>Refused unless the namespace is known and its enforced Pod Security level admits host access.</summary>
    public override ComponentRefusal? Refusal(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!IsManaged(policy))
        {
            return null;
        }

        if (policy.Cluster.Namespace is not { } ns)
        {
            return new ComponentRefusal(Reasons.NodeExporterNotAdmitted,
                $"{SpecPath} is on, but namespace \"{policy.Namespace}\" was not observed, so whether it admits privileged pods is not known; no node exporter is run.");
        }

        return ns.PodSecurityEnforce is null or "privileged"
            ? null
            : new ComponentRefusal(Reasons.NodeExporterNotAdmitted,
                $"{SpecPath} is on, but namespace \"{ns.Name}\" enforces the Pod Security level \"{ns.PodSecurityEnforce}\" ({NamespaceFacts.EnforceLabel}), which forbids the host network, host PID and host paths node_exporter needs; no node exporter is run. Turn it on in a policy of a namespace labelled privileged (the operator never changes a namespace's labels), or turn it off.");
    }

    public override IEnumerable<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var identity = Identity(policy);
        yield return DaemonSet(identity, Settings(policy));
        yield return ExporterObjects.Service(identity, Settings(policy).Port, headless: true);
        if (ExporterObjects.WantsServiceMonitors(policy))
        {
            yield return ExporterObjects.ServiceMonitor(identity, Job(identity));
        }
    }

    public override IReadOnlyList<ScrapeJob> ScrapeJobs(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return IsManaged(policy) && Refusal(policy) is null ? [Job(Identity(policy))] : [];
    }

    private static BackendIdentity Identity(EffectivePolicy policy) => new(policy, AppName, "metrics-exporter", InstanceName(policy.Name!));

    // instance = the node's name, as node dashboards expect, rather than the host's address.
    private static ScrapeJob Job(BackendIdentity identity) =>
        ExporterObjects.Job(identity, Exporter, Exporter, instanceSource: "__meta_kubernetes_pod_node_name");

    internal static V1DaemonSet DaemonSet(BackendIdentity identity, EffectiveNodeExporter settings)
    {
        var container = ExporterObjects.Container(
            "node-exporter",
            settings.Image,
            [
                $"--web.listen-address=:{settings.Port.ToString(CultureInfo.InvariantCulture)}",
                $"--path.procfs={HostProc}",
                $"--path.sysfs={HostSys}",
                $"--path.rootfs={HostRoot}",
                $"--collector.filesystem.mount-points-exclude={MountPointsExclude}",
                $"--collector.filesystem.fs-types-exclude={FsTypesExclude}",
            ],
            null,
            settings.Port,
            settings.Resources);
        // On the host network the container port is the node's port.
        container.Ports[0].HostPort = settings.Port;
        container.VolumeMounts =
        [
            new V1VolumeMount { Name = "proc", MountPath = HostProc, ReadOnlyProperty = true },
            new V1VolumeMount { Name = "sys", MountPath = HostSys, ReadOnlyProperty = true },
            // HostToContainer: file systems mounted on the host after the pod started are seen too.
            new V1VolumeMount { Name = "root", MountPath = HostRoot, ReadOnlyProperty = true, MountPropagation = "HostToContainer" },
        ];

        return new V1DaemonSet
        {
            ApiVersion = "apps/v1",
            Kind = "DaemonSet",
            Metadata = identity.Metadata(identity.InstanceName),
            Spec = new V1DaemonSetSpec
            {
                Selector = new V1LabelSelector { MatchLabels = identity.SelectorLabels() },
                UpdateStrategy = new V1DaemonSetUpdateStrategy
                {
                    Type = "RollingUpdate",
                    RollingUpdate = new V1RollingUpdateDaemonSet { MaxUnavailable = "10%" },
                },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = identity.Labels() },
                    Spec = new V1PodSpec
                    {
                        // The node's network interfaces and processes, not the pod's.
                        HostNetwork = true,
                        HostPID = true,
                        DnsPolicy = "ClusterFirstWithHostNet",
                        AutomountServiceAccountToken = false,
                        EnableServiceLinks = false,
                        // Still non-root, read-only and without capabilities: reading /proc and /sys needs none of them.
                        SecurityContext = RestrictedPodSecurity.Pod(ExporterObjects.UserId, fsGroup: null),
                        // Every node, control plane and tainted ones included: a node without metrics is a blind spot.
                        Tolerations = [new V1Toleration { OperatorProperty = "Exists" }],
                        NodeSelector = new Dictionary<string, string>(StringComparer.Ordinal) { ["kubernetes.io/os"] = "linux" },
                        Containers = [container],
                        Volumes =
                        [
                            new V1Volume { Name = "proc", HostPath = new V1HostPathVolumeSource { Path = "/proc" } },
                            new V1Volume { Name = "sys", HostPath = new V1HostPathVolumeSource { Path = "/sys" } },
                            new V1Volume { Name = "root", HostPath = new V1HostPathVolumeSource { Path = "/" } },
                        ],
                    },
                },
            },
        };
    }
}
