using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace WaddleObservabilityOperator.Chaos;

/// <summary>How big and how patient a chaos run is.</summary>
public sealed record ChaosSettings
{
    public required ChaosAssets Assets { get; init; }

    /// <summary>WaddleServices (with their Deployments and Services) in the compared namespace.</summary>
    public int Services { get; init; } = 6;

    /// <summary>Seeds the fault rates and the scenarios' random moments.</summary>
    public int Seed { get; init; } = 7;

    /// <summary>How long a wait may take before the scenario fails (a bound, not a measurement).</summary>
    public TimeSpan Patience { get; init; } = TimeSpan.FromSeconds(150);

    /// <summary>
    /// Count unobserved task exceptions with operator frames as crashes. The event is process-wide, so only a process
    /// that runs nothing but the scenarios (the benchmark) can attribute them; a test run has other tests' tasks in it.
    /// </summary>
    public bool CheckUnobservedExceptions { get; init; }

    /// <summary>Each operator instance's workers per controller, at least and at most (null: the operator's defaults).</summary>
    public (int Min, int Max)? Workers { get; init; }

    /// <summary>Where each operator instance logs (by identity); null for nowhere.</summary>
    public Func<string, ILoggerProvider?> Logs { get; init; } = _ => null;
}

/// <summary>What one scenario did: its convergence time, what it found wrong (nothing, when it passes) and its figures.</summary>
public sealed record ScenarioResult(
    string Name,
    string Faults,
    int Services,
    double? ConvergenceSeconds,
    double FaultFreeConvergenceSeconds,
    IReadOnlyList<string> Violations,
    IReadOnlyDictionary<string, double> Figures)
{
    public bool Passed => Violations.Count == 0 && ConvergenceSeconds is not null;
}

/// <summary>
/// Runs scenarios: first, once per workload, the fault-free run whose final snapshot every scenario must reach; then the
/// scenario in a fresh cluster, followed by the <see cref="NothingLost"/> checks and the unobserved task exceptions the
/// operator left.
/// </summary>
public sealed class ChaosRunner(ChaosSettings settings)
{
    private const string DoomedNamespace = "waddlebot-doomed";

    private readonly ConcurrentDictionary<ChaosWorkload, Lazy<Task<(ClusterSnapshot Snapshot, TimeSpan Time)>>> _faultFree = new();

    public ChaosSettings Settings => settings;

    public async Task<ScenarioResult> RunAsync(ChaosScenario scenario, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var (expected, faultFreeTime) = await _faultFree.GetOrAdd(scenario.Workload, w => new Lazy<Task<(ClusterSnapshot, TimeSpan)>>(() => FaultFreeAsync(w, CancellationToken.None))).Value;
        var unobserved = new ConcurrentQueue<Exception>();
        void OnUnobserved(object? sender, UnobservedTaskExceptionEventArgs e)
        {
            if (settings.CheckUnobservedExceptions && e.Exception.ToString().Contains("WaddleObservabilityOperator.", StringComparison.Ordinal))
            {
                unobserved.Enqueue(e.Exception);
            }
        }

        TaskScheduler.UnobservedTaskException += OnUnobserved;
        try
        {
            await using var cluster = await ChaosCluster.StartAsync(settings.Assets, settings.Logs, settings.Seed, cancellationToken);
            cluster.Workers = settings.Workers;
            var run = new ChaosRun(cluster, System(), scenario.Workload == ChaosWorkload.Lifecycle ? Doomed() : null, expected, faultFreeTime, settings, cancellationToken);
            try
            {
                await scenario.DriveAsync(run);
                NothingLost.Check(run);
            }
            catch (ChaosTimeoutException timeout)
            {
                run.Violation(timeout.Message);
                NothingLost.Check(run);
            }

            await cluster.DisposeAsync();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            // A killed instance's queues and token sources are disposed under its running tasks: that is the kill, not a crash.
            var killed = cluster.Operators.Any(o => o.KilledAt is not null);
            foreach (var e in unobserved.Where(e => !(killed && e.GetBaseException() is ObjectDisposedException)))
            {
                var where = string.Join(" <- ", (e.GetBaseException().StackTrace ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0).Take(4));
                run.Violation($"unobserved task exception: {e.GetBaseException().GetType().Name}: {e.GetBaseException().Message} {where}");
            }

            return new ScenarioResult(scenario.Name, scenario.Faults, settings.Services, run.ConvergenceTime?.TotalSeconds is { } s ? Math.Round(s, 3) : null,
                Math.Round(faultFreeTime.TotalSeconds, 3), run.Violations, run.Figures);
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= OnUnobserved;
        }
    }

    private WaddleBotSystem System() => WaddleBotSystem.Generate(settings.Assets.SamplesDirectory, settings.Services);

    private WaddleBotSystem Doomed() => WaddleBotSystem.Generate(settings.Assets.SamplesDirectory, 2, DoomedNamespace);

    private async Task<(ClusterSnapshot, TimeSpan)> FaultFreeAsync(ChaosWorkload workload, CancellationToken cancellationToken)
    {
        await using var cluster = await ChaosCluster.StartAsync(settings.Assets, settings.Logs, settings.Seed, cancellationToken);
        cluster.Workers = settings.Workers;
        var run = new ChaosRun(cluster, System(), workload == ChaosWorkload.Lifecycle ? Doomed() : null, null, TimeSpan.Zero, settings, cancellationToken);
        await ChaosScenarios.FaultFreeAsync(run);
        var time = run.ConvergenceTime ?? run.Elapsed;
        NothingLost.Check(run);
        if (run.Violations.Count > 0)
        {
            throw new InvalidOperationException($"the fault-free {workload} run already loses something: {string.Join("; ", run.Violations)}");
        }

        return (ClusterSnapshot.Take(cluster.Api, run.System.Namespace), time);
    }
}
