using System.Globalization;
using System.Text.Json.Nodes;

namespace KubeApiEmulator.Patching;

/// <summary>
/// JSON patch, RFC 6902 (<c>application/json-patch+json</c>), with RFC 6901 pointers. Error messages follow
/// evanphx/json-patch, the library the API server uses, e.g. <c>testing value /metadata/resourceVersion failed</c>.
/// </summary>
public static class JsonPatch
{
    private const string RootKey = "root";

    /// <summary>
    /// Applies <paramref name="operations"/> in order to a copy of <paramref name="target"/>. The operations are
    /// atomic: on any failure a <see cref="PatchException"/> is thrown and nothing is returned.
    /// </summary>
    public static JsonNode Apply(JsonNode target, JsonArray operations)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(operations);

        // A holder object lets the empty pointer "" (the whole document) be handled like any member.
        var holder = new JsonObject { [RootKey] = target.DeepClone() };
        foreach (var operation in operations)
        {
            if (operation is not JsonObject op)
            {
                throw new PatchException($"invalid JSON patch operation (expected an object): {operation?.ToJsonString() ?? "null"}");
            }

            ApplyOne(holder, op);
        }

        return holder[RootKey] ?? throw new PatchException("the patch removed the whole document");
    }

    private static void ApplyOne(JsonObject holder, JsonObject op)
    {
        var name = op["op"] is JsonValue opValue && opValue.TryGetValue<string>(out var s) ? s : null;
        switch (name)
        {
            case "add":
                Add(holder, Path(op, "path", name), Value(op, name), name);
                break;
            case "remove":
                Remove(holder, Path(op, "path", name), name);
                break;
            case "replace":
                {
                    var path = Path(op, "path", name);
                    var value = Value(op, name);
                    var (container, key) = Locate(holder, path, name, mustExist: true);
                    if (container is JsonArray array)
                    {
                        array[int.Parse(key, CultureInfo.InvariantCulture)] = value;
                    }
                    else
                    {
                        container[key] = value;
                    }

                    break;
                }

            case "move":
                {
                    var from = Path(op, "from", name);
                    var path = Path(op, "path", name);
                    if (path.Count > from.Count && path.Take(from.Count).SequenceEqual(from, StringComparer.Ordinal))
                    {
                        throw new PatchException($"move operation does not apply: \"{Format(from)}\" is a prefix of \"{Format(path)}\"");
                    }

                    var value = Get(holder, from, name);
                    Remove(holder, from, name);
                    Add(holder, path, value, name);
                    break;
                }

            case "copy":
                Add(holder, Path(op, "path", name), Get(holder, Path(op, "from", name), name)?.DeepClone(), name);
                break;
            case "test":
                {
                    var path = Path(op, "path", name);
                    var expected = Value(op, name);
                    var (container, key) = Locate(holder, path, name, mustExist: false);
                    var exists = TryGetChild(container, key, out var actual);
                    if (!exists || !JsonNode.DeepEquals(actual, expected))
                    {
                        throw new PatchException($"testing value {Format(path)} failed: test failed");
                    }

                    break;
                }

            default:
                throw new PatchException($"unexpected kind of JSON patch operation: {op["op"]?.ToJsonString() ?? "(missing \"op\")"}");
        }
    }

    private static List<string> Path(JsonObject op, string member, string name)
    {
        if (op[member] is not JsonValue value || !value.TryGetValue<string>(out var pointer))
        {
            throw new PatchException($"{name} operation is missing the \"{member}\" member: {op.ToJsonString()}");
        }

        if (pointer.Length > 0 && pointer[0] != '/')
        {
            throw new PatchException($"invalid JSON pointer \"{pointer}\": it must be empty or start with '/'");
        }

        var tokens = new List<string> { RootKey };
        if (pointer.Length > 0)
        {
            tokens.AddRange(pointer[1..].Split('/').Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)));
        }

        return tokens;
    }

    private static JsonNode? Value(JsonObject op, string name)
    {
        if (!op.TryGetPropertyValue("value", out var value))
        {
            throw new PatchException($"{name} operation is missing the \"value\" member: {op.ToJsonString()}");
        }

        return value?.DeepClone();
    }

    private static string Format(List<string> tokens) =>
        string.Concat(tokens.Skip(1).Select(t => "/" + t.Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));

    // Finds the container of the last token; the parent chain must exist.
    private static (JsonNode Container, string Key) Locate(JsonObject holder, List<string> path, string name, bool mustExist)
    {
        JsonNode current = holder;
        for (var i = 0; i < path.Count - 1; i++)
        {
            if (!TryGetChild(current, path[i], out var child) || child is not (JsonObject or JsonArray))
            {
                throw new PatchException($"{name} operation does not apply: doc is missing path: \"{Format(path)}\": missing value");
            }

            current = child;
        }

        var key = path[^1];
        if (mustExist && !TryGetChild(current, key, out _))
        {
            throw new PatchException($"{name} operation does not apply: doc is missing key: {Format(path)}: missing value");
        }

        return (current, key);
    }

    private static bool TryGetChild(JsonNode container, string key, out JsonNode? child)
    {
        child = null;
        switch (container)
        {
            case JsonObject obj:
                return obj.TryGetPropertyValue(key, out child);
            case JsonArray array when TryIndex(key, out var index) && index < array.Count:
                child = array[index];
                return true;
            default:
                return false;
        }
    }

    private static bool TryIndex(string token, out int index)
    {
        index = -1;
        // RFC 6901: array indices are decimal without leading zeros.
        return token.Length > 0 && (token == "0" || token[0] != '0') && token.All(char.IsAsciiDigit)
            && int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out index);
    }

    private static JsonNode? Get(JsonObject holder, List<string> path, string name)
    {
        var (container, key) = Locate(holder, path, name, mustExist: true);
        TryGetChild(container, key, out var value);
        return value;
    }

    private static void Add(JsonObject holder, List<string> path, JsonNode? value, string name)
    {
        var (container, key) = Locate(holder, path, name, mustExist: false);
        value = value?.Parent is null ? value : value.DeepClone();
        switch (container)
        {
            case JsonObject obj:
                obj[key] = value;
                break;
            case JsonArray array when key == "-":
                array.Add(value);
                break;
            case JsonArray array when TryIndex(key, out var index) && index <= array.Count:
                array.Insert(index, value);
                break;
            default:
                throw new PatchException($"{name} operation does not apply: doc is missing path: \"{Format(path)}\": invalid index \"{key}\"");
        }
    }

    private static void Remove(JsonObject holder, List<string> path, string name)
    {
        var (container, key) = Locate(holder, path, name, mustExist: false);
        switch (container)
        {
            case JsonObject obj when obj.ContainsKey(key):
                obj.Remove(key);
                break;
            case JsonArray array when TryIndex(key, out var index) && index < array.Count:
                array.RemoveAt(index);
                break;
            default:
                throw new PatchException($"{name} operation does not apply: doc is missing path: \"{Format(path)}\": missing value");
        }
    }
}
