using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Rendering.Slos;

/// <summary>
/// What a WaddleService's SLOs render to: its PrometheusRule (null when it declares none, none is valid, or the API is
/// not served), the SLOsConfigured outcome (null when it declares no SLO), and the names of the SLOs whose rules are
/// written.
/// </summary>
public sealed record SloRender(PrometheusRule? PrometheusRule, ConditionOutcome? Outcome, IReadOnlyList<string> Names);

/// <summary>Renders the SLOs of one WaddleService: the PrometheusRule it owns and the SLOsConfigured outcome. Pure.</summary>
public static class SloRenderer
{
    public static string PrometheusRuleName(string waddleServiceName) => $"{waddleServiceName}-slos";

    /// <param name="service">The resolved service.</param>
    /// <param name="prometheusRuleApi">Whether the cluster serves monitoring.coreos.com/v1 PrometheusRules.</param>
    public static SloRender Render(ResolvedService service, bool prometheusRuleApi)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (service.Source.Spec.Slos is not { Count: > 0 })
        {
            return new SloRender(null, null, []);
        }

        var set = SloResolver.Resolve(service);
        var managed = PrometheusComponent.Instance.IsManaged(service.Policy);
        var names = set.Slos.Select(s => s.Name).ToList();
        if (!prometheusRuleApi && !managed)
        {
            return new SloRender(null, Outcome(false, Reasons.NoRuleDestination,
                "the cluster has no monitoring.coreos.com/v1 PrometheusRule API and the policy runs no managed Prometheus (spec.backends.prometheus.managed), so no Prometheus would load the SLO rules; install the prometheus-operator CRDs or turn on the managed Prometheus"), []);
        }

        var rule = prometheusRuleApi && set.Slos.Count > 0 ? Build(service, set.Slos) : null;
        if (set.Problems.Count > 0)
        {
            var first = set.Problems[0];
            var rest = set.Problems.Count > 1 ? $" ({set.Problems.Count - 1} more: {string.Join("; ", set.Problems.Skip(1).Select(p => $"SLO \"{p.Slo}\": {p.Message}"))})" : "";
            var kept = names.Count > 0 ? $"; the rules of {string.Join(", ", names)} are written" : "";
            return new SloRender(rule, Outcome(false, first.Reason, $"SLO \"{first.Slo}\": {first.Message}{rest}{kept}"), names);
        }

        var where = new List<string>();
        if (rule is not null)
        {
            where.Add($"PrometheusRule \"{rule.Metadata.Name}\"");
        }

        if (managed)
        {
            where.Add($"the managed Prometheus of ObservabilityPolicy \"{service.Policy.Name}\"");
        }

        return new SloRender(rule, Outcome(true, Reasons.SlosRendered,
            $"{names.Count} SLO{(names.Count == 1 ? "" : "s")} ({string.Join(", ", names)}): recording rules and page and ticket alerts in {string.Join(" and ", where)}"), names);
    }

    private static PrometheusRule Build(ResolvedService service, IReadOnlyList<ResolvedSlo> slos) =>
        new()
        {
            Metadata = ServiceChildMetadata.For(service, PrometheusRuleName(service.Name), service.Policy.Slos.RuleLabels),
            Spec = new PrometheusRuleSpec { Groups = [.. SloRuleGroups.Of(slos)] },
        };

    private static ConditionOutcome Outcome(bool status, string reason, string message) =>
        new(ConditionTypes.SlosConfigured, status, reason, message);
}
