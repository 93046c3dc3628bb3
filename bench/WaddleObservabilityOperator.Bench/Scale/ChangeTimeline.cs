using System.Globalization;
using KubeApiEmulator.Http;

namespace WaddleObservabilityOperator.Bench.Scale;

/// <summary>
/// Where one change's time went, from the emulator's request log (arrival and answer of every request) and the ready
/// tracker's clock, all on this process's wall clock:
/// <list type="bullet">
/// <item><see cref="PatchMs"/>: the user's PATCH, as the emulator answered it;</item>
/// <item><see cref="ToOperatorMs"/>: from that answer to the operator's first request (watch delivery, queueing, the
/// reconcile's work before it writes; for a remote-sampling service also the policy's debounce);</item>
/// <item><see cref="OperatorMs"/>: from that request to the answer of the service's status write (the operator's
/// writes, and whatever it did between them);</item>
/// <item><see cref="NotifyMs"/>: from the status write to the tracker's watch seeing it Ready (the emulator's watch
/// fan-out to the user);</item>
/// </list>
/// and the garbage collections in both processes meanwhile.
/// </summary>
public sealed record ChangeSample(
    string Service,
    bool Static,
    double TotalMs,
    double PatchMs,
    double ToOperatorMs,
    double OperatorMs,
    double NotifyMs,
    IReadOnlyList<string> OperatorRequests,
    OperatorGc OperatorGc,
    IReadOnlyList<ReconcileWork> Reconciles,
    double BenchGcPauseMs,
    int BenchGen2)
{
    /// <summary>
    /// Builds the sample of the change to <paramref name="ns"/>/<paramref name="name"/> PATCHed at
    /// <paramref name="sentAt"/> and seen Ready at <paramref name="readyAt"/>; null when the log lacks the PATCH or
    /// the status write (it is bounded, and a change can be applied by a reconcile already running).
    /// </summary>
    public static ChangeSample? From(IReadOnlyList<RequestRecord> log, string operatorIdentity, string ns, string name, bool isStatic,
        DateTimeOffset sentAt, DateTimeOffset readyAt, OperatorGc gc, IReadOnlyList<ReconcileWork> reconciles, double benchGcPauseMs, int benchGen2)
    {
        ArgumentNullException.ThrowIfNull(log);
        var agent = $"({operatorIdentity})";
        var patch = log.LastOrDefault(r => r.Verb == "patch" && r.Resource == "waddleservices" && r.Subresource is null
            && r.Namespace == ns && r.Name == name && r.Time >= sentAt && r.UserAgent?.Contains(agent, StringComparison.Ordinal) != true);
        if (patch is null)
        {
            return null;
        }

        var answered = patch.Time + patch.Elapsed;
        var operatorRequests = log.Where(r => r.Verb != "watch" && r.Time >= patch.Time && r.Time <= readyAt
            && r.UserAgent?.Contains(agent, StringComparison.Ordinal) == true).ToList();
        var status = operatorRequests.LastOrDefault(r => r.Resource == "waddleservices" && r.Subresource == "status" && r.Name == name);
        if (operatorRequests.Count == 0 || status is null)
        {
            return null;
        }

        static double Ms(TimeSpan t) => Math.Round(t.TotalMilliseconds, 2);
        var first = operatorRequests[0].Time;
        var statusAnswered = status.Time + status.Elapsed;
        return new ChangeSample($"{ns}/{name}", isStatic, Ms(readyAt - sentAt), Ms(patch.Elapsed), Ms(first - answered),
            Ms(statusAnswered - first), Ms(readyAt - statusAnswered),
            [.. operatorRequests.Select(r => string.Create(CultureInfo.InvariantCulture,
                $"+{Ms(r.Time - answered)} ms {r.Verb} {r.Resource}{(r.Subresource is null ? "" : "/" + r.Subresource)} {r.Name} {r.Status} in {Ms(r.Elapsed)} ms"))],
            gc, reconciles, Math.Round(benchGcPauseMs, 2), benchGen2);
    }

    public string Describe() => string.Join("; ", [
        FormattableString.Invariant($"{Service} ({(Static ? "static" : "remote")}): {TotalMs:0.0} ms = PATCH {PatchMs:0.0} + to operator {ToOperatorMs:0.0} + operator {OperatorMs:0.0} + to watcher {NotifyMs:0.0}"),
        FormattableString.Invariant($"operator GC {OperatorGc.PauseMs:0.0} ms (gen0 {OperatorGc.Gen0}, gen1 {OperatorGc.Gen1}, gen2 {OperatorGc.Gen2})"),
        .. Reconciles.Select(r => FormattableString.Invariant($"{r.Controller}: {r.Count} reconciles {r.ReconcileMs:0.0} ms, queued {r.QueuedMs:0.0} ms")),
        FormattableString.Invariant($"bench GC {BenchGcPauseMs:0.0} ms (gen2 {BenchGen2})")]);
}

/// <summary>The operator's collections by generation and its total GC pause over one change, from its /metrics before and after.</summary>
public sealed record OperatorGc(int Gen0, int Gen1, int Gen2, double PauseMs)
{
    public static OperatorGc Between(OperatorMetricsSample? before, OperatorMetricsSample? after)
    {
        if (before is null || after is null)
        {
            return new OperatorGc(0, 0, 0, double.NaN);
        }

        int Collections(string generation) => (int)(after.Sum("dotnet_collection_count_total", $"generation=\"{generation}\"")
            - before.Sum("dotnet_collection_count_total", $"generation=\"{generation}\""));
        return new OperatorGc(Collections("0"), Collections("1"), Collections("2"),
            Math.Round((after.Sum("dotnet_gc_pause_time_seconds_total") - before.Sum("dotnet_gc_pause_time_seconds_total")) * 1000, 2));
    }
}

/// <summary>One controller's reconciles over one change, from its /metrics before and after: how many, their total time, and their total wait in the queue.</summary>
public sealed record ReconcileWork(string Controller, int Count, double ReconcileMs, double QueuedMs)
{
    public static IReadOnlyList<ReconcileWork> Between(OperatorMetricsSample? before, OperatorMetricsSample? after, params string[] controllers)
    {
        if (before is null || after is null)
        {
            return [];
        }

        double Delta(string name, string label) => after.Sum(name, label) - before.Sum(name, label);
        return [.. controllers.Select(c => new ReconcileWork(c,
            (int)Delta("controller_runtime_reconcile_time_seconds_count", $"controller=\"{c}\""),
            Math.Round(Delta("controller_runtime_reconcile_time_seconds_sum", $"controller=\"{c}\"") * 1000, 2),
            Math.Round(Delta("workqueue_queue_duration_seconds_sum", $"name=\"{c}\"") * 1000, 2)))];
    }
}
