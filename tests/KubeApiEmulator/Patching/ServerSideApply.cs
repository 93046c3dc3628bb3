using System.Collections.Frozen;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeApiEmulator.Patching;

/// <summary>
/// Server-side apply (<c>application/apply-patch+yaml</c>), simplified from sigs.k8s.io/structured-merge-diff:
/// the applied configuration is merged onto the live object (maps merged, scalars and atomic lists replaced,
/// lists of built-in kinds with a merge key merged by it); each manager's fields are recorded in
/// <c>metadata.managedFields</c> (operation Apply, FieldsV1); a field another manager owns with a different value
/// is a conflict unless <c>force</c> takes it over; fields the manager applied before and no longer applies are
/// removed when no other manager owns them. Lists of custom resources are atomic (their
/// <c>x-kubernetes-list-type</c> is not consulted).
/// </summary>
public static class ServerSideApply
{
    // Server-owned or identity fields: never tracked as owned by a manager.
    private static readonly FrozenSet<string> UntrackedMetadata = new[]
    {
        "name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp",
        "deletionGracePeriodSeconds", "managedFields", "selfLink", "generateName",
    }.ToFrozenSet(StringComparer.Ordinal);

    /// <summary>
    /// Applies <paramref name="applied"/> as <paramref name="fieldManager"/> onto <paramref name="live"/> (null to
    /// create) and returns the new object with its managedFields. Neither argument is modified. Throws
    /// <see cref="ApplyConflictException"/> on conflicts without <paramref name="force"/>, <see cref="PatchException"/>
    /// for a malformed configuration.
    /// </summary>
    public static JsonNode Apply(JsonNode? live, JsonNode applied, string fieldManager, bool force, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(applied);
        if (string.IsNullOrEmpty(fieldManager))
        {
            throw new PatchException("fieldManager is required for apply requests");
        }

        if (applied is not JsonObject config)
        {
            throw new PatchException($"an apply configuration must be an object, not {applied.GetValueKind()}");
        }

        var apiVersion = Text(config["apiVersion"]) ?? throw new PatchException("an apply configuration must set apiVersion");
        var kind = Text(config["kind"]) ?? throw new PatchException("an apply configuration must set kind");
        var group = apiVersion.Contains('/', StringComparison.Ordinal) ? apiVersion[..apiVersion.IndexOf('/', StringComparison.Ordinal)] : "";
        var rootMeta = PatchMetadata.ForKind(group, kind);

        config = (JsonObject)config.DeepClone();
        if (config["metadata"] is JsonObject configMetadata)
        {
            configMetadata.Remove("managedFields");
        }

        var result = live is JsonObject liveObject ? (JsonObject)liveObject.DeepClone() : [];
        var entries = ReadEntries(result);

        var appliedFields = new ManagedFieldSet();
        CollectFields(config, rootMeta, [], appliedFields, isRoot: true);

        var own = entries.FirstOrDefault(e => e.Manager == fieldManager && e.Operation == "Apply" && e.Subresource.Length == 0);
        var others = entries.Where(e => !ReferenceEquals(e, own)).ToList();

        var conflicts = new List<(ManagedFieldsEntry Entry, IReadOnlyList<string> Path)>();
        foreach (var entry in others)
        {
            foreach (var path in entry.Fields.Members().Where(appliedFields.Contains))
            {
                ManagedFieldSet.TryResolve(result, path, out var liveValue);
                ManagedFieldSet.TryResolve(config, path, out var appliedValue);
                if (IsLeaf(appliedValue) && !JsonNode.DeepEquals(liveValue, appliedValue))
                {
                    conflicts.Add((entry, path));
                }
            }
        }

        if (conflicts.Count > 0 && !force)
        {
            throw new ApplyConflictException([.. conflicts.Select(c => new ApplyConflict(c.Entry.Display(), ManagedFieldSet.Format(c.Path)))]);
        }

        foreach (var (entry, path) in conflicts)
        {
            entry.Fields.Remove(path);
        }

        // Fields this manager stops applying go away unless someone else still owns them.
        if (own is not null)
        {
            foreach (var path in own.Fields.Members().Reverse().Where(p => !appliedFields.Touches(p)).ToList())
            {
                if (!others.Any(o => o.Fields.Touches(path)))
                {
                    ManagedFieldSet.RemoveAt(result, path);
                }
            }
        }

        Merge(result, config, rootMeta);

        // An apply that changes nothing keeps the entry's time, so the object stays byte-identical (no new resourceVersion).
        var now = (clock ?? TimeProvider.System).GetUtcNow().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        var unchanged = own is not null && own.ApiVersion == apiVersion && own.Fields.ToString() == appliedFields.ToString();
        var ownEntry = new ManagedFieldsEntry(fieldManager, "Apply", apiVersion, unchanged ? own!.Time ?? now : now, "", appliedFields);
        var written = entries.Select(e => ReferenceEquals(e, own) ? ownEntry : e).Where(e => !e.Fields.IsEmpty).ToList();
        if (own is null)
        {
            written.Add(ownEntry);
        }

        var metadata = result["metadata"] as JsonObject ?? [];
        result["metadata"] = metadata;
        metadata["managedFields"] = new JsonArray([.. written.Select(e => e.ToJson())]);
        return result;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    private static bool IsLeaf(JsonNode? node) => node is not JsonObject || node.AsObject().Count == 0;

    private static void CollectFields(JsonObject obj, FrozenDictionary<string, FieldPatchMeta> meta, List<string> prefix, ManagedFieldSet set, bool isRoot)
    {
        foreach (var (key, value) in obj)
        {
            if (isRoot && key is "apiVersion" or "kind")
            {
                continue;
            }

            meta.TryGetValue(key, out var field);
            prefix.Add("f:" + key);
            if (isRoot && key == "metadata" && value is JsonObject metadata)
            {
                foreach (var (metaKey, metaValue) in metadata)
                {
                    if (UntrackedMetadata.Contains(metaKey))
                    {
                        continue;
                    }

                    PatchMetadata.ForType("ObjectMeta").TryGetValue(metaKey, out var metaField);
                    prefix.Add("f:" + metaKey);
                    CollectValue(metaValue, metaField, prefix, set);
                    prefix.RemoveAt(prefix.Count - 1);
                }
            }
            else
            {
                CollectValue(value, field, prefix, set);
            }

            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    private static void CollectValue(JsonNode? value, FieldPatchMeta? field, List<string> prefix, ManagedFieldSet set)
    {
        switch (value)
        {
            case JsonObject map when map.Count > 0:
                CollectFields(map, PatchMetadata.ForType(field?.Type), prefix, set, isRoot: false);
                break;
            case JsonArray list when field is { Merge: true, MergeKey: { } mergeKey }:
                for (var i = 0; i < list.Count; i++)
                {
                    if (list[i] is not JsonObject item || item[mergeKey] is not { } keyValue)
                    {
                        throw new PatchException($"{ManagedFieldSet.Format(prefix)}: element {i}: associative list with keys has an element that omits key field \"{mergeKey}\"");
                    }

                    prefix.Add(ManagedFieldSet.KeyElement(mergeKey, keyValue));
                    set.Add(prefix);
                    CollectFields(item, PatchMetadata.ForType(field.Type), prefix, set, isRoot: false);
                    prefix.RemoveAt(prefix.Count - 1);
                }

                if (list.Count == 0)
                {
                    set.Add(prefix);
                }

                break;
            case JsonArray list when field is { Merge: true }:
                foreach (var item in list)
                {
                    prefix.Add(ManagedFieldSet.ValueElement(item));
                    set.Add(prefix);
                    prefix.RemoveAt(prefix.Count - 1);
                }

                if (list.Count == 0)
                {
                    set.Add(prefix);
                }

                break;
            default:
                set.Add(prefix);
                break;
        }
    }

    private static void Merge(JsonObject live, JsonObject config, FrozenDictionary<string, FieldPatchMeta> meta)
    {
        foreach (var (key, value) in config)
        {
            meta.TryGetValue(key, out var field);
            if (value is null)
            {
                live.Remove(key);
                continue;
            }

            var current = live[key];
            switch (value)
            {
                case JsonObject map when current is JsonObject currentMap:
                    Merge(currentMap, map, PatchMetadata.ForType(field?.Type));
                    break;
                case JsonArray list when current is JsonArray currentList && field is { Merge: true }:
                    MergeList(currentList, list, field);
                    break;
                default:
                    live[key] = value.DeepClone();
                    break;
            }
        }
    }

    private static void MergeList(JsonArray live, JsonArray config, FieldPatchMeta field)
    {
        foreach (var item in config)
        {
            if (field.MergeKey is { } mergeKey)
            {
                var existing = live.OfType<JsonObject>().FirstOrDefault(l => JsonNode.DeepEquals(l[mergeKey], item?[mergeKey]));
                if (existing is not null && item is JsonObject itemMap)
                {
                    Merge(existing, itemMap, PatchMetadata.ForType(field.Type));
                    continue;
                }
            }
            else if (live.Any(l => JsonNode.DeepEquals(l, item)))
            {
                continue;
            }

            live.Add(item?.DeepClone());
        }
    }

    private static List<ManagedFieldsEntry> ReadEntries(JsonObject obj)
    {
        if (obj["metadata"]?["managedFields"] is not JsonArray array)
        {
            return [];
        }

        return [.. array.OfType<JsonObject>().Select(e => new ManagedFieldsEntry(
            Text(e["manager"]) ?? "",
            Text(e["operation"]) ?? "Update",
            Text(e["apiVersion"]) ?? "",
            Text(e["time"]),
            Text(e["subresource"]) ?? "",
            ManagedFieldSet.FromFieldsV1(e["fieldsV1"] as JsonObject)))];
    }

    private sealed record ManagedFieldsEntry(string Manager, string Operation, string ApiVersion, string? Time, string Subresource, ManagedFieldSet Fields)
    {
        // k8s.io/apiserver fieldmanager printManager.
        public string Display()
        {
            var text = JsonSerializer.Serialize(Manager);
            if (Subresource.Length > 0)
            {
                text += $" with subresource {JsonSerializer.Serialize(Subresource)}";
            }

            if (Operation == "Update")
            {
                text += $" using {ApiVersion}";
                if (Time is not null)
                {
                    text += $" at {Time}";
                }
            }

            return text;
        }

        public JsonObject ToJson()
        {
            var entry = new JsonObject
            {
                ["manager"] = Manager,
                ["operation"] = Operation,
                ["apiVersion"] = ApiVersion,
            };
            if (Time is not null)
            {
                entry["time"] = Time;
            }

            entry["fieldsType"] = "FieldsV1";
            entry["fieldsV1"] = Fields.ToFieldsV1();
            if (Subresource.Length > 0)
            {
                entry["subresource"] = Subresource;
            }

            return entry;
        }
    }
}
