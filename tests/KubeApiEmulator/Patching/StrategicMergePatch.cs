using System.Collections.Frozen;
using System.Text.Json.Nodes;

namespace KubeApiEmulator.Patching;

/// <summary>
/// Strategic merge patch (<c>application/strategic-merge-patch+json</c>) for built-in kinds, after
/// k8s.io/apimachinery/pkg/util/strategicpatch as the API server runs it (merging parallel lists, ignoring
/// unmatched nulls): lists with a merge key are merged by it, primitive lists tagged <c>merge</c> are unions,
/// other lists are replaced; maps are merged and <c>null</c> deletes a key. Directives: <c>$patch</c>
/// (replace, delete, merge), <c>$retainKeys</c>, <c>$deleteFromPrimitiveList/&lt;field&gt;</c> and
/// <c>$setElementOrder/&lt;field&gt;</c>.
/// </summary>
public static class StrategicMergePatch
{
    private const string Directive = "$patch";
    private const string RetainKeys = "$retainKeys";
    private const string DeleteFromPrimitiveList = "$deleteFromPrimitiveList/";
    private const string SetElementOrder = "$setElementOrder/";

    /// <summary>
    /// Applies <paramref name="patch"/> to a copy of <paramref name="original"/>, an object of the built-in
    /// <paramref name="group"/>/<paramref name="kind"/> (group "" for core). Throws <see cref="PatchException"/>
    /// for a malformed patch.
    /// </summary>
    public static JsonNode Apply(JsonNode original, JsonNode patch, string group, string kind)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(kind);
        if (patch is not JsonObject patchObject)
        {
            throw new PatchException($"a strategic merge patch must be a JSON object, not {patch?.GetValueKind().ToString() ?? "null"}");
        }

        var target = original is JsonObject originalObject ? (JsonObject)originalObject.DeepClone() : [];
        return MergeMap(target, (JsonObject)patchObject.DeepClone(), PatchMetadata.ForKind(group, kind));
    }

    // Merges patch into original (both owned by the caller and modified in place); returns the merged map.
    private static JsonObject MergeMap(JsonObject original, JsonObject patch, FrozenDictionary<string, FieldPatchMeta> schema)
    {
        if (patch.TryGetPropertyValue(Directive, out var directive))
        {
            switch (Text(directive))
            {
                case "replace":
                    patch.Remove(Directive);
                    return Clean(patch);
                case "delete":
                    return [];
                case "merge":
                    patch.Remove(Directive);
                    break;
                default:
                    throw new PatchException($"unknown patch type: {directive?.ToJsonString() ?? "null"} in map: {patch.ToJsonString()}");
            }
        }

        if (patch.TryGetPropertyValue(RetainKeys, out var retain))
        {
            if (retain is not JsonArray retainList)
            {
                throw new PatchException($"invalid patch: {RetainKeys} must be a list of field names: {retain?.ToJsonString() ?? "null"}");
            }

            var keep = retainList.Select(Text).ToHashSet(StringComparer.Ordinal);
            foreach (var key in original.Select(p => p.Key).Where(k => !keep.Contains(k)).ToList())
            {
                original.Remove(key);
            }

            patch.Remove(RetainKeys);
        }

        ApplyElementOrders(original, patch, schema);

        foreach (var (rawKey, patchValue) in patch.ToList())
        {
            var key = rawKey;
            var isDeleteList = false;
            if (rawKey.StartsWith(DeleteFromPrimitiveList, StringComparison.Ordinal))
            {
                key = rawKey[DeleteFromPrimitiveList.Length..];
                isDeleteList = true;
            }
            else if (rawKey.StartsWith('$'))
            {
                continue;
            }

            if (patchValue is null)
            {
                original.Remove(key);
                continue;
            }

            var originalValue = original[key];
            if (originalValue is null || originalValue.GetValueKind() != patchValue.GetValueKind())
            {
                if (!isDeleteList)
                {
                    original[key] = Clean(patchValue.DeepClone());
                }

                continue;
            }

            schema.TryGetValue(key, out var meta);
            switch (originalValue)
            {
                case JsonObject originalMap:
                    {
                        var merged = MergeMap((JsonObject)originalMap.DeepClone(), (JsonObject)patchValue.DeepClone(), PatchMetadata.ForType(meta?.Type));
                        original[key] = merged;
                        break;
                    }

                case JsonArray originalList:
                    original[key] = meta is { Merge: true }
                        ? MergeList((JsonArray)originalList.DeepClone(), (JsonArray)patchValue.DeepClone(), meta, isDeleteList)
                        : Clean(patchValue.DeepClone());
                    break;
                default:
                    original[key] = patchValue.DeepClone();
                    break;
            }
        }

        return original;
    }

    // $setElementOrder/<field>: merge that field's list now and order it as the directive says.
    private static void ApplyElementOrders(JsonObject original, JsonObject patch, FrozenDictionary<string, FieldPatchMeta> schema)
    {
        foreach (var (rawKey, orderNode) in patch.Where(p => p.Key.StartsWith(SetElementOrder, StringComparison.Ordinal)).ToList())
        {
            var key = rawKey[SetElementOrder.Length..];
            if (orderNode is not JsonArray order)
            {
                throw new PatchException($"invalid patch: {rawKey} must be a list: {orderNode?.ToJsonString() ?? "null"}");
            }

            schema.TryGetValue(key, out var meta);
            var originalList = original[key] as JsonArray ?? [];
            var patchList = patch[key] as JsonArray ?? [];
            patch.Remove(rawKey);
            patch.Remove(key);
            if (meta is not { Merge: true })
            {
                // Not a merging list: the directive carries no meaning; the patch's list (if any) replaces the original.
                if (patch.ContainsKey(key) || patchList.Count > 0)
                {
                    original[key] = Clean(patchList.DeepClone());
                }

                continue;
            }

            var merged = MergeList((JsonArray)originalList.DeepClone(), (JsonArray)patchList.DeepClone(), meta, isDeleteList: false, order);
            if (merged.Count == 0)
            {
                original.Remove(key);
            }
            else
            {
                original[key] = merged;
            }
        }
    }

    private static JsonArray MergeList(JsonArray original, JsonArray patch, FieldPatchMeta meta, bool isDeleteList, JsonArray? elementOrder = null)
    {
        var serverOrder = original.ToList();
        List<JsonNode?> merged;
        if (meta.MergeKey is null)
        {
            if (isDeleteList)
            {
                return [.. original.Where(o => !patch.Any(p => JsonNode.DeepEquals(o, p))).Select(o => o?.DeepClone())];
            }

            merged = [];
            foreach (var item in original.Concat(patch))
            {
                if (!merged.Any(m => JsonNode.DeepEquals(m, item)))
                {
                    merged.Add(item);
                }
            }
        }
        else if (ReplacesList(patch))
        {
            // strategicpatch.mergeSliceWithSpecialElements: with $patch: replace the list is the patch's other items,
            // as they are (never merged by key with each other, so items of a repeated key all stay), in patch order.
            return [.. patch.Where(p => p is not JsonObject item || !item.ContainsKey(Directive)).Select(p => Clean(p?.DeepClone()))];
        }
        else
        {
            merged = MergeKeyedList(original, patch, meta);
        }

        var patchOrder = (elementOrder ?? patch).ToList();
        var patchItems = merged.Where(m => IndexOf(patchOrder, m, meta.MergeKey) >= 0)
            .OrderBy(m => IndexOf(patchOrder, m, meta.MergeKey)).ToList();
        var serverOnly = merged.Where(m => IndexOf(patchOrder, m, meta.MergeKey) < 0)
            .OrderBy(m => IndexOf(serverOrder, m, meta.MergeKey)).ToList();
        return [.. MergeSorted(patchItems, serverOnly, serverOrder, meta.MergeKey).Select(n => n?.Parent is null ? n : n.DeepClone())];
    }

    private static bool ReplacesList(JsonArray patch) =>
        patch.Any(p => p is JsonObject item && item.ContainsKey(Directive) && Text(item[Directive]) == "replace");

    private static List<JsonNode?> MergeKeyedList(JsonArray original, JsonArray patch, FieldPatchMeta meta)
    {
        var mergeKey = meta.MergeKey!;
        var result = original.ToList();
        var patchItems = new List<JsonObject>();
        foreach (var element in patch)
        {
            if (element is not JsonObject item)
            {
                throw new PatchException($"invalid patch: the list merged by \"{mergeKey}\" holds a non-object: {element?.ToJsonString() ?? "null"}");
            }

            var directive = item.ContainsKey(Directive) ? Text(item[Directive]) ?? item[Directive]?.ToJsonString() ?? "null" : null;
            switch (directive)
            {
                case "delete":
                    {
                        var keyValue = item[mergeKey] ?? throw new PatchException($"delete patch type with no merge key defined: {item.ToJsonString()}");
                        result.RemoveAll(o => o is JsonObject obj && JsonNode.DeepEquals(obj[mergeKey], keyValue));
                        continue;
                    }

                case null or "merge":
                    item.Remove(Directive);
                    patchItems.Add(item);
                    break;
                default:
                    throw new PatchException($"unknown patch type: \"{directive}\" in list item: {item.ToJsonString()}");
            }
        }

        foreach (var item in patchItems)
        {
            var keyValue = item[mergeKey] ?? throw new PatchException($"map: {item.ToJsonString()} does not contain declared merge key: {mergeKey}");
            var index = result.FindIndex(o => o is JsonObject obj && JsonNode.DeepEquals(obj[mergeKey], keyValue));
            if (index >= 0)
            {
                result[index] = MergeMap((JsonObject)result[index]!.DeepClone(), item, PatchMetadata.ForType(meta.Type));
            }
            else
            {
                result.Add(Clean(item));
            }
        }

        return result;
    }

    private static int IndexOf(List<JsonNode?> list, JsonNode? item, string? mergeKey)
    {
        for (var i = 0; i < list.Count; i++)
        {
            var same = mergeKey is null
                ? JsonNode.DeepEquals(list[i], item)
                : list[i] is JsonObject a && item is JsonObject b && a[mergeKey] is not null && JsonNode.DeepEquals(a[mergeKey], b[mergeKey]);
            if (same)
            {
                return i;
            }
        }

        return -1;
    }

    // strategicpatch.mergeSortedSlice: the patch's items in patch order, the server-only items kept near their
    // original neighbours.
    private static List<JsonNode?> MergeSorted(List<JsonNode?> left, List<JsonNode?> right, List<JsonNode?> serverOrder, string? mergeKey)
    {
        var result = new List<JsonNode?>(left.Count + right.Count);
        int i = 0, j = 0;
        while (i < left.Count || j < right.Count)
        {
            if (i >= left.Count)
            {
                result.Add(right[j++]);
            }
            else if (j >= right.Count)
            {
                result.Add(left[i++]);
            }
            else
            {
                var li = IndexOf(serverOrder, left[i], mergeKey);
                var ri = IndexOf(serverOrder, right[j], mergeKey);
                result.Add(li >= 0 && ri >= 0 && li < ri ? left[i++] : right[j++]);
            }
        }

        return result;
    }

    private static string? Text(JsonNode? node) => node is JsonValue value && value.TryGetValue<string>(out var text) ? text : null;

    // A value taken from the patch as is: drop directives and null members, which only make sense against an original.
    private static T Clean<T>(T node)
        where T : JsonNode?
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (key.StartsWith('$') || value is null)
                    {
                        obj.Remove(key);
                    }
                    else
                    {
                        Clean(value);
                    }
                }

                break;
            case JsonArray array:
                for (var i = array.Count - 1; i >= 0; i--)
                {
                    if (array[i] is JsonObject item && Text(item[Directive]) is "delete" or "replace")
                    {
                        array.RemoveAt(i);
                    }
                    else
                    {
                        Clean(array[i]);
                    }
                }

                break;
        }

        return node;
    }
}
