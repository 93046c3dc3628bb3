using YamlDotNet.Serialization;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The alerting rules file of a managed Prometheus (<see cref="FileName"/>, next to prometheus.yml in its ConfigMap):
/// the rules every registered component asks for (<see cref="IManagedComponent.AlertRules"/>), one group per
/// <see cref="AlertRule.Group"/> in the order first asked.
/// </summary>
public static class PrometheusRulesDocument
{
    public const string FileName = "alerts.yml";

    /// <summary>Every rule the policy's components ask for.</summary>
    public static IReadOnlyList<AlertRule> Rules(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return [.. ManagedComponents.All.SelectMany(c => c.AlertRules(policy))];
    }

    /// <summary>The rules file; null when no component asks for a rule.</summary>
    public static string? Render(EffectivePolicy policy)
    {
        var rules = Rules(policy);
        if (rules.Count == 0)
        {
            return null;
        }

        var groups = rules
            .GroupBy(r => r.Group, StringComparer.Ordinal)
            .Select(g => new RuleGroup
            {
                Name = g.Key,
                Rules = [.. g.Select(r => new Rule
                {
                    Alert = r.Alert,
                    Expr = r.Expr,
                    For = r.For,
                    Labels = r.Labels.Count == 0 ? null : new SortedDictionary<string, string>(r.Labels.ToDictionary(), StringComparer.Ordinal),
                    Annotations = r.Annotations.Count == 0 ? null : new SortedDictionary<string, string>(r.Annotations.ToDictionary(), StringComparer.Ordinal),
                })],
            })
            .ToList();
        return ConfigYaml.Serialize(new RulesFile { Groups = groups });
    }

#pragma warning disable CA1812 // instantiated above; serialized by reflection
    private sealed record RulesFile
    {
        [YamlMember(Alias = "groups")] public required IReadOnlyList<RuleGroup> Groups { get; init; }
    }

    private sealed record RuleGroup
    {
        [YamlMember(Alias = "name", Order = 0)] public required string Name { get; init; }
        [YamlMember(Alias = "rules", Order = 1)] public required IReadOnlyList<Rule> Rules { get; init; }
    }

    private sealed record Rule
    {
        [YamlMember(Alias = "alert", Order = 0)] public required string Alert { get; init; }
        [YamlMember(Alias = "expr", Order = 1)] public required string Expr { get; init; }
        [YamlMember(Alias = "for", Order = 2)] public required string For { get; init; }
        [YamlMember(Alias = "labels", Order = 3)] public SortedDictionary<string, string>? Labels { get; init; }
        [YamlMember(Alias = "annotations", Order = 4)] public SortedDictionary<string, string>? Annotations { get; init; }
    }
#pragma warning restore CA1812
}
