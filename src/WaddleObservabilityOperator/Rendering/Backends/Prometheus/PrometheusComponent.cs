using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The managed Prometheus (<c>spec.backends.prometheus</c>): its defaults, validation, objects
/// (<see cref="PrometheusBackend"/>, <see cref="PrometheusConfigDocument"/>) and address. It scrapes the services
/// that resolved to its policy and have metrics on.
/// </summary>
public sealed class PrometheusComponent : ManagedComponent<EffectivePrometheus>
{
    /// <summary>The pinned Prometheus v3 image.</summary>
    public const string DefaultImage = "prom/prometheus:v3.11.3";

    /// <summary>
    /// prometheus-operator's config reloader, the sidecar that has Prometheus reload its ConfigMap
    /// (<see cref="PrometheusBackend"/>): the image prometheus-operator v0.95.0 itself runs beside every Prometheus;
    /// <c>spec.backends.prometheus.configReloaderImage</c> replaces it (a mirror).
    /// </summary>
    public const string DefaultConfigReloaderImage = "quay.io/prometheus-operator/prometheus-config-reloader:v0.95.0";

    /// <summary>How long samples are kept by default.</summary>
    public const string DefaultRetention = "30d";

    public static PrometheusComponent Instance { get; } = new();

    private PrometheusComponent()
    {
    }

    public override string Name => "prometheus";

    public override string DisplayName => "Prometheus";

    /// <summary>Name of the managed Prometheus's Service, ServiceAccount, RBAC and workload.</summary>
    public static string InstanceName(string policyName) => $"{policyName}-prometheus";

    /// <summary>In-cluster DNS name of a policy's managed Prometheus Service.</summary>
    public static string HostName(string policyName, string @namespace) => BackendAddress.HostName(InstanceName(policyName), @namespace);

    /// <summary>The managed Prometheus's web UI and API.</summary>
    public static string Endpoint(EffectivePolicy policy) =>
        BackendAddress.ServiceUrl(policy, InstanceName, PrometheusConfigDocument.WebPort);

    public override EffectivePrometheus Resolve(ObservabilityPolicySpec? spec, bool owned)
    {
        var prometheus = spec?.Backends?.Prometheus;
        return new EffectivePrometheus(
            owned && (prometheus?.Managed ?? false),
            string.IsNullOrEmpty(prometheus?.Image) ? DefaultImage : prometheus.Image,
            string.IsNullOrEmpty(prometheus?.Retention) ? DefaultRetention : prometheus.Retention,
            prometheus?.Storage,
            prometheus?.ExternalLabels is { } labels ? [.. labels.OrderBy(kv => kv.Key, StringComparer.Ordinal)] : [],
            prometheus?.Resources,
            string.IsNullOrEmpty(prometheus?.ConfigReloaderImage) ? DefaultConfigReloaderImage : prometheus.ConfigReloaderImage,
            prometheus?.Replicas ?? 1,
            prometheus?.RemoteWrite is { Count: > 0 } remoteWrite ? [.. remoteWrite] : null);
    }

    public override IReadOnlyList<string> ServiceNames(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return [InstanceName(policy.Name!)];
    }

    public override void Validate(EffectivePolicy policy, IReadOnlyList<ResolvedService> services, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(problems);
        var prometheus = Settings(policy);
        var persistent = prometheus.Storage?.Size is { Length: > 0 };
        var statefulSet = PrometheusBackend.RunsAsStatefulSet(prometheus);
        BackendValidation.CheckName(
            problems,
            policy.Name!,
            InstanceName(policy.Name!),
            statefulSet ? BackendValidation.MaxStatefulSetNameLength : BackendValidation.MaxServiceNameLength,
            statefulSet ? "Service and StatefulSet" : "Service and Deployment");
        BackendValidation.CheckImage(problems, prometheus.Image, "spec.backends.prometheus.image");
        BackendValidation.CheckImage(problems, prometheus.ConfigReloaderImage, "spec.backends.prometheus.configReloaderImage");
        BackendValidation.CheckDuration(problems, prometheus.Retention, "spec.backends.prometheus.retention");
        BackendValidation.CheckDuration(problems, policy.Metrics.ScrapeInterval, "spec.metrics.scrapeInterval");
        BackendValidation.CheckDuration(problems, policy.Metrics.ScrapeTimeout, "spec.metrics.scrapeTimeout");
        if (persistent)
        {
            BackendValidation.CheckQuantity(problems, prometheus.Storage!.Size, "spec.backends.prometheus.storage.size");
        }

        foreach (var (name, _) in prometheus.ExternalLabels)
        {
            if (!PrometheusSyntax.IsValidLabelName(name))
            {
                problems.Add($"spec.backends.prometheus.externalLabels: \"{name}\" is not a valid Prometheus label name (letters, digits and '_', not starting with a digit).");
            }
        }

        foreach (var group in prometheus.ExternalLabels.GroupBy(l => l.Key, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"spec.backends.prometheus.externalLabels: \"{group.Key}\" is given more than once.");
        }

        if (prometheus.Replicas < 1)
        {
            problems.Add($"spec.backends.prometheus.replicas: {prometheus.Replicas} is not a number of pods (1 or more).");
        }

        if (prometheus.HighlyAvailable && prometheus.ExternalLabels.Any(l => l.Key == PrometheusConfigDocument.ReplicaLabel))
        {
            problems.Add($"spec.backends.prometheus.externalLabels: \"{PrometheusConfigDocument.ReplicaLabel}\" is set by the operator to each pod's name when replicas is 2 or more; remove it.");
        }

        RemoteWriteValidation.Check(prometheus.RemoteWrites, problems);

        var scraped = PrometheusConfigDocument.ScrapedServices(policy, services).ToList();
        foreach (var service in scraped)
        {
            var where = $"WaddleService {service.Namespace}/{service.Name}";
            BackendValidation.CheckDuration(problems, service.ScrapeInterval, $"{where}: spec.metrics.interval");
            if (string.IsNullOrEmpty(service.MetricsPort))
            {
                problems.Add($"{where}: spec.metrics.port must name a Service port.");
            }

            if (string.IsNullOrEmpty(service.MetricsPath) || service.MetricsPath[0] != '/')
            {
                problems.Add($"{where}: spec.metrics.path must start with '/', got \"{service.MetricsPath}\".");
            }

            // Kubernetes discovery names Service labels after their sanitized keys, so two keys that sanitize alike
            // are one Prometheus label: the keep rules could never both hold and the job would silently scrape nothing.
            foreach (var clash in service.ServiceSelector
                         .GroupBy(l => PrometheusSyntax.SanitizeLabelName(l.Key), StringComparer.Ordinal)
                         .Where(g => g.Select(l => l.Key).Distinct(StringComparer.Ordinal).Count() > 1))
            {
                var keys = string.Join(", ", clash.Select(l => $"\"{l.Key}\"").Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
                problems.Add($"{where}: spec.metrics.selector keys {keys} all become the Prometheus label \"{clash.Key}\"; keep one of them.");
            }
        }

        foreach (var group in scraped.GroupBy(PrometheusConfigDocument.JobName, StringComparer.Ordinal).Where(g => g.Count() > 1))
        {
            problems.Add($"WaddleService {group.Key["waddle/".Length..]} is listed {group.Count()} times; each service is scraped by one job.");
        }
    }

    public override IEnumerable<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services) =>
        PrometheusBackend.Render(policy, services);

    public override string StatusEndpoint(EffectivePolicy policy) => Endpoint(policy);

    public override void SetStatus(ObservabilityPolicyStatus status, BackendStatus entry)
    {
        ArgumentNullException.ThrowIfNull(status);
        status.Prometheus = entry;
    }

    /// <summary>Its discovery Role's rules.</summary>
    public override IReadOnlyList<V1PolicyRule> GrantedRules => PrometheusBackend.DiscoveryRules;
}
