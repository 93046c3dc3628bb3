using System.Text.Json.Nodes;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Http;

/// <summary>
/// Seam to KubeApiEmulator.Patching (JSON merge, JSON patch, strategic merge, server-side apply). Each method turns
/// the current object and the request body into the proposed object, or throws the ApiException the server answers.
/// </summary>
internal static class PatchEngines
{
    public static JsonNode Merge(JsonNode current, JsonNode patch) =>
        throw ApiException.UnsupportedMediaType("application/merge-patch+json");

    public static JsonNode Json(JsonNode current, JsonArray operations) =>
        throw ApiException.UnsupportedMediaType("application/json-patch+json");

    public static JsonNode Strategic(JsonNode current, JsonNode patch, ResourceType type) =>
        throw ApiException.UnsupportedMediaType("application/strategic-merge-patch+json");

    public static JsonNode Apply(JsonNode? live, JsonNode applied, string fieldManager, bool force) =>
        throw ApiException.UnsupportedMediaType("application/apply-patch+yaml");
}
