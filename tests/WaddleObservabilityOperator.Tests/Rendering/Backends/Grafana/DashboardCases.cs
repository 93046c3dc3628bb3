using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Telemetry;
using WaddleObservabilityOperator.Tests.Api;
using WaddleObservabilityOperator.Tests.Cli;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends.Grafana;

/// <summary>
/// Every dashboard the project ships, as a user gets it: the WaddleBot samples through the <c>render</c> command (the
/// overview, the service and the operator's dashboards of the managed Grafana), a policy with its own metric names and
/// an error regex that needs escaping, the SLO dashboard, and the Helm chart's copy of the operator's dashboard. Each with the metrics the
/// system exposes for it, and the expressions of each.
/// </summary>
internal static partial class DashboardCases
{
    /// <summary>A dashboard with the metrics its system exposes.</summary>
    public sealed record DashboardCase(string Name, JsonObject Dashboard, IReadOnlySet<string> ExposedMetrics)
    {
        public override string ToString() => Name;
    }

    /// <summary>A PromQL expression of a dashboard: the text Grafana sends once its variables are replaced, and where it stands.</summary>
    public sealed record Expression(string Where, string Raw, string Substituted);

    private static readonly Lazy<RenderedSamples> Samples = new(RenderSamples);

    private static readonly Lazy<IReadOnlyList<DashboardCase>> AllCases = new(Collect);

    public static IReadOnlyList<DashboardCase> All => AllCases.Value;

    public static NamedDashboard Named(DashboardCase c) => new(c.Name, c.Dashboard);

    /// <summary>The samples' managed Grafana's datasources.yaml, as the pod reads it.</summary>
    public static string SampleDataSources => Samples.Value.DataSources;

    /// <summary>The WaddleBot dashboards of the samples (not the operator's).</summary>
    public static IReadOnlyList<DashboardCase> SampleWaddleBot => [.. All.Where(c => c.Name.StartsWith("samples: waddlebot-", StringComparison.Ordinal))];

    private static IReadOnlyList<DashboardCase> Collect()
    {
        var cases = new List<DashboardCase>();
        var library = LibraryMetrics("waddlebot");
        foreach (var (key, json) in Samples.Value.Dashboards)
        {
            var exposed = key == OperatorDashboard.FileName ? OperatorMetricNames.Value
                : key.StartsWith("waddlebot-infra-", StringComparison.Ordinal) ? ExporterMetrics.Value
                : key.StartsWith("waddlebot-slos-", StringComparison.Ordinal) ? SloMetrics
                : library;
            cases.Add(new DashboardCase($"samples: {key}", json, exposed));
        }

        // Every exporter kind, the node exporter and the kubelet scrape included (the samples have PostgreSQL and Redis).
        // In a namespace that admits the node exporter (privileged), as the real-program test renders it.
        var stack = WaddleBotDefaults.Apply(RealPrograms.StackProgramsTests.Policy()) with { Cluster = new ClusterFacts(false, new NamespaceFacts("waddlebot", "privileged")) };
        var infrastructure = Assert.Single(GrafanaDashboards.Of(stack), d => d.Name.EndsWith("-" + InfrastructureDashboard.ConfigMapSuffix, StringComparison.Ordinal));
        cases.Add(new DashboardCase($"every exporter: {infrastructure.Key}", JsonNode.Parse(infrastructure.Dashboard.ToJson())!.AsObject(), ExporterMetrics.Value));

        // Another metric namespace and the RED metrics of an ASP.NET-style service; a regex with a backslash and a quote
        // must reach the query as a PromQL string literal.
        var policy = WaddleBotDefaults.Apply(Sample.Policy("team-bots", spec =>
        {
            spec.Metrics = new MetricsPolicy
            {
                Namespace = "wb",
                Red = new RedMetrics
                {
                    RequestsMetric = "http_server_requests_total",
                    DurationMetric = "http_server_request_duration_seconds",
                    StatusLabel = "code",
                    ErrorStatusRegex = "5\\d\\d|429|\"4\"04",
                },
            };
        }, ns: "bots-staging"));
        var custom = new HashSet<string>(LibraryMetrics("wb"), StringComparer.Ordinal)
        {
            "http_server_requests_total",
        };
        custom.UnionWith(Histogram("http_server_request_duration_seconds"));
        foreach (var dashboard in GrafanaDashboards.Of(policy))
        {
            cases.Add(new DashboardCase($"custom RED: {dashboard.Key}", JsonNode.Parse(dashboard.Dashboard.ToJson())!.AsObject(), custom));
        }

        // The SLO dashboard, published when the policy's services declare SLOs: it reads the series their Sloth-compatible
        // rules record and Prometheus's ALERTS.
        var withSlos = WaddleBotDefaults.Apply(Sample.Policy("waddlebot", ns: "bots"));
        var slos = Assert.Single(GrafanaDashboards.Of(withSlos, withSlos: true), d => d.Name.EndsWith("-" + SloDashboard.ConfigMapSuffix, StringComparison.Ordinal));
        cases.Add(new DashboardCase($"slos: {slos.Key}", JsonNode.Parse(slos.Dashboard.ToJson())!.AsObject(), SloMetrics));

        var chart = RepositoryLayout.PathOf("charts", "waddle-observability-operator", "dashboards", OperatorDashboard.FileName);
        cases.Add(new DashboardCase($"chart: dashboards/{OperatorDashboard.FileName}", JsonNode.Parse(File.ReadAllText(chart))!.AsObject(), OperatorMetricNames.Value));
        return cases;
    }

    private sealed record RenderedSamples(IReadOnlyList<(string Key, JsonObject Dashboard)> Dashboards, string DataSources);

    private static RenderedSamples RenderSamples()
    {
        var (exitCode, stdout, stderr) = RenderInvocation.Run(RepositoryLayout.PathOf("config", "samples", "waddlebot"), "-o", "json");
        Assert.True(exitCode == 0, stderr);
        var dashboards = new List<(string, JsonObject)>();
        string? dataSources = null;
        foreach (var item in JsonNode.Parse(stdout)!["items"]!.AsArray().OfType<JsonObject>().Where(o => (string?)o["kind"] == "ConfigMap"))
        {
            foreach (var (key, value) in item["data"]?.AsObject() ?? [])
            {
                if (key.EndsWith(".json", StringComparison.Ordinal) && key != ChildNames.SamplingFileName)
                {
                    dashboards.Add((key, JsonNode.Parse((string)value!)!.AsObject()));
                }
                else if (key == "datasources.yaml")
                {
                    dataSources = (string)value!;
                }
            }
        }

        // Overview, service, infrastructure (the samples' PostgreSQL and Redis exporters), SLOs (router's and ai's) and
        // the operator's.
        Assert.Equal(5, dashboards.Count);
        Assert.NotNull(dataSources);
        return new RenderedSamples(dashboards, dataSources);
    }

    /// <summary>
    /// What WaddleBot's shared library (its MetricsManager, with METRICS_NAMESPACE as <paramref name="prefix"/>) exposes,
    /// written down here from the library rather than taken from the renderer, and <c>up</c>, which Prometheus records
    /// for every target.
    /// </summary>
    public static IReadOnlySet<string> LibraryMetrics(string prefix)
    {
        string[] counters =
        [
            "commands_total", "messages_total", "user_commands_total", "errors_total", "db_queries_total", "cache_operations_total",
            "http_requests_total", "circuit_breaker_failures_total", "rate_limit_exceeded_total", "module_executions_total",
        ];
        string[] gauges =
        [
            "active_channels", "active_users", "db_connections", "cache_hit_ratio", "http_requests_in_progress", "queue_size",
            "circuit_breaker_state", "communities_total", "premium_users_total",
        ];
        string[] histograms = ["command_duration_seconds", "db_query_duration_seconds", "http_request_duration_seconds", "queue_processing_duration_seconds"];
        var names = new HashSet<string>(StringComparer.Ordinal) { "up", $"{prefix}_service_info" };
        names.UnionWith(counters.Concat(gauges).Select(n => $"{prefix}_{n}"));
        names.UnionWith(histograms.SelectMany(h => Histogram($"{prefix}_{h}")));
        return names;
    }

    /// <summary>
    /// What the exporters serve, and <c>up</c>: postgres_exporter's, redis_exporter's and node_exporter's names as the
    /// Debian builds the real-program test runs serve them (ExporterMetrics/*.txt, read from their /metrics), and
    /// cAdvisor's as documented. RealPrograms/StackProgramsTests checks that every query of the infrastructure dashboard
    /// returns series from those programs.
    /// </summary>
    public static Lazy<IReadOnlySet<string>> ExporterMetrics { get; } = new(() =>
    {
        var names = new HashSet<string>(StringComparer.Ordinal) { "up" };
        foreach (var file in Directory.EnumerateFiles(RepositoryLayout.PathOf("tests", "WaddleObservabilityOperator.Tests", "Rendering", "Backends", "Grafana", "ExporterMetrics"), "*.txt"))
        {
            names.UnionWith(File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')));
        }

        return names;
    });

    /// <summary>
    /// What the SLO rules record, by Sloth's names as issue 16 lists them (written down here, not taken from the
    /// renderer): the SLI error ratio over each alert window and over the SLO period (30d or 28d), the metadata and
    /// burn-rate series, and <c>ALERTS</c>, where Prometheus shows the SLO alerts' state.
    /// </summary>
    public static IReadOnlySet<string> SloMetrics { get; } = new HashSet<string>(
        new[] { "5m", "30m", "1h", "2h", "6h", "1d", "3d", "30d", "28d" }.Select(w => $"slo:sli_error:ratio_rate{w}").Concat(
        [
            "slo:objective:ratio", "slo:error_budget:ratio", "slo:time_period:days", "slo:current_burn_rate:ratio",
            "slo:period_burn_rate:ratio", "slo:period_error_budget_remaining:ratio", "ALERTS",
        ]),
        StringComparer.Ordinal);

    private static IEnumerable<string> Histogram(string name) => [name + "_bucket", name + "_sum", name + "_count"];

    /// <summary>What the operator itself serves on /metrics, read from a real exposition with every labelled family set once, and <c>up</c>.</summary>
    public static Lazy<IReadOnlySet<string>> OperatorMetricNames { get; } = new(() =>
    {
        var metrics = new OperatorMetrics();
        metrics.Reconciled("c", "success", TimeSpan.FromMilliseconds(1));
        metrics.Reconciled("c", "error", TimeSpan.FromMilliseconds(1));
        metrics.ActiveWorkersChanged("c", 1);
        metrics.MaxConcurrentReconciles("c", 1);
        metrics.Added("q");
        metrics.DepthChanged("q", 1);
        metrics.Waited("q", TimeSpan.FromMilliseconds(1));
        metrics.Worked("q", TimeSpan.FromMilliseconds(1));
        metrics.Retried("q");
        metrics.RequestCompleted("get", "200");
        metrics.SetLeader("lease", leading: true);
        metrics.SetServices(1, 0);
        metrics.SetInjectedWorkloads(1);
        metrics.SetSamplingConfigMapBytes("ns", "policy", 1);
        var exposition = metrics.ExportAsync(CancellationToken.None).GetAwaiter().GetResult();
        var names = new HashSet<string>(StringComparer.Ordinal) { "up" };
        foreach (Match type in TypeLine().Matches(exposition))
        {
            var name = type.Groups["name"].Value;
            if (type.Groups["type"].Value == "histogram")
            {
                names.UnionWith(Histogram(name));
            }
            else
            {
                names.Add(name);
            }
        }

        return names;
    });

    [GeneratedRegex(@"^# TYPE (?<name>\S+) (?<type>\S+)$", RegexOptions.Multiline)]
    private static partial Regex TypeLine();

    /// <summary>Every PromQL expression of a dashboard: its panels' queries and its query variables' selectors.</summary>
    public static IReadOnlyList<Expression> Expressions(JsonObject dashboard)
    {
        var variables = Variables(dashboard);
        var expressions = new List<Expression>();
        foreach (var panel in Panels(dashboard))
        {
            foreach (var target in panel["targets"]?.AsArray().OfType<JsonObject>() ?? [])
            {
                var expr = (string)target["expr"]!;
                expressions.Add(new Expression($"panel \"{panel["title"]}\" query {target["refId"]}", expr, Substitute(expr, variables)));
            }
        }

        foreach (var variable in dashboard["templating"]!["list"]!.AsArray().OfType<JsonObject>().Where(v => (string?)v["type"] == "query"))
        {
            var query = (string)variable["query"]!;
            var match = LabelValues().Match(query);
            Assert.True(match.Success, $"variable {variable["name"]}: \"{query}\" is not label_values(<selector>, <label>)");
            expressions.Add(new Expression($"variable {variable["name"]}", match.Groups["selector"].Value, Substitute(match.Groups["selector"].Value, variables)));
        }

        return expressions;
    }

    /// <summary>The dashboard's panels, rows included, and the panels inside collapsed rows.</summary>
    public static IEnumerable<JsonObject> Panels(JsonObject dashboard) =>
        dashboard["panels"]!.AsArray().OfType<JsonObject>()
            .SelectMany(p => new[] { p }.Concat(p["panels"]?.AsArray().OfType<JsonObject>() ?? []));

    /// <summary>The dashboard's variables by name: a sample value each (a service, a job), the data source variable included.</summary>
    private static Dictionary<string, string> Variables(JsonObject dashboard)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            // Grafana's own, as it fills them in before a query leaves.
            ["__rate_interval"] = "1m",
            ["__interval"] = "15s",
            ["__range"] = "1h",
        };
        foreach (var variable in dashboard["templating"]!["list"]!.AsArray().OfType<JsonObject>())
        {
            values[(string)variable["name"]!] = "sample-value";
        }

        return values;
    }

    /// <summary>Grafana's variable interpolation ($name, ${name}, ${name:format}); a variable the dashboard does not define fails.</summary>
    public static string Substitute(string expr, IReadOnlyDictionary<string, string> values) =>
        VariableReference().Replace(expr, m =>
        {
            var name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["plain"].Value;
            Assert.True(values.TryGetValue(name, out var value), $"\"{expr}\" uses ${name}, which the dashboard does not define");
            return value!;
        });

    [GeneratedRegex(@"\$\{(?<braced>\w+)(:\w+)?\}|\$(?<plain>\w+)")]
    private static partial Regex VariableReference();

    [GeneratedRegex(@"^label_values\((?<selector>.+),\s*(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\)$")]
    private static partial Regex LabelValues();
}
