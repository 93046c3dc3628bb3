using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace WaddleObservabilityOperator.Manifests;

/// <summary>
/// Converts a YAML node to JSON the way the API server reads YAML: mappings become objects (keys as strings),
/// sequences arrays, and plain scalars are typed by the YAML 1.2 core schema (null, booleans, integers, floats);
/// quoted and block scalars stay strings. YamlDotNet's own typing turns <c>0.1</c> into a single-precision
/// float, which would change ratios, hence this small resolver.
/// </summary>
public static partial class YamlJsonConverter
{
    private const string StrTag = "tag:yaml.org,2002:str";
    private const string IntTag = "tag:yaml.org,2002:int";
    private const string FloatTag = "tag:yaml.org,2002:float";
    private const string BoolTag = "tag:yaml.org,2002:bool";
    private const string NullTag = "tag:yaml.org,2002:null";

    /// <summary>True for an empty document (no content, or only comments).</summary>
    public static bool IsEmpty(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain, Tag.IsEmpty: true } scalar && string.IsNullOrEmpty(scalar.Value);

    public static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode mapping => ToObject(mapping),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => ToValue(scalar),
        _ => throw new FormatException($"line {node.Start.Line}: unsupported YAML node {node.NodeType}"),
    };

    private static JsonObject ToObject(YamlMappingNode mapping)
    {
        var result = new JsonObject();
        foreach (var (key, value) in mapping.Children)
        {
            var name = key is YamlScalarNode scalarKey
                ? scalarKey.Value ?? "null"
                : throw new FormatException($"line {key.Start.Line}, column {key.Start.Column}: a mapping key must be a scalar");
            if (result.ContainsKey(name))
            {
                // "1" and 1 are distinct YAML keys but the same JSON property.
                throw new FormatException($"line {key.Start.Line}, column {key.Start.Column}: duplicate key '{name}'");
            }

            result[name] = ToJson(value);
        }

        return result;
    }

    private static JsonNode? ToValue(YamlScalarNode scalar)
    {
        var text = scalar.Value ?? "";
        var tag = scalar.Tag.IsEmpty ? null : scalar.Tag.Value;
        if (tag is StrTag || (tag is null && scalar.Style != YamlDotNet.Core.ScalarStyle.Plain))
        {
            return JsonValue.Create(text);
        }

        if (tag is NullTag || (tag is null && NullPattern().IsMatch(text)))
        {
            return null;
        }

        if (tag is BoolTag || (tag is null && BoolPattern().IsMatch(text)))
        {
            return BoolPattern().IsMatch(text)
                ? JsonValue.Create(text.Equals("true", StringComparison.OrdinalIgnoreCase))
                : throw new FormatException($"line {scalar.Start.Line}: '{text}' is not a boolean");
        }

        if (tag is IntTag || (tag is null && IntPattern().IsMatch(text)))
        {
            return ParseInteger(scalar, text);
        }

        if (tag is FloatTag || (tag is null && FloatPattern().IsMatch(text)))
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
            {
                return JsonValue.Create(number);
            }

            throw new FormatException($"line {scalar.Start.Line}: '{text}' is not a finite number (JSON has no infinity or NaN)");
        }

        return JsonValue.Create(text);
    }

    private static JsonValue ParseInteger(YamlScalarNode scalar, string text)
    {
        var parsed = text switch
        {
            _ when text.StartsWith("0x", StringComparison.Ordinal) =>
                long.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex) ? hex : (long?)null,
            _ when text.StartsWith("0o", StringComparison.Ordinal) => ParseOctal(text.AsSpan(2)),
            _ => long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var dec) ? dec : null,
        };
        return parsed is { } value
            ? JsonValue.Create(value)
            : throw new FormatException($"line {scalar.Start.Line}: '{text}' is not a 64-bit integer");
    }

    private static long? ParseOctal(ReadOnlySpan<char> digits)
    {
        long value = 0;
        foreach (var digit in digits)
        {
            if (digit is < '0' or > '7' || value > (long.MaxValue >> 3))
            {
                return null;
            }

            value = (value << 3) + (digit - '0');
        }

        return digits.IsEmpty ? null : value;
    }

    [GeneratedRegex("^(~|null|Null|NULL)?$")]
    private static partial Regex NullPattern();

    [GeneratedRegex("^(true|True|TRUE|false|False|FALSE)$")]
    private static partial Regex BoolPattern();

    [GeneratedRegex("^([-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")]
    private static partial Regex IntPattern();

    [GeneratedRegex(@"^([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))$")]
    private static partial Regex FloatPattern();
}
