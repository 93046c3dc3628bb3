using System.Globalization;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The Redis exporters (<c>spec.exporters.redis[]</c>): one redis_exporter per server, with what every exporter of
/// named instances renders (<see cref="NamedExportersComponent{TSettings, TInstance}"/>) and the alerts on
/// <c>redis_up</c> (a wrong password shows as redis_up 0 behind a target that is up).
/// </summary>
public sealed class RedisExporterComponent : NamedExportersComponent<EffectiveRedisExporters, EffectiveRedisExporter>
{
    /// <summary>The pinned redis_exporter image.</summary>
    public const string DefaultImage = "oliver006/redis_exporter:v1.88.0";

    /// <summary>redis_exporter's own port.</summary>
    public const int MetricsPort = 9121;

    public const string AppName = "redis-exporter";
    public const string Exporter = "redis";

    public static RedisExporterComponent Instance { get; } = new();

    private RedisExporterComponent()
    {
    }

    public override string Name => "redis";

    public override string DisplayName => "Redis exporters";

    public override string SpecPath => "spec.exporters.redis";

    /// <summary>Name of the exporter's Deployment, Service and ServiceMonitor.</summary>
    public static string InstanceName(string policyName, string name) => Instance.ObjectName(policyName, name);

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

    protected override string App => AppName;

    protected override string Kind => Exporter;

    protected override int Port => MetricsPort;

    protected override string ServerTitle => "Redis";

    protected override string AlertPrefix => "Redis";

    protected override string UpMetric => "redis_up";

    protected override string DownMeaning => ": down, or a wrong password";

    protected override void ValidateInstance(EffectiveRedisExporter instance, string field, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(instance);
        ArgumentNullException.ThrowIfNull(problems);
        if (string.IsNullOrEmpty(instance.Address))
        {
            problems.Add($"{field}.address must name the Redis server (host:port).");
        }
    }

    /// <summary>The server and the credentials by environment (REDIS_ADDR, REDIS_USER, REDIS_PASSWORD), which every redis_exporter version reads.</summary>
    protected override V1Container Container(EffectiveRedisExporter instance)
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
