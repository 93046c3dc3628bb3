using System.Globalization;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>Canonical text of a sampling ratio: invariant, shortest round-trip, never exponent notation (0.00001, not 1E-05).</summary>
public static class Ratio
{
    public static string Format(double ratio)
    {
        var text = ratio.ToString("R", CultureInfo.InvariantCulture);
        var e = text.IndexOfAny(['E', 'e']);
        if (e < 0)
        {
            return text;
        }

        // Expand d.dddE±x by moving the decimal point; digits stay exactly those of the shortest form.
        var mantissa = text[..e];
        var exponent = int.Parse(text[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var negative = mantissa.StartsWith('-');
        var digits = mantissa.TrimStart('-').Replace(".", "", StringComparison.Ordinal);
        var point = mantissa.TrimStart('-').IndexOf('.') is var p and >= 0 ? p : mantissa.TrimStart('-').Length;
        point += exponent;
        string result;
        if (point <= 0)
        {
            result = "0." + new string('0', -point) + digits;
        }
        else if (point >= digits.Length)
        {
            result = digits + new string('0', point - digits.Length);
        }
        else
        {
            result = digits[..point] + "." + digits[point..];
        }

        return negative ? "-" + result : result;
    }
}
