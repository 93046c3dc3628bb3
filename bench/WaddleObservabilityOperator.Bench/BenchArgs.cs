using System.Globalization;

namespace WaddleObservabilityOperator.Bench;

/// <summary>
/// <c>--flag value</c>, <c>--flag=value</c> and bare <c>--switch</c> arguments, read by name; anything not read is an
/// error (<see cref="EnsureAllRead"/>), so a typo never silently runs a different benchmark.
/// </summary>
public sealed class BenchArgs
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public BenchArgs(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new FormatException($"unexpected argument '{arg}'");
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                _values[arg[..eq]] = arg[(eq + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                _values[arg] = args[++i];
            }
            else
            {
                _values[arg] = null;
            }
        }
    }

    public string? String(string flag)
    {
        _read.Add(flag);
        return _values.TryGetValue(flag, out var value)
            ? value ?? throw new FormatException($"{flag} needs a value")
            : null;
    }

    public bool Switch(string flag)
    {
        _read.Add(flag);
        return _values.TryGetValue(flag, out var value) && (value is null || value is "true" or "1");
    }

    public int Int(string flag, int fallback, int minimum = 0)
    {
        var text = String(flag);
        if (text is null)
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= minimum
            ? n
            : throw new FormatException($"{flag}: '{text}' is not a whole number >= {minimum}");
    }

    public double Double(string flag, double fallback)
    {
        var text = String(flag);
        if (text is null)
        {
            return fallback;
        }

        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0 && double.IsFinite(n)
            ? n
            : throw new FormatException($"{flag}: '{text}' is not a positive number");
    }

    public void EnsureAllRead()
    {
        var unknown = _values.Keys.Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            throw new FormatException($"unknown flag{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown)}");
        }
    }
}
