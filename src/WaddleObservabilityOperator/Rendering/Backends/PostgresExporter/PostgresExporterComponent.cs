using System.Globalization;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The PostgreSQL exporters (<c>spec.exporters.postgres[]</c>): one postgres_exporter per server, each a Deployment,
/// a Service, a ServiceMonitor while prometheus-operator's API is served, and a job in the managed Prometheus, with the
/// alerts on <c>pg_up</c> (the exporter answers 200 while its database is down, so <c>up</c> cannot tell).
/// </summary>
public sealed class PostgresExporterComponent : ManagedComponent<EffectivePostgresExporters>
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
    private const string RuleGroup = "waddlebot-postgres";

    public static PostgresExporterComponent Instance { get; } = new();

    private PostgresExporterComponent()
    {
    }

    public override string Name => "postgres";

    public override string DisplayName => "PostgreSQL exporters";

    public override string SpecPath => "spec.exporters.postgres";

    /// <summary>Name of the exporter's Deployment, Service and ServiceMonitor.</summary>
    public static string InstanceName(string policyName, string name) => $"{policyName}-postgres-exporter-{name}";

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

    public override IReadOnlyList<string> ServiceNames(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return [.. Settings(policy).Instances.Select(p => InstanceName(policy.Name!, p.Name))];
    }

    public override void Validate(EffectivePolicy policy, IReadOnlyList<ResolvedService> services, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(problems);
        var instances = Settings(policy).Instances;
        ExporterValidation.CheckNames(problems, SpecPath, instances.Select(p => p.Name));
        for (var i = 0; i < instances.Count; i++)
        {
            var p = instances[i];
            var field = $"{SpecPath}[{i.ToString(CultureInfo.InvariantCulture)}]";
            BackendValidation.CheckName(problems, policy.Name!, InstanceName(policy.Name!, p.Name), BackendValidation.MaxServiceNameLength, "Service and Deployment");
            BackendValidation.CheckImage(problems, p.Image, $"{field}.image");
            ExporterValidation.CheckSecret(problems, p.UserSecret, $"{field}.userSecretRef");
            ExporterValidation.CheckSecret(problems, p.PasswordSecret, $"{field}.passwordSecretRef");
            if (string.IsNullOrEmpty(p.Host))
            {
                problems.Add($"{field}.host must name the PostgreSQL server.");
            }
        }
    }

    public override IEnumerable<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services)
    {
        ArgumentNullException.ThrowIfNull(policy);
        foreach (var instance in Settings(policy).Instances)
        {
            var identity = Identity(policy, instance);
            yield return ExporterObjects.Deployment(identity, Container(instance));
            yield return ExporterObjects.Service(identity, MetricsPort);
            if (ExporterObjects.WantsServiceMonitors(policy))
            {
                yield return ExporterObjects.ServiceMonitor(identity, Job(identity, instance));
            }

            if (policy.NetworkPolicy)
            {
                // Prometheus's scrapes in; the exporter's own connection to its server goes out, which an ingress rule leaves alone.
                yield return identity.NetworkPolicy(identity.InstanceName, [MetricsPort]);
            }
        }
    }

    public override IReadOnlyList<ScrapeJob> ScrapeJobs(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return IsManaged(policy) ? [.. Settings(policy).Instances.Select(p => Job(Identity(policy, p), p))] : [];
    }

    public override IReadOnlyList<AlertRule> AlertRules(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!IsManaged(policy))
        {
            return [];
        }

        return
        [
            new AlertRule(
                RuleGroup,
                "PostgresDown",
                $"pg_up{{{WellKnown.ExporterMetricLabel}=\"{Exporter}\"}} == 0",
                "2m",
                [new("severity", "critical")],
                [
                    new("summary", "PostgreSQL {{ $labels.instance }} is down"),
                    new("description", "The postgres exporter {{ $labels.instance }} in namespace {{ $labels.namespace }} has not reached its server for 2 minutes (pg_up is 0). Its own target stays up, so up does not show this."),
                ]),
            ExporterObjects.ExporterDown(RuleGroup, "Postgres", Exporter, "PostgreSQL"),
        ];
    }

    private static BackendIdentity Identity(EffectivePolicy policy, EffectivePostgresExporter instance) =>
        new(policy, AppName, "metrics-exporter", InstanceName(policy.Name!, instance.Name));

    private static ScrapeJob Job(BackendIdentity identity, EffectivePostgresExporter instance) =>
        ExporterObjects.Job(identity, $"{Exporter}/{instance.Name}", Exporter, instance: instance.Name);

    /// <summary>
    /// DATA_SOURCE_URI without credentials, and the user and password as separate variables from the Secret: the
    /// exporter joins them with the URL escaping of Go's net/url, so a password with '@', '/' or '%' needs no escaping by
    /// anyone (a DATA_SOURCE_NAME URL written by hand would).
    /// </summary>
    internal static V1Container Container(EffectivePostgresExporter instance) => ExporterObjects.Container(
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
