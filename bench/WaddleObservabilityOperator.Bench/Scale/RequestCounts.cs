using KubeApiEmulator.Http;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Bench.Scale;

/// <summary>What one operator instance asked of the API in one phase, from the emulator's request log (its User-Agent names it).</summary>
public sealed record RequestCounts(
    IReadOnlyDictionary<string, int> ByVerb,
    int Writes,
    int EventWrites,
    int SamplingConfigMapWrites,
    int Gets,
    IReadOnlyList<string> GetPaths,
    int LeaseRequests)
{
    private static readonly HashSet<string> WriteVerbs = ["create", "update", "patch", "delete", "deletecollection"];

    /// <param name="records">The log of one phase.</param>
    /// <param name="identity">The operator's POD_NAME, which its User-Agent carries in parentheses.</param>
    /// <remarks>
    /// Sampling ConfigMaps are told by name (the emulator's log names a create's object): each policy also publishes its
    /// Grafana dashboards as ConfigMaps, two per policy, even with no managed backend.
    /// </remarks>
    public static RequestCounts Of(IEnumerable<RequestRecord> records, string identity)
    {
        var mine = records.Where(r => r.UserAgent?.Contains($"({identity})", StringComparison.Ordinal) == true).ToList();
        var writes = mine.Where(r => WriteVerbs.Contains(r.Verb) && r.Resource != "leases").ToList();
        return new RequestCounts(
            mine.GroupBy(r => r.Verb).OrderBy(g => g.Key, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Count()),
            // Objects the operator manages (and their status); Events are reported apart: they are notes to users, not state.
            writes.Count(r => r.Resource != "events"),
            writes.Count(r => r.Resource == "events"),
            writes.Count(r => r.Resource == "configmaps" && r.Name?.EndsWith(ChildNames.SamplingConfigMap(""), StringComparison.Ordinal) == true),
            mine.Count(r => r.Verb == "get"),
            [.. mine.Where(r => r.Verb == "get").Select(r => r.Path).Distinct().Take(10)],
            mine.Count(r => r.Resource == "leases"));
    }
}
