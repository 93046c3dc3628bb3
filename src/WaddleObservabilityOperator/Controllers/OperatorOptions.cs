namespace WaddleObservabilityOperator.Controllers;

/// <summary>How one operator instance runs: what it watches, how fast it may go, and whether it must lead to write.</summary>
public sealed record OperatorOptions
{
    /// <summary>Namespaces to watch; empty watches all.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = [];

    /// <summary>Reconciles at once per controller, at least.</summary>
    public int Concurrency { get; init; } = 2;

    /// <summary>
    /// Reconciles at once per controller at most, when reconciles mostly wait on the API server (a slow or throttling
    /// server): the workers follow cores / (1 - the share of reconcile time spent waiting), between
    /// <see cref="Concurrency"/> and this. At or below <see cref="Concurrency"/>: a fixed number of workers.
    /// </summary>
    public int MaxConcurrency { get; init; } = 16;

    /// <summary>Every cached object is reconciled again this often (from the cache: no reads, and no writes when converged).</summary>
    public TimeSpan ResyncPeriod { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The longest a failed reconcile waits for its retry: the delay doubles from 5 ms with every failure in a row, up to
    /// this (controller-runtime caps at 1000 s; like cert-manager, 5 minutes, so an object that failed through an
    /// outage is retried within minutes of the API server's recovery even when no event wakes it).
    /// </summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromMinutes(5);

    public double Qps { get; init; } = 20;

    public int Burst { get; init; } = 30;

    public bool LeaderElect { get; init; }

    public string LeaseNamespace { get; init; } = "default";

    public string LeaseName { get; init; } = "waddle-observability-operator";

    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>This instance's name in the Lease and in its User-Agent (the pod name in a cluster).</summary>
    public string Identity { get; init; } = $"{Environment.MachineName}-{Guid.NewGuid():N}"[..^24];

    /// <summary>
    /// The longest a service change waits for its policy's reconcile: changes arriving within the window after one
    /// are gathered into one reconcile at its end, so a burst of service changes (an apply of many services) becomes
    /// few sampling ConfigMap writes. The window is twice the recent cost of a policy reconcile rendering the way the
    /// change makes it render (incremental for a service added or changed, full for one deleted:
    /// <see cref="PolicyReconcileCosts"/>), capped by this; the first change after a quiet window is applied at once.
    /// </summary>
    public TimeSpan PolicyDebounce { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How often the operator checks whether the ServiceMonitor API was installed or removed.</summary>
    public TimeSpan DiscoveryInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Minimum watch duration before the server ends it (client-go's 5 minutes; the watch asks for 1-2x this).</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);
}
