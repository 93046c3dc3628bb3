using System.Text.Json.Nodes;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Crds;

/// <summary>Seam to KubeApiEmulator.Schema's structural schema validator (wired in once that lands).</summary>
internal static class SchemaValidatorFactory
{
    public static Func<JsonObject, bool, IReadOnlyList<FieldError>> Create(JsonNode openApiV3Schema)
    {
        _ = openApiV3Schema;
        return (_, _) => [];
    }
}
