using System.Text;
using k8s.Models;
using WaddleObservabilityOperator.Cli;

namespace WaddleObservabilityOperator.Api.Crds;

/// <summary>
/// docs/api-reference.md: every field of every CRD with its type, description and validation, rendered from the
/// generated schemas (not from the C# types) so the reference says exactly what the API server enforces.
/// </summary>
public static class ApiReferenceDocument
{
    public static string Render(IReadOnlyList<GeneratedCrd> crds)
    {
        var md = new StringBuilder();
        md.Append("# API reference\n\n");
        md.Append("<!-- Generated from the API types; do not edit. Regenerate with:\n     ")
            .Append(GenerateCommand.RegenerateCommand).Append(" -->\n\n");
        md.Append("Kinds: ").AppendJoin(", ", crds.Select(c => $"[{c.Kind}](#{c.Kind.ToLowerInvariant()})")).Append(".\n\n");
        md.Append("In field paths, `list[]` stands for every item of a list and `map[*]` for every value of a map. ")
            .Append("The validation column is what the API server enforces from the CRD schema unless it says otherwise; ")
            .Append("an unset optional field takes the default its description names.\n");

        foreach (var crd in crds)
        {
            Kind(md, crd);
        }

        return md.ToString();
    }

    private static void Kind(StringBuilder md, GeneratedCrd crd)
    {
        var names = crd.Definition.Spec.Names;
        var version = crd.Version;
        md.Append("\n## ").Append(crd.Kind).Append("\n\n");
        if (crd.Schema.Description is { } description)
        {
            md.Append(description).Append("\n\n");
        }

        md.Append("| | |\n|---|---|\n");
        Row(md, "API version", Code(crd.ApiVersion));
        Row(md, "Scope", crd.Definition.Spec.Scope);
        Row(md, "Resource", $"{Code(names.Plural)} (singular {Code(names.Singular)})");
        Row(md, "Short names", string.Join(", ", (names.ShortNames ?? []).Select(Code)));
        Row(md, "Categories", string.Join(", ", (names.Categories ?? []).Select(Code)));
        Row(md, "Subresources", version.Subresources?.Status is not null ? "status" : "none");
        Row(md, "CRD", Code("config/crds/" + crd.FileName));

        if (version.AdditionalPrinterColumns is { Count: > 0 } columns)
        {
            md.Append("\n`kubectl get` columns:\n\n| Column | Type | JSONPath | Description |\n|---|---|---|---|\n");
            foreach (var column in columns)
            {
                Row(md, column.Name, column.Type, Code(column.JsonPath), column.Description ?? "");
            }
        }

        var rules = crd.SemanticRules.ToDictionary(r => r.SchemaPath, r => r.Kind, StringComparer.Ordinal);
        md.Append("\n### Fields\n\n| Field | Type | Description | Validation |\n|---|---|---|---|\n");
        foreach (var (name, property) in crd.Schema.Properties)
        {
            if (name is "spec" or "status")
            {
                Field(md, name, property, crd.Schema.Required?.Contains(name) == true, rules);
            }
        }
    }

    private static void Field(StringBuilder md, string path, V1JSONSchemaProps schema, bool required, Dictionary<string, SemanticRuleKind> rules)
    {
        Row(md, Code(path), Code(SchemaText.TypeName(schema)), schema.Description ?? "", Validation(schema, required, rules.TryGetValue(path, out var rule) ? rule : null));

        var (childPath, children) = schema switch
        {
            { Type: "array", Items: V1JSONSchemaProps items } => (path + "[]", items),
            { Type: "object", AdditionalProperties: V1JSONSchemaProps values } => (path + "[*]", values),
            _ => (path, schema),
        };
        foreach (var (name, property) in children.Properties ?? new Dictionary<string, V1JSONSchemaProps>())
        {
            Field(md, childPath + "." + name, property, children.Required?.Contains(name) == true, rules);
        }
    }

    private static string Validation(V1JSONSchemaProps s, bool required, SemanticRuleKind? rule)
    {
        var parts = new List<string>();
        if (required)
        {
            parts.Add("required");
        }

        if (s.EnumProperty is { Count: > 0 } values)
        {
            parts.Add("one of " + string.Join(", ", values.Select(v => Code(v.ToString()!))));
        }

        if (SchemaText.Range(s) is { } range)
        {
            parts.Add(range);
        }

        if (SchemaText.Length(s) is { } length)
        {
            parts.Add(length);
        }

        if (s.Pattern is { } pattern)
        {
            parts.Add(SchemaText.PatternMeaning(pattern) is { } meaning ? $"{meaning} (pattern {Code(pattern)})" : "pattern " + Code(pattern));
        }

        if (s.MaxItems is { } maxItems)
        {
            parts.Add($"at most {maxItems} items");
        }

        switch (s.XKubernetesListType)
        {
            case "map":
                parts.Add("items unique by " + string.Join(", ", s.XKubernetesListMapKeys.Select(Code)));
                break;
            case "set":
                parts.Add("no duplicates");
                break;
        }

        if (s.XKubernetesMapType == "atomic")
        {
            parts.Add("replaced as a whole on merge");
        }

        switch (rule)
        {
            case SemanticRuleKind.LabelSelector:
                parts.Add("label keys and values in label syntax; `In`/`NotIn` need values, `Exists`/`DoesNotExist` take none (beyond the schema: the API server does not enforce it, `render` reports it)");
                break;
            case SemanticRuleKind.LabelMap:
                parts.Add("label keys and values in label syntax (beyond the schema: the API server does not enforce it, `render` reports it)");
                break;
        }

        return string.Join("; ", parts);
    }

    private static string Code(string text) => "`" + text + "`";

    private static void Row(StringBuilder md, params string[] cells) =>
        md.Append("| ").AppendJoin(" | ", cells.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))).Append(" |\n");
}
