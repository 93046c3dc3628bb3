using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace WaddleObservabilityOperator.Api.Validation;

/// <summary>
/// The label key, label value and label selector rules of apimachinery (validation.IsQualifiedName,
/// IsValidLabelValue, ValidateLabelSelector), which an openAPIV3Schema cannot express.
/// </summary>
public static partial class LabelSyntax
{
    public static readonly IReadOnlyList<string> Operators = ["In", "NotIn", "Exists", "DoesNotExist"];

    [GeneratedRegex("^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")]
    private static partial Regex QualifiedNamePart();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Dns1123Subdomain();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Dns1123Label();

    /// <summary>Why <paramref name="key"/> is not a label (or annotation) key: an optional DNS subdomain prefix and a name; null when it is.</summary>
    public static string? KeyError(string key, string what = "label key")
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0)
            {
                return $"{what} \"{key}\": the prefix before '/' must not be empty";
            }

            if (SubdomainError(prefix) is { } prefixError)
            {
                return $"{what} \"{key}\": prefix {prefixError}";
            }
        }

        if (name.Length == 0)
        {
            return $"{what} \"{key}\": the name part must not be empty";
        }

        if (name.Length > 63)
        {
            return $"{what} \"{key}\": the name part must be at most 63 characters, got {name.Length}";
        }

        return QualifiedNamePart().IsMatch(name)
            ? null
            : $"{what} \"{key}\": the name part must consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric";
    }

    /// <summary>Why <paramref name="value"/> is not a label value (empty, or up to 63 characters of the name syntax), or null.</summary>
    public static string? ValueError(string value)
    {
        if (value.Length > 63)
        {
            return $"label value \"{value}\" must be at most 63 characters, got {value.Length}";
        }

        return value.Length == 0 || QualifiedNamePart().IsMatch(value)
            ? null
            : $"label value \"{value}\" must be empty or consist of alphanumerics, '-', '_' or '.', and start and end with an alphanumeric";
    }

    /// <summary>Why <paramref name="name"/> is not a DNS-1123 subdomain (object names, key prefixes), or null.</summary>
    public static string? SubdomainError(string name) =>
        name.Length > 253 ? $"must be at most 253 characters, got {name.Length}"
        : Dns1123Subdomain().IsMatch(name) ? null
        : $"\"{name}\" must be a lowercase DNS-1123 subdomain (lowercase alphanumerics, '-' and '.', starting and ending with an alphanumeric)";

    /// <summary>Why <paramref name="name"/> is not a DNS-1123 label (namespaces), or null.</summary>
    public static string? LabelNameError(string name) =>
        name.Length > 63 ? $"must be at most 63 characters, got {name.Length}"
        : Dns1123Label().IsMatch(name) ? null
        : $"\"{name}\" must be a lowercase DNS-1123 label (lowercase alphanumerics and '-', starting and ending with an alphanumeric)";

    /// <summary>Checks a string map of label keys and values; non-string values are left to the schema.</summary>
    public static void CheckLabelMap(JsonObject labels, string path, List<FieldError> errors)
    {
        foreach (var (key, value) in labels)
        {
            var at = $"{path}[{key}]";
            if (KeyError(key) is { } keyError)
            {
                errors.Add(new FieldError(at, keyError));
            }

            if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String && ValueError(v.GetValue<string>()) is { } valueError)
            {
                errors.Add(new FieldError(at, valueError));
            }
        }
    }

    /// <summary>Checks a metav1.LabelSelector already found structurally valid by its schema.</summary>
    public static void CheckSelector(JsonObject selector, string path, List<FieldError> errors)
    {
        if (selector["matchLabels"] is JsonObject matchLabels)
        {
            CheckLabelMap(matchLabels, path + ".matchLabels", errors);
        }

        if (selector["matchExpressions"] is not JsonArray expressions)
        {
            return;
        }

        for (var i = 0; i < expressions.Count; i++)
        {
            if (expressions[i] is not JsonObject expression)
            {
                continue;
            }

            var at = $"{path}.matchExpressions[{i}]";
            if (expression["key"] is JsonValue key && key.GetValueKind() == JsonValueKind.String && KeyError(key.GetValue<string>()) is { } keyError)
            {
                errors.Add(new FieldError(at + ".key", keyError));
            }

            var values = expression["values"] as JsonArray ?? [];
            if (expression["operator"] is JsonValue op && op.GetValueKind() == JsonValueKind.String)
            {
                switch (op.GetValue<string>())
                {
                    case "In" or "NotIn" when values.Count == 0:
                        errors.Add(new FieldError(at + ".values", $"must have at least one value when operator is {op.GetValue<string>()}"));
                        break;
                    case "Exists" or "DoesNotExist" when values.Count > 0:
                        errors.Add(new FieldError(at + ".values", $"must be empty when operator is {op.GetValue<string>()}"));
                        break;
                    case var other when !Operators.Contains(other):
                        errors.Add(new FieldError(at + ".operator", $"must be one of {string.Join(", ", Operators)}; got \"{other}\""));
                        break;
                }
            }

            for (var j = 0; j < values.Count; j++)
            {
                if (values[j] is JsonValue value && value.GetValueKind() == JsonValueKind.String && ValueError(value.GetValue<string>()) is { } valueError)
                {
                    errors.Add(new FieldError($"{at}.values[{j}]", valueError));
                }
            }
        }
    }
}
