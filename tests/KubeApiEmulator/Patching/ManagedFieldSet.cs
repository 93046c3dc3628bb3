using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KubeApiEmulator.Patching;

/// <summary>
/// A set of field paths as in <c>metadata.managedFields[].fieldsV1</c>: a trie whose keys are path elements
/// <c>f:&lt;field&gt;</c>, <c>k:&lt;merge key JSON&gt;</c> (list item by key), <c>v:&lt;value JSON&gt;</c> (set member)
/// and <c>i:&lt;index&gt;</c>; <c>.</c> marks a node that is itself a member besides having children.
/// </summary>
internal sealed class ManagedFieldSet
{
    // Path elements carry JSON the way Go writes it: no \u escapes for '+', '<' or non-ASCII text.
    private static readonly JsonSerializerOptions ElementJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly SortedDictionary<string, ManagedFieldSet> children = new(StringComparer.Ordinal);

    /// <summary>Whether the path ending here is itself in the set.</summary>
    public bool Self { get; set; }

    public bool IsEmpty => !Self && children.Count == 0;

    public static ManagedFieldSet FromFieldsV1(JsonObject? fieldsV1)
    {
        var set = new ManagedFieldSet();
        if (fieldsV1 is null)
        {
            return set;
        }

        foreach (var (key, value) in fieldsV1)
        {
            if (key == ".")
            {
                set.Self = true;
                continue;
            }

            var child = FromFieldsV1(value as JsonObject);
            if (child.children.Count == 0)
            {
                child.Self = true;
            }

            set.children[key] = child;
        }

        return set;
    }

    public JsonObject ToFieldsV1()
    {
        var result = new JsonObject();
        if (Self && children.Count > 0)
        {
            result["."] = new JsonObject();
        }

        foreach (var (key, child) in children)
        {
            result[key] = child.ToFieldsV1();
        }

        return result;
    }

    public void Add(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
        {
            if (!node.children.TryGetValue(element, out var child))
            {
                child = new ManagedFieldSet();
                node.children[element] = child;
            }

            node = child;
        }

        node.Self = true;
    }

    public bool Contains(IReadOnlyList<string> path) => Find(path) is { Self: true };

    /// <summary>Whether anything at or below <paramref name="path"/> is in the set.</summary>
    public bool Touches(IReadOnlyList<string> path) => Find(path) is { IsEmpty: false };

    public void Remove(IReadOnlyList<string> path)
    {
        RemoveFrom(this, path, 0);
    }

    /// <summary>Every member path, parents before their children.</summary>
    public IEnumerable<IReadOnlyList<string>> Members() => Members([]);

    private IEnumerable<IReadOnlyList<string>> Members(List<string> prefix)
    {
        if (Self && prefix.Count > 0)
        {
            yield return prefix.ToList();
        }

        foreach (var (key, child) in children)
        {
            prefix.Add(key);
            foreach (var member in child.Members(prefix))
            {
                yield return member;
            }

            prefix.RemoveAt(prefix.Count - 1);
        }
    }

    private ManagedFieldSet? Find(IReadOnlyList<string> path)
    {
        var node = this;
        foreach (var element in path)
        {
            if (!node.children.TryGetValue(element, out var child))
            {
                return null;
            }

            node = child;
        }

        return node;
    }

    private static void RemoveFrom(ManagedFieldSet node, IReadOnlyList<string> path, int depth)
    {
        if (depth == path.Count)
        {
            node.Self = false;
            return;
        }

        if (node.children.TryGetValue(path[depth], out var child))
        {
            RemoveFrom(child, path, depth + 1);
            if (child.IsEmpty)
            {
                node.children.Remove(path[depth]);
            }
        }
    }

    /// <summary>A path as the API server prints it in conflicts: <c>.spec.containers[name="app"].image</c>.</summary>
    public static string Format(IReadOnlyList<string> path)
    {
        var text = new StringBuilder();
        foreach (var element in path)
        {
            var body = element[2..];
            switch (element[0])
            {
                case 'f':
                    text.Append('.').Append(body);
                    break;
                case 'k':
                    var keys = JsonNode.Parse(body)!.AsObject().Select(p => $"{p.Key}={p.Value!.ToJsonString(ElementJson)}");
                    text.Append('[').AppendJoin(",", keys).Append(']');
                    break;
                case 'v':
                    text.Append("[=").Append(body).Append(']');
                    break;
                default:
                    text.Append('[').Append(body).Append(']');
                    break;
            }
        }

        return text.ToString();
    }

    /// <summary>The element naming a list item by its merge key, <c>k:{"name":"app"}</c>.</summary>
    public static string KeyElement(string mergeKey, JsonNode keyValue) =>
        "k:" + new JsonObject { [mergeKey] = keyValue.DeepClone() }.ToJsonString(ElementJson);

    /// <summary>The element naming a member of a set of primitives, <c>v:"value"</c>.</summary>
    public static string ValueElement(JsonNode? value) => "v:" + (value?.ToJsonString(ElementJson) ?? "null");

    /// <summary>Finds the node a path points at inside an object, if present.</summary>
    public static bool TryResolve(JsonNode? root, IReadOnlyList<string> path, out JsonNode? value)
    {
        value = root;
        foreach (var element in path)
        {
            if (!TryStep(value, element, out var next, out _))
            {
                value = null;
                return false;
            }

            value = next;
        }

        return true;
    }

    /// <summary>Removes the member a path points at from an object; false when absent.</summary>
    public static bool RemoveAt(JsonNode root, IReadOnlyList<string> path)
    {
        if (path.Count == 0 || !TryResolve(root, path.Take(path.Count - 1).ToList(), out var parent))
        {
            return false;
        }

        if (!TryStep(parent, path[^1], out _, out var index))
        {
            return false;
        }

        switch (parent)
        {
            case JsonObject obj:
                return obj.Remove(path[^1][2..]);
            case JsonArray array:
                array.RemoveAt(index);
                return true;
            default:
                return false;
        }
    }

    private static bool TryStep(JsonNode? current, string element, out JsonNode? next, out int index)
    {
        next = null;
        index = -1;
        var body = element[2..];
        switch (element[0])
        {
            case 'f' when current is JsonObject obj:
                return obj.TryGetPropertyValue(body, out next);
            case 'k' when current is JsonArray array:
                {
                    var key = JsonNode.Parse(body)!.AsObject();
                    index = array.ToList().FindIndex(item => item is JsonObject o && key.All(k => JsonNode.DeepEquals(o[k.Key], k.Value)));
                    break;
                }

            case 'v' when current is JsonArray array:
                {
                    var wanted = JsonNode.Parse(body);
                    index = array.ToList().FindIndex(item => JsonNode.DeepEquals(item, wanted));
                    break;
                }

            case 'i' when current is JsonArray array && int.TryParse(body, out var i) && i >= 0 && i < array.Count:
                index = i;
                break;
        }

        if (index < 0 || current is not JsonArray list)
        {
            return false;
        }

        next = list[index];
        return true;
    }

    public override string ToString() => ToFieldsV1().ToJsonString(new JsonSerializerOptions { WriteIndented = false });
}
