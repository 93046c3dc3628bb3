using Prometheus;
using WaddleObservabilityOperator.Kube;

namespace WaddleObservabilityOperator.Telemetry;

/// <summary>
/// The operator's own Prometheus metrics: controller-runtime's names for reconciles and work queues, so existing
/// dashboards and alerts work unchanged, plus the domain gauges. One instance per operator: its registry is not the
/// process-wide default, so several operators in one process (tests) do not share counters.
/// </summary>
public sealed class OperatorMetrics : IReconcileMetrics, IWorkQueueMetrics, IApiRequestMetrics
{
    // controller-runtime's reconcile-time buckets (pkg/internal/controller/metrics).
    private static readonly double[] ReconcileBuckets =
        [0.005, 0.01, 0.025, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0,
         1.25, 1.5, 1.75, 2.0, 2.5, 3.0, 3.5, 4.0, 4.5, 5, 6, 7, 8, 9, 10, 15, 20, 25, 30, 40, 50, 60];

    // client-go's work-queue buckets: ExponentialBuckets(10e-9, 10, 12).
    private static readonly double[] QueueBuckets = Histogram.ExponentialBuckets(10e-9, 10, 12);

    private readonly Counter _reconcileTotal;
    private readonly Counter _reconcileErrors;
    private readonly Histogram _reconcileTime;
    private readonly Gauge _activeWorkers;
    private readonly Gauge _maxConcurrentReconciles;
    private readonly Gauge _queueDepth;
    private readonly Counter _queueAdds;
    private readonly Histogram _queueDuration;
    private readonly Histogram _workDuration;
    private readonly Counter _queueRetries;
    private readonly Gauge _services;
    private readonly Gauge _injectedWorkloads;
    private readonly Gauge _samplingConfigMapBytes;
    private readonly Counter _apiRequests;
    private readonly Gauge _leaderStatus;
    private readonly Counter _gcPause;

    public OperatorMetrics()
    {
        Registry = Metrics.NewCustomRegistry();
        DotNetStats.Register(Registry);
        var factory = Metrics.WithCustomRegistry(Registry);

        _reconcileTotal = factory.CreateCounter("controller_runtime_reconcile_total",
            "Total number of reconciliations per controller", ["controller", "result"]);
        _reconcileErrors = factory.CreateCounter("controller_runtime_reconcile_errors_total",
            "Total number of reconciliation errors per controller", ["controller"]);
        _reconcileTime = factory.CreateHistogram("controller_runtime_reconcile_time_seconds",
            "Length of time per reconciliation per controller", ["controller"],
            new HistogramConfiguration { Buckets = ReconcileBuckets });
        _activeWorkers = factory.CreateGauge("controller_runtime_active_workers",
            "Number of currently used workers per controller", ["controller"]);
        _maxConcurrentReconciles = factory.CreateGauge("controller_runtime_max_concurrent_reconciles",
            "Maximum number of concurrent reconciles per controller", ["controller"]);
        _queueDepth = factory.CreateGauge("workqueue_depth", "Current depth of workqueue", ["name"]);
        _queueAdds = factory.CreateCounter("workqueue_adds_total", "Total number of adds handled by workqueue", ["name"]);
        _queueDuration = factory.CreateHistogram("workqueue_queue_duration_seconds",
            "How long in seconds an item stays in workqueue before being requested", ["name"],
            new HistogramConfiguration { Buckets = QueueBuckets });
        _workDuration = factory.CreateHistogram("workqueue_work_duration_seconds",
            "How long in seconds processing an item from workqueue takes", ["name"],
            new HistogramConfiguration { Buckets = QueueBuckets });
        _queueRetries = factory.CreateCounter("workqueue_retries_total",
            "Total number of items added to the workqueue with a non-zero delay (rate-limited requeues, RequeueAfter)", ["name"]);
        _leaderStatus = factory.CreateGauge("leader_election_master_status",
            "Whether this instance is the leader (1) or not (0)", ["name"]);

        // DotNetStats counts collections but not how long they stopped the process: the runtime's own total, which is
        // what tells a slow reconcile from a paused one.
        _gcPause = factory.CreateCounter("dotnet_gc_pause_time_seconds_total",
            "Total time the garbage collector has paused the process since it started");
        Registry.AddBeforeCollectCallback(() => _gcPause.IncTo(GC.GetTotalPauseDuration().TotalSeconds));

        _services = factory.CreateGauge("waddle_services", "WaddleServices in the watched namespaces by readiness", ["ready"]);
        _injectedWorkloads = factory.CreateGauge("waddle_injected_workloads",
            "Workloads that currently carry the operator's injected environment");
        _samplingConfigMapBytes = factory.CreateGauge("waddle_sampling_configmap_bytes",
            "Size of the rendered sampling strategies document per policy", ["namespace", "policy"]);
        _apiRequests = factory.CreateCounter("waddle_api_requests_total",
            "Kubernetes API requests made by the operator by verb and HTTP status code", ["verb", "code"]);
    }

    /// <summary>The registry exported on /metrics.</summary>
    public CollectorRegistry Registry { get; }

    /// <summary>Runs <paramref name="callback"/> before every scrape, to set gauges computed from the caches.</summary>
    public void BeforeCollect(Action callback) => Registry.AddBeforeCollectCallback(callback);

    public void Reconciled(string controller, string result, TimeSpan duration)
    {
        _reconcileTotal.WithLabels(controller, result).Inc();
        if (result == ReconcileOutcome.Error)
        {
            _reconcileErrors.WithLabels(controller).Inc();
        }

        _reconcileTime.WithLabels(controller).Observe(duration.TotalSeconds);
    }

    public void ActiveWorkersChanged(string controller, int delta) => _activeWorkers.WithLabels(controller).Inc(delta);

    public void MaxConcurrentReconciles(string controller, int value) => _maxConcurrentReconciles.WithLabels(controller).Set(value);

    public void Added(string queue) => _queueAdds.WithLabels(queue).Inc();

    public void DepthChanged(string queue, int depth) => _queueDepth.WithLabels(queue).Set(depth);

    public void Waited(string queue, TimeSpan duration) => _queueDuration.WithLabels(queue).Observe(duration.TotalSeconds);

    public void Worked(string queue, TimeSpan duration) => _workDuration.WithLabels(queue).Observe(duration.TotalSeconds);

    public void Retried(string queue) => _queueRetries.WithLabels(queue).Inc();

    public void RequestCompleted(string verb, string code) => _apiRequests.WithLabels(verb, code).Inc();

    public void SetLeader(string lease, bool leading) => _leaderStatus.WithLabels(lease).Set(leading ? 1 : 0);

    public void SetServices(int ready, int notReady)
    {
        _services.WithLabels("true").Set(ready);
        _services.WithLabels("false").Set(notReady);
    }

    public void SetInjectedWorkloads(int count) => _injectedWorkloads.Set(count);

    public void SetSamplingConfigMapBytes(string @namespace, string policy, int bytes) =>
        _samplingConfigMapBytes.WithLabels(@namespace, policy).Set(bytes);

    public void RemoveSamplingConfigMap(string @namespace, string policy) =>
        _samplingConfigMapBytes.RemoveLabelled(@namespace, policy);

    public void ApiRequest(string verb, int statusCode) =>
        RequestCompleted(verb, statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Current value of waddle_api_requests_total for one verb, summed over codes (for the operator's own tests and logs).</summary>
    public double ApiRequests(string verb) =>
        _apiRequests.GetAllLabelValues().Where(l => l[0] == verb).Sum(l => _apiRequests.WithLabels(l).Value);

    /// <summary>Current value of controller_runtime_reconcile_total for one controller, summed over results.</summary>
    public double Reconciles(string controller) =>
        _reconcileTotal.GetAllLabelValues().Where(l => l[0] == controller).Sum(l => _reconcileTotal.WithLabels(l).Value);

    /// <summary>The text exposition of every metric, as served on /metrics.</summary>
    public async Task<string> ExportAsync(CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await Registry.CollectAndExportAsTextAsync(buffer, cancellationToken).ConfigureAwait(false);
        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
