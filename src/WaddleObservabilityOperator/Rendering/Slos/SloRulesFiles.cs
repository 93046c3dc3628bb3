using System.Text.Json.Serialization;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Rendering.Slos;

/// <summary>A Prometheus rules file of one service's SLOs: its name in the managed Prometheus's ConfigMap and its text.</summary>
public sealed record SloRulesFile(string FileName, string Content);

/// <summary>
/// The SLO rules a managed Prometheus loads: one rules file per member service with valid SLOs
/// (<c>slos-&lt;service&gt;.yml</c>, next to prometheus.yml), holding the same groups as the service's PrometheusRule. One
/// file per service, because Prometheus wants group names unique within a file only. By service name, so the render is
/// deterministic whatever order the services come in.
/// </summary>
public static class SloRulesFiles
{
    public static string FileName(string waddleServiceName) => $"slos-{waddleServiceName}.yml";

    public static IReadOnlyList<SloRulesFile> Of(IReadOnlyList<ResolvedService> services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var files = new List<SloRulesFile>();
        foreach (var service in services.OrderBy(s => s.Name, StringComparer.Ordinal))
        {
            if (service.Source.Spec.Slos is not { Count: > 0 })
            {
                continue;
            }

            var slos = SloResolver.Resolve(service).Slos;
            if (slos.Count > 0)
            {
                files.Add(new SloRulesFile(FileName(service.Name), Render(SloRuleGroups.Of(slos))));
            }
        }

        return files;
    }

    /// <summary>A rules file of <paramref name="groups"/> (what <c>promtool check rules</c> reads).</summary>
    public static string Render(IReadOnlyList<PrometheusRuleGroup> groups) => ConfigYaml.Serialize(new RulesFile { Groups = groups });

#pragma warning disable CA1812 // instantiated above; serialized by reflection
    internal sealed record RulesFile
    {
        [JsonPropertyName("groups")] public required IReadOnlyList<PrometheusRuleGroup> Groups { get; init; }
    }
#pragma warning restore CA1812
}
