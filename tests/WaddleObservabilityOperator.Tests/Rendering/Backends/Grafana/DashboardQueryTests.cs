using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends.Grafana;

/// <summary>
/// Every PromQL expression of every dashboard (panel queries, variable selectors, the Jaeger data source's
/// traces-to-metrics queries) parses with the real promtool, and reads only metrics the system exposes: WaddleBot's
/// library, <c>up</c>, the operator's own, and a policy's own RED metrics. Metric names are read with Prometheus's own
/// PromQL grammar, not with a pattern of ours.
/// </summary>
public sealed class DashboardQueryTests
{
    private static IEnumerable<(DashboardCases.DashboardCase Case, DashboardCases.Expression Expression)> AllExpressions() =>
        DashboardCases.All.SelectMany(c => DashboardCases.Expressions(c.Dashboard).Select(e => (c, e)));

    [Fact]
    public async Task Every_expression_of_every_dashboard_parses_with_promtool()
    {
        var expressions = AllExpressions().ToList();
        Assert.True(expressions.Count > 100, $"only {expressions.Count} expressions found");
        Assert.All(expressions, e => Assert.DoesNotContain("$", e.Expression.Substituted, StringComparison.Ordinal));
        var (exitCode, output, file) = await DashboardTools.CheckRulesAsync([.. expressions.Select(e => e.Expression.Substituted)]);
        Assert.True(exitCode == 0, $"promtool check rules exit code {exitCode}:\n{output}\nchecked file:\n{file}");
        Assert.Contains($"SUCCESS: {expressions.Count} rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_rejects_a_dashboard_expression_that_does_not_parse()
    {
        // Control: the check really parses the expressions, so the passing test above means something.
        var expression = AllExpressions().First(e => e.Expression.Substituted.Contains("histogram_quantile", StringComparison.Ordinal)).Expression.Substituted;
        var broken = expression[..^1];
        var (exitCode, output, _) = await DashboardTools.CheckRulesAsync([expression, broken]);
        Assert.True(exitCode != 0, output);
        Assert.Contains("parse error", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_metric_a_dashboard_reads_is_one_the_system_exposes()
    {
        var expressions = AllExpressions().ToList();
        var readings = await DashboardTools.ReadPromQlAsync([.. expressions.Select(e => e.Expression.Substituted)]);
        var unknown = new List<string>();
        for (var i = 0; i < expressions.Count; i++)
        {
            var (dashboard, expression) = expressions[i];
            Assert.True(readings[i].Errors.Count == 0, $"{dashboard} {expression.Where}: {string.Join("; ", readings[i].Errors)}");
            Assert.NotEmpty(readings[i].Metrics);
            unknown.AddRange(readings[i].Metrics.Where(m => !dashboard.ExposedMetrics.Contains(m)).Select(m => $"{dashboard} {expression.Where}: {m}"));
        }

        Assert.True(unknown.Count == 0, "metrics nothing exposes:\n" + string.Join("\n", unknown));
    }

    [Fact]
    public async Task Every_metric_the_dashboards_exist_for_is_read_by_one()
    {
        // The issues' lists: RED, the library's business metrics, the operator's reconciles, queues, API and leader, and
        // the infrastructure the exporters watch.
        var read = (await DashboardTools.ReadPromQlAsync([.. AllExpressions().Select(e => e.Expression.Substituted)])).SelectMany(r => r.Metrics).ToHashSet(StringComparer.Ordinal);
        string[] expected =
        [
            "up", "waddlebot_http_requests_total", "waddlebot_http_request_duration_seconds_bucket", "waddlebot_commands_total",
            "waddlebot_command_duration_seconds_bucket", "waddlebot_messages_total", "waddlebot_active_channels", "waddlebot_errors_total",
            "waddlebot_db_queries_total", "waddlebot_db_query_duration_seconds_bucket", "waddlebot_cache_operations_total",
            "waddlebot_queue_size", "waddlebot_circuit_breaker_state", "controller_runtime_reconcile_total",
            "controller_runtime_reconcile_errors_total", "controller_runtime_reconcile_time_seconds_bucket", "workqueue_depth",
            "workqueue_queue_duration_seconds_bucket", "workqueue_work_duration_seconds_bucket", "waddle_api_requests_total",
            "leader_election_master_status",
            // Issue 15's infrastructure dashboard: database and cache health by pg_up and redis_up (their exporters'
            // own up stays 1 while the server is down), nodes and containers.
            "pg_up", "pg_stat_database_numbackends", "redis_up", "redis_memory_used_bytes", "node_cpu_seconds_total",
            "node_memory_MemAvailable_bytes", "node_filesystem_avail_bytes", "container_cpu_usage_seconds_total",
            "container_memory_working_set_bytes",
            // Issue 16's SLO dashboard: remaining budget, SLI, objective, burn rate per alert window, alert state.
            "slo:period_error_budget_remaining:ratio", "slo:objective:ratio", "slo:error_budget:ratio", "slo:time_period:days",
            "slo:current_burn_rate:ratio", "slo:period_burn_rate:ratio", "slo:sli_error:ratio_rate5m", "slo:sli_error:ratio_rate30m",
            "slo:sli_error:ratio_rate1h", "slo:sli_error:ratio_rate2h", "slo:sli_error:ratio_rate6h", "slo:sli_error:ratio_rate1d",
            "slo:sli_error:ratio_rate3d", "slo:sli_error:ratio_rate30d", "slo:sli_error:ratio_rate28d", "ALERTS",
        ];
        Assert.All(expected, metric => Assert.Contains(metric, read));
    }

    [Fact]
    public async Task The_metric_check_finds_a_metric_nobody_exposes()
    {
        // Control: a misspelt library metric is read as such, and is not in what the system exposes.
        var readings = await DashboardTools.ReadPromQlAsync(["sum by (waddlebot_service) (rate(waddlebot_http_request_total{namespace=\"waddlebot\"}[1m]))"]);
        var reading = Assert.Single(readings);
        Assert.Equal(["waddlebot_http_request_total"], reading.Metrics);
        Assert.DoesNotContain("waddlebot_http_request_total", DashboardCases.LibraryMetrics("waddlebot"));
    }

    [Fact]
    public async Task The_jaeger_data_sources_traces_to_metrics_queries_parse_and_read_exposed_metrics()
    {
        var root = YamlTree.Load(DashboardCases.SampleDataSources);
        var jaeger = root.Items("datasources").Single(d => d.Text("type") == "jaeger");
        var queries = jaeger.Items("jsonData", "tracesToMetrics", "queries").Select(q => q.Text("query")).ToList();
        Assert.Equal(3, queries.Count);
        // Grafana expands $VAR from its environment in provisioning files, so its own ${__tags} is written $${__tags}.
        Assert.All(queries, q => Assert.Contains("$${__tags}", q, StringComparison.Ordinal));
        var grafanaReads = queries.Select(q => q.Replace("$$", "$", StringComparison.Ordinal)).ToList();
        var sent = grafanaReads.Select(q => q.Replace("${__tags}", "waddlebot_service=\"ai\"", StringComparison.Ordinal)).ToList();
        Assert.All(sent, q => Assert.DoesNotContain("$", q, StringComparison.Ordinal));

        var (exitCode, output, file) = await DashboardTools.CheckRulesAsync(sent);
        Assert.True(exitCode == 0, $"{output}\n{file}");
        var readings = await DashboardTools.ReadPromQlAsync(sent);
        Assert.All(readings, r => Assert.Empty(r.Errors));
        Assert.All(readings.SelectMany(r => r.Metrics), m => Assert.Contains(m, DashboardCases.LibraryMetrics("waddlebot")));
    }

    [Fact]
    public void A_user_value_reaches_a_query_only_as_a_quoted_string()
    {
        // The custom policy's error regex holds a backslash and quotes: PromQL's string escapes keep them literal.
        var custom = DashboardCases.All.First(c => c.Name.StartsWith("custom RED:", StringComparison.Ordinal));
        var expressions = DashboardCases.Expressions(custom.Dashboard);
        Assert.Contains(expressions, e => e.Raw.Contains("code=~\"5\\\\d\\\\d|429|\\\"4\\\"04\"", StringComparison.Ordinal));
        Assert.Equal("\"a\\\\b\\\"c\\nd\"", PromQl.String("a\\b\"c\nd"));
    }
}
