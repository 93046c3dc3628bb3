using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The managed Grafana (<c>spec.backends.grafana</c>) and the policy's dashboards (<c>spec.dashboards</c>): its defaults,
/// validation, objects (<see cref="GrafanaBackend"/>, <see cref="GrafanaProvisioning"/>) and address, and the dashboards it
/// publishes whether or not it runs (<see cref="GrafanaDashboards"/>), so a Grafana the user runs shows them too. Its data
/// sources are the policy's managed Prometheus and Jaeger, or the ones at spec.backends.prometheus.url and
/// spec.backends.jaeger.queryUrl.
/// </summary>
public sealed class GrafanaComponent : ManagedComponent<EffectiveGrafana>
{
    /// <summary>The pinned Grafana 13 image (the major kube-prometheus and grafana-operator ship).</summary>
    public const string DefaultImage = "grafana/grafana:13.1.3";

    /// <summary>The admin Secret's keys by default, the Grafana Helm chart's (admin.userKey, admin.passwordKey).</summary>
    public const string DefaultUserKey = "admin-user";
    public const string DefaultPasswordKey = "admin-password";

    public static GrafanaComponent Instance { get; } = new();

    private GrafanaComponent()
    {
    }

    public override string Name => "grafana";

    public override string DisplayName => "Grafana";

    /// <summary>Name of the managed Grafana's Service and workload.</summary>
    public static string InstanceName(string policyName) => $"{policyName}-grafana";

    /// <summary>The managed Grafana's web UI and API.</summary>
    public static string Endpoint(EffectivePolicy policy) => BackendAddress.ServiceUrl(policy, InstanceName, GrafanaBackend.HttpPort);

    public override EffectiveGrafana Resolve(ObservabilityPolicySpec? spec, bool owned)
    {
        var grafana = spec?.Backends?.Grafana;
        var dashboards = spec?.Dashboards;
        var red = spec?.Metrics?.Red;
        var defaults = GrafanaDashboards.DefaultRed(string.IsNullOrEmpty(spec?.Metrics?.Namespace) ? WaddleBotDefaults.MetricsNamespace : spec.Metrics.Namespace);
        return new EffectiveGrafana(
            owned && (grafana?.Managed ?? false),
            string.IsNullOrEmpty(grafana?.Image) ? DefaultImage : grafana.Image,
            grafana?.AdminSecretRef is { } secret
                ? new GrafanaAdminSecret(
                    secret.Name,
                    string.IsNullOrEmpty(secret.UserKey) ? DefaultUserKey : secret.UserKey,
                    string.IsNullOrEmpty(secret.PasswordKey) ? DefaultPasswordKey : secret.PasswordKey)
                : null,
            grafana?.AnonymousViewing ?? false,
            grafana?.Resources,
            grafana?.Storage,
            NonEmpty(spec?.Backends?.Prometheus?.Url),
            NonEmpty(spec?.Backends?.Jaeger?.QueryUrl),
            new EffectiveDashboards(
                dashboards?.Enabled ?? spec?.Metrics?.Enabled ?? WaddleBotDefaults.MetricsEnabled,
                dashboards?.Labels is { } labels ? [.. labels.OrderBy(kv => kv.Key, StringComparer.Ordinal)] : GrafanaDashboards.DefaultLabels,
                NonEmpty(dashboards?.Folder) ?? GrafanaDashboards.DefaultFolder,
                new EffectiveRed(
                    NonEmpty(red?.RequestsMetric) ?? defaults.RequestsMetric,
                    NonEmpty(red?.DurationMetric) ?? defaults.DurationMetric,
                    NonEmpty(red?.StatusLabel) ?? defaults.StatusLabel,
                    NonEmpty(red?.ErrorStatusRegex) ?? defaults.ErrorStatusRegex)),
            grafana?.Database is { } database
                ? new GrafanaDatabaseSettings(database.Type, database.UrlSecretRef, database.SslMode ?? GrafanaDatabaseSslMode.Require)
                : null,
            grafana?.Replicas ?? 1);
    }

    public override IReadOnlyList<string> ServiceNames(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return [InstanceName(policy.Name!)];
    }

    /// <summary>The Prometheus the data source reads: the managed one, else spec.backends.prometheus.url; null when there is neither.</summary>
    public static string? PrometheusUrl(EffectivePolicy policy) =>
        PrometheusComponent.Settings(policy).Managed ? PrometheusComponent.Endpoint(policy) : Settings(policy).PrometheusUrl;

    /// <summary>The Jaeger query service the data source reads: the managed one, else spec.backends.jaeger.queryUrl; null when there is neither.</summary>
    public static string? JaegerUrl(EffectivePolicy policy) =>
        JaegerComponent.Settings(policy).Managed ? JaegerComponent.QueryEndpoint(policy) : Settings(policy).JaegerQueryUrl;

    public override void Validate(EffectivePolicy policy, IReadOnlyList<ResolvedService> services, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(problems);
        var grafana = Settings(policy);
        BackendValidation.CheckName(
            problems,
            policy.Name!,
            InstanceName(policy.Name!),
            grafana.Persistent ? BackendValidation.MaxStatefulSetNameLength : BackendValidation.MaxServiceNameLength,
            grafana.Persistent ? "Service and StatefulSet" : "Service and Deployment");
        BackendValidation.CheckImage(problems, grafana.Image, "spec.backends.grafana.image");
        if (grafana.AdminSecret is null || string.IsNullOrEmpty(grafana.AdminSecret.Name))
        {
            problems.Add("spec.backends.grafana.adminSecretRef.name is required when spec.backends.grafana.managed is true: the operator sets no "
                + "default password. Create a Secret with the admin user and password (keys admin-user and admin-password, or name yours "
                + "in userKey and passwordKey) and reference it.");
        }

        if (grafana.Persistent)
        {
            BackendValidation.CheckQuantity(problems, grafana.Storage!.Size, "spec.backends.grafana.storage.size");
        }

        if (grafana.Database is { } database)
        {
            if (string.IsNullOrEmpty(database.Url.Name) || string.IsNullOrEmpty(database.Url.Key))
            {
                problems.Add("spec.backends.grafana.database.urlSecretRef needs both name and key.");
            }

            if (grafana.Persistent)
            {
                problems.Add("spec.backends.grafana.storage is the volume of Grafana's own SQLite database, unused with spec.backends.grafana.database; remove one of them.");
            }
        }
        else if (grafana.Replicas > 1)
        {
            problems.Add($"spec.backends.grafana.replicas is {grafana.Replicas.ToString(System.Globalization.CultureInfo.InvariantCulture)}, but each Grafana would have its own SQLite database "
                + "(users, preferences and annotations differing by pod): more than one replica needs spec.backends.grafana.database, a PostgreSQL or MySQL they share.");
        }

        CheckDataSource(problems, "Prometheus", "prometheus", "url", PrometheusComponent.Settings(policy).Managed, grafana.PrometheusUrl, required: true);
        CheckDataSource(problems, "Jaeger", "jaeger", "queryUrl", JaegerComponent.Settings(policy).Managed, grafana.JaegerQueryUrl, required: false);
    }

    private static void CheckDataSource(List<string> problems, string display, string backend, string field, bool managed, string? url, bool required)
    {
        var path = $"spec.backends.{backend}.{field}";
        if (managed && url is not null)
        {
            problems.Add($"{path} is the address of a {display} the operator does not run, but spec.backends.{backend}.managed is true; remove one of them.");
        }
        else if (!managed && url is null && required)
        {
            problems.Add($"spec.backends.grafana.managed needs a {display} for its data source: set spec.backends.{backend}.managed: true, or {path} to the address of yours.");
        }
        else if (url is not null && (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host)))
        {
            problems.Add($"{path}: \"{url}\" is not an absolute http or https URL.");
        }
    }

    // The SLO dashboard is published and mounted only when the policy's services declare SLOs; Render and Publish pass
    // the same value so the managed Grafana mounts exactly the published ConfigMaps.
    public override IEnumerable<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services) =>
        GrafanaBackend.Render(policy, WithSlos(services));

    /// <summary>Whether one of the policy's services declares an SLO (valid or not: its dashboard shows what is recorded).</summary>
    internal static bool WithSlos(IReadOnlyList<ResolvedService> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        return services.Any(s => s.Source.Spec?.Slos is { Count: > 0 });
    }

    public override string StatusEndpoint(EffectivePolicy policy) => Endpoint(policy);

    public override void SetStatus(ObservabilityPolicyStatus status, BackendStatus entry)
    {
        ArgumentNullException.ThrowIfNull(status);
        status.Grafana = entry;
    }

    /// <summary>The admin password only seeds Grafana's database at its first start; say so, with what follows for this storage.</summary>
    public override string? StatusNote(EffectivePolicy policy)
    {
        var grafana = Settings(policy);
        var secret = grafana.AdminSecret?.Name;
        return grafana.Database is not null
            ? $"Grafana's admin password is taken from Secret \"{secret}\" only at its first start on its database: a changed Secret does not change it (change it in Grafana, or with grafana cli admin reset-admin-password)"
            : grafana.Persistent
            ? $"Grafana's admin password is taken from Secret \"{secret}\" only at its first start: with persistent storage a changed Secret does not change it (change it in Grafana, or with grafana cli admin reset-admin-password)"
            : $"Grafana's admin password is taken from Secret \"{secret}\" at each start (its database is an emptyDir): a changed Secret applies when the pod restarts";
    }

    public override ComponentPublication? Publish(EffectivePolicy policy, IReadOnlyList<ResolvedService> services) => GrafanaDashboards.Publish(policy, WithSlos(services));

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
