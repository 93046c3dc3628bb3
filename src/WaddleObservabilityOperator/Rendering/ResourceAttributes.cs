using System.Text;
using System.Text.RegularExpressions;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// Encoding of OTEL_RESOURCE_ATTRIBUTES and of literal env values. The OTel spec wants <c>key=value</c> pairs
/// joined by commas with anything outside the W3C baggage-octet range percent-encoded (and ',' '=' always);
/// Kubernetes expands <c>$(VAR)</c> in env values, so references are kept verbatim and every other '$'
/// is encoded, which also keeps a literal "$(" from being expanded by accident.
/// </summary>
public static partial class ResourceAttributes
{
    [GeneratedRegex(@"\$\([-._a-zA-Z][-._a-zA-Z0-9]*\)", RegexOptions.CultureInvariant)]
    private static partial Regex VariableReference();

    /// <summary>The env value: pairs in the given order, keys and values percent-encoded, <c>$(VAR)</c> references in values intact.</summary>
    public static string Format(IEnumerable<KeyValuePair<string, string>> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var text = new StringBuilder();
        foreach (var (key, value) in attributes)
        {
            if (text.Length > 0)
            {
                text.Append(',');
            }

            PercentEncode(key, text);
            text.Append('=');
            var last = 0;
            foreach (Match reference in VariableReference().Matches(value))
            {
                PercentEncode(value.AsSpan(last, reference.Index - last), text);
                text.Append(reference.Value);
                last = reference.Index + reference.Length;
            }

            PercentEncode(value.AsSpan(last), text);
        }

        return text.ToString();
    }

    /// <summary>Percent-encodes every UTF-8 byte that is not a baggage-octet, and '%', '=' and '$'.</summary>
    public static void PercentEncode(ReadOnlySpan<char> value, StringBuilder into)
    {
        ArgumentNullException.ThrowIfNull(into);
        Span<byte> buffer = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var length = char.IsHighSurrogate(value[i]) && i + 1 < value.Length
                ? Encoding.UTF8.GetBytes(value.Slice(i++, 2), buffer)
                : Encoding.UTF8.GetBytes(value.Slice(i, 1), buffer);
            foreach (var b in buffer[..length])
            {
                if (IsPlain(b))
                {
                    into.Append((char)b);
                }
                else
                {
                    into.Append('%').Append(Convert.ToHexString([b]));
                }
            }
        }
    }

    // baggage-octet = %x21 / %x23-2B / %x2D-3A / %x3C-5B / %x5D-7E (W3C Baggage), minus the escape
    // character '%', the pair separator '=' and '$' (Kubernetes expansion).
    private static bool IsPlain(byte b) =>
        b is 0x21 or (>= 0x23 and <= 0x2B) or (>= 0x2D and <= 0x3A) or (>= 0x3C and <= 0x5B) or (>= 0x5D and <= 0x7E)
        && b is not (byte)'%' and not (byte)'=' and not (byte)'$';

    /// <summary>A literal env value for Kubernetes: '$' doubled so that nothing in it is expanded.</summary>
    public static string KubernetesLiteral(string value) => value.Replace("$", "$$", StringComparison.Ordinal);
}
