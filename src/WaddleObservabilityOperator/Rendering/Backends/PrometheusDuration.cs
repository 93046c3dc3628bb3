using System.Globalization;
using System.Text.RegularExpressions;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>Parses Prometheus durations (model.ParseDuration): units y, w, d, h, m, s, ms in that order, or "0".</summary>
public static partial class PrometheusDuration
{
    [GeneratedRegex("^(?:(?<y>[0-9]+)y)?(?:(?<w>[0-9]+)w)?(?:(?<d>[0-9]+)d)?(?:(?<h>[0-9]+)h)?(?:(?<m>[0-9]+)m)?(?:(?<s>[0-9]+)s)?(?:(?<ms>[0-9]+)ms)?$", RegexOptions.CultureInvariant)]
    private static partial Regex DurationPattern();

    /// <summary>The duration, or null when <paramref name="text"/> is not a Prometheus duration.</summary>
    public static TimeSpan? TryParse(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (text == "0")
        {
            return TimeSpan.Zero;
        }

        var match = DurationPattern().Match(text);
        if (!match.Success)
        {
            return null;
        }

        // A year is 365 days in Prometheus, as in model.ParseDuration.
        (string Group, long Milliseconds)[] units =
        [
            ("y", 365L * 24 * 3600 * 1000), ("w", 7L * 24 * 3600 * 1000), ("d", 24L * 3600 * 1000),
            ("h", 3600L * 1000), ("m", 60L * 1000), ("s", 1000L), ("ms", 1L),
        ];
        decimal total = 0;
        foreach (var (group, milliseconds) in units)
        {
            var captured = match.Groups[group];
            if (!captured.Success)
            {
                continue;
            }

            // Beyond 10^18 of any unit the total is past int64 nanoseconds anyway; the bound keeps decimal from overflowing.
            if (!decimal.TryParse(captured.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var count)
                || count > 1_000_000_000_000_000_000m)
            {
                return null;
            }

            total += count * milliseconds;
        }

        // Prometheus keeps durations in an int64 of nanoseconds; longer ones do not parse there either.
        return total > long.MaxValue / TimeSpan.NanosecondsPerTick / TimeSpan.TicksPerMillisecond
            ? null
            : TimeSpan.FromMilliseconds((long)total);
    }
}
