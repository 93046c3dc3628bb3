using k8s;
using k8s.Models;
using KubeApiEmulator;
using KubeApiEmulator.Http;
using Microsoft.Extensions.Logging;
using WaddleObservabilityOperator.Controllers;
using WaddleObservabilityOperator.Telemetry;

namespace WaddleObservabilityOperator.Chaos;

/// <summary>
/// Where the project's files are: the generated CRDs, the WaddleBot samples and the stand-ins for prometheus-operator's
/// ServiceMonitor and PrometheusRule CRDs (tests/fixtures). With the PrometheusRule API the samples' SLOs have somewhere
/// to go even after their policy (and its managed Prometheus) is deleted, as in a cluster with prometheus-operator's CRDs.
/// </summary>
public sealed record ChaosAssets(string CrdDirectory, string SamplesDirectory, string ServiceMonitorCrd, string? PrometheusRuleCrd = null);

/// <summary>
/// A user's cluster for one fault scenario: the API emulator (garbage collection on) with the operator's CRDs and the
/// ServiceMonitor CRD, a client acting as the user, and operator instances running in-process that can be stopped
/// gracefully or killed abruptly.
/// </summary>
public sealed class ChaosCluster : IAsyncDisposable
{
    private static readonly string[] WriteVerbs = ["create", "update", "patch", "delete", "deletecollection"];

    private readonly Func<string, ILoggerProvider?> _logs;
    private readonly List<ChaosOperator> _operators = [];
    private bool _disposed;

    private ChaosCluster(ApiEmulator api, Func<string, ILoggerProvider?> logs)
    {
        Api = api;
        _logs = logs;
        User = new Kubernetes(api.ClientConfiguration());
    }

    public ApiEmulator Api { get; }

    /// <summary>The user's client (KubernetesClient's own User-Agent, so operator-targeted faults never hit it).</summary>
    public Kubernetes User { get; }

    public IReadOnlyList<ChaosOperator> Operators => _operators;

    public static async Task<ChaosCluster> StartAsync(ChaosAssets assets, Func<string, ILoggerProvider?> logs, int faultSeed, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(assets);
        var api = await ApiEmulator.StartAsync(new ApiEmulatorOptions { BookmarkInterval = TimeSpan.FromSeconds(5), FaultSeed = faultSeed, SimulateWorkloads = true }, cancellationToken);
        var cluster = new ChaosCluster(api, logs);
        var crds = Directory.GetFiles(assets.CrdDirectory, "*.yaml").Order(StringComparer.Ordinal).Append(assets.ServiceMonitorCrd)
            .Concat(assets.PrometheusRuleCrd is { } rules ? [rules] : []);
        foreach (var file in crds)
        {
            var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(file, cancellationToken));
            await cluster.User.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd, cancellationToken: cancellationToken);
        }

        return cluster;
    }

    /// <summary>Workers per controller of every instance started from now on, at least and at most (null: the operator's defaults).</summary>
    public (int Min, int Max)? Workers { get; set; }

    /// <summary>Starts an operator instance named <paramref name="identity"/> (its User-Agent carries the name).</summary>
    public ChaosOperator StartOperator(string identity, OperatorOptions? options = null)
    {
        options ??= new OperatorOptions();
        if (Workers is { } workers)
        {
            options = options with { Concurrency = workers.Min, MaxConcurrency = workers.Max };
        }

        options = options with
        {
            Identity = identity,
            DiscoveryInterval = TimeSpan.FromSeconds(1),
            PolicyDebounce = TimeSpan.FromMilliseconds(300),
            Qps = 200,
            Burst = 400,
        };
        var loggers = LoggerFactory.Create(l =>
        {
            if (_logs(identity) is { } provider)
            {
                l.AddProvider(provider);
            }

            l.SetMinimumLevel(LogLevel.Information);
        });
        var running = new ChaosOperator(new WaddleOperator(Api.ClientConfiguration(), options, new OperatorMetrics(), loggers), loggers);
        _operators.Add(running);
        return running;
    }

    /// <summary>Requests of the operator instance <paramref name="identity"/>, oldest first.</summary>
    public IReadOnlyList<RequestRecord> RequestsBy(string identity) =>
        Api.Requests.Snapshot().Where(r => IsBy(r, identity)).ToList();

    /// <summary>Writes of the instance, leaving out its Lease requests and the Events it records.</summary>
    public IReadOnlyList<RequestRecord> WritesBy(string identity) =>
        RequestsBy(identity).Where(r => IsWrite(r) && r.Resource is not ("leases" or "events")).ToList();

    public static bool IsWrite(RequestRecord request) => WriteVerbs.Contains(request?.Verb, StringComparer.Ordinal);

    public static bool IsBy(RequestRecord request, string identity) =>
        request?.UserAgent?.Contains($"({identity})", StringComparison.Ordinal) == true;

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var running in _operators)
        {
            await running.DisposeAsync();
        }

        User.Dispose();
        await Api.DisposeAsync();
    }
}

/// <summary>An operator instance running in-process: stopped like a SIGTERM'd pod, or killed like a SIGKILL'd one.</summary>
public sealed class ChaosOperator : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly ILoggerFactory _loggers;
    private readonly Task _run;
    private bool _disposed;
    private bool _stopped;

    /// <summary>Runs <paramref name="instance"/> until stopped or killed; disposing it disposes <paramref name="loggers"/> too.</summary>
    public ChaosOperator(WaddleOperator instance, ILoggerFactory loggers)
    {
        Instance = instance;
        _loggers = loggers;
        _run = Task.Run(() => instance.RunAsync(_stop.Token));
    }

    public WaddleOperator Instance { get; }

    public string Identity => Instance.Identity;

    /// <summary>When it was killed (null while it runs or after a graceful stop).</summary>
    public DateTimeOffset? KilledAt { get; private set; }

    /// <summary>The run failed: the operator crashed.</summary>
    public Exception? Crash => _run.IsFaulted && KilledAt is null ? _run.Exception : null;

    /// <summary>The run ended although nobody stopped or killed it.</summary>
    public bool EndedOnItsOwn => _run.IsCompleted && !_stop.IsCancellationRequested && KilledAt is null;

    /// <summary>Stops the instance and waits for it to finish (it releases its lease on the way out).</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await _run;
    }

    /// <summary>
    /// Kills the instance as SIGKILL would: its HTTP client and queues are disposed, so requests in flight are cut and
    /// the lease is not released, and everything it runs is cancelled. Nothing waits for it to wind down and whatever
    /// the dying instance throws is not a crash; the suite checks instead that it sends no request afterwards.
    /// </summary>
    public async Task KillAsync()
    {
        KilledAt = DateTimeOffset.UtcNow;
        await Instance.DisposeAsync();
        _disposed = true;
        await _stop.CancelAsync();
        _ = _run.ContinueWith(t => t.Exception, TaskScheduler.Default);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        if (KilledAt is null && !_run.IsCompleted)
        {
            // A graceful stop must end: a run that ignores its cancellation is a hang the suite reports.
            await _stop.CancelAsync();
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }

        if (!_disposed)
        {
            await Instance.DisposeAsync();
        }

        _loggers.Dispose();
    }
}
