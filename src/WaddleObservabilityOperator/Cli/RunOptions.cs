using System.Globalization;
using System.Text.RegularExpressions;
using WaddleObservabilityOperator.Telemetry;

namespace WaddleObservabilityOperator.Cli;

/// <summary>The flags of <c>run</c>, with controller-runtime's names and conservative defaults.</summary>
public sealed record RunOptions
{
    public string? Kubeconfig { get; init; }

    /// <summary>Namespaces to watch; empty watches every namespace.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Null: decided by where the operator runs (on in a cluster, off elsewhere).</summary>
    public bool? LeaderElect { get; init; }

    /// <summary>Namespace of the Lease; null: the operator's own namespace in-cluster, else "default".</summary>
    public string? LeaderElectionNamespace { get; init; }

    public string LeaderElectionId { get; init; } = "waddle-observability-operator";

    /// <summary>Reconciles running at once per controller.</summary>
    public int Concurrency { get; init; } = 2;

    /// <summary>Reconciles at once per controller at most, while reconciles mostly wait on the API server.</summary>
    public int MaxConcurrency { get; init; } = 16;

    /// <summary>Client-side rate limit of API requests per second, and the burst above it.</summary>
    public double Qps { get; init; } = 20;

    public int Burst { get; init; } = 30;

    /// <summary>How often every cached object is reconciled again without a change (from the cache, no API reads).</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The longest a failed reconcile waits for its retry (the delay doubles from 5 ms per failure in a row).</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(5);

    public string MetricsBindAddress { get; init; } = ":8080";

    public string HealthProbeBindAddress { get; init; } = ":8081";

    /// <summary>Serve /metrics over TLS to callers a TokenReview and a SubjectAccessReview (get /metrics) allow; off: plain HTTP, for local use.</summary>
    public bool MetricsSecure { get; init; }

    /// <summary>Directory with tls.crt and tls.key for the secure /metrics; empty: a self-signed certificate made at start.</summary>
    public string? MetricsCertDirectory { get; init; }

    public LogFormat LogFormat { get; init; } = LogFormat.Json;

    public LogLevel LogLevel { get; init; } = LogLevel.Information;

    public const string Usage = """
        usage: WaddleObservabilityOperator run [flags]
          --kubeconfig PATH                  kubeconfig file (default: in-cluster config, else KUBECONFIG, else ~/.kube/config)
          --namespaces a,b                   namespaces to watch (default: all)
          --leader-elect[=true|false]        leader election on a Lease (default: on in-cluster, off otherwise)
          --leader-election-namespace NS     namespace of the Lease (default: the operator's namespace, else default)
          --leader-election-id NAME          name of the Lease (default waddle-observability-operator)
          --concurrency N                    reconciles at once per controller, at least (default 2)
          --max-concurrency N                at most, while reconciles mostly wait on the API server; N <= --concurrency: fixed (default 16)
          --qps N --burst N                  client-side API rate limit (default 20 / 30)
          --resync-period DURATION           re-reconcile everything from the cache this often (default 10m)
          --max-retry-delay DURATION         longest wait before retrying a failed reconcile; doubles from 5ms (default 5m)
          --metrics-bind-address ADDR        /metrics listener, 0 disables (default :8080)
          --metrics-secure[=true|false]      /metrics over TLS, authenticated (TokenReview) and authorized (SubjectAccessReview, get /metrics) (default false: plain HTTP)
          --metrics-cert-dir DIR             tls.crt and tls.key for --metrics-secure (default: a self-signed certificate made at start)
          --health-probe-bind-address ADDR   /healthz and /readyz listener, 0 disables (default :8081)
          --log-format json|text             (default json)
          --log-level debug|info|warn|error  (default info)
        """;

    /// <summary>Parses <c>--flag value</c> and <c>--flag=value</c>; throws <see cref="FormatException"/> naming the bad flag.</summary>
    public static RunOptions Parse(IReadOnlyList<string> args)
    {
        var options = new RunOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new FormatException($"unexpected argument '{arg}'");
            }

            var eq = arg.IndexOf('=', StringComparison.Ordinal);
            var flag = eq < 0 ? arg : arg[..eq];
            string? inline = eq < 0 ? null : arg[(eq + 1)..];

            string Value()
            {
                if (inline is not null)
                {
                    return inline;
                }

                if (i + 1 >= args.Count || args[i + 1].StartsWith("--", StringComparison.Ordinal))
                {
                    throw new FormatException($"{flag} needs a value");
                }

                return args[++i];
            }

            options = flag switch
            {
                "--kubeconfig" => options with { Kubeconfig = Value() },
                "--namespaces" => options with
                {
                    Namespaces = Value().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct().ToArray(),
                },
                // A bare --leader-elect means true, as Go's boolean flags do; the value only binds with '='.
                "--leader-elect" => options with { LeaderElect = inline is null || ParseBool(flag, inline) },
                "--leader-election-namespace" => options with { LeaderElectionNamespace = Value() },
                "--leader-election-id" => options with { LeaderElectionId = Value() },
                "--concurrency" => options with { Concurrency = ParseInt(flag, Value(), 1) },
                "--max-concurrency" => options with { MaxConcurrency = ParseInt(flag, Value(), 1) },
                "--qps" => options with { Qps = ParsePositive(flag, Value()) },
                "--burst" => options with { Burst = ParseInt(flag, Value(), 1) },
                "--resync-period" => options with { ResyncPeriod = ParseDuration(flag, Value()) },
                "--max-retry-delay" => options with { MaxRetryDelay = AtLeast(flag, ParseDuration(flag, Value()), TimeSpan.FromMilliseconds(5)) },
                "--metrics-bind-address" => options with { MetricsBindAddress = CheckAddress(flag, Value()) },
                "--metrics-secure" => options with { MetricsSecure = inline is null || ParseBool(flag, inline) },
                "--metrics-cert-dir" => options with { MetricsCertDirectory = Value() },
                "--health-probe-bind-address" => options with { HealthProbeBindAddress = CheckAddress(flag, Value()) },
                "--log-format" => options with
                {
                    LogFormat = Value() switch
                    {
                        "json" => LogFormat.Json,
                        "text" => LogFormat.Text,
                        var v => throw new FormatException($"--log-format: '{v}' is not json or text"),
                    },
                },
                "--log-level" => options with { LogLevel = ParseLevel(Value()) },
                _ => throw new FormatException($"unknown flag '{flag}'"),
            };
        }

        return options;
    }

    private static bool ParseBool(string flag, string value) => value.ToLowerInvariant() switch
    {
        "true" or "1" or "t" => true,
        "false" or "0" or "f" => false,
        _ => throw new FormatException($"{flag}: '{value}' is not true or false"),
    };

    private static int ParseInt(string flag, string value, int minimum) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= minimum
            ? n
            : throw new FormatException($"{flag}: '{value}' is not a whole number >= {minimum}");

    private static double ParsePositive(string flag, string value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0 && double.IsFinite(n)
            ? n
            : throw new FormatException($"{flag}: '{value}' is not a positive number");

    private static string CheckAddress(string flag, string value)
    {
        try
        {
            _ = ProbeEndpoints.ParseBindAddress(value);
            return value;
        }
        catch (FormatException e)
        {
            throw new FormatException($"{flag}: {e.Message}", e);
        }
    }

    private static LogLevel ParseLevel(string value) => value.ToLowerInvariant() switch
    {
        "trace" => LogLevel.Trace,
        "debug" => LogLevel.Debug,
        "info" or "information" => LogLevel.Information,
        "warn" or "warning" => LogLevel.Warning,
        "error" => LogLevel.Error,
        _ => throw new FormatException($"--log-level: '{value}' is not debug, info, warn or error"),
    };

    /// <summary>Go-style durations as the flags take them: 10m, 30s, 1h30m, 500ms.</summary>
    private static TimeSpan AtLeast(string flag, TimeSpan value, TimeSpan minimum) =>
        value >= minimum ? value : throw new FormatException($"{flag}: {value.TotalMilliseconds} ms is shorter than the first retry delay ({minimum.TotalMilliseconds} ms)");

    public static TimeSpan ParseDuration(string flag, string value)
    {
        var match = Regex.Match(value, @"^(?:(\d+)h)?(?:(\d+)m(?!s))?(?:(\d+)s)?(?:(\d+)ms)?$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        if (value.Length == 0 || !match.Success)
        {
            throw new FormatException($"{flag}: '{value}' is not a duration such as 10m, 30s, 1h30m or 500ms");
        }

        static int Part(Group g) => g.Success ? int.Parse(g.Value, CultureInfo.InvariantCulture) : 0;
        var duration = new TimeSpan(0, Part(match.Groups[1]), Part(match.Groups[2]), Part(match.Groups[3]), Part(match.Groups[4]));
        return duration > TimeSpan.Zero ? duration : throw new FormatException($"{flag}: '{value}' must be longer than zero");
    }
}
