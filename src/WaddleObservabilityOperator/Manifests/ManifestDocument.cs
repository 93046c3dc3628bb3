using System.Text.Json.Nodes;

namespace WaddleObservabilityOperator.Manifests;

/// <summary>One object read from a file: a YAML document, a JSON file, or an item of a <c>kind: List</c>.</summary>
/// <param name="File">The file as the user named it, with forward slashes.</param>
/// <param name="Position">Where in the file: "document 2", or "document 1, item 3" inside a List.</param>
/// <param name="Content">The object as JSON (YAML converted as the API server would).</param>
public sealed record ManifestDocument(string File, string Position, JsonNode Content);

/// <summary>A manifest file: its name as the user gave it (folders expanded) and its text.</summary>
public sealed record ManifestFile(string Name, string Text);
