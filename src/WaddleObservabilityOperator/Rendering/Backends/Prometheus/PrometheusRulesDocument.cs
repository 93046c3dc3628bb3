using System.Text.Json.Serialization;

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
    internal sealed record RulesFile
    {
        [JsonPropertyName("groups")] public required IReadOnlyList<RuleGroup> Groups { get; init; }
    }

    internal sealed record RuleGroup
    {
        [JsonPropertyName("name"), JsonPropertyOrder(0)] public required string Name { get; init; }
        [JsonPropertyName("rules"), JsonPropertyOrder(1)] public required IReadOnlyList<Rule> Rules { get; init; }
    }

    internal sealed record Rule
    {
        [JsonPropertyName("alert"), JsonPropertyOrder(0)] public required string Alert { get; init; }
        [JsonPropertyName("expr"), JsonPropertyOrder(1)] public required string Expr { get; init; }
        [JsonPropertyName("for"), JsonPropertyOrder(2)] public required string For { get; init; }
        [JsonPropertyName("labels"), JsonPropertyOrder(3)] public SortedDictionary<string, string>? Labels { get; init; }
        [JsonPropertyName("annotations"), JsonPropertyOrder(4)] public SortedDictionary<string, string>? Annotations { get; init; }
    }
#pragma warning restore CA1812
}
