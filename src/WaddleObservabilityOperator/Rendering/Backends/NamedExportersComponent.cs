using System.Globalization;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>The effective settings of a list of exporters with named instances (<c>spec.exporters.&lt;kind&gt;[]</c>).</summary>
public interface INamedExporters<out TInstance> : IComponentSettings
    where TInstance : INamedExporter
{
    IReadOnlyList<TInstance> Instances { get; }
}

/// <summary>One named exporter instance: its name (the <c>instance</c> label), image and the Secret keys of its credentials.</summary>
public interface INamedExporter
{
    string Name { get; }

    string Image { get; }

    SecretKeyReference? UserSecret { get; }

    SecretKeyReference? PasswordSecret { get; }
}

/// <summary>
/// Kit: a component of exporters with named instances, one exporter per server (PostgreSQL, Redis). Per instance a
/// Deployment, a Service, a ServiceMonitor while prometheus-operator's API is served and a NetworkPolicy when the policy
/// asks for them, and a job in the managed Prometheus whose <c>instance</c> is the instance's name; the alerts on the
/// exporter's own up metric (the exporter answers 200 while its server is down, so <c>up</c> cannot tell) and on its
/// scrape. A kind supplies its names, its container and its own field checks.
/// </summary>
public abstract class NamedExportersComponent<TSettings, TInstance> : ManagedComponent<TSettings>
    where TSettings : class, INamedExporters<TInstance>
    where TInstance : INamedExporter
{
    /// <summary>The exporter's app name: its <c>job</c> label and object names (postgres-exporter).</summary>
    protected abstract string App { get; }

    /// <summary>The <c>waddlebot_exporter</c> label (postgres).</summary>
    protected abstract string Kind { get; }

    /// <summary>The exporter's own metrics port.</summary>
    protected abstract int Port { get; }

    /// <summary>The server's name in alerts (PostgreSQL).</summary>
    protected abstract string ServerTitle { get; }

    /// <summary>The alerts' name prefix (Postgres: PostgresDown, PostgresExporterDown).</summary>
    protected abstract string AlertPrefix { get; }

    /// <summary>The metric that says whether the exporter reached its server (pg_up).</summary>
    protected abstract string UpMetric { get; }

    /// <summary>What a 0 of <see cref="UpMetric"/> can mean beyond a server that is down, for the alert's description ("" or ": down, or a wrong password").</summary>
    protected virtual string DownMeaning => "";

    /// <summary>The Deployment, Service and ServiceMonitor name of an instance: &lt;policy&gt;-&lt;app&gt;-&lt;instance&gt;.</summary>
    public string ObjectName(string policyName, string instanceName) => $"{policyName}-{App}-{instanceName}";

    /// <summary>The exporter container of <paramref name="instance"/>.</summary>
    protected abstract V1Container Container(TInstance instance);

    /// <summary>The kind's own checks of an instance's fields (its server's address), each problem naming <paramref name="field"/>.</summary>
    protected abstract void ValidateInstance(TInstance instance, string field, List<string> problems);

    public override IReadOnlyList<string> ServiceNames(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return [.. Settings(policy).Instances.Select(i => ObjectName(policy.Name!, i.Name))];
    }

    public override void Validate(EffectivePolicy policy, IReadOnlyList<ResolvedService> services, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(problems);
        var instances = Settings(policy).Instances;
        ExporterValidation.CheckNames(problems, SpecPath, instances.Select(i => i.Name));
        for (var index = 0; index < instances.Count; index++)
        {
            var instance = instances[index];
            var field = $"{SpecPath}[{index.ToString(CultureInfo.InvariantCulture)}]";
            BackendValidation.CheckName(problems, policy.Name!, ObjectName(policy.Name!, instance.Name), BackendValidation.MaxServiceNameLength, "Service and Deployment");
            BackendValidation.CheckImage(problems, instance.Image, $"{field}.image");
            ExporterValidation.CheckSecret(problems, instance.UserSecret, $"{field}.userSecretRef");
            ExporterValidation.CheckSecret(problems, instance.PasswordSecret, $"{field}.passwordSecretRef");
            ValidateInstance(instance, field, problems);
        }
    }

    public override IEnumerable<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services)
    {
        ArgumentNullException.ThrowIfNull(policy);
        foreach (var instance in Settings(policy).Instances)
        {
            var identity = Identity(policy, instance);
            yield return ExporterObjects.Deployment(identity, Container(instance));
            yield return ExporterObjects.Service(identity, Port);
            if (ExporterObjects.WantsServiceMonitors(policy))
            {
                yield return ExporterObjects.ServiceMonitor(identity, Job(identity, instance));
            }

            if (policy.NetworkPolicy)
            {
                // Prometheus's scrapes in; the exporter's own connection to its server goes out, which an ingress rule leaves alone.
                yield return identity.NetworkPolicy(identity.InstanceName, [Port]);
            }
        }
    }

    public override IReadOnlyList<ScrapeJob> ScrapeJobs(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return IsManaged(policy) ? [.. Settings(policy).Instances.Select(i => Job(Identity(policy, i), i))] : [];
    }

    public override IReadOnlyList<AlertRule> AlertRules(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (!IsManaged(policy))
        {
            return [];
        }

        var group = $"waddlebot-{Kind}";
        return
        [
            new AlertRule(
                group,
                $"{AlertPrefix}Down",
                $"{UpMetric}{{{WellKnown.ExporterMetricLabel}=\"{Kind}\"}} == 0",
                "2m",
                [new("severity", "critical")],
                [
                    new("summary", $"{ServerTitle} {{{{ $labels.instance }}}} is down"),
                    new("description", $"The {Kind} exporter {{{{ $labels.instance }}}} in namespace {{{{ $labels.namespace }}}} has not reached its server for 2 minutes ({UpMetric} is 0{DownMeaning}). Its own target stays up, so up does not show this."),
                ]),
            ExporterObjects.ExporterDown(group, AlertPrefix, Kind, ServerTitle),
        ];
    }

    private BackendIdentity Identity(EffectivePolicy policy, TInstance instance) =>
        new(policy, App, "metrics-exporter", ObjectName(policy.Name!, instance.Name));

    private ScrapeJob Job(BackendIdentity identity, TInstance instance) =>
        ExporterObjects.Job(identity, $"{Kind}/{instance.Name}", Kind, instance: instance.Name);
}
