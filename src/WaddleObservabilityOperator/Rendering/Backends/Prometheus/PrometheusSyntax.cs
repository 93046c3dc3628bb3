using System.Text;
using System.Text.RegularExpressions;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// Turns user values into Prometheus syntax: RE2 literals, label names, and text that Prometheus expands.
/// YAML quoting is not done here; the YAML serializer does it.
/// </summary>
public static partial class PrometheusSyntax
{
    // Exactly the set Go's regexp.QuoteMeta escapes, so patterns read like the ones prometheus-operator writes.
    // .NET's Regex.Escape follows .NET syntax instead (it also escapes space and '#', and writes whitespace as \n, \t),
    // which only happens to be accepted by Go's parser.
    private const string Re2MetaCharacters = @"\.+*?()|[]{}^$";

    /// <summary>An RE2 pattern that matches <paramref name="literal"/> and nothing else (Go's regexp.QuoteMeta).</summary>
    public static string QuoteRegex(string literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        var pattern = new StringBuilder(literal.Length + 8);
        foreach (var c in literal)
        {
            if (Re2MetaCharacters.Contains(c))
            {
                pattern.Append('\\');
            }

            pattern.Append(c);
        }

        return pattern.ToString();
    }

    /// <summary>
    /// The label name Prometheus's Kubernetes discovery derives from a Kubernetes label key: every character outside
    /// [a-zA-Z0-9_] becomes '_' (strutil.SanitizeLabelName).
    /// </summary>
    public static string SanitizeLabelName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var sanitized = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            sanitized.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return sanitized.ToString();
    }

    /// <summary>Whether <paramref name="name"/> is a valid Prometheus label name ([a-zA-Z_][a-zA-Z0-9_]*).</summary>
    public static bool IsValidLabelName(string name) =>
        name.Length > 0
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    /// <summary>
    /// Why <paramref name="regex"/> is no Prometheus regular expression, or null. Prometheus uses Go's RE2; .NET's parser
    /// stands in for it, with the RE2 gaps a .NET pattern could use (lookaround, backreferences) refused first.
    /// </summary>
    public static string? RegexProblem(string regex)
    {
        ArgumentNullException.ThrowIfNull(regex);
        if (Re2Unsupported().IsMatch(regex))
        {
            return "uses lookaround or a backreference, which Prometheus's regular expressions (RE2) do not have";
        }

        try
        {
            _ = new Regex(regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            return null;
        }
        catch (ArgumentException e)
        {
            return $"is not a regular expression: {e.Message}";
        }
    }

    [GeneratedRegex(@"\(\?<?[=!]|\\[1-9]|\\k<", RegexOptions.CultureInvariant)]
    private static partial Regex Re2Unsupported();

    /// <summary>
    /// Escapes '$' as "$$" in an external label value: Prometheus 3 expands ${VAR} and $VAR there (formerly the
    /// expand-external-labels feature), so a literal '$' would otherwise be replaced by an environment variable.
    /// </summary>
    public static string EscapeExpansion(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("$", "$$", StringComparison.Ordinal);
    }
}
