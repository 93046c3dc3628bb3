using System.Text.Json.Nodes;
using k8s;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Chaos;

/// <summary>What the user does in a scenario, and so which fault-free run it is compared with.</summary>
public enum ChaosWorkload
{
    /// <summary>Apply the system and let it converge.</summary>
    Converge,

    /// <summary>Converge, then delete the policy the services use, delete and recreate a workload, delete a second namespace.</summary>
    Lifecycle,
}

/// <summary>One fault scenario: its name, the faults it injects (for the report), the workload it runs and how it drives the cluster.</summary>
public sealed record ChaosScenario(string Name, string Faults, ChaosWorkload Workload, Func<ChaosRun, Task> DriveAsync);

/// <summary>The fault suite's scenarios (issue 7). Each ends with <see cref="ChaosRun.ConvergedAsync"/>; the runner then checks <see cref="NothingLost"/>.</summary>
public static class ChaosScenarios
{
    public static IReadOnlyList<ChaosScenario> All { get; } =
    [
        new("errors", "20 % of the operator's requests fail: reads with 503, writes with 500", ChaosWorkload.Converge, ErrorsAsync),
        new("throttling", "20 % of the operator's requests answered 429 with Retry-After: 1 s (retries must wait for it)", ChaosWorkload.Converge, ThrottlingAsync),
        new("latency", "every API answer delayed by 150 ms", ChaosWorkload.Converge, LatencyAsync),
        new("watch-drops", "all watches dropped and the event log compacted right after the apply, then every 1.5 to 3 s (a quarter of the fault-free convergence time), so every reconnect gets 410 and relists", ChaosWorkload.Converge, WatchDropsAsync),
        new("conflicts", "half of the operator's workload and WaddleService updates meet another writer's change first (409)", ChaosWorkload.Converge, ConflictsAsync),
        new("gitops", "after convergence a GitOps tool re-applies every Deployment without the injected env, three times", ChaosWorkload.Converge, GitOpsAsync),
        new("kills", "the operator killed abruptly ten times, each at a random moment within a fault-free convergence time of its start, and restarted", ChaosWorkload.Converge, KillsAsync),
        new("leader-killed", "two replicas with leader election; the leader killed abruptly mid-convergence", ChaosWorkload.Converge, LeaderKilledAsync),
        new("lease-renewals-fail", "two replicas with leader election; every Lease request of the leader fails (503) mid-convergence", ChaosWorkload.Converge, RenewalsFailAsync),
        new("lifecycle", "policy deleted while services use it, a workload deleted and recreated, a namespace deleted; under 20 % errors and repeated watch drops", ChaosWorkload.Lifecycle, LifecycleAsync),
    ];

    public static ChaosScenario Named(string name) => All.Single(s => s.Name == name);

    /// <summary>The fault-free run of a workload: the final state every scenario of that workload must reach.</summary>
    public static async Task FaultFreeAsync(ChaosRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        var op = run.StartOperator("reference");
        await run.ApplyAsync();
        if (run.Doomed is not null)
        {
            await run.AllReadyAsync(run.System);
            await run.AllReadyAsync(run.Doomed);
            run.RestartClock();
            await LifecycleActionsAsync(run);
            await run.WaitAsync($"namespace {run.Doomed.Namespace} deleted", () => (run.Stored("namespaces", "").All(n => n["metadata"]!["name"]!.GetValue<string>() != run.Doomed.Namespace), "terminating"));
        }

        await run.AllReadyAsync(run.System);
        run.MarkConverged();
        await run.IdleAsync(op);
    }

    private static async Task ErrorsAsync(ChaosRun run)
    {
        foreach (var verb in new[] { "get", "list", "watch" })
        {
            run.Cluster.Api.Faults.FailRate(ChaosRun.Operators.Verb(verb), 0.2, 503);
        }

        foreach (var verb in new[] { "create", "update", "patch", "delete" })
        {
            run.Cluster.Api.Faults.FailRate(ChaosRun.Operators.Verb(verb), 0.2, 500);
        }

        var op = run.StartOperator("1");
        await run.ApplyAsync();
        await run.ConvergedAsync(op);
        CountAnswers(run, 500, 503);
    }

    private static async Task ThrottlingAsync(ChaosRun run)
    {
        run.Cluster.Api.Faults.Throttle(ChaosRun.Operators.Verb("*"), 0.2, TimeSpan.FromSeconds(1));
        var op = run.StartOperator("1");
        await run.ApplyAsync();
        await run.ConvergedAsync(op);
        CountAnswers(run, 429);

        // Retry-After honoured: the same request comes again no sooner than the server asked. Creates (POST) are left
        // out: every create of a kind shares one path, so the next POST there is another object's, not the retry.
        var requests = run.Cluster.Api.Requests.Snapshot().Where(r => r.UserAgent?.Contains($"({ChaosRun.OperatorPrefix}", StringComparison.Ordinal) == true).ToList();
        var earliest = double.MaxValue;
        for (var i = 0; i < requests.Count; i++)
        {
            var throttled = requests[i];
            if (throttled.Status != 429 || throttled.Method == "POST")
            {
                continue;
            }

            var retry = requests.Skip(i + 1).FirstOrDefault(r => r.UserAgent == throttled.UserAgent && r.Method == throttled.Method && r.Path == throttled.Path && r.Query == throttled.Query);
            if (retry is null)
            {
                continue;
            }

            var waited = (retry.Time - throttled.Time).TotalSeconds;
            earliest = Math.Min(earliest, waited);
            if (waited < 1 - 0.05)
            {
                run.Violation($"{throttled.Method} {throttled.Path}{throttled.Query} was answered 429 with Retry-After: 1 at {throttled.Time:HH:mm:ss.fff} and sent again {waited:0.000} s later");
            }
        }

        run.Figure("earliestRetryAfterThrottleSeconds", earliest == double.MaxValue ? 0 : earliest);
    }

    private static async Task LatencyAsync(ChaosRun run)
    {
        run.Cluster.Api.Faults.Latency = TimeSpan.FromMilliseconds(150);
        var op = run.StartOperator("1");
        await run.ApplyAsync();
        await run.ConvergedAsync(op);
    }

    private static async Task WatchDropsAsync(ChaosRun run)
    {
        var op = run.StartOperator("1");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(run.CancellationToken);
        var drops = new List<(TimeSpan At, int Watches)>();
        var interval = DropInterval(run);
        await run.ApplyAsync();
        var chaos = Task.Run(async () =>
        {
            // The first drop right after the user's apply, while the operator is still at work (a small system can
            // converge before any later moment), then every interval.
            var delay = TimeSpan.Zero;
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(delay, stop.Token).ConfigureAwait(false);
                delay = interval;
                run.Cluster.Api.CompactEventLog();
                var ended = run.Cluster.Api.DropWatches();
                lock (drops)
                {
                    drops.Add((run.Elapsed, ended));
                }
            }
        }, stop.Token);
        try
        {
            await run.ConvergedAsync(op);
        }
        finally
        {
            await stop.CancelAsync();
            await chaos.ContinueWith(_ => { }, TaskScheduler.Default);
        }

        var before = drops.Where(d => d.At <= run.ConvergenceTime && d.Watches > 0).ToList();
        run.Figure("dropIntervalSeconds", interval.TotalSeconds);
        run.Figure("dropsBeforeConvergence", before.Count);
        run.Figure("watchesDroppedBeforeConvergence", before.Sum(d => d.Watches));
        var operatorRequests = run.Cluster.Api.Requests.Snapshot().Where(r => r.UserAgent?.Contains($"({ChaosRun.OperatorPrefix}", StringComparison.Ordinal) == true).ToList();
        run.Figure("watchRequests", operatorRequests.Count(r => r.Verb == "watch"));
        run.Figure("listRequests", operatorRequests.Count(r => r.Verb == "list"));
        if (before.Count == 0)
        {
            run.Violation("no watch was dropped before convergence: the scenario tested nothing");
        }
    }

    private static async Task ConflictsAsync(ChaosRun run)
    {
        var marks = 0;
        JsonObject Mark(JsonObject obj)
        {
            var meta = (JsonObject)obj["metadata"]!;
            var annotations = meta["annotations"] as JsonObject ?? [];
            meta["annotations"] = annotations;
            annotations[ClusterSnapshot.OtherWriterPrefix + "other-writer"] = $"{Interlocked.Increment(ref marks)}";
            return obj;
        }

        run.Cluster.Api.Faults.Interfere(ChaosRun.Operators.Verb("update", "deployments"), 0.5, Mark);
        run.Cluster.Api.Faults.Interfere(ChaosRun.Operators.Verb("patch", "deployments"), 0.5, Mark);
        run.Cluster.Api.Faults.Interfere(ChaosRun.Operators.Verb("update", WaddleService.Plural), 0.5, Mark);
        var op = run.StartOperator("1");
        await run.ApplyAsync();
        await run.ConvergedAsync(op);
        var conflicts = CountAnswers(run, 409);
        if (conflicts == 0)
        {
            run.Violation("no 409 was provoked: the scenario tested nothing");
        }

        // The other writer's change survives the operator's retries on every object it touched.
        var touched = run.Stored("deployments", run.System.Namespace).Concat(run.Stored(WaddleService.Plural, run.System.Namespace))
            .Count(o => o["metadata"]?["annotations"]?[ClusterSnapshot.OtherWriterPrefix + "other-writer"] is not null);
        run.Figure("objectsTouchedByTheOtherWriter", touched);
        run.Figure("otherWrites", marks);
        if (touched == 0)
        {
            run.Violation("the other writer's annotation is on no object: the operator overwrote it");
        }
    }

    private static async Task GitOpsAsync(ChaosRun run)
    {
        var op = run.StartOperator("1");
        await run.ApplyAsync();
        await run.AllReadyAsync(run.System);
        await run.IdleAsync(op);
        run.RestartClock();
        for (var round = 0; round < 3; round++)
        {
            foreach (var manifest in run.System.Manifests.Deployments)
            {
                // What kubectl apply of the Git manifest does to the template: the env and annotations as in Git.
                var current = await run.Cluster.User.AppsV1.ReadNamespacedDeploymentAsync(manifest.Metadata.Name, run.System.Namespace, cancellationToken: run.CancellationToken);
                var reapplied = run.System.Deployment(manifest.Metadata.Name);
                reapplied.Metadata.ResourceVersion = current.Metadata.ResourceVersion;
                await run.Cluster.User.AppsV1.ReplaceNamespacedDeploymentAsync(reapplied, manifest.Metadata.Name, run.System.Namespace, cancellationToken: run.CancellationToken);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(300 + run.Random.Next(700)), run.CancellationToken);
        }

        await run.ConvergedAsync(op);
    }

    private static async Task KillsAsync(ChaosRun run)
    {
        await run.ApplyAsync();
        for (var kill = 1; kill <= 10; kill++)
        {
            var op = run.StartOperator($"{kill}");
            // Anywhere from the cache sync to about when a fault-free run would have converged.
            await Task.Delay(TimeSpan.FromMilliseconds(100 + run.Random.Next((int)Math.Max(500, run.FaultFreeTime.TotalMilliseconds))), run.CancellationToken);
            await op.KillAsync();
        }

        var last = run.StartOperator("11");
        await run.ConvergedAsync(last);
    }

    private static async Task LeaderKilledAsync(ChaosRun run)
    {
        var a = run.StartOperator("a", ChaosRun.Elected);
        var b = run.StartOperator("b", ChaosRun.Elected);
        await run.ApplyAsync();
        var leader = await LeaderWithWritesAsync(run, a, b);
        var standby = leader == a ? b : a;
        await leader.KillAsync();
        var killedAt = leader.KilledAt!.Value;

        // The takeover itself, not only convergence: a small system may be converged already when the leader dies.
        await run.WaitAsync("the standby to take the lease", () => (standby.Instance.IsLeader, "standby waiting"));
        await run.ConvergedAsync(standby);

        var leases = run.LeaseWrites();
        var lastRenewal = leases.LastOrDefault(r => ChaosCluster.IsBy(r, leader.Identity));
        var takeover = leases.FirstOrDefault(r => ChaosCluster.IsBy(r, standby.Identity) && r.Time > killedAt);
        if (lastRenewal is null || takeover is null)
        {
            run.Violation($"no takeover seen in the request log (last renewal {lastRenewal?.Time}, takeover {takeover?.Time})");
            return;
        }

        var options = ChaosRun.Elected;
        var sinceRenewal = takeover.Time - lastRenewal.Time;
        run.Figure("takeoverAfterKillSeconds", (takeover.Time - killedAt).TotalSeconds);
        run.Figure("takeoverAfterLastRenewalSeconds", sinceRenewal.TotalSeconds);
        // The standby judges expiry from when it saw the last renewal (up to one retry period late) and tries once per retry period.
        var bound = options.LeaseDuration + options.RetryPeriod + options.RetryPeriod + TimeSpan.FromSeconds(1);
        if (sinceRenewal > bound)
        {
            run.Violation($"the standby took over {sinceRenewal.TotalSeconds:0.000} s after the last renewal; lease duration plus retry allows {bound.TotalSeconds:0.0} s");
        }

        NoTwoWriters(run);
    }

    private static async Task RenewalsFailAsync(ChaosRun run)
    {
        var a = run.StartOperator("a", ChaosRun.Elected);
        var b = run.StartOperator("b", ChaosRun.Elected);
        await run.ApplyAsync();
        var leader = await LeaderWithWritesAsync(run, a, b);
        var standby = leader == a ? b : a;
        run.Cluster.Api.Faults.FailRate(new KubeApiEmulator.Faults.FaultTarget("*", "leases", $"({leader.Identity})"), 1.0, 503);
        var cutAt = DateTimeOffset.UtcNow;
        await run.WaitAsync("the standby to take the lease", () => (standby.Instance.IsLeader, "standby waiting"));
        await run.ConvergedAsync(a, b);

        var leases = run.LeaseWrites();
        var lastRenewal = leases.LastOrDefault(r => ChaosCluster.IsBy(r, leader.Identity));
        var lastWrite = run.Cluster.WritesBy(leader.Identity).Concat(run.Cluster.RequestsBy(leader.Identity).Where(r => r.Resource == "events" && ChaosCluster.IsWrite(r)))
            .Select(r => r.Time + r.Elapsed).DefaultIfEmpty(DateTimeOffset.MinValue).Max();
        if (lastRenewal is null)
        {
            run.Violation("the leader's renewals never appear in the request log");
            return;
        }

        var options = ChaosRun.Elected;
        var expiry = lastRenewal.Time + options.LeaseDuration;
        run.Figure("leaderStoppedWritingBeforeExpirySeconds", (expiry - lastWrite).TotalSeconds);
        run.Figure("renewalsCutAfterSeconds", (cutAt - lastRenewal.Time).TotalSeconds);
        if (lastWrite > expiry)
        {
            run.Violation($"the leader whose renewals failed last wrote at {lastWrite:HH:mm:ss.fff}, after its lease expired at {expiry:HH:mm:ss.fff}");
        }

        var takeover = leases.FirstOrDefault(r => ChaosCluster.IsBy(r, standby.Identity) && r.Time > lastRenewal.Time);
        if (takeover is not null)
        {
            run.Figure("takeoverAfterLastRenewalSeconds", (takeover.Time - lastRenewal.Time).TotalSeconds);
        }

        NoTwoWriters(run);
    }

    private static async Task LifecycleAsync(ChaosRun run)
    {
        foreach (var verb in new[] { "get", "list", "watch", "create", "update", "patch", "delete" })
        {
            run.Cluster.Api.Faults.FailRate(ChaosRun.Operators.Verb(verb), 0.2, verb is "get" or "list" or "watch" ? 503 : 500);
        }

        var op = run.StartOperator("1");
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(run.CancellationToken);
        var chaos = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await Task.Delay(DropInterval(run), stop.Token).ConfigureAwait(false);
                run.Cluster.Api.DropWatches();
            }
        }, stop.Token);
        try
        {
            await run.ApplyAsync();
            await run.AllReadyAsync(run.System);
            await run.AllReadyAsync(run.Doomed!);
            run.RestartClock();
            await LifecycleActionsAsync(run);
            await run.ConvergedAsync(op);
        }
        finally
        {
            await stop.CancelAsync();
            await chaos.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>The user's lifecycle actions: the policy deleted while its services use it, a workload deleted and recreated, the second namespace deleted.</summary>
    private static async Task LifecycleActionsAsync(ChaosRun run)
    {
        var user = run.Cluster.User;
        var ns = run.System.Namespace;
        foreach (var policy in run.System.Manifests.Policies)
        {
            await user.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, ns, ObservabilityPolicy.Plural, policy.Metadata.Name, cancellationToken: run.CancellationToken);
        }

        var workload = run.System.Manifests.Deployments[0].Metadata.Name;
        await user.AppsV1.DeleteNamespacedDeploymentAsync(workload, ns, cancellationToken: run.CancellationToken);
        await Task.Delay(TimeSpan.FromMilliseconds(500), run.CancellationToken);
        await user.AppsV1.CreateNamespacedDeploymentAsync(run.System.Deployment(workload), ns, cancellationToken: run.CancellationToken);
        await user.CoreV1.DeleteNamespaceAsync(run.Doomed!.Namespace, cancellationToken: run.CancellationToken);
    }

    /// <summary>
    /// Drops every few seconds: a quarter of the fault-free convergence time, within 1.5 s and 3 s. Not faster: a watch
    /// that ends before it delivered anything or lasted a second counts as failing and backs off (as client-go's does), so
    /// drops far more frequent than any real server's would only measure that backoff.
    /// </summary>
    private static TimeSpan DropInterval(ChaosRun run) =>
        TimeSpan.FromMilliseconds(Math.Clamp(run.FaultFreeTime.TotalMilliseconds / 4, 1500, 3000));

    /// <summary>Waits until one instance leads and has written at least three times (mid-convergence), and returns it.</summary>
    private static async Task<ChaosOperator> LeaderWithWritesAsync(ChaosRun run, params ChaosOperator[] candidates)
    {
        ChaosOperator? leader = null;
        await run.WaitAsync("a leader that has started writing", () =>
        {
            leader = candidates.FirstOrDefault(c => c.Instance.IsLeader && run.Cluster.WritesBy(c.Identity).Count >= 3);
            return (leader is not null, "no leader with writes yet");
        });
        return leader!;
    }

    /// <summary>
    /// No two writers, from the request log: every write by an instance (Events included, Leases not) starts after that
    /// instance's latest successful Lease write and ends before anyone else's next one.
    /// </summary>
    private static void NoTwoWriters(ChaosRun run)
    {
        var leases = run.LeaseWrites();
        var writes = run.Cluster.Api.Requests.Snapshot().Where(r => ChaosCluster.IsWrite(r) && r.Resource != "leases" && r.UserAgent?.Contains($"({ChaosRun.OperatorPrefix}", StringComparison.Ordinal) == true);
        foreach (var write in writes)
        {
            var holder = leases.LastOrDefault(l => l.Time <= write.Time);
            var agent = write.UserAgent ?? "";
            var identity = agent[(agent.IndexOf('(', StringComparison.Ordinal) + 1)..].TrimEnd(')');
            if (holder is null || !ChaosCluster.IsBy(holder, identity))
            {
                run.Violation($"{identity} wrote {write.Method} {write.Path} at {write.Time:HH:mm:ss.fff} while the lease was last taken by {holder?.UserAgent ?? "nobody"}");
                continue;
            }

            var end = write.Time + write.Elapsed;
            if (leases.FirstOrDefault(l => l.Time > write.Time && l.Time < end && !ChaosCluster.IsBy(l, identity)) is { } other)
            {
                run.Violation($"{identity}'s write {write.Method} {write.Path} ran until {end:HH:mm:ss.fff}, past {other.UserAgent} taking the lease at {other.Time:HH:mm:ss.fff}");
            }
        }
    }

    private static int CountAnswers(ChaosRun run, params int[] statuses)
    {
        var count = run.Cluster.Api.Requests.Snapshot().Count(r => statuses.Contains(r.Status) && r.UserAgent?.Contains($"({ChaosRun.OperatorPrefix}", StringComparison.Ordinal) == true);
        run.Figure($"answers{string.Join("_", statuses)}", count);
        return count;
    }
}
