using System.Text.Json.Nodes;

namespace KubeApiEmulator.Patching;

/// <summary>JSON merge patch, RFC 7386 (<c>application/merge-patch+json</c>).</summary>
public static class JsonMergePatch
{
    /// <summary>
    /// Applies <paramref name="patch"/> to <paramref name="target"/> and returns the result. Neither argument is
    /// modified. A null member deletes the key; a non-object patch replaces the target; lists are replaced whole.
    /// </summary>
    public static JsonNode Apply(JsonNode target, JsonNode patch)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(patch);
        return Merge(target, patch)!;
    }

    private static JsonNode? Merge(JsonNode? target, JsonNode patch)
    {
        if (patch is not JsonObject patchObject)
        {
            return patch.DeepClone();
        }

        var result = target is JsonObject targetObject ? (JsonObject)targetObject.DeepClone() : [];
        foreach (var (key, value) in patchObject)
        {
            if (value is null)
            {
                result.Remove(key);
            }
            else
            {
                result[key] = Merge(result[key], value);
            }
        }

        return result;
    }
}
