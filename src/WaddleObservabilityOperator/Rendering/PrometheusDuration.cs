using System.Globalization;
using System.Text.RegularExpressions;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>Prometheus durations (<c>model.ParseDuration</c>): units y, w, d, h, m, s, ms in that order, integers only.</summary>
public static partial class PrometheusDuration
{
    [GeneratedRegex("^(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    private static readonly long[] UnitMilliseconds =
    [
        365L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, 24L * 3600 * 1000, 3600L * 1000, 60L * 1000, 1000L, 1L,
    ];

    /// <summary>Parses a duration into milliseconds; false for an empty, malformed or overflowing value.</summary>
    public static bool TryParseMilliseconds(string? text, out long milliseconds)
    {
        milliseconds = 0;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        if (text == "0")
        {
            return true;
        }

        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return false;
        }

        try
        {
            for (var unit = 0; unit < UnitMilliseconds.Length; unit++)
            {
                var group = match.Groups[(unit * 2) + 2];
                if (group.Success)
                {
                    milliseconds = checked(milliseconds + (checked(long.Parse(group.Value, CultureInfo.InvariantCulture) * UnitMilliseconds[unit])));
                }
            }
        }
        catch (OverflowException)
        {
            return false;
        }

        return true;
    }
}
