using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The metrics of WaddleBot's shared library (its MetricsManager, names prefixed by METRICS_NAMESPACE, which the policy
/// injects as spec.metrics.namespace), with the labels the dashboards group by. The library also labels every series
/// with its own <c>service</c>; the dashboards use the <c>waddlebot_service</c> and <c>waddlebot_layer</c> target labels the
/// operator's ServiceMonitors and managed Prometheus add instead, which no scrape can rename.
/// </summary>
internal sealed record WaddleBotLibraryMetrics(string Prefix)
{
    /// <summary>Counter: command, platform, status.</summary>
    public string Commands => $"{Prefix}_commands_total";

    /// <summary>Histogram (seconds): command, platform.</summary>
    public string CommandDuration => $"{Prefix}_command_duration_seconds";

    /// <summary>Counter: platform, message_type.</summary>
    public string Messages => $"{Prefix}_messages_total";

    /// <summary>Gauge: platform.</summary>
    public string ActiveChannels => $"{Prefix}_active_channels";

    /// <summary>Counter: error_type, severity.</summary>
    public string Errors => $"{Prefix}_errors_total";

    /// <summary>Counter: operation, table, status.</summary>
    public string DbQueries => $"{Prefix}_db_queries_total";

    /// <summary>Histogram (seconds): operation, table.</summary>
    public string DbQueryDuration => $"{Prefix}_db_query_duration_seconds";

    /// <summary>Counter: operation, status.</summary>
    public string CacheOperations => $"{Prefix}_cache_operations_total";

    /// <summary>Gauge: queue_name.</summary>
    public string QueueSize => $"{Prefix}_queue_size";

    /// <summary>Gauge, 0 closed, 1 open, 2 half-open: circuit_name.</summary>
    public string CircuitBreakerState => $"{Prefix}_circuit_breaker_state";
}

/// <summary>
/// The dashboards of a policy's WaddleServices: the overview of every layer and the page of one service. Their queries
/// read the policy's namespace only, so each policy's dashboards show its own namespace; their uids and titles name the
/// policy, so the dashboards of several policies can sit in one Grafana.
/// </summary>
internal static class WaddleBotDashboards
{
    /// <summary>The tag of the WaddleBot dashboards, which their header links list.</summary>
    public const string Tag = "waddlebot";

    private static readonly string[] ByService = [WellKnown.ServiceMetricLabel];
    private static readonly string[] None = [];

    private static readonly (double Value, string Text, string Color)[] BreakerStates =
    [
        (0, "closed", "green"),
        (1, "open", "red"),
        (2, "half-open", "orange"),
    ];

    public static string OverviewUid(EffectivePolicy policy) => Uid("waddlebot-overview", policy);

    public static string ServiceUid(EffectivePolicy policy) => Uid("waddlebot-service", policy);

    // A dashboard uid is at most 40 characters; the policy's namespace and name can be far longer, so they are hashed.
    internal static string Uid(string kind, EffectivePolicy policy) => $"{kind}-{ConfigHash.Of($"{policy.Namespace}/{policy.Name}")}";

    internal static string Where(EffectivePolicy policy) => $"{policy.Namespace}/{policy.Name}";

    internal static DashboardLink OtherDashboards() => new() { Title = "WaddleBot dashboards", Tags = [Tag] };

    /// <summary>Every service of the policy's namespace at a glance: a row per layer with rate, errors and latency per service, then the library's metrics.</summary>
    public static DashboardDocument Overview(EffectivePolicy policy, EffectiveDashboards dashboards)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(dashboards);
        var red = dashboards.Red;
        var library = new WaddleBotLibraryMetrics(policy.Metrics.Namespace);
        var scope = new PromScope(PromQl.Equal("namespace", policy.Namespace));
        var errors = PromQl.Matches(red.StatusLabel, red.ErrorStatusRegex);
        var grid = new DashboardGrid();
        // From a service's line to its own dashboard, with the same data source and time range.
        DataLink[] toService = [new("Service dashboard", $"/d/{ServiceUid(policy)}?var-service=${{__field.labels.{WellKnown.ServiceMetricLabel}}}&${{datasource:queryparam}}&${{__url_time_range}}")];

        grid.Row("Now");
        var targets = scope.With(PromQl.Has(WellKnown.ServiceMetricLabel));
        grid.Add(4, 4, DashboardGrid.Stat("Targets up", "Scrape targets of WaddleServices that answered their last scrape.", "none",
            DashboardGrid.Query("A", targets.Gauge("sum", "up", None), "up"), (null, "red"), (1, "green")));
        grid.Add(4, 4, DashboardGrid.Stat("Targets down", "Scrape targets of WaddleServices that did not answer their last scrape: a pod down or its metrics port wrong.", "none",
            DashboardGrid.Query("A", targets.CountEqual("up", 0), "down"), (null, "green"), (1, "red")));
        grid.Add(4, 4, DashboardGrid.Stat("Requests", "HTTP requests per second, every service.", "reqps",
            DashboardGrid.Query("A", scope.Rate(red.RequestsMetric, None), "requests"), (null, "blue")));
        grid.Add(4, 4, DashboardGrid.Stat("Error ratio", $"Share of HTTP requests whose {red.StatusLabel} matches {red.ErrorStatusRegex}, every service.", "percentunit",
            DashboardGrid.Query("A", scope.Ratio(red.RequestsMetric, errors, None), "errors"), (null, "green"), (0.01, "orange"), (0.05, "red")));
        grid.Add(4, 4, DashboardGrid.Stat("p95 latency", "95th percentile of HTTP request duration, every service.", "s",
            DashboardGrid.Query("A", scope.Quantile(0.95, red.DurationMetric, None), "p95"), (null, "green"), (0.5, "orange"), (1, "red")));
        grid.Add(4, 4, DashboardGrid.Stat("Open circuit breakers", "Circuit breakers that are open now: a dependency is failing and calls to it are cut short.", "none",
            DashboardGrid.Query("A", scope.CountEqual(library.CircuitBreakerState, 1), "open"), (null, "green"), (1, "red")));

        foreach (var layer in Enum.GetValues<ServiceLayer>())
        {
            var name = EnvInjectionPlanner.LayerName(layer);
            var inLayer = scope.With(PromQl.Equal(WellKnown.LayerMetricLabel, name));
            grid.Row($"Layer: {name}");
            grid.Add(8, 8, DashboardGrid.TimeSeries("Request rate", $"HTTP requests per second of each {name} service.", "reqps",
                [DashboardGrid.Query("A", inLayer.Rate(red.RequestsMetric, ByService), "{{waddlebot_service}}")], toService));
            grid.Add(8, 8, DashboardGrid.TimeSeries("Error ratio", $"Share of each {name} service's HTTP requests whose {red.StatusLabel} matches {red.ErrorStatusRegex}.", "percentunit",
                [DashboardGrid.Query("A", inLayer.Ratio(red.RequestsMetric, errors, ByService), "{{waddlebot_service}}")], toService));
            grid.Add(8, 8, DashboardGrid.TimeSeries("Latency p50 / p95 / p99", $"HTTP request duration percentiles of each {name} service.", "s",
                [.. Percentiles(inLayer, red.DurationMetric, ByService, "{{waddlebot_service}}", exemplar: false)], toService));
        }

        grid.Row("WaddleBot library: every service");
        grid.Add(8, 8, DashboardGrid.TimeSeries("Commands", "Bot commands processed per second by each service.", "ops",
            [DashboardGrid.Query("A", scope.Rate(library.Commands, ByService), "{{waddlebot_service}}")], toService));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Command latency p95", "95th percentile of command processing time of each service.", "s",
            [DashboardGrid.Query("A", scope.Quantile(0.95, library.CommandDuration, ByService), "{{waddlebot_service}}")], toService));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Messages by platform", "Chat messages and events processed per second, by platform.", "ops",
            [DashboardGrid.Query("A", scope.Rate(library.Messages, ["platform"]), "{{platform}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Active channels by platform", "Channels and servers the bot is active in, by platform.", "none",
            [DashboardGrid.Query("A", scope.Gauge("sum", library.ActiveChannels, ["platform"]), "{{platform}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Errors", "Errors the library recorded per second, by service.", "ops",
            [DashboardGrid.Query("A", scope.Rate(library.Errors, ByService), "{{waddlebot_service}}")], toService));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Database queries", "Database queries per second of each service.", "ops",
            [DashboardGrid.Query("A", scope.Rate(library.DbQueries, ByService), "{{waddlebot_service}}")], toService));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Database query latency p95", "95th percentile of database query time of each service.", "s",
            [DashboardGrid.Query("A", scope.Quantile(0.95, library.DbQueryDuration, ByService), "{{waddlebot_service}}")], toService));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Cache operations by status", "Cache operations per second, every service, by outcome.", "ops",
            [DashboardGrid.Query("A", scope.Rate(library.CacheOperations, ["status"]), "{{status}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Queue size", "Items waiting in each service's queues.", "none",
            [DashboardGrid.Query("A", scope.Gauge("sum", library.QueueSize, [WellKnown.ServiceMetricLabel, "queue_name"]), "{{waddlebot_service}} {{queue_name}}")]));
        grid.Add(24, 6, DashboardGrid.StateTimeline("Circuit breakers", "State of every circuit breaker of every service: closed, open (calls are cut short) or half-open (trying again).",
            DashboardGrid.Query("A", scope.Gauge("max", library.CircuitBreakerState, [WellKnown.ServiceMetricLabel, "circuit_name"]), "{{waddlebot_service}} {{circuit_name}}"),
            BreakerStates));

        return new DashboardDocument
        {
            Uid = OverviewUid(policy),
            Title = $"WaddleBot overview ({Where(policy)})",
            Description = $"Every WaddleService of namespace {policy.Namespace}: is it up, how busy, how many errors, how slow, by layer; and what the bot does (commands, messages, database, cache, queues, circuit breakers).",
            Tags = [Tag],
            Links = [OtherDashboards()],
            Templating = new DashboardTemplating([DashboardGrid.DataSourcePicker()]),
            Panels = grid.Panels,
        };
    }

    /// <summary>One service chosen by a variable: RED with exemplars, commands, database, cache, queues, circuit breakers.</summary>
    public static DashboardDocument Service(EffectivePolicy policy, EffectiveDashboards dashboards)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(dashboards);
        var red = dashboards.Red;
        var library = new WaddleBotLibraryMetrics(policy.Metrics.Namespace);
        var inNamespace = new PromScope(PromQl.Equal("namespace", policy.Namespace));
        var scope = inNamespace.With($"{WellKnown.ServiceMetricLabel}=\"$service\"");
        // spec.metrics.exemplars: the latency panels ask for the trace ids kept with the histogram samples.
        var exemplar = policy.Metrics.Exemplars.Enabled;
        var errors = PromQl.Matches(red.StatusLabel, red.ErrorStatusRegex);
        var grid = new DashboardGrid();

        grid.Row("Now");
        grid.Add(5, 4, DashboardGrid.Stat("Targets up", "Scrape targets (pods) of the service that answered their last scrape.", "none",
            DashboardGrid.Query("A", scope.Gauge("sum", "up", None), "up"), (null, "red"), (1, "green")));
        grid.Add(5, 4, DashboardGrid.Stat("Requests", "HTTP requests per second.", "reqps",
            DashboardGrid.Query("A", scope.Rate(red.RequestsMetric, None), "requests"), (null, "blue")));
        grid.Add(5, 4, DashboardGrid.Stat("Error ratio", $"Share of HTTP requests whose {red.StatusLabel} matches {red.ErrorStatusRegex}.", "percentunit",
            DashboardGrid.Query("A", scope.Ratio(red.RequestsMetric, errors, None), "errors"), (null, "green"), (0.01, "orange"), (0.05, "red")));
        grid.Add(5, 4, DashboardGrid.Stat("p95 latency", "95th percentile of HTTP request duration.", "s",
            DashboardGrid.Query("A", scope.Quantile(0.95, red.DurationMetric, None), "p95"), (null, "green"), (0.5, "orange"), (1, "red")));
        grid.Add(4, 4, DashboardGrid.Stat("Open circuit breakers", "The service's circuit breakers that are open now.", "none",
            DashboardGrid.Query("A", scope.CountEqual(library.CircuitBreakerState, 1), "open"), (null, "green"), (1, "red")));

        grid.Row("Requests: rate, errors, duration");
        grid.Add(8, 8, DashboardGrid.TimeSeries("Request rate by status", $"HTTP requests per second by {red.StatusLabel}.", "reqps",
            [DashboardGrid.Query("A", scope.Rate(red.RequestsMetric, [red.StatusLabel]), $"{{{{{red.StatusLabel}}}}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Error ratio", $"Share of HTTP requests whose {red.StatusLabel} matches {red.ErrorStatusRegex}.", "percentunit",
            [DashboardGrid.Query("A", scope.Ratio(red.RequestsMetric, errors, None), "errors")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Latency p50 / p95 / p99", exemplar ? "HTTP request duration percentiles. Exemplars link a slow request to its trace in Jaeger." : "HTTP request duration percentiles.", "s",
            [.. Percentiles(scope, red.DurationMetric, None, "", exemplar)]));
        grid.Add(12, 8, DashboardGrid.TimeSeries("Busiest endpoints", "The ten endpoints with the most HTTP requests per second.", "reqps",
            [DashboardGrid.Query("A", $"topk(10, {scope.Rate(red.RequestsMetric, ["method", "endpoint"])})", "{{method}} {{endpoint}}")]));
        grid.Add(12, 8, DashboardGrid.TimeSeries("Slowest endpoints p95", "The ten endpoints with the highest 95th percentile of HTTP request duration.", "s",
            [DashboardGrid.Query("A", $"topk(10, {scope.Quantile(0.95, red.DurationMetric, ["method", "endpoint"])})", "{{method}} {{endpoint}}", exemplar)]));

        grid.Row("Commands and messages");
        grid.Add(8, 8, DashboardGrid.TimeSeries("Commands by status", "Bot commands processed per second, by command and outcome.", "ops",
            [DashboardGrid.Query("A", scope.Rate(library.Commands, ["command", "status"]), "{{command}} {{status}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Command latency p95", "95th percentile of processing time by command.", "s",
            [DashboardGrid.Query("A", scope.Quantile(0.95, library.CommandDuration, ["command"]), "{{command}}", exemplar)]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Messages", "Messages processed per second, by platform and type.", "ops",
            [DashboardGrid.Query("A", scope.Rate(library.Messages, ["platform", "message_type"]), "{{platform}} {{message_type}}")]));
        grid.Add(12, 8, DashboardGrid.TimeSeries("Errors by type", "Errors the library recorded per second, by type and severity.", "ops",
            [DashboardGrid.Query("A", scope.Rate(library.Errors, ["error_type", "severity"]), "{{error_type}} {{severity}}")]));
        grid.Add(12, 8, DashboardGrid.TimeSeries("Active channels", "Channels and servers the service is active in, by platform.", "none",
            [DashboardGrid.Query("A", scope.Gauge("sum", library.ActiveChannels, ["platform"]), "{{platform}}")]));

        grid.Row("Database and cache");
        grid.Add(8, 8, DashboardGrid.TimeSeries("Database queries", "Database queries per second, by operation and outcome.", "ops",
            [DashboardGrid.Query("A", scope.Rate(library.DbQueries, ["operation", "status"]), "{{operation}} {{status}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Database query latency p95", "95th percentile of query time, by operation and table.", "s",
            [DashboardGrid.Query("A", scope.Quantile(0.95, library.DbQueryDuration, ["operation", "table"]), "{{operation}} {{table}}", exemplar)]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Cache operations", "Cache operations per second, by operation and outcome.", "ops",
            [DashboardGrid.Query("A", scope.Rate(library.CacheOperations, ["operation", "status"]), "{{operation}} {{status}}")]));

        grid.Row("Queues and circuit breakers");
        grid.Add(12, 8, DashboardGrid.TimeSeries("Queue size", "Items waiting in each of the service's queues.", "none",
            [DashboardGrid.Query("A", scope.Gauge("sum", library.QueueSize, ["queue_name"]), "{{queue_name}}")]));
        grid.Add(12, 8, DashboardGrid.StateTimeline("Circuit breakers", "State of each of the service's circuit breakers.",
            DashboardGrid.Query("A", scope.Gauge("max", library.CircuitBreakerState, ["circuit_name"]), "{{circuit_name}}"),
            BreakerStates));

        return new DashboardDocument
        {
            Uid = ServiceUid(policy),
            Title = $"WaddleBot service ({Where(policy)})",
            Description = $"One WaddleService of namespace {policy.Namespace}: its requests (rate, errors, duration{(exemplar ? ", with exemplars that open the trace" : "")}), commands, messages, errors, database, cache, queues and circuit breakers.",
            Tags = [Tag],
            Links = [OtherDashboards()],
            Templating = new DashboardTemplating(
            [
                DashboardGrid.DataSourcePicker(),
                DashboardGrid.LabelValues("service", WellKnown.ServiceMetricLabel, inNamespace.Select("up", PromQl.Has(WellKnown.ServiceMetricLabel)), "Service"),
            ]),
            Panels = grid.Panels,
        };
    }

    private static IEnumerable<PanelQuery> Percentiles(PromScope scope, string histogram, string[] by, string legend, bool exemplar)
    {
        var prefix = legend.Length == 0 ? "" : legend + " ";
        yield return DashboardGrid.Query("A", scope.Quantile(0.5, histogram, by), prefix + "p50", exemplar);
        yield return DashboardGrid.Query("B", scope.Quantile(0.95, histogram, by), prefix + "p95", exemplar);
        yield return DashboardGrid.Query("C", scope.Quantile(0.99, histogram, by), prefix + "p99", exemplar);
    }
}
