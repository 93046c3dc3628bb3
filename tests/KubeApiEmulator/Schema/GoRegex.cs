using System.Text;

namespace KubeApiEmulator.Schema;

/// <summary>
/// Translates a CRD <c>pattern</c> (Go RE2 syntax, as the API server evaluates it) into an equivalent .NET regex
/// where the two differ on patterns RE2 accepts: <c>$</c> matches only at the very end (not before a final
/// newline), and the Perl classes <c>\d \w \s</c> are ASCII-only.
/// </summary>
internal static class GoRegex
{
    public static string ToDotNet(string pattern)
    {
        var result = new StringBuilder(pattern.Length + 8);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var next = pattern[++i];
                var ascii = next switch
                {
                    'd' => "0-9",
                    'w' => "0-9A-Za-z_",
                    's' => "\\t\\n\\f\\r ",
                    _ => null,
                };
                var negated = next switch
                {
                    'D' => "0-9",
                    'W' => "0-9A-Za-z_",
                    'S' => "\\t\\n\\f\\r ",
                    _ => null,
                };
                if (ascii is not null)
                {
                    result.Append(inClass ? ascii : $"[{ascii}]");
                }
                else if (negated is not null && !inClass)
                {
                    result.Append($"[^{negated}]");
                }
                else
                {
                    result.Append(c).Append(next);
                }

                continue;
            }

            if (inClass)
            {
                if (c == ']' && result[^1] != '[' && !(result.Length >= 2 && result[^1] == '^' && result[^2] == '['))
                {
                    inClass = false;
                }

                result.Append(c);
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    result.Append(c);
                    break;
                case '$':
                    result.Append("\\z");
                    break;
                default:
                    result.Append(c);
                    break;
            }
        }

        return result.ToString();
    }
}
