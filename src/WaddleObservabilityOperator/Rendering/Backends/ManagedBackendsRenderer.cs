using System.Globalization;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// Renders the Jaeger v2 and Prometheus a policy asks the operator to run (spec.backends.*.managed), and names their
/// in-cluster addresses. Pure: the same input gives the same objects in the same order.
/// </summary>
public static partial class ManagedBackendsRenderer
{
    // A Service name is a DNS-1035 label.
    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$", RegexOptions.CultureInvariant)]
    private static partial Regex Dns1035Label();

    private const int MaxServiceNameLength = 63;

    // The StatefulSet controller labels each pod with controller-revision-hash "<name>-<10 characters>", a label
    // value of at most 63 characters.
    private const int MaxStatefulSetNameLength = 52;

    /// <summary>
    /// Every object of the policy's managed backends: Jaeger's ConfigMap, Deployment, Service (and NetworkPolicy), then
    /// Prometheus's ServiceAccount, Role, RoleBinding, ConfigMap, StatefulSet or Deployment, Service (and
    /// NetworkPolicy). Empty when neither backend is managed. Prometheus scrapes the <paramref name="services"/> that
    /// resolved to this policy and have metrics on; others are ignored.
    /// </summary>
    /// <exception cref="BackendSettingsException">The settings cannot give valid objects; <see cref="Validate"/> lists why.</exception>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(services);
        var problems = Validate(policy, services);
        if (problems.Count > 0)
        {
            throw new BackendSettingsException(problems);
        }

        var objects = new List<IKubernetesObject<V1ObjectMeta>>();
        if (policy.Jaeger.Managed)
        {
            objects.AddRange(JaegerBackend.Render(policy));
        }

        if (policy.Prometheus.Managed)
        {
            objects.AddRange(PrometheusBackend.Render(policy, services));
        }

        return objects;
    }

    /// <summary>What prevents <see cref="Render"/> from producing valid objects, each message naming the field; empty when nothing does.</summary>
    public static IReadOnlyList<string> Validate(EffectivePolicy policy, IReadOnlyList<ResolvedService> services)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(services);
        var problems = new List<string>();
        if (!policy.Jaeger.Managed && !policy.Prometheus.Managed)
        {
            return problems;
        }

        if (policy.Name is null)
        {
            problems.Add("Managed backends need an ObservabilityPolicy to own them; the built-in defaults cannot run one.");
            return problems;
        }

        if (policy.Jaeger.Managed)
        {
            CheckName(problems, policy.Name, ChildNames.Jaeger(policy.Name), MaxServiceNameLength, "Service and Deployment");
            if (string.IsNullOrWhiteSpace(policy.Jaeger.Image))
            {
                problems.Add("spec.backends.jaeger.image must not be empty.");
            }

            if (policy.Jaeger.MaxTraces <= 0)
            {
                problems.Add($"spec.backends.jaeger.maxTraces must be at least 1, got {policy.Jaeger.MaxTraces.ToString(CultureInfo.InvariantCulture)}.");
            }
        }

        if (policy.Prometheus.Managed)
        {
            ValidatePrometheus(problems, policy, services);
        }

        return problems;
    }

    /// <summary>The managed Jaeger's OTLP address for the policy's protocol: gRPC on 4317, HTTP on 4318.</summary>
    public static string JaegerEndpoint(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var port = policy.Tracing.Protocol == OtlpProtocol.HttpProtobuf ? JaegerConfigDocument.OtlpHttpPort : JaegerConfigDocument.OtlpGrpcPort;
        return ServiceUrl(policy, ChildNames.Jaeger(PolicyName(policy)), port);
    }

    /// <summary>The managed Jaeger's remote sampling address over gRPC (5779), the form OTEL_TRACES_SAMPLER_ARG's endpoint takes.</summary>
    public static string JaegerSamplingGrpcEndpoint(EffectivePolicy policy) =>
        ServiceUrl(policy, ChildNames.Jaeger(PolicyName(policy)), JaegerConfigDocument.SamplingGrpcPort);

    /// <summary>The managed Jaeger's remote sampling address over HTTP (5778), for SDKs whose sampler speaks only HTTP (Go, Python).</summary>
    public static string JaegerSamplingHttpEndpoint(EffectivePolicy policy) =>
        ServiceUrl(policy, ChildNames.Jaeger(PolicyName(policy)), JaegerConfigDocument.SamplingHttpPort) + "/sampling";

    /// <summary>The managed Jaeger's UI and query API.</summary>
    public static string JaegerQueryEndpoint(EffectivePolicy policy) =>
        ServiceUrl(policy, ChildNames.Jaeger(PolicyName(policy)), JaegerConfigDocument.QueryHttpPort);

    /// <summary>The managed Prometheus's web UI and API.</summary>
    public static string PrometheusEndpoint(EffectivePolicy policy) =>
        ServiceUrl(policy, ChildNames.Prometheus(PolicyName(policy)), PrometheusConfigDocument.WebPort);

    /// <summary>Name of the ConfigMap holding the managed Jaeger's config.yaml.</summary>
    public static string JaegerConfigMapName(string policyName) => JaegerBackend.ConfigMapName(policyName);

    /// <summary>Name of the ConfigMap holding the managed Prometheus's prometheus.yml.</summary>
    public static string PrometheusConfigMapName(string policyName) => PrometheusBackend.ConfigMapName(policyName);

    private static void ValidatePrometheus(List<string> problems, EffectivePolicy policy, IReadOnlyList<ResolvedService> services)
    {
        var prometheus = policy.Prometheus;
        var persistent = prometheus.Storage?.Size is { Length: > 0 };
        CheckName(
            problems,
            policy.Name!,
            ChildNames.Prometheus(policy.Name!),
            persistent ? MaxStatefulSetNameLength : MaxServiceNameLength,
            persistent ? "Service and StatefulSet" : "Service and Deployment");
        if (string.IsNullOrWhiteSpace(prometheus.Image))
        {
            problems.Add("spec.backends.prometheus.image must not be empty.");
        }

        CheckDuration(problems, prometheus.Retention, "spec.backends.prometheus.retention");
        CheckDuration(problems, policy.Metrics.ScrapeInterval, "spec.metrics.scrapeInterval");
        CheckDuration(problems, policy.Metrics.ScrapeTimeout, "spec.metrics.scrapeTimeout");
        if (persistent)
        {
            try
            {
                _ = new ResourceQuantity(prometheus.Storage!.Size).ToDecimal();
            }
            catch (FormatException)
            {
                problems.Add($"spec.backends.prometheus.storage.size: \"{prometheus.Storage!.Size}\" is not a Kubernetes quantity (e.g. 20Gi).");
            }
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

        var scraped = PrometheusConfigDocument.ScrapedServices(policy, services).ToList();
        foreach (var service in scraped)
        {
            var where = $"WaddleService {service.Namespace}/{service.Name}";
            CheckDuration(problems, service.ScrapeInterval, $"{where}: spec.metrics.interval");
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

    private static void CheckName(List<string> problems, string policyName, string childName, int maxLength, string kinds)
    {
        if (childName.Length > maxLength || !Dns1035Label().IsMatch(childName))
        {
            problems.Add(
                $"metadata.name: the policy name \"{policyName}\" gives the {kinds} name \"{childName}\", which must be at most "
                + $"{maxLength.ToString(CultureInfo.InvariantCulture)} lowercase letters, digits and '-', starting with a letter; "
                + "use a shorter policy name without dots.");
        }
    }

    private static void CheckDuration(List<string> problems, string? value, string field)
    {
        if (!PrometheusDuration.TryParseMilliseconds(value, out _))
        {
            problems.Add($"{field}: \"{value}\" is not a Prometheus duration (e.g. 15s, 1m30s, 30d).");
        }
    }

    private static string PolicyName(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Name ?? throw new ArgumentException("The built-in default policy has no managed backends, so no backend address.", nameof(policy));
    }

    // Namespace-qualified but without the cluster domain, which is not always cluster.local.
    private static string ServiceUrl(EffectivePolicy policy, string serviceName, int port) =>
        $"http://{serviceName}.{policy.Namespace}.svc:{port.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>Managed backend settings that cannot give valid objects; <see cref="Problems"/> names each field and what is wrong.</summary>
public sealed class BackendSettingsException : Exception
{
    public BackendSettingsException(IReadOnlyList<string> problems)
        : base("Invalid managed backend settings: " + string.Join(" ", problems))
    {
        Problems = problems;
    }

    public BackendSettingsException()
        : this([])
    {
    }

    public BackendSettingsException(string message)
        : this([message])
    {
    }

    public BackendSettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public IReadOnlyList<string> Problems { get; }
}
