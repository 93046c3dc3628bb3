using System.Text.Json.Nodes;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Selectors;

/// <summary>
/// A parsed fieldSelector: metadata.name and metadata.namespace for every resource, plus the few extra fields the
/// API server indexes for some kinds (pod phase and node, secret type, event involvedObject).
/// </summary>
public sealed class FieldSelector
{
    public static readonly FieldSelector Everything = new([]);

    private static readonly Dictionary<string, string[]> ExtraFields = new()
    {
        ["pods"] = ["spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName", "status.phase", "status.podIP"],
        ["secrets"] = ["type"],
        ["events"] = ["involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type", "regarding.kind", "regarding.name", "regarding.namespace", "regarding.uid"],
        ["namespaces"] = ["status.phase"],
    };

    private readonly IReadOnlyList<Requirement> _requirements;

    private FieldSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    public bool IsEverything => _requirements.Count == 0;

    /// <summary>The name an equality requirement on metadata.name pins, if any (lets a get-by-name watch skip the scan).</summary>
    public string? ExactName => _requirements.FirstOrDefault(r => r.Field == "metadata.name" && r.Equal)?.Value;

    public static FieldSelector Parse(string? text, ResourceType type)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        var requirements = new List<Requirement>();
        foreach (var part in text.Split(','))
        {
            var raw = part.Trim();
            var (field, value, equal) = Split(raw);
            if (field is not ("metadata.name" or "metadata.namespace")
                && !(ExtraFields.TryGetValue(type.Plural, out var extra) && extra.Contains(field)))
            {
                throw ApiException.BadRequest($"field label not supported: {field}");
            }

            requirements.Add(new Requirement(field, value, equal));
        }

        return new FieldSelector(requirements);
    }

    public bool Matches(StoredObject obj)
    {
        JsonObject? parsed = null;
        foreach (var requirement in _requirements)
        {
            var actual = requirement.Field switch
            {
                "metadata.name" => obj.Name,
                "metadata.namespace" => obj.Namespace,
                _ => Lookup(parsed ??= obj.ToJsonObject(), requirement.Field),
            };
            if ((actual == requirement.Value) != requirement.Equal)
            {
                return false;
            }
        }

        return true;
    }

    private static string Lookup(JsonObject obj, string path)
    {
        JsonNode? node = obj;
        foreach (var segment in path.Split('.'))
        {
            node = (node as JsonObject)?[segment];
        }

        return node is JsonValue value ? value.ToString() : "";
    }

    private static (string Field, string Value, bool Equal) Split(string raw)
    {
        foreach (var (token, equal) in new[] { ("!=", false), ("==", true), ("=", true) })
        {
            var at = raw.IndexOf(token, StringComparison.Ordinal);
            if (at > 0)
            {
                return (raw[..at].Trim(), raw[(at + token.Length)..].Trim(), equal);
            }
        }

        throw ApiException.BadRequest($"invalid field selector: '{raw}': you must provide a field=value pair");
    }

    private sealed record Requirement(string Field, string Value, bool Equal);
}
