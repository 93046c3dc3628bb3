using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Selectors;

/// <summary>A parsed labelSelector query: equality-based and set-based requirements, all of which must hold.</summary>
public sealed class LabelSelector
{
    public static readonly LabelSelector Everything = new([]);

    private readonly IReadOnlyList<Requirement> _requirements;

    private LabelSelector(IReadOnlyList<Requirement> requirements) => _requirements = requirements;

    public bool IsEverything => _requirements.Count == 0;

    public bool Matches(IReadOnlyDictionary<string, string> labels) => _requirements.All(r => r.Matches(labels));

    /// <summary>Parses the query syntax: <c>a=b,c!=d,e in (f,g),h notin (i),j,!k,l&gt;3</c>.</summary>
    public static LabelSelector Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return Everything;
        }

        return new LabelSelector([.. SplitTopLevel(text).Select(ParseRequirement)]);
    }

    private static IEnumerable<string> SplitTopLevel(string text)
    {
        var depth = 0;
        var start = 0;
        for (var i = 0; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '(':
                    depth++;
                    break;
                case ')':
                    depth--;
                    break;
                case ',' when depth == 0:
                    yield return text[start..i];
                    start = i + 1;
                    break;
            }
        }

        yield return text[start..];
    }

    private static Requirement ParseRequirement(string raw)
    {
        var text = raw.Trim();
        if (text.Length == 0)
        {
            throw Invalid(raw, "empty requirement");
        }

        if (text.StartsWith('!'))
        {
            return new Requirement(Key(text[1..], raw), Operator.DoesNotExist, []);
        }

        foreach (var (token, op) in new[] { (" notin ", Operator.NotIn), (" in ", Operator.In) })
        {
            var at = text.IndexOf(token, StringComparison.Ordinal);
            if (at > 0)
            {
                var set = text[(at + token.Length)..].Trim();
                if (!set.StartsWith('(') || !set.EndsWith(')'))
                {
                    throw Invalid(raw, "expected a value set in parentheses");
                }

                var values = set[1..^1].Split(',').Select(v => v.Trim()).Where(v => v.Length > 0).ToList();
                return new Requirement(Key(text[..at], raw), op, values);
            }
        }

        foreach (var (token, op) in new[]
        {
            ("!=", Operator.NotEquals), ("==", Operator.Equals), ("=", Operator.Equals),
            (">", Operator.GreaterThan), ("<", Operator.LessThan),
        })
        {
            var at = text.IndexOf(token, StringComparison.Ordinal);
            if (at > 0)
            {
                var value = text[(at + token.Length)..].Trim();
                if ((op is Operator.GreaterThan or Operator.LessThan) && !long.TryParse(value, out _))
                {
                    throw Invalid(raw, $"for 'Gt', 'Lt' operators, the value must be an integer");
                }

                return new Requirement(Key(text[..at], raw), op, [value]);
            }
        }

        return new Requirement(Key(text, raw), Operator.Exists, []);
    }

    private static string Key(string key, string raw)
    {
        var trimmed = key.Trim();
        if (trimmed.Length == 0 || trimmed.Any(c => char.IsWhiteSpace(c) || c is '(' or ')' or '!' or '='))
        {
            throw Invalid(raw, $"invalid label key \"{trimmed}\"");
        }

        return trimmed;
    }

    private static ApiException Invalid(string raw, string why) =>
        ApiException.BadRequest($"unable to parse requirement: {raw.Trim()}: {why}");

    private enum Operator
    {
        Equals,
        NotEquals,
        In,
        NotIn,
        Exists,
        DoesNotExist,
        GreaterThan,
        LessThan,
    }

    private sealed record Requirement(string Key, Operator Op, IReadOnlyList<string> Values)
    {
        public bool Matches(IReadOnlyDictionary<string, string> labels)
        {
            var has = labels.TryGetValue(Key, out var value);
            return Op switch
            {
                Operator.Equals or Operator.In => has && Values.Contains(value),
                Operator.NotEquals or Operator.NotIn => !has || !Values.Contains(value),
                Operator.Exists => has,
                Operator.DoesNotExist => !has,
                Operator.GreaterThan => has && long.TryParse(value, out var g) && g > long.Parse(Values[0]),
                Operator.LessThan => has && long.TryParse(value, out var l) && l < long.Parse(Values[0]),
                _ => false,
            };
        }
    }
}
