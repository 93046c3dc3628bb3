using System.Text.Json;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace WaddleObservabilityOperator.Manifests;

/// <summary>
/// Splits one file into objects: every non-empty YAML document (or the JSON value of a .json file), with
/// <c>apiVersion: v1, kind: List</c> expanded into its items as kubectl does.
/// </summary>
public static class ManifestDocumentReader
{
    private static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false };

    public static IReadOnlyList<ManifestDocument> Read(string file, string text, ICollection<ManifestError> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        var roots = file.EndsWith(".json", StringComparison.OrdinalIgnoreCase)
            ? ReadJson(file, text, errors)
            : ReadYaml(file, text, errors);

        var documents = new List<ManifestDocument>();
        foreach (var (position, content) in roots)
        {
            if (content is JsonObject list && IsList(list))
            {
                if (list["items"] is not JsonArray items)
                {
                    errors.Add(new ManifestError(file, position, "items", "a List must have an items array"));
                    continue;
                }

                for (var i = 0; i < items.Count; i++)
                {
                    var itemPosition = $"{position}, item {i + 1}";
                    if (items[i] is { } item)
                    {
                        documents.Add(new ManifestDocument(file, itemPosition, item.DeepClone()));
                    }
                    else
                    {
                        errors.Add(new ManifestError(file, itemPosition, null, "a List item must be an object, got null"));
                    }
                }
            }
            else
            {
                documents.Add(new ManifestDocument(file, position, content));
            }
        }

        return documents;
    }

    private static bool IsList(JsonObject node) =>
        node["kind"] is JsonValue kind && kind.TryGetValue<string>(out var k) && k == "List"
        && node["apiVersion"] is JsonValue version && version.TryGetValue<string>(out var v) && v == "v1";

    private static List<(string Position, JsonNode Content)> ReadYaml(string file, string text, ICollection<ManifestError> errors)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            // The parser cannot resume after a syntax error, so the rest of the file is unread.
            errors.Add(new ManifestError(file, "", null, $"line {e.Start.Line}, column {e.Start.Column}: invalid YAML: {e.Message}"));
            return [];
        }

        var roots = new List<(string, JsonNode)>();
        for (var i = 0; i < stream.Documents.Count; i++)
        {
            var position = $"document {i + 1}";
            var root = stream.Documents[i].RootNode;
            if (YamlJsonConverter.IsEmpty(root))
            {
                continue;
            }

            try
            {
                if (YamlJsonConverter.ToJson(root) is { } content)
                {
                    roots.Add((position, content));
                }
            }
            catch (FormatException e)
            {
                errors.Add(new ManifestError(file, position, null, e.Message));
            }
        }

        return roots;
    }

    private static List<(string Position, JsonNode Content)> ReadJson(string file, string text, ICollection<ManifestError> errors)
    {
        try
        {
            return JsonNode.Parse(text, documentOptions: JsonOptions) is { } content ? [("document 1", content)] : [];
        }
        catch (JsonException e)
        {
            var line = e.LineNumber is { } l ? $"line {l + 1}, column {(e.BytePositionInLine ?? 0) + 1}: " : "";
            errors.Add(new ManifestError(file, "", null, $"{line}invalid JSON: {FirstSentence(e.Message)}"));
            return [];
        }
    }

    // System.Text.Json appends "Path: $ | LineNumber: 0 | BytePositionInLine: 3." to its messages; the location is given already.
    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal) is >= 0 and var path ? path : message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }
}
