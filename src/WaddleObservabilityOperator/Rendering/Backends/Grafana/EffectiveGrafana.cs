using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// The managed Grafana's settings and the policy's dashboards, with defaults applied (<see cref="GrafanaComponent.Resolve"/>);
/// in the Rendering namespace with the other effective settings. <see cref="PrometheusUrl"/> and <see cref="JaegerQueryUrl"/>
/// are the addresses of a Prometheus and a Jaeger the operator does not run (spec.backends.prometheus.url,
/// spec.backends.jaeger.queryUrl), the data sources of a managed Grafana beside them.
/// </summary>
public sealed record EffectiveGrafana(
    bool Managed,
    string Image,
    GrafanaAdminSecret? AdminSecret,
    bool AnonymousViewing,
    V1ResourceRequirements? Resources,
    PersistentStorage? Storage,
    string? PrometheusUrl,
    string? JaegerQueryUrl,
    EffectiveDashboards Dashboards,
    GrafanaDatabaseSettings? Database = null,
    int Replicas = 1) : IComponentSettings
{
    /// <summary>Whether Grafana keeps its database on a persistent volume (a StatefulSet).</summary>
    public bool Persistent => Storage?.Size is { Length: > 0 };
}

/// <summary>Grafana's PostgreSQL or MySQL database: the Secret key of its URL (GF_DATABASE_URL) and the TLS mode.</summary>
public sealed record GrafanaDatabaseSettings(GrafanaDatabaseType Type, SecretKeyReference Url, GrafanaDatabaseSslMode SslMode);

/// <summary>The Secret and keys the managed Grafana's admin credentials are injected from.</summary>
public sealed record GrafanaAdminSecret(string Name, string UserKey, string PasswordKey);

/// <summary>The policy's dashboards: whether they are published, the ConfigMaps' labels (sorted by key), the Grafana folder, how RED is read.</summary>
public sealed record EffectiveDashboards(
    bool Enabled,
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    string Folder,
    EffectiveRed Red);

/// <summary>How rate, errors and duration are read from the services' metrics.</summary>
public sealed record EffectiveRed(string RequestsMetric, string DurationMetric, string StatusLabel, string ErrorStatusRegex);
