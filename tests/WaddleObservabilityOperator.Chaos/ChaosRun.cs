using System.Diagnostics;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeApiEmulator.Http;
using KubeApiEmulator.Selectors;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Controllers;

namespace WaddleObservabilityOperator.Chaos;

/// <summary>One execution of a scenario: its cluster, the user's system, a seeded random source, and what it found.</summary>
public sealed class ChaosRun
{
    private readonly List<string> _violations = [];
    private readonly Dictionary<string, double> _figures = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    internal ChaosRun(ChaosCluster cluster, WaddleBotSystem system, WaddleBotSystem? doomed, ClusterSnapshot? expected, TimeSpan faultFreeTime, ChaosSettings settings, CancellationToken cancellationToken)
    {
        FaultFreeTime = faultFreeTime;
        Cluster = cluster;
        System = system;
        Doomed = doomed;
        Expected = expected;
        Settings = settings;
        Random = new Random(settings.Seed);
        CancellationToken = cancellationToken;
    }

    public ChaosCluster Cluster { get; }

    /// <summary>The user's system (its namespace is the one compared with the fault-free run).</summary>
    public WaddleBotSystem System { get; }

    /// <summary>A second system whose namespace the lifecycle scenario deletes (null otherwise).</summary>
    public WaddleBotSystem? Doomed { get; }

    /// <summary>The fault-free run's final snapshot (null while the fault-free run itself is being made).</summary>
    public ClusterSnapshot? Expected { get; }

    public ChaosSettings Settings { get; }

    /// <summary>How long the fault-free run took to converge: scenarios time their kills and drops within it.</summary>
    public TimeSpan FaultFreeTime { get; }

    public Random Random { get; }

    public CancellationToken CancellationToken { get; }

    /// <summary>The operators' identities share this prefix, so one fault target hits them all and never the user.</summary>
    public const string OperatorPrefix = "chaos-op";

    public static FaultTargetFor Operators => new($"({OperatorPrefix}");

    /// <summary>From the first user apply until the namespace equals the fault-free run's final state.</summary>
    public TimeSpan? ConvergenceTime { get; private set; }

    public IReadOnlyList<string> Violations => _violations;

    public IReadOnlyDictionary<string, double> Figures => _figures;

    public TimeSpan Elapsed => _clock.Elapsed;

    public void Violation(string what) => _violations.Add(what);

    public void Figure(string name, double value) => _figures[name] = Math.Round(value, 3);

    /// <summary>Leader-election timings scenarios use: short, so a takeover fits in a test.</summary>
    public static OperatorOptions Elected => new()
    {
        LeaderElect = true,
        LeaseDuration = TimeSpan.FromSeconds(4),
        RenewDeadline = TimeSpan.FromSeconds(3),
        RetryPeriod = TimeSpan.FromMilliseconds(500),
    };

    public ChaosOperator StartOperator(string name, OperatorOptions? options = null) => Cluster.StartOperator($"{OperatorPrefix}-{name}", options);

    /// <summary>Applies the user's system (and the doomed one), and a ConfigMap of the user's that the operator must never touch; restarts the convergence clock.</summary>
    public async Task ApplyAsync()
    {
        await System.ApplyAsync(Cluster.User, CancellationToken);
        if (Doomed is not null)
        {
            await Doomed.ApplyAsync(Cluster.User, CancellationToken);
        }

        await Cluster.User.CoreV1.CreateNamespacedConfigMapAsync(ForeignConfigMap(), System.Namespace, cancellationToken: CancellationToken);
        _clock.Restart();
    }

    /// <summary>Records the convergence time of the fault-free run (which has no snapshot to compare with).</summary>
    public void MarkConverged() => ConvergenceTime = _clock.Elapsed;

    /// <summary>Restarts the convergence clock (a scenario whose faults start after a first convergence).</summary>
    public void RestartClock() => _clock.Restart();

    /// <summary>A user's ConfigMap in the operator's namespace, labelled like the operator's children but not managed by it.</summary>
    public static V1ConfigMap ForeignConfigMap() => new()
    {
        Metadata = new V1ObjectMeta { Name = "waddlebot-team-notes", Labels = new Dictionary<string, string> { ["app.kubernetes.io/part-of"] = "waddlebot" } },
        Data = new Dictionary<string, string> { ["oncall"] = "penguin", ["sampling"] = "{\"default_strategy\":{\"type\":\"probabilistic\",\"param\":1}}" },
    };

    /// <summary>Waits until every WaddleService of <paramref name="system"/> is Ready for its generation (a first convergence, not the final state).</summary>
    public Task AllReadyAsync(WaddleBotSystem system) =>
        WaitAsync($"every WaddleService of {system.Namespace} Ready", () =>
        {
            var services = Stored(WaddleService.Plural, system.Namespace);
            var ready = services.Count(IsReady);
            return (services.Count == system.ServiceCount && ready == services.Count, $"{ready} of {system.ServiceCount} Ready");
        });

    /// <summary>
    /// Waits until the namespace equals the fault-free run's final state (recording the convergence time), then, with every
    /// fault off, until the operator is idle, and checks the state holds: converged, not merely passing through.
    /// </summary>
    public async Task ConvergedAsync(params ChaosOperator[] running)
    {
        var expected = Expected ?? throw new InvalidOperationException("no fault-free snapshot to converge to");
        try
        {
            await WaitAsync("the namespace to equal the fault-free run's final state", () =>
            {
                var differences = ClusterSnapshot.Take(Cluster.Api, System.Namespace).Differences(expected);
                var doomedLeft = DoomedLeft();
                return (differences.Count == 0 && doomedLeft is null, doomedLeft ?? $"{differences.Count} differences: {string.Join(" | ", differences.Take(4))}");
            });
        }
        catch (ChaosTimeoutException timeout)
        {
            // What the operator last did to the objects that differ: the first thing to read when a scenario fails.
            var differing = ClusterSnapshot.Take(Cluster.Api, System.Namespace).Differences(expected).Select(d => d.Split(':')[0]).ToHashSet();
            var writes = Cluster.Api.Requests.Snapshot()
                .Where(r => r.Namespace == System.Namespace && r.Name is not null && differing.Contains($"{r.Resource}/{r.Name}") && r.Verb != "get")
                .TakeLast(12).Select(r => $"{r.Time:HH:mm:ss.fff} {r.Method} {r.Resource}/{r.Name}/{r.Subresource} {r.Status} by {r.UserAgent}");
            throw new ChaosTimeoutException($"{timeout.Message}\nlast writes to them: {string.Join("\n  ", writes)}");
        }

        ConvergenceTime = _clock.Elapsed;
        Cluster.Api.Faults.Clear();
        await IdleAsync(running);
        var after = ClusterSnapshot.Take(Cluster.Api, System.Namespace).Differences(expected);
        foreach (var difference in after)
        {
            Violation($"after the faults stopped and the operator went idle the state moved away from the fault-free run: {difference}");
        }
    }

    /// <summary>Waits until the instances have nothing queued or running for a second and a half in a row.</summary>
    public Task IdleAsync(params ChaosOperator[] running)
    {
        var quietSince = DateTime.UtcNow;
        return WaitAsync("the operator to be idle", () =>
        {
            if (running.Any(r => r.KilledAt is null && !r.Instance.IsIdle && r.Instance.IsLeader))
            {
                quietSince = DateTime.UtcNow;
            }

            return (DateTime.UtcNow - quietSince > TimeSpan.FromSeconds(1.5), string.Join("; ", running.Where(r => r.KilledAt is null).Select(r => $"{r.Identity}: {r.Instance.Backlog}")));
        });
    }

    /// <summary>Polls until <paramref name="probe"/> holds; throws with the last observation after the settings' patience.</summary>
    public async Task WaitAsync(string what, Func<(bool Done, string Observed)> probe)
    {
        var deadline = Stopwatch.StartNew();
        var observed = "";
        while (deadline.Elapsed < Settings.Patience)
        {
            CancellationToken.ThrowIfCancellationRequested();
            (var done, observed) = probe();
            if (done)
            {
                return;
            }

            await Task.Delay(100, CancellationToken);
        }

        throw new ChaosTimeoutException($"gave up after {Settings.Patience.TotalSeconds:0} s waiting for {what}; last observed: {observed}");
    }

    /// <summary>Objects of a resource in a namespace, straight from the emulator's store (no request, no fault).</summary>
    public IReadOnlyList<JsonObject> Stored(string plural, string ns) =>
        Cluster.Api.Resources.All().Where(t => t.Plural == plural).DistinctBy(t => t.StorageKey)
            .SelectMany(t => Cluster.Api.Store.List(t.StorageKey, new ObjectFilter(ns, LabelSelector.Everything, FieldSelector.Everything)).Items)
            .Select(o => o.ToJsonObject()).ToList();

    /// <summary>Successful Lease writes (create or update) in the request log, oldest first: who held the lease from when.</summary>
    public IReadOnlyList<RequestRecord> LeaseWrites() =>
        Cluster.Api.Requests.Snapshot().Where(r => r.Resource == "leases" && ChaosCluster.IsWrite(r) && r.Status is >= 200 and < 300).ToList();

    public static bool IsReady(JsonObject service)
    {
        var generation = service["metadata"]?["generation"]?.GetValue<long>();
        var status = service["status"];
        return status?["observedGeneration"]?.GetValue<long>() == generation
            && (status?["conditions"] as JsonArray)?.Any(c => c?["type"]?.GetValue<string>() == "Ready" && c["status"]?.GetValue<string>() == "True") == true;
    }

    private string? DoomedLeft()
    {
        if (Doomed is null)
        {
            return null;
        }

        var left = Cluster.Api.Store.Get(Cluster.Api.Resources.Find("", "v1", "namespaces")!.StorageKey, new KubeApiEmulator.Storage.ObjectKey("", Doomed.Namespace));
        return left is null ? null : $"namespace {Doomed.Namespace} still there ({left.ToJsonObject()["status"]?["phase"]})";
    }
}

/// <summary>A fault target for every request whose User-Agent contains <paramref name="UserAgent"/>.</summary>
public sealed record FaultTargetFor(string UserAgent)
{
    public KubeApiEmulator.Faults.FaultTarget Verb(string verb, string? resource = null) => new(verb, resource, UserAgent);
}

/// <summary>A scenario did not converge within the patience it was given.</summary>
public sealed class ChaosTimeoutException(string message) : Exception(message);
