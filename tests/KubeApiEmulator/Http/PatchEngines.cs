using System.Text.Json.Nodes;
using KubeApiEmulator.Patching;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Http;

/// <summary>
/// Seam to KubeApiEmulator.Patching (JSON merge, JSON patch, strategic merge, server-side apply). Each method turns
/// the current object and the request body into the proposed object, or throws the ApiException the server answers.
/// </summary>
internal static class PatchEngines
{
    public static JsonNode Merge(JsonNode current, JsonNode patch) => JsonMergePatch.Apply(current, patch);

    public static JsonNode Json(JsonNode current, JsonArray operations)
    {
        try
        {
            return JsonPatch.Apply(current, operations);
        }
        catch (PatchException e)
        {
            // apiserver patch.go: NewGenericServerResponse(422, ...) with the json-patch error as the cause.
            throw new ApiException(422, "Invalid", "the server rejected our request due to an error in our request", new JsonObject
            {
                ["causes"] = new JsonArray(new JsonObject { ["reason"] = "UnexpectedServerResponse", ["message"] = e.Message }),
            });
        }
    }

    public static JsonNode Strategic(JsonNode current, JsonNode patch, ResourceType type)
    {
        try
        {
            return StrategicMergePatch.Apply(current, patch, type.Group, type.Kind);
        }
        catch (PatchException e)
        {
            throw ApiException.BadRequest(e.Message);
        }
    }

    public static JsonNode Apply(JsonNode? live, JsonNode applied, string fieldManager, bool force, ResourceType type, string? subresource)
    {
        try
        {
            return ServerSideApply.Apply(live, AppliedPart(applied, type, subresource), fieldManager, force);
        }
        catch (ApplyConflictException e)
        {
            throw new ApiException(409, "Conflict", e.Message, new JsonObject
            {
                ["causes"] = new JsonArray([.. e.Conflicts.Select(c => (JsonNode)new JsonObject
                {
                    ["reason"] = "FieldManagerConflict",
                    ["message"] = $"conflict with {c.Manager}",
                    ["field"] = c.Field,
                })]),
            });
        }
        catch (PatchException e)
        {
            throw ApiException.BadRequest($"failed to create typed patch object: {e.Message}");
        }
    }

    // With a status subresource the main resource ignores .status and /status takes only .status, so a manager
    // owns only the part its apply can change.
    private static JsonNode AppliedPart(JsonNode applied, ResourceType type, string? subresource)
    {
        if (!type.HasStatus || applied is not JsonObject config)
        {
            return applied;
        }

        var part = (JsonObject)config.DeepClone();
        if (subresource == "status")
        {
            foreach (var key in part.Select(p => p.Key).Where(k => k is not ("apiVersion" or "kind" or "metadata" or "status")).ToList())
            {
                part.Remove(key);
            }

            if (part["metadata"] is JsonObject metadata)
            {
                foreach (var key in metadata.Select(p => p.Key).Where(k => k is not ("name" or "namespace")).ToList())
                {
                    metadata.Remove(key);
                }
            }
        }
        else
        {
            part.Remove("status");
        }

        return part;
    }
}
