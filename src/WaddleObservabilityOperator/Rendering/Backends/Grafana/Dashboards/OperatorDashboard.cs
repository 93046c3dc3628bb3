namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The operator's own dashboard, from the metrics it serves on /metrics (controller-runtime's names, the work queues',
/// its API requests and leader election). The same for every policy: the managed Grafana loads it, and the Helm chart
/// ships it as a sidecar-labelled ConfigMap (charts/.../dashboards/, a copy the tests keep equal to this).
/// </summary>
internal static class OperatorDashboard
{
    public const string Uid = "waddle-observability-operator";

    /// <summary>The data key of its ConfigMaps (the chart's and the managed Grafana's).</summary>
    public const string FileName = Uid + ".json";

    // controller_runtime_* and workqueue_* are the names every controller-runtime operator uses; the job variable picks
    // this operator's series by a metric only it serves.
    private const string JobSelector = "waddle_api_requests_total";

    public static DashboardDocument Render()
    {
        var scope = new PromScope("job=\"$job\"");
        string[] byController = ["controller"];
        string[] byQueue = ["name"];
        var grid = new DashboardGrid();

        grid.Row("Now");
        grid.Add(5, 4, DashboardGrid.Stat("Leaders", "Replicas holding the leader Lease: exactly one reconciles and writes.", "none",
            DashboardGrid.Query("A", scope.Gauge("sum", "leader_election_master_status", []), "leaders"), (null, "red"), (1, "green"), (2, "red")));
        grid.Add(5, 4, DashboardGrid.Stat("WaddleServices ready", "WaddleServices whose Ready condition is True.", "none",
            DashboardGrid.Query("A", scope.Gauge("max", "waddle_services", [], "ready=\"true\""), "ready"), (null, "green")));
        grid.Add(5, 4, DashboardGrid.Stat("WaddleServices not ready", "WaddleServices whose Ready condition is False: kubectl get wsvc shows why.", "none",
            DashboardGrid.Query("A", scope.Gauge("max", "waddle_services", [], "ready=\"false\""), "not ready"), (null, "green"), (1, "orange")));
        grid.Add(5, 4, DashboardGrid.Stat("Injected workloads", "Workloads that carry the operator's injected environment.", "none",
            DashboardGrid.Query("A", scope.Gauge("max", "waddle_injected_workloads", []), "workloads"), (null, "blue")));
        grid.Add(4, 4, DashboardGrid.Stat("Reconcile errors", "Reconciles per second that ended in an error (they are retried with backoff).", "ops",
            DashboardGrid.Query("A", scope.Rate("controller_runtime_reconcile_errors_total", []), "errors"), (null, "green"), (0.001, "red")));

        grid.Row("Reconciles");
        grid.Add(8, 8, DashboardGrid.TimeSeries("Reconcile rate", "Reconciles per second by controller and result (success, error, requeue, requeue_after, throttled).", "ops",
            [DashboardGrid.Query("A", scope.Rate("controller_runtime_reconcile_total", ["controller", "result"]), "{{controller}} {{result}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Reconcile errors", "Reconciles per second that ended in an error, by controller.", "ops",
            [DashboardGrid.Query("A", scope.Rate("controller_runtime_reconcile_errors_total", byController), "{{controller}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Reconcile duration p50 / p99", "How long one reconcile takes, by controller.", "s",
        [
            DashboardGrid.Query("A", scope.Quantile(0.5, "controller_runtime_reconcile_time_seconds", byController), "{{controller}} p50"),
            DashboardGrid.Query("B", scope.Quantile(0.99, "controller_runtime_reconcile_time_seconds", byController), "{{controller}} p99"),
        ]));

        grid.Row("Work queues");
        grid.Add(6, 8, DashboardGrid.TimeSeries("Queue depth", "Keys waiting to be reconciled, by queue.", "none",
            [DashboardGrid.Query("A", scope.Gauge("max", "workqueue_depth", byQueue), "{{name}}")]));
        grid.Add(6, 8, DashboardGrid.TimeSeries("Queue wait p99", "How long a key waits in its queue before a worker takes it.", "s",
            [DashboardGrid.Query("A", scope.Quantile(0.99, "workqueue_queue_duration_seconds", byQueue), "{{name}}")]));
        grid.Add(6, 8, DashboardGrid.TimeSeries("Work duration p99", "How long a worker spends on a key.", "s",
            [DashboardGrid.Query("A", scope.Quantile(0.99, "workqueue_work_duration_seconds", byQueue), "{{name}}")]));
        grid.Add(6, 8, DashboardGrid.TimeSeries("Adds and retries", "Keys added per second, and retries (rate-limited requeues).", "ops",
        [
            DashboardGrid.Query("A", scope.Rate("workqueue_adds_total", byQueue), "{{name}} adds"),
            DashboardGrid.Query("B", scope.Rate("workqueue_retries_total", byQueue), "{{name}} retries"),
        ]));

        grid.Row("Kubernetes API and leader election");
        grid.Add(8, 8, DashboardGrid.TimeSeries("API requests", "Requests per second to the Kubernetes API, by verb and HTTP status code.", "reqps",
            [DashboardGrid.Query("A", scope.Rate("waddle_api_requests_total", ["verb", "code"]), "{{verb}} {{code}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Failed API requests", "Requests per second that got no 2xx answer (409 conflicts are retried; 403 means missing RBAC).", "reqps",
            [DashboardGrid.Query("A", scope.Rate("waddle_api_requests_total", ["verb", "code"], "code!~\"2..\""), "{{verb}} {{code}}")]));
        grid.Add(8, 8, DashboardGrid.StateTimeline("Leader", "Which replica holds the leader Lease over time.",
            DashboardGrid.Query("A", scope.Gauge("max", "leader_election_master_status", ["instance"]), "{{instance}}"),
            (0, "standby", "blue"), (1, "leader", "green")));
        grid.Add(12, 8, DashboardGrid.TimeSeries("Active workers", "Workers reconciling right now, by controller, against the most allowed (--concurrency).", "none",
        [
            DashboardGrid.Query("A", scope.Gauge("sum", "controller_runtime_active_workers", byController), "{{controller}} active"),
            DashboardGrid.Query("B", scope.Gauge("max", "controller_runtime_max_concurrent_reconciles", byController), "{{controller}} max"),
        ]));
        grid.Add(12, 8, DashboardGrid.TimeSeries("Sampling document size", "Size of each policy's sampling strategies document; a ConfigMap holds at most 1 MiB.", "bytes",
            [DashboardGrid.Query("A", scope.Gauge("max", "waddle_sampling_configmap_bytes", ["policy"]), "{{policy}}")]));

        return new DashboardDocument
        {
            Uid = Uid,
            Title = "Waddle observability operator",
            Description = "The operator itself: how often and how fast it reconciles and fails, how deep its work queues are, what it asks of the Kubernetes API, which replica leads.",
            Tags = ["waddle-observability-operator"],
            Templating = new DashboardTemplating(
            [
                DashboardGrid.DataSourcePicker(),
                DashboardGrid.LabelValues("job", "job", JobSelector, "Job"),
            ]),
            Panels = grid.Panels,
        };
    }
}
