using System.Globalization;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The Redis exporters (<c>spec.exporters.redis[]</c>): one redis_exporter per server, each a Deployment, a Service, a
/// ServiceMonitor while prometheus-operator's API is served, and a job in the managed Prometheus, with the alerts on
/// <c>redis_up</c> (a wrong password shows as redis_up 0 behind a target that is up).
/// </summary>
public sealed class RedisExporterComponent : ManagedComponent<EffectiveRedisExporters>
{
    /// <summary>The pinned redis_exporter image.</summary>
    public const string DefaultImage = "oliver006/redis_exporter:v1.88.0";

    /// <summary>redis_exporter's own port.</summary>
    public const int MetricsPort = 9121;

    public const string AppName = "redis-exporter";
    public const string Exporter = "redis";
    private const string RuleGroup = "waddlebot-redis";

    public static RedisExporterComponent Instance { get; } = new();

    private RedisExporterComponent()
    {
    }

    public override string Name => "redis";

    public override string DisplayName => "Redis exporters";

    public override string SpecPath => "spec.exporters.redis";

    /// <summary>Name of the exporter's Deployment, Service and ServiceMonitor.</summary>
    public static string InstanceName(string policyName, string name) => $"{policyName}-redis-exporter-{name}";

    public override EffectiveRedisExporters Resolve(ObservabilityPolicySpec? spec, bool owned)
    {
        var declared = spec?.Exporters?.Redis ?? [];
        return new EffectiveRedisExporters(
            owned && declared.Count > 0,
            [.. declared.Select(r => new EffectiveRedisExporter(
                r.Name,
                r.Address,
                r.UserSecretRef,
                r.PasswordSecretRef,
                string.IsNullOrEmpty(r.Image) ? DefaultImage : r.Image,
                r.Resources))]);
    }

    public override IReadOnlyList<string> ServiceNames(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return [.. Settings(policy).Instances.Select(r => InstanceName(policy.Name!, r.Name))];
    }

    public override void Validate(EffectivePolicy policy, IReadOnlyList<ResolvedService> services, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(problems);
        var instances = Settings(policy).Instances;
        ExporterValidation.CheckNames(problems, SpecPath, instances.Select(r => r.Name));
        for (var i = 0; i < instances.Count; i++)
        {
            var r = instances[i];
            var field = $"{SpecPath}[{i.ToString(CultureInfo.InvariantCulture)}]";
            BackendValidation.CheckName(problems, policy.Name!, InstanceName(policy.Name!, r.Name), BackendValidation.MaxServiceNameLength, "Service and Deployment");
            BackendValidation.CheckImage(problems, r.Image, $"{field}.image");
            ExporterValidation.CheckSecret(problems, r.UserSecret, $"{field}.userSecretRef");
            ExporterValidation.CheckSecret(problems, r.PasswordSecret, $"{field}.passwordSecretRef");
            if (string.IsNullOrEmpty(r.Address))
            {
                problems.Add($"{field}.address must name the Redis server (host:port).");
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
        return IsManaged(policy) ? [.. Settings(policy).Instances.Select(r => Job(Identity(policy, r), r))] : [];
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
                "RedisDown",
                $"redis_up{{{WellKnown.ExporterMetricLabel}=\"{Exporter}\"}} == 0",
                "2m",
                [new("severity", "critical")],
                [
                    new("summary", "Redis {{ $labels.instance }} is down"),
                    new("description", "The redis exporter {{ $labels.instance }} in namespace {{ $labels.namespace }} has not reached its server for 2 minutes (redis_up is 0: down, or a wrong password). Its own target stays up, so up does not show this."),
                ]),
            ExporterObjects.ExporterDown(RuleGroup, "Redis", Exporter, "Redis"),
        ];
    }

    private static BackendIdentity Identity(EffectivePolicy policy, EffectiveRedisExporter instance) =>
        new(policy, AppName, "metrics-exporter", InstanceName(policy.Name!, instance.Name));

    private static ScrapeJob Job(BackendIdentity identity, EffectiveRedisExporter instance) =>
        ExporterObjects.Job(identity, $"{Exporter}/{instance.Name}", Exporter, instance: instance.Name);

    /// <summary>The server and the credentials by environment (REDIS_ADDR, REDIS_USER, REDIS_PASSWORD), which every redis_exporter version reads.</summary>
    internal static V1Container Container(EffectiveRedisExporter instance)
    {
        var env = new List<V1EnvVar> { new() { Name = "REDIS_ADDR", Value = instance.Address } };
        if (instance.UserSecret is { } user)
        {
            env.Add(ExporterObjects.FromSecret("REDIS_USER", user));
        }

        if (instance.PasswordSecret is { } password)
        {
            env.Add(ExporterObjects.FromSecret("REDIS_PASSWORD", password));
        }

        return ExporterObjects.Container(
            "redis-exporter",
            instance.Image,
            [$"--web.listen-address=:{MetricsPort.ToString(CultureInfo.InvariantCulture)}", "--web.telemetry-path=/metrics"],
            env,
            MetricsPort,
            instance.Resources);
    }
}
