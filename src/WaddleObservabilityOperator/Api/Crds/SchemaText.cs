using System.Globalization;
using k8s.Models;

namespace WaddleObservabilityOperator.Api.Crds;

/// <summary>How schema keywords read in prose, shared by the API reference and the validator's messages.</summary>
public static class SchemaText
{
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A short type name: <c>string</c>, <c>integer (int32)</c>, <c>[]object</c>, <c>map[string]string</c>, <c>quantity</c>.</summary>
    public static string TypeName(V1JSONSchemaProps schema)
    {
        if (schema.XKubernetesIntOrString == true)
        {
            return schema.Pattern == UpstreamMarkers.QuantityPattern ? "quantity" : "int-or-string";
        }

        return schema.Type switch
        {
            "array" => "[]" + TypeName((V1JSONSchemaProps)schema.Items),
            "object" when schema.AdditionalProperties is V1JSONSchemaProps values => "map[string]" + TypeName(values),
            _ when schema.Format is not null => $"{schema.Type} ({schema.Format})",
            _ => schema.Type ?? "any",
        };
    }

    /// <summary>The range a number must be in, e.g. <c>between 0 and 1</c>, or null when unbounded.</summary>
    public static string? Range(V1JSONSchemaProps schema) => (schema.Minimum, schema.Maximum) switch
    {
        ({ } min, { } max) when schema.ExclusiveMinimum == true && schema.ExclusiveMaximum == true => $"strictly between {Number(min)} and {Number(max)}",
        ({ } min, { } max) => $"between {Number(min)} and {Number(max)}",
        ({ } min, null) => $"at least {Number(min)}",
        (null, { } max) => $"at most {Number(max)}",
        _ => null,
    };

    /// <summary>The length a string must have, e.g. <c>1 to 253 characters</c>, or null when unbounded.</summary>
    public static string? Length(V1JSONSchemaProps schema) => (schema.MinLength, schema.MaxLength) switch
    {
        ({ } min, { } max) => $"{min} to {max} characters",
        ({ } min, null) => $"at least {min} characters",
        (null, { } max) => $"at most {max} characters",
        _ => null,
    };

    /// <summary>A pattern by its meaning where it has a well-known one, else null.</summary>
    public static string? PatternMeaning(string pattern) => pattern switch
    {
        PrometheusDurationAttribute.Pattern => "a Prometheus duration such as 15s, 1m30s or 30d",
        UpstreamMarkers.QuantityPattern => "a quantity such as 500m, 128Mi or 2",
        _ => null,
    };
}
