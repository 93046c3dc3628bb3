using System.Globalization;

namespace WaddleObservabilityOperator.Rendering.Slos;

/// <summary>
/// A bucket boundary as Prometheus writes the <c>le</c> label: Prometheus 3 normalises it on ingestion to
/// FormatOpenMetricsFloat (Go's shortest <c>%g</c>, with <c>.0</c> added when that has neither a point nor an exponent),
/// which is also what WaddleBot's Python library exposes: 0.25 is <c>0.25</c>, 1 is <c>1.0</c>, 10 is <c>10.0</c>.
/// </summary>
public static class PrometheusFloat
{
    public static string Format(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }

        if (double.IsNaN(value))
        {
            return "NaN";
        }

        var text = GoShortestG(value);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('e', StringComparison.Ordinal) ? text : text + ".0";
    }

    // strconv.FormatFloat(f, 'g', -1, 64): the shortest digits that round-trip, in %e form when the exponent is below -4
    // or at least 6 (the precision Go's shortest %g decides with), else in %f form.
    private static string GoShortestG(double value)
    {
        if (value == 0)
        {
            return "0";
        }

        var sign = value < 0 ? "-" : "";
        var (digits, exponent) = ShortestDigits(Math.Abs(value));
        if (exponent < -4 || exponent >= 6)
        {
            var mantissa = digits.Length == 1 ? digits : digits[0] + "." + digits[1..];
            var exponentText = Math.Abs(exponent).ToString("00", CultureInfo.InvariantCulture);
            return $"{sign}{mantissa}e{(exponent < 0 ? "-" : "+")}{exponentText}";
        }

        string body;
        if (exponent < 0)
        {
            body = "0." + new string('0', -exponent - 1) + digits;
        }
        else if (digits.Length <= exponent + 1)
        {
            body = digits + new string('0', exponent + 1 - digits.Length);
        }
        else
        {
            body = digits[..(exponent + 1)] + "." + digits[(exponent + 1)..];
        }

        return sign + body;
    }

    // The shortest round-trip significant digits of a positive number and the decimal exponent of the first digit.
    private static (string Digits, int Exponent) ShortestDigits(double value)
    {
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var mantissa = shortest;
        var exponent = 0;
        var e = shortest.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            mantissa = shortest[..e];
            exponent = int.Parse(shortest[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        }

        var point = mantissa.IndexOf('.', StringComparison.Ordinal);
        var integerPart = point >= 0 ? mantissa[..point] : mantissa;
        var fraction = point >= 0 ? mantissa[(point + 1)..] : "";
        var all = integerPart + fraction;
        var leadingZeros = all.Length - all.TrimStart('0').Length;
        var digits = all.TrimStart('0').TrimEnd('0');
        // Position of the first significant digit relative to the point.
        exponent += integerPart.Length - 1 - leadingZeros;
        return (digits.Length == 0 ? "0" : digits, exponent);
    }
}
