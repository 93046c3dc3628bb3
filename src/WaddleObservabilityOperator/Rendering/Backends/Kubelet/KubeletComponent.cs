using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The containers' metrics from the cAdvisor every kubelet embeds (<c>spec.exporters.kubelet</c>), rather than a
/// cAdvisor of its own (a second copy of the same series, and its memory): a job with node discovery in the managed
/// Prometheus, scraping <c>https://&lt;node&gt;:10250/metrics/cadvisor</c> with Prometheus's service account token,
/// and, while prometheus-operator's API is served, a ServiceMonitor for the kubelet Service prometheus-operator keeps in
/// kube-system.
/// </summary>
/// <remarks>
/// The job needs what no Role can grant: listing and watching Nodes, and <c>get</c> on <c>nodes/metrics</c> (what the
/// kubelet checks for /metrics/cadvisor), and nothing more (not nodes/proxy, which would let Prometheus run commands
/// in any pod). So the managed Prometheus gets a ClusterRole and a ClusterRoleBinding of its own. Cluster-scoped objects
/// cannot carry an owner reference to a namespaced policy (garbage collection would treat it as absent and delete
/// them), so they carry the policy's name and namespace as labels instead, and the policy a finalizer: the operator
/// deletes them when the kubelet scrape or the managed Prometheus is switched off, when the policy is deleted (before
/// the finalizer goes), and when it finds them labelled for a policy that no longer exists.
/// </remarks>
public sealed class KubeletComponent : ManagedComponent<EffectiveKubeletScrape>
{
    public const string AppName = "kubelet";
    public const string Exporter = "kubelet";
    public const string MetricsPath = "/metrics/cadvisor";

    /// <summary>prometheus-operator's kubelet Service (its --kubelet-service flag, kube-system/kubelet in kube-prometheus) and its port.</summary>
    public const string KubeletServiceNamespace = "kube-system";
    public const string KubeletServicePort = "https-metrics";

    public static KubeletComponent Instance { get; } = new();

    private KubeletComponent()
    {
    }

    public override string Name => "kubelet";

    public override string DisplayName => "kubelet scrape";

    public override string SpecPath => "spec.exporters.kubelet";

    /// <summary>Name of the ServiceMonitor in the policy's namespace.</summary>
    public static string ServiceMonitorName(string policyName) => $"{policyName}-kubelet";

    /// <summary>
    /// Name of the ClusterRole and ClusterRoleBinding that let the policy's Prometheus read the kubelets: unique per
    /// policy across the cluster. The policy name of a managed Prometheus is a DNS label, so the dots separate unambiguously.
    /// </summary>
    public static string ClusterRoleName(string @namespace, string policyName) => $"waddle-observability.{@namespace}.{PrometheusComponent.InstanceName(policyName)}";

    /// <summary>What the kubelet job needs, cluster-wide, and nothing more: node discovery, and the kubelet's /metrics/* (new instances each time).</summary>
    public static IReadOnlyList<V1PolicyRule> KubeletRules =>
    [
        new V1PolicyRule { ApiGroups = [""], Resources = ["nodes"], Verbs = ["list", "watch"] },
        new V1PolicyRule { ApiGroups = [""], Resources = ["nodes/metrics"], Verbs = ["get"] },
    ];

    public override EffectiveKubeletScrape Resolve(ObservabilityPolicySpec? spec, bool owned)
    {
        var kubelet = spec?.Exporters?.Kubelet;
        return new EffectiveKubeletScrape(owned && (kubelet?.Enabled ?? false), kubelet?.TlsVerify ?? false);
    }

    /// <summary>No Service of its own: it scrapes the kubelets.</summary>
    public override IReadOnlyList<string> ServiceNames(EffectivePolicy policy) => [];

    public override void Validate(EffectivePolicy policy, IReadOnlyList<ResolvedService> services, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(problems);
        BackendValidation.CheckName(problems, policy.Name!, ServiceMonitorName(policy.Name!), BackendValidation.MaxServiceNameLength, "kubelet ServiceMonitor");
    }

    public override IEnumerable<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (PrometheusComponent.Instance.IsManaged(policy))
        {
            var name = ClusterRoleName(policy.Namespace, policy.Name!);
            var identity = Identity(policy, name);
            yield return new V1ClusterRole
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "ClusterRole",
                Metadata = identity.ClusterScopedMetadata(name),
                Rules = [.. KubeletRules],
            };
            yield return new V1ClusterRoleBinding
            {
                ApiVersion = "rbac.authorization.k8s.io/v1",
                Kind = "ClusterRoleBinding",
                Metadata = identity.ClusterScopedMetadata(name),
                RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = name },
                Subjects = [new Rbacv1Subject { Kind = "ServiceAccount", Name = PrometheusComponent.InstanceName(policy.Name!), NamespaceProperty = policy.Namespace }],
            };
        }

        if (ExporterObjects.WantsServiceMonitors(policy))
        {
            yield return ServiceMonitor(policy);
        }
    }

    public override IReadOnlyList<ScrapeJob> ScrapeJobs(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!IsManaged(policy))
        {
            return [];
        }

        return
        [
            new ScrapeJob(Exporter, ScrapeRole.Kubelets, MetricsPath, [new(WellKnown.ExporterMetricLabel, Exporter)])
            {
                Job = AppName,
                // cAdvisor's own namespace, pod and container labels name the container measured: they must win.
                HonorLabels = true,
                TlsVerify = Settings(policy).TlsVerify,
            },
        ];
    }

    /// <summary>Its ClusterRole's rules: the operator must hold them to create it (RBAC's escalation rule).</summary>
    public override IReadOnlyList<V1PolicyRule> GrantedClusterRules => KubeletRules;

    private static BackendIdentity Identity(EffectivePolicy policy, string instance) => new(policy, AppName, "metrics-scrape", instance);

    /// <summary>
    /// The same scrape for prometheus-operator's Prometheus, as kube-prometheus writes it: the kubelet Service's
    /// https-metrics port, with that Prometheus's own token and the same labels as the managed job.
    /// </summary>
    private static ServiceMonitor ServiceMonitor(EffectivePolicy policy)
    {
        var name = ServiceMonitorName(policy.Name!);
        var settings = Settings(policy);
        return new ServiceMonitor
        {
            Metadata = ExporterObjects.ServiceMonitorMetadata(Identity(policy, name), name),
            Spec = new ServiceMonitorSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string>(StringComparer.Ordinal) { [WellKnown.NameLabel] = AppName } },
                NamespaceSelector = new NamespaceSelector { MatchNames = [KubeletServiceNamespace] },
                JobLabel = WellKnown.NameLabel,
                Endpoints =
                [
                    new ServiceMonitorEndpoint
                    {
                        Port = KubeletServicePort,
                        Path = MetricsPath,
                        Scheme = "https",
                        HonorLabels = true,
                        BearerTokenFile = $"{PrometheusConfigDocument.ServiceAccountDirectory}/token",
                        TlsConfig = settings.TlsVerify
                            ? new ServiceMonitorTlsConfig { CaFile = $"{PrometheusConfigDocument.ServiceAccountDirectory}/ca.crt" }
                            : new ServiceMonitorTlsConfig { InsecureSkipVerify = true },
                        Relabelings =
                        [
                            new RelabelConfig { Action = "replace", SourceLabels = ["__metrics_path__"], TargetLabel = "metrics_path" },
                            new RelabelConfig { Action = "replace", TargetLabel = WellKnown.ExporterMetricLabel, Replacement = Exporter },
                        ],
                    },
                ],
            },
        };
    }
}
