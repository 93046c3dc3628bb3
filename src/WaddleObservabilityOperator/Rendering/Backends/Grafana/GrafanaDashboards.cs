using System.Globalization;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Api.Validation;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>One dashboard in its own ConfigMap: the ConfigMap's name, the data key (the file name Grafana loads) and the dashboard.</summary>
internal sealed record DashboardConfigMap(string Name, string Key, DashboardDocument Dashboard);

/// <summary>
/// The policy's dashboards as ConfigMaps, one dashboard each, in the convention of the Grafana Helm chart's dashboard
/// sidecar (kube-prometheus-stack's too): labelled <c>grafana_dashboard: "1"</c> by default, a unique <c>.json</c> data
/// key, the folder in the <c>k8s-sidecar-target-directory</c> annotation. So the dashboards appear in a Grafana the user
/// already runs, and the managed Grafana mounts the same ConfigMaps.
/// </summary>
internal static partial class GrafanaDashboards
{
    public const string DefaultFolder = "WaddleBot";
    public const string SidecarLabel = "grafana_dashboard";
    public const string FolderAnnotation = "k8s-sidecar-target-directory";

    /// <summary>The label the sidecar selects on, with the value kube-prometheus-stack requires (any value for the plain chart).</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> DefaultLabels { get; } = [new(SidecarLabel, "1")];

    /// <summary>The status label and values WaddleBot's library records an HTTP server error with (str(status_code)).</summary>
    public const string DefaultStatusLabel = "status";
    public const string DefaultErrorStatusRegex = "5..";

    private const string AppName = "grafana-dashboards";
    private const string Component = "dashboards";
    private const int MaxConfigMapNameLength = 253;

    public static string InstanceName(string policyName) => $"{policyName}-dashboards";

    /// <summary>The ConfigMap of one of the policy's dashboards.</summary>
    public static string ConfigMapName(string policyName, string dashboard) => $"{policyName}-dashboard-{dashboard}";

    /// <summary>The defaults: WaddleBot's library metric names under the policy's metric namespace.</summary>
    public static EffectiveRed DefaultRed(string metricsNamespace) => new(
        $"{metricsNamespace}_http_requests_total",
        $"{metricsNamespace}_http_request_duration_seconds",
        DefaultStatusLabel,
        DefaultErrorStatusRegex);

    /// <summary>The suffixes of the dashboards' ConfigMap names (<see cref="ConfigMapName"/>), every dashboard the policy may publish.</summary>
    public static IReadOnlyList<string> ConfigMapSuffixes { get; } = ["overview", "service", InfrastructureDashboard.ConfigMapSuffix, SloDashboard.ConfigMapSuffix];

    /// <summary>
    /// The policy's published dashboards, in a fixed order: the overview, the service page, the infrastructure
    /// dashboard while the policy manages an exporter, and the SLO dashboard when <paramref name="withSlos"/> (the
    /// policy's services declare SLOs, so their rules record the series it reads). Call only when
    /// <see cref="Validate"/> found nothing. The managed Grafana mounts this list (<see cref="GrafanaBackend.Render"/>):
    /// pass both the same <paramref name="withSlos"/>.
    /// </summary>
    public static IReadOnlyList<DashboardConfigMap> Of(EffectivePolicy policy, bool withSlos = false)
    {
        var dashboards = GrafanaComponent.Settings(policy).Dashboards;
        var overview = WaddleBotDashboards.Overview(policy, dashboards);
        var service = WaddleBotDashboards.Service(policy, dashboards);
        List<DashboardConfigMap> published =
        [
            new(ConfigMapName(policy.Name!, ConfigMapSuffixes[0]), overview.Uid + ".json", overview),
            new(ConfigMapName(policy.Name!, ConfigMapSuffixes[1]), service.Uid + ".json", service),
        ];
        if (InfrastructureDashboard.Applies(policy))
        {
            var infrastructure = InfrastructureDashboard.Render(policy);
            published.Add(new(ConfigMapName(policy.Name!, InfrastructureDashboard.ConfigMapSuffix), infrastructure.Uid + ".json", infrastructure));
        }

        if (withSlos)
        {
            var slos = SloDashboard.Render(policy);
            published.Add(new(ConfigMapName(policy.Name!, SloDashboard.ConfigMapSuffix), slos.Uid + ".json", slos));
        }

        return published;
    }

    /// <summary>What would give invalid ConfigMaps or queries, each message naming the field; empty when nothing does.</summary>
    public static IReadOnlyList<string> Validate(EffectivePolicy policy)
    {
        var problems = new List<string>();
        var policyName = policy.Name!;
        var dashboards = GrafanaComponent.Settings(policy).Dashboards;
        var longest = ConfigMapName(policyName, ConfigMapSuffixes.MaxBy(suffix => suffix.Length)!);
        if (longest.Length > MaxConfigMapNameLength || LabelSyntax.ValueError(InstanceName(policyName)) is not null)
        {
            problems.Add($"metadata.name: the policy name \"{policyName}\" is too long for its dashboards' ConfigMaps and labels "
                + $"(\"{InstanceName(policyName)}\" must be a label value of at most 63 characters); use a shorter policy name.");
        }

        foreach (var (key, value) in dashboards.Labels)
        {
            if (LabelSyntax.KeyError(key) is { } keyError)
            {
                problems.Add($"spec.dashboards.labels: {keyError}.");
            }

            if (LabelSyntax.ValueError(value) is { } valueError)
            {
                problems.Add($"spec.dashboards.labels[{key}]: {valueError}.");
            }
        }

        if (!FolderPattern().IsMatch(dashboards.Folder) || dashboards.Folder.Length > 64)
        {
            problems.Add($"spec.dashboards.folder: \"{dashboards.Folder}\" must be 1 to 64 letters, digits, spaces, '.', '_' or '-', starting with a letter or digit (it names a folder and a sidecar directory).");
        }

        var red = dashboards.Red;
        CheckName(problems, red.RequestsMetric, MetricNamePattern(), "spec.metrics.red.requestsMetric", "metric name");
        CheckName(problems, red.DurationMetric, MetricNamePattern(), "spec.metrics.red.durationMetric", "metric name");
        CheckName(problems, red.StatusLabel, LabelNamePattern(), "spec.metrics.red.statusLabel", "label name");
        if (ErrorRegexProblem(red.ErrorStatusRegex) is { } regexProblem)
        {
            problems.Add($"spec.metrics.red.errorStatusRegex: \"{red.ErrorStatusRegex}\" {regexProblem}.");
        }

        return problems;
    }

    /// <summary>
    /// The DashboardsPublished outcome and, when the settings are valid, the ConfigMaps; null when the policy publishes
    /// none. <paramref name="withSlos"/> adds the SLO dashboard (<see cref="Of"/>).
    /// </summary>
    public static ComponentPublication? Publish(EffectivePolicy policy, bool withSlos = false)
    {
        if (policy.Name is null || !GrafanaComponent.Settings(policy).Dashboards.Enabled)
        {
            return null;
        }

        var problems = Validate(policy);
        if (problems.Count > 0)
        {
            return new ComponentPublication([], new ConditionOutcome(ConditionTypes.DashboardsPublished, false, Reasons.InvalidDashboardSettings, string.Join(" ", problems)));
        }

        var dashboards = GrafanaComponent.Settings(policy).Dashboards;
        var published = Of(policy, withSlos);
        var labels = string.Join(",", dashboards.Labels.Select(l => $"{l.Key}={l.Value}"));
        return new ComponentPublication(
            [.. published.Select(d => ConfigMap(policy, d))],
            new ConditionOutcome(ConditionTypes.DashboardsPublished, true, Reasons.DashboardsRendered,
                $"{published.Count.ToString(CultureInfo.InvariantCulture)} dashboards in ConfigMaps {string.Join(", ", published.Select(d => $"\"{d.Name}\""))}"
                + $" labelled {(labels.Length == 0 ? "with no sidecar label" : labels)}, folder \"{dashboards.Folder}\""));
    }

    /// <summary>A dashboard's ConfigMap: the operator's labels (which win over the policy's), the policy's sidecar labels and the folder annotation.</summary>
    private static V1ConfigMap ConfigMap(EffectivePolicy policy, DashboardConfigMap dashboard)
    {
        var dashboards = GrafanaComponent.Settings(policy).Dashboards;
        var metadata = new BackendIdentity(policy, AppName, Component, InstanceName(policy.Name!)).Metadata(dashboard.Name);
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in dashboards.Labels)
        {
            labels[key] = value;
        }

        foreach (var (key, value) in metadata.Labels)
        {
            labels[key] = value;
        }

        metadata.Labels = new Dictionary<string, string>(labels, StringComparer.Ordinal);
        metadata.Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [FolderAnnotation] = dashboards.Folder };
        return new V1ConfigMap
        {
            ApiVersion = "v1",
            Kind = "ConfigMap",
            Metadata = metadata,
            Data = new Dictionary<string, string>(StringComparer.Ordinal) { [dashboard.Key] = dashboard.Dashboard.ToJson() },
        };
    }

    private static void CheckName(List<string> problems, string value, Regex pattern, string field, string what)
    {
        if (!pattern.IsMatch(value))
        {
            problems.Add($"{field}: \"{value}\" is not a Prometheus {what} (letters, digits and '_'{(what == "metric name" ? " or ':'" : "")}, not starting with a digit).");
        }
    }

    /// <summary>
    /// Why <paramref name="regex"/> cannot stand in the dashboards' queries, or null. Grafana would replace a <c>$</c>
    /// followed by a name with a variable (and PromQL anchors regexes anyway); RE2 has no lookaround or backreferences;
    /// the rest of RE2's syntax is what .NET parses alike.
    /// </summary>
    internal static string? ErrorRegexProblem(string regex)
    {
        if (regex.Contains('$', StringComparison.Ordinal))
        {
            return "must not contain '$': Grafana reads $name in a query as a variable, and Prometheus anchors the regex at both ends already";
        }

        return PrometheusSyntax.RegexProblem(regex);
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9 ._-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex FolderPattern();

    [GeneratedRegex("^[a-zA-Z_:][a-zA-Z0-9_:]*$", RegexOptions.CultureInvariant)]
    private static partial Regex MetricNamePattern();

    [GeneratedRegex("^[a-zA-Z_][a-zA-Z0-9_]*$", RegexOptions.CultureInvariant)]
    private static partial Regex LabelNamePattern();

    /// <summary>The published dashboards' objects for a foreign caller (tests): the ConfigMaps as <see cref="Publish"/> gives them.</summary>
    internal static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> ConfigMaps(EffectivePolicy policy, bool withSlos = false) => Publish(policy, withSlos)?.Objects ?? [];
}
