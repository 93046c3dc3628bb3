using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeApiEmulator;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Bench.Scale;

/// <summary>
/// <c>scale --services N</c>: the API emulator in this process, the scenario created as a user would, then the operator
/// as its own process; measures convergence, the requests it took, three resync periods and a restart on the converged
/// cluster (which must write nothing), single-change latency, and the operator's memory. With <c>--check</c> it exits 1
/// when the counts regress (writes per service, sampling ConfigMap writes, any write or GET in steady state or after
/// the restart): the regression check of scripts/test.sh. Times are reported, never checked.
/// </summary>
public sealed class ScaleCommand : IBenchCommand
{
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(3);

    public string Name => "scale";

    public string Summary => "run the operator (its own process) against N services on the API emulator; table and JSON";

    public string Usage => ScaleOptions.Usage;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var options = ScaleOptions.Parse(args);
        var result = await RunAsync(options, Console.Out, cancellationToken).ConfigureAwait(false);
        await Console.Out.WriteLineAsync(result.ToTable()).ConfigureAwait(false);
        if (options.JsonPath is { } path)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            await File.WriteAllTextAsync(path, JsonSerializer.Serialize(result, ScaleResult.Json), cancellationToken).ConfigureAwait(false);
            await Console.Out.WriteLineAsync($"wrote {path}").ConfigureAwait(false);
        }

        if (options.Check)
        {
            var failures = Regressions(result);
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync($"scale check failed: {failure}").ConfigureAwait(false);
            }

            await Console.Out.WriteLineAsync(failures.Count == 0 ? "scale check: counts within limits" : $"scale check: {failures.Count} regression(s)").ConfigureAwait(false);
            return failures.Count == 0 ? 0 : 1;
        }

        return 0;
    }

    /// <summary>The limits the counts must stay within (issue 6): what a regression of the operator's request economy breaks.</summary>
    public static IReadOnlyList<string> Regressions(ScaleResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var failures = new List<string>();
        if (result.Convergence.WritesPerService > MaxWritesPerService)
        {
            failures.Add($"{result.Convergence.WritesPerService:0.00} writes per service to converge, over {MaxWritesPerService}");
        }

        if (result.Convergence.SamplingConfigMapWrites > MaxSamplingConfigMapWrites)
        {
            failures.Add($"{result.Convergence.SamplingConfigMapWrites} sampling ConfigMap writes to converge, over {MaxSamplingConfigMapWrites}");
        }

        foreach (var (phase, quiet) in new[] { ("steady state", result.SteadyState), ("after a restart", result.Restart) })
        {
            if (quiet.Writes > 0 || quiet.Gets > 0)
            {
                failures.Add($"{phase}: {quiet.Writes} writes and {quiet.Gets} GETs ({string.Join(", ", quiet.GetPaths)}), expected none");
            }
        }

        return failures;
    }

    public const double MaxWritesPerService = 4.1;

    /// <summary>One create per policy to converge (the scenario's services all exist before the operator starts), with room for one more each.</summary>
    public const int MaxSamplingConfigMapWrites = 4;

    public static async Task<ScaleResult> RunAsync(ScaleOptions options, TextWriter progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var startedAt = DateTimeOffset.UtcNow;
        var loadStart = MachineConditions.LoadAverage();
        var workload = new ScaleWorkload(options.Services, options.Namespaces);
        var qps = options.Qps ?? ScaleOptions.UnlimitedQps;
        var burst = options.Burst ?? ScaleOptions.UnlimitedBurst;
        var flags = new List<string>
        {
            "--qps", qps.ToString(CultureInfo.InvariantCulture), "--burst", burst.ToString(CultureInfo.InvariantCulture),
            "--concurrency", options.Concurrency.ToString(CultureInfo.InvariantCulture),
            "--resync-period", $"{((int)options.ResyncPeriod.TotalMilliseconds).ToString(CultureInfo.InvariantCulture)}ms",
        };

        var launch = new OperatorLaunch(options.OperatorEnvironment, options.OperatorLogLevel, options.OperatorLogPath);

        // Watch history large enough that no informer relists mid-run (a relist would be the emulator's limit, not the operator's).
        await using var api = await ApiEmulator.StartAsync(new ApiEmulatorOptions { History = Math.Max(200_000, options.Services * 20) }, cancellationToken).ConfigureAwait(false);
        var kubeconfig = Path.Combine(Path.GetTempPath(), $"waddle-bench-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}.kubeconfig");
        api.WriteKubeconfig(kubeconfig);
        using var user = new Kubernetes(api.ClientConfiguration());
        await InstallCrdsAsync(user, cancellationToken).ConfigureAwait(false);

        await Log(progress, $"seeding {options.Services} services in {options.Namespaces} namespace(s)").ConfigureAwait(false);
        var seed = Stopwatch.StartNew();
        await workload.CreateAsync(user, parallelism: 8, cancellationToken).ConfigureAwait(false);
        var seedSeconds = seed.Elapsed.TotalSeconds;

        await Log(progress, $"raw write throughput for {options.RawWriteDuration.TotalSeconds} s").ConfigureAwait(false);
        var raw = await RawWriteThroughput.MeasureAsync(api.ClientConfiguration(), qps, burst, options.Concurrency, options.RawWriteDuration, cancellationToken).ConfigureAwait(false);

        using var watching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var tracker = new ReadyTracker();
        var tracking = Task.Run(() => tracker.RunAsync(user, watching.Token), CancellationToken.None);

        // Convergence: from the operator's process start until every WaddleService is Ready for its generation.
        api.Requests.Clear();
        await Log(progress, "starting the operator").ConfigureAwait(false);
        var first = await OperatorProcess.StartAsync(options.OperatorAssembly, kubeconfig, "bench-operator-1", flags, cancellationToken, launch).ConfigureAwait(false);
        ScaleResult result;
        try
        {
            using var sampling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var sampler = first.SampleUntilAsync(TimeSpan.FromMilliseconds(500), sampling.Token);
            await WaitUntilAsync(first, options.Timeout, "every WaddleService Ready", () => tracker.ReadyCount >= options.Services,
                () => $"{tracker.ReadyCount}/{options.Services} Ready", progress, cancellationToken).ConfigureAwait(false);
            var convergeSeconds = Stopwatch.GetElapsedTime(first.StartedAt).TotalSeconds;
            await WaitForIdleAsync(api, first, options.Timeout, cancellationToken).ConfigureAwait(false);
            var converge = RequestCounts.Of(api.Requests.Snapshot(), first.Identity);
            var writesPerSecond = (converge.Writes + converge.EventWrites) / convergeSeconds;
            var convergence = new ConvergencePhase(convergeSeconds, converge.ByVerb, converge.Writes, converge.EventWrites,
                (double)converge.Writes / options.Services, converge.SamplingConfigMapWrites, writesPerSecond, writesPerSecond / raw, converge.GetPaths);
            await Log(progress, $"converged in {convergeSeconds:0.0} s").ConfigureAwait(false);

            // Steady state: three resync periods of reconciles from the cache.
            api.Requests.Clear();
            var quiet = Stopwatch.StartNew();
            var reconcilesBefore = await ReconcilesAsync(first, cancellationToken).ConfigureAwait(false);
            var target = reconcilesBefore + (3L * options.Services);
            long reconciles = 0;
            await WaitUntilAsync(first, options.Timeout, "three resync periods", () =>
            {
                reconciles = ReconcilesAsync(first, cancellationToken).GetAwaiter().GetResult();
                return reconciles >= target && quiet.Elapsed >= 3 * options.ResyncPeriod;
            }, () => $"{reconciles - reconcilesBefore} reconciles", progress, cancellationToken).ConfigureAwait(false);
            await WaitForIdleAsync(api, first, options.Timeout, cancellationToken).ConfigureAwait(false);
            var steady = RequestCounts.Of(api.Requests.Snapshot(), first.Identity);
            var steadyPhase = new QuietPhase(quiet.Elapsed.TotalSeconds, reconciles - reconcilesBefore, steady.Writes + steady.EventWrites, steady.Gets, steady.ByVerb, steady.GetPaths);
            await Log(progress, $"steady state: {steadyPhase.Writes} writes, {steadyPhase.Gets} GETs").ConfigureAwait(false);

            await sampling.CancelAsync().ConfigureAwait(false);
            await sampler.ConfigureAwait(false);
            var peakRss = first.PeakRssBytes;
            var peakHeap = first.PeakManagedBytes;
            await first.StopAsync(cancellationToken).ConfigureAwait(false);

            // Restart on the converged cluster: a new process lists everything and reconciles every service once. It runs
            // with the default resync period, so that the change latencies after it are not queued behind resyncs.
            api.Requests.Clear();
            var restartClock = Stopwatch.StartNew();
            var defaultResync = flags.IndexOf("--resync-period");
            flags.RemoveRange(defaultResync, 2);
            await using var second = await OperatorProcess.StartAsync(options.OperatorAssembly, kubeconfig, "bench-operator-2", flags, cancellationToken, launch).ConfigureAwait(false);
            long restartReconciles = 0;
            await WaitUntilAsync(second, options.Timeout, "the restarted operator to reconcile every service", () =>
            {
                restartReconciles = ReconcilesAsync(second, cancellationToken).GetAwaiter().GetResult();
                return restartReconciles >= options.Services;
            }, () => $"{restartReconciles} reconciles", progress, cancellationToken).ConfigureAwait(false);
            await WaitForIdleAsync(api, second, options.Timeout, cancellationToken).ConfigureAwait(false);
            var restart = RequestCounts.Of(api.Requests.Snapshot(), second.Identity);
            var restartPhase = new QuietPhase(restartClock.Elapsed.TotalSeconds, restartReconciles, restart.Writes + restart.EventWrites, restart.Gets, restart.ByVerb, restart.GetPaths);

            var latency = await MeasureLatencyAsync(api, second, user, workload, tracker, options.Changes, cancellationToken).ConfigureAwait(false);
            await Log(progress, $"change to applied: p50 {latency.P50Ms:0.0} ms, p99 {latency.P99Ms:0.0} ms").ConfigureAwait(false);
            var restartRss = second.PeakRssBytes;
            await second.StopAsync(cancellationToken).ConfigureAwait(false);

            result = new ScaleResult
            {
                Services = options.Services,
                Namespaces = options.Namespaces,
                Policies = workload.Policies.Count * options.Namespaces,
                Qps = options.Qps,
                Burst = options.Burst,
                Concurrency = options.Concurrency,
                OperatorEnvironment = options.OperatorEnvironment,
                ResyncPeriodSeconds = options.ResyncPeriod.TotalSeconds,
                Machine = new MachineConditions(Environment.ProcessorCount, loadStart, MachineConditions.LoadAverage(), startedAt, DateTimeOffset.UtcNow),
                SeedSeconds = seedSeconds,
                RawWritesPerSecond = raw,
                Convergence = convergence,
                SteadyState = steadyPhase,
                Latency = latency,
                Restart = restartPhase,
                PeakRssMb = peakRss / 1e6,
                PeakManagedHeapMb = peakHeap / 1e6,
                RestartPeakRssMb = restartRss / 1e6,
            };
        }
        finally
        {
            await first.DisposeAsync().ConfigureAwait(false);
            await watching.CancelAsync().ConfigureAwait(false);
            await tracking.ConfigureAwait(false);
            File.Delete(kubeconfig);
        }

        return result;
    }

    private static async Task InstallCrdsAsync(Kubernetes user, CancellationToken cancellationToken)
    {
        var files = Directory.GetFiles(RepositoryPaths.Of("config", "crds"), "*.yaml").Order(StringComparer.Ordinal).ToList();
        files.Add(RepositoryPaths.ServiceMonitorCrd());
        foreach (var file in files)
        {
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false));
            await user.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One change at a time to a service's sampling ratio, timed from the PATCH until the service is Ready for the new
    /// generation, with where each change's time went (<see cref="ChangeSample"/>).
    /// </summary>
    private static async Task<LatencyPhase> MeasureLatencyAsync(ApiEmulator api, OperatorProcess op, Kubernetes user, ScaleWorkload workload, ReadyTracker tracker, int changes, CancellationToken cancellationToken)
    {
        var all = new List<double>();
        var byMode = new Dictionary<bool, List<double>> { [true] = [], [false] = [] };
        var samples = new List<ChangeSample>();
        api.Requests.Clear();
        for (var k = 0; k < changes; k++)
        {
            // Spread over services, layers and so both policies' sampling modes.
            var i = (int)((long)k * 7919 % workload.Services);
            var (ns, name, _) = workload.Service(i);
            var ratio = Math.Round(0.2 + (k * 0.001), 3);
            var patch = new JsonObject { ["spec"] = new JsonObject { ["tracing"] = new JsonObject { ["samplingRatio"] = ratio } } };
            var before = await op.ScrapeAsync(cancellationToken).ConfigureAwait(false);
            var benchPause = GC.GetTotalPauseDuration();
            var benchGen2 = GC.CollectionCount(2);
            var sentAt = DateTimeOffset.UtcNow;
            var started = Stopwatch.GetTimestamp();
            var patched = (JsonElement)await user.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
                ApiGroup.Group, ApiGroup.Version, ns, WaddleService.Plural, name, cancellationToken: cancellationToken).ConfigureAwait(false);
            var generation = patched.GetProperty("metadata").GetProperty("generation").GetInt64();
            long readyAt;
            try
            {
                readyAt = await tracker.ReadyAtAsync(ns, name, generation).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                var service = (JsonElement)await user.CustomObjects.GetNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, ns, WaddleService.Plural, name, cancellationToken).ConfigureAwait(false);
                var sampling = await user.CoreV1.ReadNamespacedConfigMapAsync(ChildNamesOf(ns, name, workload), ns, cancellationToken: cancellationToken).ConfigureAwait(false);
                throw new TimeoutException($"WaddleService {ns}/{name} was not Ready for generation {generation} 60 s after the change: {service.GetProperty("status")}\nits sampling ConfigMap (resourceVersion {sampling.Metadata.ResourceVersion}): {string.Join("", sampling.Data.Values)}\n{op.LogTail()}");
            }

            var elapsed = Stopwatch.GetElapsedTime(started, readyAt);
            var benchPauseMs = (GC.GetTotalPauseDuration() - benchPause).TotalMilliseconds;
            var benchGen2s = GC.CollectionCount(2) - benchGen2;
            var after = await op.ScrapeAsync(cancellationToken).ConfigureAwait(false);
            var gc = OperatorGc.Between(before, after);
            var reconciles = ReconcileWork.Between(before, after, "waddleservice", "observabilitypolicy");
            var ms = elapsed.TotalMilliseconds;
            all.Add(ms);
            byMode[workload.IsStatic(i)].Add(ms);
            if (ChangeSample.From(api.Requests.Snapshot(), op.Identity, ns, name, workload.IsStatic(i), sentAt, sentAt + elapsed, gc, reconciles, benchPauseMs, benchGen2s) is { } sample)
            {
                samples.Add(sample);
            }

            api.Requests.Clear();
        }

        return new LatencyPhase(all.Count, LatencyPhase.Percentile(all, 50), LatencyPhase.Percentile(all, 99), all.Count == 0 ? double.NaN : all.Max(),
            LatencyPhase.Percentile(byMode[true], 50), LatencyPhase.Percentile(byMode[true], 99),
            LatencyPhase.Percentile(byMode[false], 50), LatencyPhase.Percentile(byMode[false], 99), samples);
    }

    private static string ChildNamesOf(string ns, string name, ScaleWorkload workload) =>
        Rendering.ChildNames.SamplingConfigMap(workload.Service(int.Parse(name["svc-".Length..], CultureInfo.InvariantCulture)).Layer == "action" ? ScaleWorkload.ActionPolicy : ScaleWorkload.DefaultPolicy);

    private static async Task<long> ReconcilesAsync(OperatorProcess op, CancellationToken cancellationToken) =>
        (long)((await op.ScrapeAsync(cancellationToken).ConfigureAwait(false))?.Sum("controller_runtime_reconcile_total", "controller=\"waddleservice\"") ?? 0);

    /// <summary>Caught up: nothing queued in the operator and none of its requests for <see cref="Quiet"/>.</summary>
    private static async Task WaitForIdleAsync(ApiEmulator api, OperatorProcess op, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var agent = $"({op.Identity})";
        await WaitUntilAsync(op, timeout, "the operator to be idle", () =>
        {
            var depth = op.ScrapeAsync(cancellationToken).GetAwaiter().GetResult()?.Sum("workqueue_depth") ?? 1;
            var last = api.Requests.Snapshot().LastOrDefault(r => r.UserAgent?.Contains(agent, StringComparison.Ordinal) == true && r.Verb != "watch");
            return depth == 0 && (last is null || DateTimeOffset.UtcNow - last.Time > Quiet);
        }, () => "busy", TextWriter.Null, cancellationToken).ConfigureAwait(false);
    }

    private static async Task WaitUntilAsync(OperatorProcess op, TimeSpan timeout, string what, Func<bool> done, Func<string> observed, TextWriter progress, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var reported = TimeSpan.Zero;
        while (!done())
        {
            if (op.HasExited)
            {
                throw new InvalidOperationException($"the operator exited while waiting for {what}:\n{op.LogTail()}");
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"gave up waiting for {what} after {timeout}; {observed()}\n{op.LogTail()}");
            }

            if (clock.Elapsed - reported > TimeSpan.FromSeconds(10))
            {
                reported = clock.Elapsed;
                await Log(progress, $"  waiting for {what}: {observed()}").ConfigureAwait(false);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken).ConfigureAwait(false);
        }
    }

    private static Task Log(TextWriter progress, string line) =>
        progress.WriteLineAsync($"[{DateTime.UtcNow:HH:mm:ss}] {line}");
}
