namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// What WaddleBot runs on, from the policy's exporters: its PostgreSQL servers, its Redis servers, the nodes and its
/// containers. A row per exporter kind the policy runs, so a policy without the node exporter (or whose namespace
/// refuses it) shows no empty node panels; none at all when it runs no exporter (<see cref="Applies"/>).
/// </summary>
/// <remarks>
/// Every query selects the policy's namespace and the exporter by <c>waddlebot_exporter</c>, which the operator's scrape
/// jobs and ServiceMonitors set, so exporters of another policy or of the user's own stack never mix in. Servers are
/// told apart by <c>instance</c>, the exporter's name in the policy; nodes by <c>instance</c>, the node's name. The
/// exporters answer their own scrape while their server is down, so health reads <c>pg_up</c> and <c>redis_up</c>, not
/// <c>up</c>. Containers are cAdvisor's series of the policy's namespace (scraped with honor_labels, its namespace, pod
/// and container are the measured container's), without the pod-level cgroups (<c>container=""</c>). Only metric
/// names that postgres_exporter 0.11 to 0.20, redis_exporter 1.45 to 1.88 and node_exporter 1.5 to 1.12 all serve.
/// </remarks>
internal static class InfrastructureDashboard
{
    public const string ConfigMapSuffix = "infrastructure";

    private static readonly string[] ByInstance = ["instance"];
    private static readonly string[] ByPod = ["pod"];
    private static readonly string[] None = [];

    private static readonly (double Value, string Text, string Color)[] UpStates =
    [
        (0, "down", "red"),
        (1, "up", "green"),
    ];

    public static string Uid(EffectivePolicy policy) => WaddleBotDashboards.Uid("waddlebot-infra", policy);

    /// <summary>Whether the policy runs an exporter, so the dashboard has something to show.</summary>
    public static bool Applies(EffectivePolicy policy) =>
        Runs(PostgresExporterComponent.Instance, policy) || Runs(RedisExporterComponent.Instance, policy)
        || Runs(NodeExporterComponent.Instance, policy) || Runs(KubeletComponent.Instance, policy);

    // Managed and not refused (the node exporter in a namespace that forbids host access is not rendered at all).
    private static bool Runs(IManagedComponent component, EffectivePolicy policy) => component.IsManaged(policy) && component.Refusal(policy) is null;

    public static DashboardDocument Render(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var grid = new DashboardGrid();
        if (Runs(PostgresExporterComponent.Instance, policy))
        {
            Postgres(grid, Scope(policy, PostgresExporterComponent.Exporter));
        }

        if (Runs(RedisExporterComponent.Instance, policy))
        {
            Redis(grid, Scope(policy, RedisExporterComponent.Exporter));
        }

        if (Runs(NodeExporterComponent.Instance, policy))
        {
            Nodes(grid, Scope(policy, NodeExporterComponent.Exporter));
        }

        if (Runs(KubeletComponent.Instance, policy))
        {
            Containers(grid, Scope(policy, KubeletComponent.Exporter), policy.Namespace);
        }

        return new DashboardDocument
        {
            Uid = Uid(policy),
            Title = $"WaddleBot infrastructure ({WaddleBotDashboards.Where(policy)})",
            Description = $"What the WaddleServices of namespace {policy.Namespace} run on, from the policy's exporters: PostgreSQL and Redis servers (reachable, connections, throughput, cache hits, size), nodes (CPU, memory, disks, network) and the namespace's containers (CPU, memory, throttling, network).",
            Tags = [WaddleBotDashboards.Tag],
            Links = [WaddleBotDashboards.OtherDashboards()],
            Templating = new DashboardTemplating([DashboardGrid.DataSourcePicker()]),
            Panels = grid.Panels,
        };
    }

    private static PromScope Scope(EffectivePolicy policy, string exporter) =>
        new(PromQl.Equal("namespace", policy.Namespace), PromQl.Equal(WellKnown.ExporterMetricLabel, exporter));

    private static void Postgres(DashboardGrid grid, PromScope scope)
    {
        grid.Row("PostgreSQL");
        ServerHealth(grid, scope, "PostgreSQL", "pg_up", "down, or its address or credentials wrong (the exporter's log says which)");

        var commits = scope.Rate("pg_stat_database_xact_commit", ByInstance);
        var hits = scope.Rate("pg_stat_database_blks_hit", ByInstance);
        var reads = scope.Rate("pg_stat_database_blks_read", ByInstance);
        grid.Add(8, 8, DashboardGrid.TimeSeries("Connections used", "Connections of each server against its max_connections: new connections fail at 100 %.", "percentunit",
            [DashboardGrid.Query("A", $"{scope.Gauge("sum", "pg_stat_database_numbackends", ByInstance)} / {scope.Gauge("max", "pg_settings_max_connections", ByInstance)}", "{{instance}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Transactions", "Transactions committed and rolled back per second, every database of each server.", "ops",
        [
            DashboardGrid.Query("A", commits, "{{instance}} commits"),
            DashboardGrid.Query("B", scope.Rate("pg_stat_database_xact_rollback", ByInstance), "{{instance}} rollbacks"),
        ]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Buffer cache hit ratio", "Share of block reads served from PostgreSQL's buffer cache; a falling ratio means the working set outgrew shared_buffers.", "percentunit",
            [DashboardGrid.Query("A", $"{hits} / ({hits} + {reads})", "{{instance}}")]));
        grid.Add(12, 8, DashboardGrid.TimeSeries("Database size", "Size on disk of each database.", "bytes",
            [DashboardGrid.Query("A", scope.Gauge("sum", "pg_database_size_bytes", ["instance", "datname"]), "{{instance}} {{datname}}")]));
        grid.Add(12, 8, DashboardGrid.TimeSeries("Deadlocks and temporary files", "Deadlocks detected and temporary files written per second (queries whose sorts and hashes spill out of work_mem).", "ops",
        [
            DashboardGrid.Query("A", scope.Rate("pg_stat_database_deadlocks", ByInstance), "{{instance}} deadlocks"),
            DashboardGrid.Query("B", scope.Rate("pg_stat_database_temp_files", ByInstance), "{{instance}} temp files"),
        ]));
    }

    /// <summary>
    /// A server kind's health line, from the exporters' own up metric (<paramref name="upMetric"/>, 1 when the exporter
    /// reached its server): how many are up, how many down, and each one over time.
    /// </summary>
    private static void ServerHealth(DashboardGrid grid, PromScope scope, string server, string upMetric, string downCauses)
    {
        grid.Add(6, 4, DashboardGrid.Stat("Servers up", $"{server} servers the exporters reach ({upMetric}): an exporter answers its scrape even when its server is down.", "none",
            DashboardGrid.Query("A", scope.Gauge("sum", upMetric, None), "up"), (null, "red"), (1, "green")));
        grid.Add(6, 4, DashboardGrid.Stat("Servers down", $"{server} servers an exporter cannot reach: {downCauses}.", "none",
            DashboardGrid.Query("A", scope.CountEqual(upMetric, 0), "down"), (null, "green"), (1, "red")));
        grid.Add(12, 4, DashboardGrid.StateTimeline("Reachable", "Whether each exporter reached its server at each scrape.",
            DashboardGrid.Query("A", scope.Gauge("max", upMetric, ByInstance), "{{instance}}"), UpStates));
    }

    private static void Redis(DashboardGrid grid, PromScope scope)
    {
        grid.Row("Redis");
        ServerHealth(grid, scope, "Redis", "redis_up", "down, or its address or password wrong");

        var hits = scope.Rate("redis_keyspace_hits_total", ByInstance);
        var misses = scope.Rate("redis_keyspace_misses_total", ByInstance);
        grid.Add(8, 8, DashboardGrid.TimeSeries("Memory", "Memory Redis uses for data and overhead, and its maxmemory (absent when it has no limit).", "bytes",
        [
            DashboardGrid.Query("A", scope.Gauge("max", "redis_memory_used_bytes", ByInstance), "{{instance}} used"),
            DashboardGrid.Query("B", $"{scope.Gauge("max", "redis_memory_max_bytes", ByInstance)} > 0", "{{instance}} max"),
        ]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Commands", "Commands processed per second.", "ops",
            [DashboardGrid.Query("A", scope.Rate("redis_commands_processed_total", ByInstance), "{{instance}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Keyspace hit ratio", "Share of key lookups that found their key: the services' cache hit ratio as Redis sees it.", "percentunit",
            [DashboardGrid.Query("A", $"{hits} / ({hits} + {misses})", "{{instance}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Clients", "Client connections of each server.", "none",
            [DashboardGrid.Query("A", scope.Gauge("max", "redis_connected_clients", ByInstance), "{{instance}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Keys", "Keys in each database of each server.", "none",
            [DashboardGrid.Query("A", scope.Gauge("sum", "redis_db_keys", ["instance", "db"]), "{{instance}} {{db}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Evicted and expired keys", "Keys evicted per second for want of memory (maxmemory reached), and keys expired.", "ops",
        [
            DashboardGrid.Query("A", scope.Rate("redis_evicted_keys_total", ByInstance), "{{instance}} evicted"),
            DashboardGrid.Query("B", scope.Rate("redis_expired_keys_total", ByInstance), "{{instance}} expired"),
        ]));
    }

    private static void Nodes(DashboardGrid grid, PromScope scope)
    {
        grid.Row("Nodes");
        grid.Add(8, 8, DashboardGrid.TimeSeries("CPU busy", "Share of each node's CPU time spent other than idle.", "percentunit",
            [DashboardGrid.Query("A", $"1 - {PromScope.Aggregate("avg", ByInstance, scope.RateOf("node_cpu_seconds_total", "mode=\"idle\""))}", "{{instance}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Memory used", "Share of each node's memory not available to new processes (MemAvailable).", "percentunit",
            [DashboardGrid.Query("A", $"1 - {scope.Gauge("sum", "node_memory_MemAvailable_bytes", ByInstance)} / {scope.Gauge("sum", "node_memory_MemTotal_bytes", ByInstance)}", "{{instance}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Load per CPU", "One-minute load average divided by the node's CPUs: above 1, work waits for a CPU.", "none",
            [DashboardGrid.Query("A", $"{scope.Gauge("max", "node_load1", ByInstance)} / count by (instance) ({scope.Select("node_cpu_seconds_total", "mode=\"idle\"")})", "{{instance}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Filesystem used", "Share of each filesystem's space in use (the node exporter leaves out the kernel's, the runtime's and the pods' mounts).", "percentunit",
            [DashboardGrid.Query("A", $"1 - {scope.Gauge("max", "node_filesystem_avail_bytes", ["instance", "mountpoint"])} / {scope.Gauge("max", "node_filesystem_size_bytes", ["instance", "mountpoint"])}", "{{instance}} {{mountpoint}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Disk busy", "Share of time each disk was busy with I/O.", "percentunit",
            [DashboardGrid.Query("A", scope.Rate("node_disk_io_time_seconds_total", ["instance", "device"]), "{{instance}} {{device}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("Network", "Bytes received and sent per second on each node's interfaces but loopback.", "Bps",
        [
            DashboardGrid.Query("A", scope.Rate("node_network_receive_bytes_total", ByInstance, "device!=\"lo\""), "{{instance}} received"),
            DashboardGrid.Query("B", scope.Rate("node_network_transmit_bytes_total", ByInstance, "device!=\"lo\""), "{{instance}} sent"),
        ]));
    }

    private static void Containers(DashboardGrid grid, PromScope scope, string @namespace)
    {
        // The containers themselves: cAdvisor's pod-level cgroups have container="" and would count everything twice.
        string[] containers = ["container!=\"\"", "image!=\"\""];
        grid.Row($"Containers of namespace {@namespace}");
        grid.Add(12, 8, DashboardGrid.TimeSeries("CPU by pod", "CPU cores each pod's containers use.", "none",
            [DashboardGrid.Query("A", scope.Rate("container_cpu_usage_seconds_total", ByPod, containers), "{{pod}}")]));
        grid.Add(12, 8, DashboardGrid.TimeSeries("Memory by pod", "Working set of each pod's containers: what the kubelet compares with the memory limit to OOM-kill.", "bytes",
            [DashboardGrid.Query("A", scope.Gauge("sum", "container_memory_working_set_bytes", ByPod, containers), "{{pod}}")]));
        string[] byContainer = ["pod", "container"];
        grid.Add(8, 8, DashboardGrid.TimeSeries("Memory against limit", "Working set of each container with a memory limit against that limit: at 100 % it is OOM-killed.", "percentunit",
            [DashboardGrid.Query("A", $"{scope.Gauge("sum", "container_memory_working_set_bytes", byContainer, containers)} / ({scope.Gauge("sum", "container_spec_memory_limit_bytes", byContainer, containers)} > 0)", "{{pod}} {{container}}")]));
        grid.Add(8, 8, DashboardGrid.TimeSeries("CPU throttling", "Share of each container's CPU periods in which it was throttled by its CPU limit.", "percentunit",
            [DashboardGrid.Query("A", $"{scope.Rate("container_cpu_cfs_throttled_periods_total", byContainer, containers)} / {scope.Rate("container_cpu_cfs_periods_total", byContainer, containers)}", "{{pod}} {{container}}")]));
        // Network counters belong to the pod's sandbox, not to a container: no container filter.
        grid.Add(8, 8, DashboardGrid.TimeSeries("Network by pod", "Bytes each pod receives and sends per second.", "Bps",
        [
            DashboardGrid.Query("A", scope.Rate("container_network_receive_bytes_total", ByPod), "{{pod}} received"),
            DashboardGrid.Query("B", scope.Rate("container_network_transmit_bytes_total", ByPod), "{{pod}} sent"),
        ]));
    }
}
