using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// The strategic merge patch (<c>application/strategic-merge-patch+json</c>) that turns a workload into its copy with
/// the injection applied or removed (<see cref="WorkloadInjection"/>), touching only what the operator owns: the
/// injected-by label, the two pod-template annotations (the injected-env record and the config hash that rolls the
/// workload) and, per container, the env entries it injected. Containers and env are merged by name (their
/// <c>patchMergeKey</c>), so the patch carries no other field of the workload and needs no copy of the rest:
/// <list type="bullet">
/// <item>an injected entry that is new is sent whole; one whose value changed is sent as its difference (a key it
/// no longer has is sent as null); one no longer wanted is sent as <c>{"name": ..., "$patch": "delete"}</c>;</item>
/// <item><c>$setElementOrder/env</c> lists every name in the order the copy has (the user's entries first, in their
/// order, then the injected ones), so the server orders the list as a full update did; a user's entry appears there by
/// name only, never with its value;</item>
/// <item>a container whose env has two entries of one name (in the workload or in the copy) cannot be patched by name
/// without touching both: its env is sent whole with <c>$patch: replace</c>, as the full update sent it.</item>
/// </list>
/// The patch carries the workload's <c>metadata.resourceVersion</c>, so the server applies it only to the version the
/// operator read (409 otherwise), as the full update did: a user's entry added meanwhile under an injected name is
/// never overwritten, and a user's change elsewhere in the object is never lost (the operator retries from the newer
/// version). Built as a <see cref="JsonObject"/>; null when the two agree on everything the operator owns.
/// </summary>
public static class WorkloadPatch
{
    /// <summary>The labels on the workload the operator owns.</summary>
    public static IReadOnlyList<string> OwnedLabels { get; } = [WellKnown.InjectedByLabel];

    /// <summary>The pod-template annotations the operator owns.</summary>
    public static IReadOnlyList<string> OwnedTemplateAnnotations { get; } = [WellKnown.InjectedEnvAnnotation, WellKnown.ConfigHashAnnotation];

    /// <summary>The patch from <paramref name="before"/> (the version read) to <paramref name="after"/>; null when nothing the operator owns differs.</summary>
    public static JsonObject? Between(IKubernetesObject<V1ObjectMeta> before, IKubernetesObject<V1ObjectMeta> after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        if (before.GetType() != after.GetType())
        {
            throw new ArgumentException($"a {before.Kind} cannot be patched into a {after.Kind}", nameof(after));
        }

        var metadata = new JsonObject();
        if (MapDifference(before.Metadata?.Labels, after.Metadata?.Labels, OwnedLabels) is { } labels)
        {
            metadata["labels"] = labels;
        }

        var beforeTemplate = WorkloadInjection.PodTemplateOrNull(before);
        var afterTemplate = WorkloadInjection.PodTemplateOrNull(after);
        var template = new JsonObject();
        if (MapDifference(beforeTemplate?.Metadata?.Annotations, afterTemplate?.Metadata?.Annotations, OwnedTemplateAnnotations) is { } annotations)
        {
            template["metadata"] = new JsonObject { ["annotations"] = annotations };
        }

        var containers = ContainerPatches(beforeTemplate?.Spec?.Containers, afterTemplate?.Spec?.Containers);
        if (containers.Count > 0)
        {
            template["spec"] = new JsonObject
            {
                ["$setElementOrder/containers"] = NameList(afterTemplate!.Spec!.Containers.Select(c => c.Name)),
                ["containers"] = containers,
            };
        }

        if (metadata.Count == 0 && template.Count == 0)
        {
            return null;
        }

        // The precondition: applied only to the version read, as a full update with this resourceVersion was.
        metadata["resourceVersion"] = before.Metadata?.ResourceVersion;
        var patch = new JsonObject { ["metadata"] = metadata };
        if (template.Count > 0)
        {
            patch["spec"] = new JsonObject { ["template"] = template };
        }

        return patch;
    }

    // The owned keys that differ: the new value, or null to delete it.
    private static JsonObject? MapDifference(IDictionary<string, string>? before, IDictionary<string, string>? after, IReadOnlyList<string> owned)
    {
        var difference = new JsonObject();
        foreach (var key in owned)
        {
            string? was = null;
            string? now = null;
            _ = before?.TryGetValue(key, out was);
            _ = after?.TryGetValue(key, out now);
            if (!string.Equals(was, now, StringComparison.Ordinal))
            {
                difference[key] = now;
            }
        }

        return difference.Count == 0 ? null : difference;
    }

    private static JsonArray ContainerPatches(IList<V1Container>? before, IList<V1Container>? after)
    {
        var patches = new JsonArray();
        foreach (var container in after ?? [])
        {
            var previous = before?.FirstOrDefault(c => c.Name == container.Name);
            var was = previous?.Env ?? [];
            var now = container.Env ?? [];
            var wasNodes = was.Select(EnvVarJson.ToNode).ToList();
            var nowNodes = now.Select(EnvVarJson.ToNode).ToList();
            if (wasNodes.Count == nowNodes.Count && wasNodes.Zip(nowNodes).All(p => JsonNode.DeepEquals(p.First, p.Second)))
            {
                continue;
            }

            var patch = new JsonObject { ["name"] = container.Name };
            if (nowNodes.Count == 0)
            {
                // Nothing left but what the operator takes back: the list goes.
                patch["env"] = null;
            }
            else if (HasDuplicateNames(was) || HasDuplicateNames(now))
            {
                // Merging by name would touch every entry of a repeated name: the list as the copy has it, as a full update sent it.
                patch["env"] = new JsonArray([new JsonObject { ["$patch"] = "replace" }, .. nowNodes]);
            }
            else
            {
                var wasByName = wasNodes.ToDictionary(n => (string)n["name"]!, StringComparer.Ordinal);
                var nowNames = now.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
                var items = new JsonArray();
                foreach (var node in nowNodes)
                {
                    var name = (string)node["name"]!;
                    if (!wasByName.TryGetValue(name, out var old))
                    {
                        items.Add((JsonNode)node);
                    }
                    else if (!JsonNode.DeepEquals(old, node))
                    {
                        var difference = Difference(old, node);
                        difference.Insert(0, "name", name);
                        items.Add((JsonNode)difference);
                    }
                }

                foreach (var entry in was.Where(e => !nowNames.Contains(e.Name)))
                {
                    items.Add((JsonNode)new JsonObject { ["name"] = entry.Name, ["$patch"] = "delete" });
                }

                patch["$setElementOrder/env"] = NameList(now.Select(e => e.Name));
                patch["env"] = items;
            }

            patches.Add((JsonNode)patch);
        }

        return patches;
    }

    // What turns one object into the other under a merge: changed and new keys, null for a key that went.
    private static JsonObject Difference(JsonObject before, JsonObject after)
    {
        var difference = new JsonObject();
        foreach (var (key, _) in before)
        {
            if (!after.ContainsKey(key))
            {
                difference[key] = null;
            }
        }

        foreach (var (key, value) in after)
        {
            var old = before[key];
            if (old is JsonObject oldMap && value is JsonObject newMap)
            {
                var nested = Difference(oldMap, newMap);
                if (nested.Count > 0)
                {
                    difference[key] = nested;
                }
            }
            else if (!JsonNode.DeepEquals(old, value))
            {
                difference[key] = value?.DeepClone();
            }
        }

        return difference;
    }

    private static bool HasDuplicateNames(IList<V1EnvVar> env)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return env.Any(e => !seen.Add(e.Name ?? ""));
    }

    private static JsonArray NameList(IEnumerable<string> names) => [.. names.Select(n => (JsonNode)new JsonObject { ["name"] = n })];
}
