namespace WaddleObservabilityOperator.Bench.Scale;

/// <summary>The flags of <c>scale</c>.</summary>
public sealed record ScaleOptions
{
    public int Services { get; init; } = 1000;

    public int Namespaces { get; init; } = 1;

    public string? JsonPath { get; init; }

    /// <summary>Exit 1 when the counts regress (see <see cref="ScaleCommand.Regressions"/>).</summary>
    public bool Check { get; init; }

    /// <summary>The operator's client-side rate limit; null: off (a bucket too large to ever wait).</summary>
    public double? Qps { get; init; } = 20;

    public int? Burst { get; init; } = 30;

    public int Concurrency { get; init; } = 2;

    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromSeconds(5);

    public int Changes { get; init; } = 100;

    public TimeSpan RawWriteDuration { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(30);

    public string OperatorAssembly { get; init; } = OperatorProcess.DefaultAssembly();

    /// <summary>Environment variables for the operator's process only (GC settings to compare, e.g. DOTNET_GCgen0size).</summary>
    public IReadOnlyDictionary<string, string> OperatorEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>The operators' --log-level (warn: what went wrong only).</summary>
    public string OperatorLogLevel { get; init; } = "warn";

    /// <summary>A file that gets every line both operators log, each after the operator's name.</summary>
    public string? OperatorLogPath { get; init; }

    /// <summary>What "off" passes as --qps and --burst: no real client ever waits on a bucket this large.</summary>
    public const double UnlimitedQps = 1_000_000;

    public const int UnlimitedBurst = 1_000_000;

    public const string Usage = """
        usage: WaddleObservabilityOperator.Bench scale [flags]
          --services N          WaddleServices (each with a Deployment and a Service) (default 1000)
          --namespaces M        spread over M namespaces, two policies in each (default 1)
          --qps Q --burst B     the operator's client-side rate limit (default 20 / 30, the operator's defaults)
          --no-rate-limit       rate limit off (passes --qps 1000000 --burst 1000000)
          --concurrency N       the operator's reconciles at once per controller (default 2)
          --resync-period D     the operator's resync period for the steady-state phase (default 5s)
          --changes N           single spec changes timed at steady state (default 100)
          --raw-seconds N       how long the raw write throughput is measured (default 5)
          --timeout D           give up on a phase after this long (default 30m)
          --operator PATH       the operator assembly to run (default: its build output beside the bench's)
          --operator-env K=V[,K=V]
                                environment variables for the operator's process only (e.g. GC settings)
          --operator-log FILE   append every line the operators log to FILE
          --operator-log-level L
                                the operators' --log-level (default warn; info shows each write and why)
          --json PATH           write the result as JSON
          --check               exit 1 when the counts regress: writes/service > 4.1, sampling ConfigMap writes > 4,
                                any write or GET in steady state or after the restart (times are never checked)
        """;

    public static ScaleOptions Parse(IReadOnlyList<string> args)
    {
        var a = new BenchArgs(args);
        var options = new ScaleOptions
        {
            Services = a.Int("--services", 1000, 1),
            Namespaces = a.Int("--namespaces", 1, 1),
            JsonPath = a.String("--json"),
            Check = a.Switch("--check"),
            Concurrency = a.Int("--concurrency", 2, 1),
            Changes = a.Int("--changes", 100, 0),
            RawWriteDuration = TimeSpan.FromSeconds(a.Int("--raw-seconds", 5, 1)),
        };
        if (a.String("--resync-period") is { } resync)
        {
            options = options with { ResyncPeriod = Cli.RunOptions.ParseDuration("--resync-period", resync) };
        }

        if (a.String("--timeout") is { } timeout)
        {
            options = options with { Timeout = Cli.RunOptions.ParseDuration("--timeout", timeout) };
        }

        if (a.String("--operator") is { } assembly)
        {
            options = options with { OperatorAssembly = Path.GetFullPath(assembly) };
        }

        if (a.String("--operator-env") is { } environment)
        {
            options = options with { OperatorEnvironment = ParseEnvironment(environment) };
        }

        options = options with { OperatorLogLevel = a.String("--operator-log-level") ?? "warn", OperatorLogPath = a.String("--operator-log") is { } log ? Path.GetFullPath(log) : null };
        var off = a.Switch("--no-rate-limit");
        var qps = a.String("--qps");
        var burst = a.String("--burst");
        if (off && (qps is not null || burst is not null))
        {
            throw new FormatException("--no-rate-limit and --qps/--burst exclude each other");
        }

        options = off
            ? options with { Qps = null, Burst = null }
            : options with { Qps = qps is null ? 20 : a.Double("--qps", 20), Burst = burst is null ? 30 : a.Int("--burst", 30, 1) };
        if (options.Namespaces > options.Services)
        {
            throw new FormatException("--namespaces cannot exceed --services");
        }

        a.EnsureAllRead();
        return options;
    }

    private static Dictionary<string, string> ParseEnvironment(string text)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"--operator-env takes NAME=VALUE pairs separated by commas, not '{pair}'");
            }

            environment[pair[..equals]] = pair[(equals + 1)..];
        }

        return environment;
    }
}
