using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Json;

namespace WaddleObservabilityOperator.Manifests;

/// <summary>
/// Writes JSON objects as YAML documents, the way kubectl prints them: keys in the JSON's order, strings quoted
/// only when YAML (1.1 or 1.2) would read them as something else, multi-line text as literal blocks
/// (<see cref="YamlLayout.Manifest"/>). Objects go through their JSON form (<see cref="OperatorJson"/>) first because
/// that is where the types' names live.
/// </summary>
public sealed class ManifestYamlWriter
{
    /// <summary>One YAML document per object, separated by <c>---</c>, ending with a newline.</summary>
    public string WriteAll(IEnumerable<JsonNode> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return string.Join("---\n", documents.Select(Write));
    }

    public string Write(JsonNode document)
    {
        var yaml = JsonYaml.Write(document, YamlLayout.Manifest);
        return yaml.EndsWith('\n') ? yaml : yaml + "\n";
    }
}
