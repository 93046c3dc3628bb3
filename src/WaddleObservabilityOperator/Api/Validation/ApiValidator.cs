using System.Text.Json;
using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Api.Crds;
using WaddleObservabilityOperator.Json;

namespace WaddleObservabilityOperator.Api.Validation;

/// <summary>
/// Checks a WaddleService or ObservabilityPolicy against the rules of its generated CRD (the same schema that is
/// committed under config/crds), plus what the API server checks on every object's metadata and the label rules no
/// schema can state. An empty result means the API server would accept the object.
/// </summary>
public static class ApiValidator
{
    private static readonly IReadOnlyDictionary<string, (string ApiVersion, SchemaValidator Validator)> ByKind =
        new CrdGenerator(XmlDocumentation.None).GenerateAll()
            .ToDictionary(crd => crd.Kind, crd => (crd.ApiVersion, new SchemaValidator(crd)), StringComparer.Ordinal);

    /// <summary>The kinds this validator knows.</summary>
    public static IReadOnlyCollection<string> Kinds => [.. ByKind.Keys];

    public static IReadOnlyList<FieldError> Validate(WaddleService service) => Validate(ToNode(service));

    public static IReadOnlyList<FieldError> Validate(ObservabilityPolicy policy) => Validate(ToNode(policy));

    /// <summary>Validates an object read from JSON or YAML; its kind picks the schema.</summary>
    public static IReadOnlyList<FieldError> Validate(JsonNode obj)
    {
        var errors = new List<FieldError>();
        if (obj is not JsonObject root)
        {
            errors.Add(new FieldError("", $"must be an object, got {obj.GetValueKind().ToString().ToLowerInvariant()}"));
            return errors;
        }

        var kind = StringAt(root, "kind");
        if (kind is null)
        {
            errors.Add(new FieldError("kind", "is required"));
            return errors;
        }

        if (!ByKind.TryGetValue(kind, out var entry))
        {
            errors.Add(new FieldError("kind", $"must be one of {string.Join(", ", ByKind.Keys)}; got \"{kind}\""));
            return errors;
        }

        var apiVersion = StringAt(root, "apiVersion");
        if (apiVersion != entry.ApiVersion)
        {
            errors.Add(new FieldError("apiVersion", apiVersion is null ? "is required" : $"must be {entry.ApiVersion} for {kind}, got \"{apiVersion}\""));
        }

        Metadata(root["metadata"], errors);
        entry.Validator.Validate(root, errors);
        return errors;
    }

    // What the API server checks on the metadata of every namespaced object that matters before it is stored.
    private static void Metadata(JsonNode? metadata, List<FieldError> errors)
    {
        if (metadata is not JsonObject meta)
        {
            errors.Add(new FieldError("metadata", metadata is null ? "is required" : "must be an object"));
            return;
        }

        var name = StringAt(meta, "name");
        if (name is null && StringAt(meta, "generateName") is null)
        {
            errors.Add(new FieldError("metadata.name", "is required"));
        }
        else if (name is not null && LabelSyntax.SubdomainError(name) is { } nameError)
        {
            errors.Add(new FieldError("metadata.name", nameError));
        }

        if (StringAt(meta, "namespace") is { } ns && LabelSyntax.LabelNameError(ns) is { } nsError)
        {
            errors.Add(new FieldError("metadata.namespace", nsError));
        }

        foreach (var field in new[] { "labels", "annotations" })
        {
            switch (meta[field])
            {
                case null:
                    break;
                case JsonObject map when field == "labels":
                    LabelSyntax.CheckLabelMap(map, "metadata.labels", errors);
                    NonStringValues(map, "metadata.labels", errors);
                    break;
                case JsonObject map:
                    foreach (var (key, _) in map)
                    {
                        if (LabelSyntax.KeyError(key, "annotation key") is { } keyError)
                        {
                            errors.Add(new FieldError($"metadata.annotations[{key}]", keyError));
                        }
                    }

                    NonStringValues(map, "metadata.annotations", errors);
                    break;
                default:
                    errors.Add(new FieldError("metadata." + field, "must be a map of strings"));
                    break;
            }
        }
    }

    private static void NonStringValues(JsonObject map, string path, List<FieldError> errors)
    {
        foreach (var (key, value) in map)
        {
            if (value is not null && value.GetValueKind() != JsonValueKind.String)
            {
                errors.Add(new FieldError($"{path}[{key}]", $"must be a string, got {value.ToJsonString()} (quote it in YAML)"));
            }
        }
    }

    private static string? StringAt(JsonObject obj, string name) =>
        obj[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    private static JsonNode ToNode(object obj) =>
        OperatorJson.ToNode(obj);
}
