using System.Text.Json;
using System.Text.Json.Nodes;
using KubeApiEmulator;
using KubeApiEmulator.Selectors;

namespace WaddleObservabilityOperator.Chaos;

/// <summary>
/// Everything in a namespace that the operator or the user owns, normalized so two runs compare equal when they end in
/// the same state: workloads (env, labels, annotations, pod template), Services, ConfigMaps, ServiceMonitors, managed
/// backends' objects, WaddleServices and policies with their status. Left out: workloads' status (their controllers'
/// own, with times and revisions), what differs between any two runs (uid, resourceVersion, timestamps, generation,
/// managedFields), owner references' uids (kept as kind/name), Events and Leases, and the marks a scenario's other writers leave (<see cref="OtherWriterPrefix"/>), which are checked apart.
/// </summary>
public sealed class ClusterSnapshot
{
    /// <summary>Labels and annotations with this prefix are written by a scenario's other writer, not by the user or the operator.</summary>
    public const string OtherWriterPrefix = "chaos.waddlebot.io/";

    private static readonly string[] Resources =
        ["deployments", "statefulsets", "daemonsets", "services", "configmaps", "serviceaccounts", "roles", "rolebindings", "networkpolicies",
         "servicemonitors", "waddleservices", "observabilitypolicies", "persistentvolumeclaims"];

    private static readonly HashSet<string> WorkloadKinds = new(StringComparer.Ordinal) { "deployments", "statefulsets", "daemonsets" };

    private static readonly HashSet<string> Volatile = new(StringComparer.Ordinal)
    {
        "uid", "resourceVersion", "creationTimestamp", "managedFields", "generation", "observedGeneration", "lastTransitionTime",
        "deletionGracePeriodSeconds",
    };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private ClusterSnapshot(SortedDictionary<string, string> objects) => Objects = objects;

    /// <summary>"resource/name" to the normalized object, as indented JSON with sorted keys.</summary>
    public IReadOnlyDictionary<string, string> Objects { get; }

    /// <summary>Reads the emulator's store directly: no request, so no fault, and the same view whatever the operator does.</summary>
    public static ClusterSnapshot Take(ApiEmulator api, string ns)
    {
        ArgumentNullException.ThrowIfNull(api);
        var objects = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var type in api.Resources.All().Where(t => t.Namespaced && Resources.Contains(t.Plural, StringComparer.Ordinal)).DistinctBy(t => t.StorageKey))
        {
            foreach (var stored in api.Store.List(type.StorageKey, new ObjectFilter(ns, LabelSelector.Everything, FieldSelector.Everything)).Items)
            {
                var obj = stored.ToJsonObject();
                if (WorkloadKinds.Contains(type.Plural))
                {
                    // A workload's status is its controllers' (the emulator's workload simulator), with times and revisions of its own.
                    obj.Remove("status");
                }

                var name = obj["metadata"]?["name"]?.GetValue<string>() ?? "";
                objects[$"{type.Plural}/{name}"] = (Normalize(obj) ?? new JsonObject()).ToJsonString(Indented);
            }
        }

        return new ClusterSnapshot(objects);
    }

    /// <summary>What differs from <paramref name="expected"/>, one line per object (empty when equal).</summary>
    public IReadOnlyList<string> Differences(ClusterSnapshot expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var found = new List<string>();
        foreach (var key in expected.Objects.Keys.Union(Objects.Keys).Order(StringComparer.Ordinal))
        {
            var want = expected.Objects.GetValueOrDefault(key);
            var got = Objects.GetValueOrDefault(key);
            if (want == got)
            {
                continue;
            }

            found.Add(want is null ? $"{key}: extra (not in the fault-free run)"
                : got is null ? $"{key}: missing (present in the fault-free run)"
                : $"{key}: differs at {FirstDifference(want, got)}");
        }

        return found;
    }

    // Null when an object held only other writers' marks (their empty map is no difference either).
    private static JsonNode? Normalize(JsonNode node)
    {
        switch (node)
        {
            case JsonObject obj:
                var sorted = new JsonObject();
                var marks = 0;
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (key.StartsWith(OtherWriterPrefix, StringComparison.Ordinal))
                    {
                        marks++;
                        continue;
                    }

                    if (Volatile.Contains(key) || value is null || Normalize(value) is not { } normalized)
                    {
                        continue;
                    }

                    sorted[key] = normalized;
                }

                return marks > 0 && sorted.Count == 0 ? null : sorted;
            case JsonArray array:
                return new JsonArray([.. array.Select(v => v is null ? null : Normalize(v))]);
            default:
                return node.DeepClone();
        }
    }

    private static string FirstDifference(string want, string got)
    {
        var wantLines = want.Split('\n');
        var gotLines = got.Split('\n');
        for (var i = 0; i < Math.Max(wantLines.Length, gotLines.Length); i++)
        {
            var w = i < wantLines.Length ? wantLines[i].Trim() : "(end)";
            var g = i < gotLines.Length ? gotLines[i].Trim() : "(end)";
            if (w != g)
            {
                return $"line {i + 1}: expected `{w}`, got `{g}`";
            }
        }

        return "(whitespace)";
    }
}
