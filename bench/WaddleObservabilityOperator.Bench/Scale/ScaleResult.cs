using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace WaddleObservabilityOperator.Bench.Scale;

/// <summary>Everything one <c>scale</c> run measured; written as JSON and read back by <c>plot</c>.</summary>
public sealed record ScaleResult
{
    public required int Services { get; init; }
    public required int Namespaces { get; init; }
    public required int Policies { get; init; }

    /// <summary>The operator's --qps and --burst; null when the rate limit was off.</summary>
    public double? Qps { get; init; }
    public int? Burst { get; init; }
    public required int Concurrency { get; init; }

    /// <summary>Environment given to the operator's process only (--operator-env); empty in results written before it existed.</summary>
    public IReadOnlyDictionary<string, string> OperatorEnvironment { get; init; } = new Dictionary<string, string>();
    public required double ResyncPeriodSeconds { get; init; }

    public required MachineConditions Machine { get; init; }

    /// <summary>Seconds the user took to create the scenario (before the operator started).</summary>
    public required double SeedSeconds { get; init; }

    /// <summary>ConfigMap creates per second through a client with the operator's rate limit and concurrency.</summary>
    public required double RawWritesPerSecond { get; init; }

    public required ConvergencePhase Convergence { get; init; }
    public required QuietPhase SteadyState { get; init; }
    public required LatencyPhase Latency { get; init; }
    public required QuietPhase Restart { get; init; }

    /// <summary>Peak resident set (VmHWM) of the first operator process over convergence, steady state and changes.</summary>
    public required double PeakRssMb { get; init; }

    /// <summary>Peak managed heap (dotnet_total_memory_bytes) seen on the first operator's /metrics, sampled every 500 ms.</summary>
    public required double PeakManagedHeapMb { get; init; }

    /// <summary>Peak resident set of the restarted operator (its initial list of every cached kind).</summary>
    public required double RestartPeakRssMb { get; init; }

    public static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        // A phase with nothing to time (no static-sampling service changed) reports NaN.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToTable()
    {
        static string F(double v, string format = "0.0") => v.ToString(format, CultureInfo.InvariantCulture);
        var rows = new List<(string, string)>
        {
            ("services / namespaces / policies", $"{Services} / {Namespaces} / {Policies}"),
            ("rate limit (qps / burst)", Qps is null ? "off" : $"{F(Qps.Value, "0.##")} / {Burst}"),
            ("operator environment", OperatorEnvironment.Count == 0 ? "as is" : string.Join(" ", OperatorEnvironment.Select(kv => $"{kv.Key}={kv.Value}"))),
            ("machine", $"{Machine.Cores} cores, load {F(Machine.LoadAverageStart, "0.00")} at start, {F(Machine.LoadAverageEnd, "0.00")} at end"),
            ("seed (user creates)", $"{F(SeedSeconds)} s"),
            ("raw API writes/s (same client settings)", F(RawWritesPerSecond)),
            ("convergence: start to all Ready", $"{F(Convergence.Seconds)} s"),
            ("convergence: requests by verb", string.Join(" ", Convergence.RequestsByVerb.Select(kv => $"{kv.Key}={kv.Value}"))),
            ("convergence: writes / service", $"{F(Convergence.WritesPerService, "0.00")} ({Convergence.Writes} writes, events apart: {Convergence.EventWrites})"),
            ("convergence: sampling ConfigMap writes", Convergence.SamplingConfigMapWrites.ToString(CultureInfo.InvariantCulture)),
            ("convergence: operator writes/s, ratio to raw", $"{F(Convergence.WritesPerSecond)} ({F(Convergence.ThroughputRatio * 100)} %)"),
            ("steady state: reconciles, writes, GETs", $"{SteadyState.Reconciles} over {F(SteadyState.Seconds)} s, {SteadyState.Writes} writes, {SteadyState.Gets} GETs"),
            ("change to applied: p50 / p99 / max", $"{F(Latency.P50Ms)} / {F(Latency.P99Ms)} / {F(Latency.MaxMs)} ms over {Latency.Changes} changes"),
            ("  static sampling (workload rolls)", $"p50 {F(Latency.StaticP50Ms)} / p99 {F(Latency.StaticP99Ms)} ms"),
            ("  remote sampling (ConfigMap, debounced)", $"p50 {F(Latency.RemoteP50Ms)} / p99 {F(Latency.RemoteP99Ms)} ms"),
            ("restart: reconciles, writes, GETs", $"{Restart.Reconciles} in {F(Restart.Seconds)} s, {Restart.Writes} writes, {Restart.Gets} GETs ({string.Join(" ", Restart.RequestsByVerb.Select(kv => $"{kv.Key}={kv.Value}"))})"),
            ("peak RSS / managed heap", $"{F(PeakRssMb)} MB / {F(PeakManagedHeapMb)} MB (restarted: {F(RestartPeakRssMb)} MB RSS)"),
        };
        rows.AddRange(Latency.Slowest(3).Select((s, k) => (k == 0 ? "  slowest changes" : "", s.Describe())));
        rows.Add(("  samples with a timeline", $"{Latency.Samples?.Count ?? 0} of {Latency.Changes}"));
        var width = rows.Max(r => r.Item1.Length);
        var text = new StringBuilder();
        foreach (var (name, value) in rows)
        {
            text.Append(name.PadRight(width)).Append("  ").AppendLine(value);
        }

        return text.ToString();
    }
}

/// <summary>How busy the shared machine was: the 1-minute load average from /proc/loadavg at the start and end of the run.</summary>
public sealed record MachineConditions(int Cores, double LoadAverageStart, double LoadAverageEnd, DateTimeOffset StartedAt, DateTimeOffset FinishedAt)
{
    public static double LoadAverage()
    {
        try
        {
            return double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}

public sealed record ConvergencePhase(
    double Seconds,
    IReadOnlyDictionary<string, int> RequestsByVerb,
    int Writes,
    int EventWrites,
    double WritesPerService,
    int SamplingConfigMapWrites,
    double WritesPerSecond,
    double ThroughputRatio,
    IReadOnlyList<string> GetPaths);

/// <summary>A phase in which nothing should be written (resyncs on a converged cluster; a restart).</summary>
public sealed record QuietPhase(double Seconds, long Reconciles, int Writes, int Gets, IReadOnlyDictionary<string, int> RequestsByVerb, IReadOnlyList<string> GetPaths);

public sealed record LatencyPhase(
    int Changes,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    double StaticP50Ms,
    double StaticP99Ms,
    double RemoteP50Ms,
    double RemoteP99Ms,
    IReadOnlyList<ChangeSample>? Samples = null)
{
    /// <summary>The <paramref name="count"/> slowest changes, slowest first (none in results written before samples were kept).</summary>
    public IEnumerable<ChangeSample> Slowest(int count) => (Samples ?? []).OrderByDescending(s => s.TotalMs).Take(count);

    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
