using System.Text.Json.Nodes;

namespace KubeApiEmulator.Discovery;

/// <summary>Seam to KubeApiEmulator.OpenApi.OpenApiDocuments (wired in once that lands).</summary>
internal static class OpenApiSeam
{
    public sealed record Resource(string Group, string Version, string Kind, string Plural, bool Namespaced, JsonNode? Schema, bool HasStatusSubresource);

    public static JsonObject? Index(IEnumerable<Resource> resources)
    {
        _ = resources;
        return null;
    }

    public static JsonObject? GroupVersion(string group, string version, IEnumerable<Resource> resources)
    {
        _ = (group, version, resources);
        return null;
    }
}
