using System.Text.Json.Nodes;

namespace KubeApiEmulator.OpenApi;

/// <summary>One resource the server serves, as the OpenAPI documents describe it.</summary>
/// <param name="Group">API group, "" for core.</param>
/// <param name="Version">API version, e.g. v1 or v1alpha1.</param>
/// <param name="Kind">Kind, e.g. ConfigMap.</param>
/// <param name="Plural">Resource name in URLs, e.g. configmaps.</param>
/// <param name="Namespaced">Whether objects live in a namespace.</param>
/// <param name="Schema">The CRD version's <c>openAPIV3Schema</c>; null for a built-in kind (served permissively).</param>
/// <param name="HasStatusSubresource">Whether <c>/status</c> is served.</param>
public sealed record OpenApiResource(string Group, string Version, string Kind, string Plural, bool Namespaced, JsonNode? Schema, bool HasStatusSubresource);
