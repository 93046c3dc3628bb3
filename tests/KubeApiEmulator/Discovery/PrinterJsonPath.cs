using System.Text.Json.Nodes;

namespace KubeApiEmulator.Discovery;

/// <summary>
/// The subset of kubectl JSONPath that CRD printer columns use: <c>.a.b</c>, <c>.a[0]</c>, <c>.a[*].b</c>,
/// <c>.a['x.y']</c> and filters <c>.a[?(@.type=="Ready")].status</c>.
/// </summary>
internal static class PrinterJsonPath
{
    public static IReadOnlyList<JsonNode?> Evaluate(JsonNode? root, string path)
    {
        var current = new List<JsonNode?> { root };
        var text = path.Trim();
        if (text.StartsWith('{') && text.EndsWith('}'))
        {
            text = text[1..^1];
        }

        if (text.StartsWith('$'))
        {
            text = text[1..];
        }

        var i = 0;
        while (i < text.Length && current.Count > 0)
        {
            if (text[i] == '.')
            {
                var end = i + 1;
                while (end < text.Length && text[end] is not ('.' or '['))
                {
                    end++;
                }

                var field = text[(i + 1)..end];
                current = [.. current.Select(n => field.Length == 0 ? n : (n as JsonObject)?[field]).Where(n => n is not null)];
                i = end;
            }
            else if (text[i] == '[')
            {
                var end = FindClosingBracket(text, i);
                var selector = text[(i + 1)..end];
                current = [.. current.SelectMany(n => Select(n, selector))];
                i = end + 1;
            }
            else
            {
                throw new FormatException($"unsupported JSONPath \"{path}\" at {i}");
            }
        }

        return current;
    }

    /// <summary>The first match rendered as a table cell.</summary>
    public static JsonNode? FirstValue(JsonNode? root, string path)
    {
        var matches = Evaluate(root, path);
        return matches.Count == 0 ? null : matches[0]?.DeepClone();
    }

    private static int FindClosingBracket(string text, int open)
    {
        var depth = 0;
        var quote = '\0';
        for (var i = open; i < text.Length; i++)
        {
            var c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
            }
            else if (c == '[')
            {
                depth++;
            }
            else if (c == ']' && --depth == 0)
            {
                return i;
            }
        }

        throw new FormatException($"unbalanced brackets in JSONPath \"{text}\"");
    }

    private static IEnumerable<JsonNode?> Select(JsonNode? node, string selector)
    {
        selector = selector.Trim();
        if (selector == "*")
        {
            return node switch
            {
                JsonArray array => array,
                JsonObject obj => obj.Select(p => p.Value),
                _ => [],
            };
        }

        if (selector.Length > 1 && selector[0] is '\'' or '"')
        {
            return (node as JsonObject)?[selector[1..^1]] is { } member ? [member] : [];
        }

        if (selector.StartsWith("?(") && selector.EndsWith(')'))
        {
            var filter = selector[2..^1];
            return node is JsonArray items ? items.Where(item => FilterMatches(item, filter)) : [];
        }

        if (int.TryParse(selector, out var index) && node is JsonArray list)
        {
            if (index < 0)
            {
                index += list.Count;
            }

            return index >= 0 && index < list.Count ? [list[index]] : [];
        }

        return [];
    }

    /// <summary>Filters of the form <c>@.path==value</c> / <c>!=</c> / <c>@.path</c> (exists).</summary>
    private static bool FilterMatches(JsonNode? item, string filter)
    {
        foreach (var op in new[] { "==", "!=" })
        {
            var at = filter.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                var left = Operand(item, filter[..at].Trim());
                var right = Operand(item, filter[(at + op.Length)..].Trim());
                var equal = left == right;
                return op == "==" ? equal : !equal;
            }
        }

        return Operand(item, filter.Trim()) is not null;
    }

    private static string? Operand(JsonNode? item, string text)
    {
        if (text.StartsWith('@'))
        {
            var matches = Evaluate(item, text[1..]);
            return matches.Count == 0 ? null : Cell(matches[0]);
        }

        return text.Length > 1 && text[0] is '"' or '\'' ? text[1..^1] : text;
    }

    public static string Cell(JsonNode? node) => node switch
    {
        null => "",
        JsonValue value when value.TryGetValue<string>(out var s) => s,
        _ => node.ToJsonString(),
    };
}
