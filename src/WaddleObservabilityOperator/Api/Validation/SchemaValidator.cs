using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s.Models;
using WaddleObservabilityOperator.Api.Crds;

namespace WaddleObservabilityOperator.Api.Validation;

/// <summary>
/// Validates JSON against a generated CRD schema the way the API server does: nulls in non-nullable object fields
/// count as absent (the server prunes them before validating, so a null required field is missing), then types, enums, required, bounds, lengths, patterns, item counts, list-map and
/// set uniqueness and unknown fields (which strict field validation rejects), then the generator's semantic rules.
/// </summary>
public sealed class SchemaValidator
{
    private readonly GeneratedCrd _crd;
    private readonly Dictionary<string, SemanticRuleKind> _rules;
    private readonly Dictionary<string, Regex> _patterns = new(StringComparer.Ordinal);

    public SchemaValidator(GeneratedCrd crd)
    {
        _crd = crd;
        _rules = crd.SemanticRules.ToDictionary(r => r.SchemaPath, r => r.Kind, StringComparer.Ordinal);
        CompilePatterns(crd.Schema);
    }

    /// <summary>Checks everything below the root except metadata, which the API server validates itself.</summary>
    public void Validate(JsonObject obj, List<FieldError> errors) => Node(obj, _crd.Schema, "", "", errors);

    private void Node(JsonNode? value, V1JSONSchemaProps schema, string path, string schemaPath, List<FieldError> errors)
    {
        if (value is null)
        {
            return;
        }

        if (schema.XKubernetesIntOrString == true)
        {
            IntOrString(value, schema, path, errors);
            return;
        }

        switch (schema.Type)
        {
            case "object":
                if (value is not JsonObject obj)
                {
                    errors.Add(new FieldError(path, $"must be an object, got {Describe(value)}"));
                    return;
                }

                Object(obj, schema, path, schemaPath, errors);
                break;
            case "array":
                if (value is not JsonArray array)
                {
                    errors.Add(new FieldError(path, $"must be a list, got {Describe(value)}"));
                    return;
                }

                Array(array, schema, path, schemaPath, errors);
                break;
            case "string":
                if (Kind(value) != JsonValueKind.String)
                {
                    errors.Add(new FieldError(path, $"must be a string, got {Describe(value)}{QuoteHint(value)}"));
                    return;
                }

                String(value.GetValue<string>(), schema, path, errors);
                break;
            case "integer" or "number":
                if (Kind(value) != JsonValueKind.Number)
                {
                    errors.Add(new FieldError(path, $"must be {(schema.Type == "integer" ? "an integer" : "a number")}, got {Describe(value)}"));
                    return;
                }

                Number(value.AsValue(), schema, path, errors);
                break;
            case "boolean":
                if (Kind(value) is not (JsonValueKind.True or JsonValueKind.False))
                {
                    errors.Add(new FieldError(path, $"must be true or false, got {Describe(value)}"));
                }

                break;
        }

        if (_rules.TryGetValue(schemaPath, out var rule) && value is JsonObject checkedObject)
        {
            switch (rule)
            {
                case SemanticRuleKind.LabelSelector:
                    LabelSyntax.CheckSelector(checkedObject, path, errors);
                    break;
                case SemanticRuleKind.LabelMap:
                    LabelSyntax.CheckLabelMap(checkedObject, path, errors);
                    break;
            }
        }
    }

    private void Object(JsonObject obj, V1JSONSchemaProps schema, string path, string schemaPath, List<FieldError> errors)
    {
        if (schema.Properties is { } properties)
        {
            foreach (var (name, child) in obj)
            {
                if (path.Length == 0 && name == "metadata")
                {
                    continue;
                }

                var childPath = Join(path, name);
                if (properties.TryGetValue(name, out var childSchema))
                {
                    Node(child, childSchema, childPath, Join(schemaPath, name), errors);
                }
                else if (schema.XKubernetesPreserveUnknownFields != true)
                {
                    errors.Add(new FieldError(childPath, $"unknown field (known: {string.Join(", ", properties.Keys)})"));
                }
            }
        }
        else if (schema.AdditionalProperties is V1JSONSchemaProps values)
        {
            foreach (var (key, child) in obj)
            {
                Node(child, values, $"{path}[{key}]", schemaPath + "[*]", errors);
            }
        }

        foreach (var required in schema.Required ?? [])
        {
            if (obj[required] is null)
            {
                errors.Add(new FieldError(Join(path, required), "is required"));
            }
        }
    }

    private void Array(JsonArray array, V1JSONSchemaProps schema, string path, string schemaPath, List<FieldError> errors)
    {
        if (schema.MaxItems is { } max && array.Count > max)
        {
            errors.Add(new FieldError(path, $"must have at most {max} items, got {array.Count}"));
        }

        if (schema.MinItems is { } min && array.Count < min)
        {
            errors.Add(new FieldError(path, $"must have at least {min} items, got {array.Count}"));
        }

        var items = (V1JSONSchemaProps)schema.Items;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < array.Count; i++)
        {
            var at = $"{path}[{i}]";
            if (array[i] is null && items.Nullable != true)
            {
                // The server prunes nulls only from object fields; a null list item stays and fails validation.
                errors.Add(new FieldError(at, "must not be null"));
                continue;
            }

            Node(array[i], items, at, schemaPath + "[]", errors);
            var identity = schema.XKubernetesListType switch
            {
                "set" when array[i] is JsonValue scalar => scalar.ToJsonString(),
                "map" when array[i] is JsonObject entry => string.Join(", ", schema.XKubernetesListMapKeys.Select(k => $"{k} {entry[k]?.ToJsonString() ?? "null"}")),
                _ => null,
            };
            if (identity is not null && !seen.TryAdd(identity, i))
            {
                errors.Add(new FieldError(at, $"duplicate of [{seen[identity]}] ({identity})"));
            }
        }
    }

    private void String(string text, V1JSONSchemaProps schema, string path, List<FieldError> errors)
    {
        if (schema.EnumProperty is { Count: > 0 } allowed)
        {
            if (!allowed.Any(a => string.Equals(a.ToString(), text, StringComparison.Ordinal)))
            {
                errors.Add(new FieldError(path, $"must be one of {string.Join(", ", allowed)}; got \"{text}\""));
            }

            return;
        }

        var length = text.EnumerateRunes().Count();
        if (schema.MinLength is { } minLength && length < minLength)
        {
            errors.Add(new FieldError(path, minLength == 1 ? "must not be empty" : $"must be {SchemaText.Length(schema)}, got {length}"));
        }
        else if (schema.MaxLength is { } maxLength && length > maxLength)
        {
            errors.Add(new FieldError(path, $"must be {SchemaText.Length(schema)}, got {length}"));
        }

        if (schema.Pattern is { } pattern && !_patterns[pattern].IsMatch(text))
        {
            errors.Add(new FieldError(path, SchemaText.PatternMeaning(pattern) is { } meaning
                ? $"must be {meaning}, got \"{text}\""
                : $"must match {pattern}, got \"{text}\""));
        }

        if (schema.Format == "date-time" && !DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], CultureInfo.InvariantCulture, DateTimeStyles.None, out _))
        {
            errors.Add(new FieldError(path, $"must be an RFC 3339 date-time such as 2026-01-02T15:04:05Z, got \"{text}\""));
        }
    }

    private static void Number(JsonValue value, V1JSONSchemaProps schema, string path, List<FieldError> errors)
    {
        var number = AsDouble(value);
        if (schema.Type == "integer")
        {
            if (number != Math.Floor(number))
            {
                errors.Add(new FieldError(path, $"must be an integer, got {value.ToJsonString()}"));
                return;
            }

            var (low, high) = schema.Format == "int32" ? ((double)int.MinValue, (double)int.MaxValue) : (long.MinValue, long.MaxValue);
            if (number < low || number > high)
            {
                errors.Add(new FieldError(path, $"must fit in {(schema.Format == "int32" ? "32" : "64")} bits, got {value.ToJsonString()}"));
                return;
            }
        }

        if ((schema.Minimum is { } min && (number < min || (schema.ExclusiveMinimum == true && number == min)))
            || (schema.Maximum is { } max && (number > max || (schema.ExclusiveMaximum == true && number == max))))
        {
            errors.Add(new FieldError(path, $"must be {SchemaText.Range(schema)}, got {value.ToJsonString()}"));
        }
    }

    private void IntOrString(JsonNode value, V1JSONSchemaProps schema, string path, List<FieldError> errors)
    {
        switch (Kind(value))
        {
            case JsonValueKind.String:
                var text = value.GetValue<string>();
                if (schema.Pattern is { } pattern && !_patterns[pattern].IsMatch(text))
                {
                    errors.Add(new FieldError(path, $"must be {SchemaText.PatternMeaning(pattern) ?? "match " + pattern}, got \"{text}\""));
                }

                break;
            case JsonValueKind.Number when AsDouble(value.AsValue()) is var n && n == Math.Floor(n):
                break;
            default:
                errors.Add(new FieldError(path, $"must be an integer or a string, got {Describe(value)}"));
                break;
        }
    }

    private void CompilePatterns(V1JSONSchemaProps schema)
    {
        if (schema.Pattern is { } pattern && !_patterns.ContainsKey(pattern))
        {
            _patterns[pattern] = new Regex(AsGoPattern(pattern), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }

        foreach (var child in (schema.Properties?.Values ?? [])
            .Concat(schema.Items is V1JSONSchemaProps items ? [items] : [])
            .Concat(schema.AdditionalProperties is V1JSONSchemaProps values ? [values] : []))
        {
            CompilePatterns(child);
        }
    }

    // In Go (RE2), `$` matches only at the very end; in .NET it also matches before a final newline. Unescaped `$`
    // outside character classes becomes `\z` so "15s\n" is rejected here as it is by the API server.
    private static string AsGoPattern(string pattern)
    {
        var result = new StringBuilder(pattern.Length + 4);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                result.Append(c).Append(pattern[++i]);
                continue;
            }

            inClass = c switch { '[' => true, ']' => false, _ => inClass };
            result.Append(c == '$' && !inClass ? "\\z" : c.ToString());
        }

        return result.ToString();
    }

    private static JsonValueKind Kind(JsonNode value) => value.GetValueKind();

    // Through the JSON text, so values created from any CLR number type (not only parsed JSON) read the same.
    private static double AsDouble(JsonValue value) => double.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Describe(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "a list",
        JsonValueKind.String => $"string {value.ToJsonString()}",
        JsonValueKind.Number => $"number {value.ToJsonString()}",
        JsonValueKind.True or JsonValueKind.False => $"boolean {value.ToJsonString()}",
        _ => value.ToJsonString(),
    };

    // YAML reads 1.0, true or 0755 unquoted as numbers and booleans.
    private static string QuoteHint(JsonNode value) =>
        value.GetValueKind() is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False ? " (quote it in YAML)" : "";

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
