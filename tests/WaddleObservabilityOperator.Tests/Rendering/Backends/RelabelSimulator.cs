using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>
/// Applies parsed relabel_configs to a target's labels the way Prometheus does (model/relabel): source values joined
/// by ';', the regex fully anchored. .NET regexes stand in for RE2: the generated patterns use only escapes of
/// metacharacters, groups, alternation and '.*'/'.+', which both engines read alike; '\z' gives RE2's end anchor
/// ('$' in .NET would also match before a final newline).
/// </summary>
internal static class RelabelSimulator
{
    /// <summary>The target's labels after relabelling, or null when a keep or drop rule discarded it.</summary>
    public static Dictionary<string, string>? Apply(IReadOnlyList<YamlNode> rules, IReadOnlyDictionary<string, string> labels)
    {
        var current = new Dictionary<string, string>(labels, StringComparer.Ordinal);
        foreach (var rule in rules)
        {
            var action = rule.Has("action") ? rule.Text("action") : "replace";
            var regex = new Regex(@"\A(?:" + (rule.Has("regex") ? rule.Text("regex") : "(.*)") + @")\z", RegexOptions.CultureInvariant);
            var sources = rule.Has("source_labels") ? rule.Items("source_labels").Select(n => ((YamlScalarNode)n).Value!) : [];
            var value = string.Join(';', sources.Select(s => current.GetValueOrDefault(s, "")));
            var match = regex.Match(value);
            switch (action)
            {
                case "keep" when !match.Success:
                case "drop" when match.Success:
                    return null;
                case "keep":
                case "drop":
                    break;
                case "replace":
                    if (!match.Success)
                    {
                        break;
                    }

                    var replacement = rule.Has("replacement") ? rule.Text("replacement") : "$1";
                    var result = Regex.Replace(replacement, @"\$\{(\d+)\}|\$(\d+)", m => match.Groups[int.Parse(m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)].Value);
                    var target = rule.Text("target_label");
                    if (result.Length == 0)
                    {
                        current.Remove(target);
                    }
                    else
                    {
                        current[target] = result;
                    }

                    break;
                default:
                    throw new NotSupportedException($"relabel action {action} is not simulated");
            }
        }

        return current;
    }
}
