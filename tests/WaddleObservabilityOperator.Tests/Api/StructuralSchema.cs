using k8s.Models;

namespace WaddleObservabilityOperator.Tests.Api;

/// <summary>
/// The rules of a structural schema (Kubernetes "Specifying a structural schema"): every node has a type unless it is
/// int-or-string or preserves unknown fields; anyOf/allOf/oneOf/not carry value validations only; properties and
/// additionalProperties never together; no $ref, no uniqueItems; the root metadata says only that it is an object;
/// list-map keys belong to map lists of objects that require them.
/// </summary>
internal static class StructuralSchema
{
    public static void Check(V1JSONSchemaProps root, string path, List<string> problems)
    {
        Node(root, path, problems);
        var metadata = root.Properties["metadata"];
        if (metadata.Type != "object" || metadata.Properties is not null || metadata.AdditionalProperties is not null)
        {
            problems.Add($"{path}.metadata: must be only `type: object`");
        }
    }

    private static void Node(V1JSONSchemaProps s, string path, List<string> problems)
    {
        if (string.IsNullOrEmpty(s.Type) && s.XKubernetesIntOrString != true && s.XKubernetesPreserveUnknownFields != true)
        {
            problems.Add($"{path}: no type");
        }

        if (s.XKubernetesIntOrString == true && (s.AnyOf?.Select(a => a.Type).SequenceEqual(["integer", "string"]) != true || s.Type is not null))
        {
            problems.Add($"{path}: int-or-string must be anyOf integer/string without a type");
        }

        if (s.Properties is not null && s.AdditionalProperties is not null)
        {
            problems.Add($"{path}: properties and additionalProperties together");
        }

        if (s.AdditionalProperties is bool)
        {
            problems.Add($"{path}: additionalProperties must be a schema");
        }

        if (s.RefProperty is not null || s.UniqueItems == true || s.Nullable == true && s.Type is null)
        {
            problems.Add($"{path}: $ref, uniqueItems or untyped nullable");
        }

        if (s.Type == "array" && s.Items is not V1JSONSchemaProps)
        {
            problems.Add($"{path}: an array needs one items schema");
        }

        if (s.Type != "array" && (s.Items is not null || s.MaxItems is not null || s.XKubernetesListType is not null))
        {
            problems.Add($"{path}: list keywords on a {s.Type}");
        }

        if (s.Type != "string" && s.XKubernetesIntOrString != true && (s.Pattern is not null || s.MaxLength is not null || s.MinLength is not null))
        {
            problems.Add($"{path}: string keywords on a {s.Type}");
        }

        if (s.Type is not ("integer" or "number") && (s.Minimum is not null || s.Maximum is not null))
        {
            problems.Add($"{path}: number keywords on a {s.Type}");
        }

        foreach (var junction in (s.AnyOf ?? []).Concat(s.AllOf ?? []).Concat(s.OneOf ?? []).Concat(s.Not is null ? [] : [s.Not]))
        {
            var onlyIntOrStringType = s.XKubernetesIntOrString == true && junction.Type is "integer" or "string";
            if ((junction.Type is not null && !onlyIntOrStringType) || junction.Description is not null || junction.Properties is not null
                || junction.AdditionalProperties is not null || junction.Nullable is not null || junction.DefaultProperty is not null)
            {
                problems.Add($"{path}: anyOf/allOf/oneOf/not may hold value validations only");
            }
        }

        if (s.XKubernetesListMapKeys is not null)
        {
            var items = s.Items as V1JSONSchemaProps;
            if (s.XKubernetesListType != "map" || items?.Type != "object" || s.XKubernetesListMapKeys.Any(k => items.Required?.Contains(k) != true))
            {
                problems.Add($"{path}: list-map keys need list-type map over objects that require the keys");
            }
        }

        if (s.Required is not null && s.Required.Any(r => s.Properties?.ContainsKey(r) != true))
        {
            problems.Add($"{path}: requires a property it does not declare");
        }

        foreach (var (name, property) in s.Properties ?? new Dictionary<string, V1JSONSchemaProps>())
        {
            Node(property, path + "." + name, problems);
        }

        if (s.Items is V1JSONSchemaProps item)
        {
            Node(item, path + "[]", problems);
        }

        if (s.AdditionalProperties is V1JSONSchemaProps values)
        {
            Node(values, path + "[*]", problems);
        }
    }
}
