using System.Globalization;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The PostgreSQL exporters (<c>spec.exporters.postgres[]</c>): one postgres_exporter per server, with what every
/// exporter of named instances renders (<see cref="NamedExportersComponent{TSettings, TInstance}"/>) and the alerts on
/// <c>pg_up</c> (the exporter answers 200 while its database is down, so <c>up</c> cannot tell).
/// </summary>
public sealed class PostgresExporterComponent : NamedExportersComponent<EffectivePostgresExporters, EffectivePostgresExporter>
{
    /// <summary>The pinned postgres_exporter image.</summary>
    public const string DefaultImage = "quay.io/prometheuscommunity/postgres-exporter:v0.20.1";

    public const int DefaultPort = 5432;
    public const string DefaultDatabase = "postgres";
    public const PostgresSslMode DefaultSslMode = PostgresSslMode.Require;

    /// <summary>postgres_exporter's own port.</summary>
    public const int MetricsPort = 9187;

    public const string AppName = "postgres-exporter";
    public const string Exporter = "postgres";

    public static PostgresExporterComponent Instance { get; } = new();

    private PostgresExporterComponent()
    {
    }

    public override string Name => "postgres";

    public override string DisplayName => "PostgreSQL exporters";

    public override string SpecPath => "spec.exporters.postgres";

    /// <summary>Name of the exporter's Deployment, Service and ServiceMonitor.</summary>
    public static string InstanceName(string policyName, string name) => Instance.ObjectName(policyName, name);

    public override EffectivePostgresExporters Resolve(ObservabilityPolicySpec? spec, bool owned)
    {
        var declared = spec?.Exporters?.Postgres ?? [];
        return new EffectivePostgresExporters(
            owned && declared.Count > 0,
            [.. declared.Select(p => new EffectivePostgresExporter(
                p.Name,
                p.Host,
                p.Port ?? DefaultPort,
                string.IsNullOrEmpty(p.Database) ? DefaultDatabase : p.Database,
                p.SslMode ?? DefaultSslMode,
                p.UserSecretRef,
                p.PasswordSecretRef,
                string.IsNullOrEmpty(p.Image) ? DefaultImage : p.Image,
                p.Resources))]);
    }

    protected override string App => AppName;

    protected override string Kind => Exporter;

    protected override int Port => MetricsPort;

    protected override string ServerTitle => "PostgreSQL";

    protected override string AlertPrefix => "Postgres";

    protected override string UpMetric => "pg_up";

    protected override void ValidateInstance(EffectivePostgresExporter instance, string field, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(problems);
        if (string.IsNullOrEmpty(instance.Host))
        {
            problems.Add($"{field}.host must name the PostgreSQL server.");
        }
    }

    /// <summary>
    /// DATA_SOURCE_URI without credentials, and the user and password as separate variables from the Secret: the
    /// exporter joins them with the URL escaping of Go's net/url, so a password with '@', '/' or '%' needs no escaping by
    /// anyone (a DATA_SOURCE_NAME URL written by hand would).
    /// </summary>
    protected override V1Container Container(EffectivePostgresExporter instance) => ExporterObjects.Container(
        "postgres-exporter",
        instance.Image,
        [$"--web.listen-address=:{MetricsPort.ToString(CultureInfo.InvariantCulture)}", "--web.telemetry-path=/metrics"],
        [
            new V1EnvVar { Name = "DATA_SOURCE_URI", Value = DataSourceUri(instance) },
            ExporterObjects.FromSecret("DATA_SOURCE_USER", instance.UserSecret),
            ExporterObjects.FromSecret("DATA_SOURCE_PASS", instance.PasswordSecret),
        ],
        MetricsPort,
        instance.Resources);

    /// <summary>host:port/database?sslmode=mode, the form the exporter prefixes with postgresql://user:password@.</summary>
    public static string DataSourceUri(EffectivePostgresExporter instance)
    {
        ArgumentNullException.ThrowIfNull(instance);
        return $"{instance.Host}:{instance.Port.ToString(CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(instance.Database)}?sslmode={SslModeName(instance.SslMode)}";
    }

    private static string SslModeName(PostgresSslMode mode) => mode switch
    {
        PostgresSslMode.Disable => "disable",
        PostgresSslMode.VerifyCa => "verify-ca",
        PostgresSslMode.VerifyFull => "verify-full",
        _ => "require",
    };
}
