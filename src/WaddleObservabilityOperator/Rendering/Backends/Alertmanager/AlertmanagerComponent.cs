using System.Globalization;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// Alerting (<c>spec.alerting.alertmanager</c>): the managed Alertmanager (<see cref="AlertmanagerBackend"/>) when on, and
/// the Alertmanagers the managed Prometheus sends to: the managed one, and every external one given by URL.
/// </summary>
public sealed class AlertmanagerComponent : ManagedComponent<EffectiveAlertmanager>
{
    /// <summary>The pinned Alertmanager image.</summary>
    public const string DefaultImage = "quay.io/prometheus/alertmanager:v0.33.1";

    public static AlertmanagerComponent Instance { get; } = new();

    private AlertmanagerComponent()
    {
    }

    public override string Name => "alertmanager";

    public override string DisplayName => "Alertmanager";

    public override string SpecPath => "spec.alerting.alertmanager";

    /// <summary>Name of the managed Alertmanager's Service and Deployment.</summary>
    public static string InstanceName(string policyName) => $"{policyName}-alertmanager";

    /// <summary>The managed Alertmanager's UI and API.</summary>
    public static string Endpoint(EffectivePolicy policy) => BackendAddress.ServiceUrl(policy, InstanceName, AlertmanagerBackend.WebPort);

    public override EffectiveAlertmanager Resolve(ObservabilityPolicySpec? spec, bool owned)
    {
        var alertmanager = spec?.Alerting?.Alertmanager;
        return new EffectiveAlertmanager(
            owned && (alertmanager?.Managed ?? false),
            string.IsNullOrEmpty(alertmanager?.Image) ? DefaultImage : alertmanager.Image,
            alertmanager?.ConfigSecretRef,
            alertmanager?.Resources,
            alertmanager?.Urls is { } urls ? [.. urls.Distinct(StringComparer.Ordinal)] : []);
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
        var settings = Settings(policy);
        BackendValidation.CheckName(problems, policy.Name!, InstanceName(policy.Name!), BackendValidation.MaxServiceNameLength, "Service and Deployment");
        BackendValidation.CheckImage(problems, settings.Image, $"{SpecPath}.image");
        ExporterValidation.CheckSecret(problems, settings.ConfigSecret, $"{SpecPath}.configSecretRef");
        foreach (var url in settings.Urls.Where(u => Parse(u) is null))
        {
            problems.Add($"{SpecPath}.urls: \"{url}\" is not an http or https URL of an Alertmanager (scheme, host, optional port and path).");
        }
    }

    public override IEnumerable<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services) =>
        AlertmanagerBackend.Render(policy);

    public override string StatusEndpoint(EffectivePolicy policy) => Endpoint(policy);

    public override void SetStatus(ObservabilityPolicyStatus status, BackendStatus entry)
    {
        ArgumentNullException.ThrowIfNull(status);
        status.Alertmanager = entry;
    }

    /// <summary>The managed Alertmanager (through its Service: one replica, nothing to balance) and each external one, as given.</summary>
    public override IReadOnlyList<AlertmanagerAddress> AlertmanagerAddresses(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var settings = Settings(policy);
        var addresses = new List<AlertmanagerAddress>();
        if (settings.Managed)
        {
            addresses.Add(new AlertmanagerAddress("http", $"{BackendAddress.HostName(InstanceName(policy.Name!), policy.Namespace)}:{AlertmanagerBackend.WebPort.ToString(CultureInfo.InvariantCulture)}", null));
        }

        addresses.AddRange(settings.Urls.Select(Parse).OfType<AlertmanagerAddress>());
        return addresses;
    }

    /// <summary>An Alertmanager URL as Prometheus's alerting block takes it: scheme, host:port (the scheme's default port when none), path prefix.</summary>
    public static AlertmanagerAddress? Parse(string url)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host)
            || !string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return null;
        }

        var path = uri.AbsolutePath.TrimEnd('/');
        return new AlertmanagerAddress(uri.Scheme, $"{uri.Host}:{uri.Port.ToString(CultureInfo.InvariantCulture)}", path.Length == 0 ? null : path);
    }
}
