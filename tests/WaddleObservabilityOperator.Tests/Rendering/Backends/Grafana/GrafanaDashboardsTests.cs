using System.Text.Json.Nodes;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends.Grafana;

/// <summary>
/// The policy's dashboards as ConfigMaps in the Grafana Helm chart's sidecar convention, whether or not the operator
/// runs a Grafana: when they are published, how they are labelled and named, and what bad settings report.
/// </summary>
public sealed class GrafanaDashboardsTests
{
    private static EffectivePolicy Resolve(Action<ObservabilityPolicySpec>? configure = null, string name = "waddlebot", string ns = Sample.Namespace) =>
        WaddleBotDefaults.Apply(Sample.Policy(name, configure, ns));

    private static ManagedBackendsResult Render(EffectivePolicy policy) => ManagedBackendsRenderer.RenderForPolicy(policy, []);

    private static IReadOnlyList<V1ConfigMap> ConfigMaps(EffectivePolicy policy) => [.. Render(policy).Objects.OfType<V1ConfigMap>()];

    [Fact]
    public void A_policy_with_metrics_publishes_its_dashboards_without_any_managed_backend()
    {
        var result = Render(Resolve());
        Assert.Null(result.Outcome);
        Assert.Empty(result.Endpoints);
        var outcome = Assert.Single(result.Publications);
        Assert.Equal((ConditionTypes.DashboardsPublished, true, Reasons.DashboardsRendered), (outcome.Type, outcome.Status, outcome.Reason));
        Assert.Equal(
            "2 dashboards in ConfigMaps \"waddlebot-dashboard-overview\", \"waddlebot-dashboard-service\" labelled grafana_dashboard=1, folder \"WaddleBot\"",
            outcome.Message);
        Assert.Equal(["waddlebot-dashboard-overview", "waddlebot-dashboard-service"], result.Objects.Select(o => o.Metadata.Name));
    }

    [Theory]
    [InlineData(null, null, true)]
    [InlineData(false, null, false)]
    [InlineData(false, true, true)]
    [InlineData(true, false, false)]
    public void Dashboards_follow_metrics_unless_set(bool? metrics, bool? dashboards, bool published)
    {
        var policy = Resolve(spec =>
        {
            spec.Metrics = metrics is null ? null : new MetricsPolicy { Enabled = metrics };
            spec.Dashboards = dashboards is null ? null : new DashboardsPolicy { Enabled = dashboards };
        });
        Assert.Equal(published, Render(policy).Publications.Count == 1);
        Assert.Equal(published ? 2 : 0, ConfigMaps(policy).Count);
    }

    [Fact]
    public void The_built_in_defaults_publish_nothing()
    {
        var result = Render(WaddleBotDefaults.BuiltIn(Sample.Namespace));
        Assert.Empty(result.Publications);
        Assert.Empty(result.Objects);
    }

    [Fact]
    public void Each_configmap_holds_one_dashboard_under_a_unique_json_key_with_the_sidecar_label_and_folder()
    {
        var configMaps = ConfigMaps(Resolve());
        var keys = new List<string>();
        foreach (var configMap in configMaps)
        {
            var (key, json) = Assert.Single(configMap.Data);
            keys.Add(key);
            Assert.EndsWith(".json", key, StringComparison.Ordinal);
            Assert.Equal((string)JsonNode.Parse(json)!["uid"]! + ".json", key);
            Assert.Equal("1", configMap.Metadata.Labels["grafana_dashboard"]);
            Assert.Equal("WaddleBot", configMap.Metadata.Annotations["k8s-sidecar-target-directory"]);
            Assert.Equal(WellKnown.ManagedByValue, configMap.Metadata.Labels[WellKnown.ManagedByLabel]);
            Assert.Equal("waddlebot", configMap.Metadata.Labels[WellKnown.PolicyLabel]);
            Assert.Equal("uid-policy-waddlebot", Assert.Single(configMap.Metadata.OwnerReferences).Uid);
            Assert.DoesNotContain(WellKnown.ServiceLabel, configMap.Metadata.Labels.Keys);
        }

        // The sidecar writes every dashboard of every namespace into one folder by its key: keys never collide.
        Assert.Equal(keys.Count, keys.Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(keys, k => ConfigMaps(Resolve(name: "other")).SelectMany(c => c.Data.Keys).Contains(k));
    }

    [Fact]
    public void Labels_given_replace_the_default_and_the_operators_own_labels_win()
    {
        var policy = Resolve(spec => spec.Dashboards = new DashboardsPolicy
        {
            Labels = new Dictionary<string, string> { ["release"] = "kube-prometheus-stack", [WellKnown.ManagedByLabel] = "someone-else" },
            Folder = "Bots",
        });
        var configMap = ConfigMaps(policy)[0];
        Assert.Equal("kube-prometheus-stack", configMap.Metadata.Labels["release"]);
        Assert.False(configMap.Metadata.Labels.ContainsKey("grafana_dashboard"));
        Assert.Equal(WellKnown.ManagedByValue, configMap.Metadata.Labels[WellKnown.ManagedByLabel]);
        Assert.Equal("Bots", configMap.Metadata.Annotations["k8s-sidecar-target-directory"]);
    }

    [Fact]
    public void Uids_and_titles_are_stable_and_name_the_policy()
    {
        static IReadOnlyList<(string Uid, string Title)> Identities(EffectivePolicy policy) =>
            [.. GrafanaDashboards.Of(policy).Select(d => (d.Dashboard.Uid, d.Dashboard.Title))];
        var mine = Identities(Resolve());
        Assert.Equal(mine, Identities(Resolve()));
        Assert.Equal(["WaddleBot overview (waddlebot/waddlebot)", "WaddleBot service (waddlebot/waddlebot)"], mine.Select(i => i.Title));
        var elsewhere = Identities(Resolve(ns: "staging"));
        Assert.Empty(mine.Select(i => i.Uid).Intersect(elsewhere.Select(i => i.Uid)));
        Assert.Empty(mine.Select(i => i.Title).Intersect(elsewhere.Select(i => i.Title)));
        var longest = Identities(Resolve(name: new string('p', 200), ns: new string('n', 63)));
        Assert.All(longest, i => Assert.InRange(i.Uid.Length, 8, 40));
    }

    [Fact]
    public void The_policys_metric_names_reach_every_query()
    {
        var custom = Resolve(spec => spec.Metrics = new MetricsPolicy
        {
            Namespace = "wb",
            Red = new RedMetrics { RequestsMetric = "http_server_requests_total", DurationMetric = "http_server_request_duration_seconds", StatusLabel = "code", ErrorStatusRegex = "5..|429" },
        });
        var json = string.Concat(GrafanaDashboards.Of(custom).Select(d => d.Dashboard.ToJson()));
        Assert.Contains("rate(http_server_requests_total{", json, StringComparison.Ordinal);
        Assert.Contains("http_server_request_duration_seconds_bucket{", json, StringComparison.Ordinal);
        Assert.Contains("code=~\\\"5..|429\\\"", json, StringComparison.Ordinal);
        Assert.Contains("wb_commands_total{", json, StringComparison.Ordinal);
        Assert.DoesNotContain("waddlebot_", json.Replace("waddlebot_service", "", StringComparison.Ordinal).Replace("waddlebot_layer", "", StringComparison.Ordinal), StringComparison.Ordinal);

        // Unset, RED follows the metric namespace: <namespace>_http_requests_total.
        var defaults = GrafanaComponent.Settings(Resolve(spec => spec.Metrics = new MetricsPolicy { Namespace = "wb" })).Dashboards.Red;
        Assert.Equal(new EffectiveRed("wb_http_requests_total", "wb_http_request_duration_seconds", "status", "5.."), defaults);
    }

    [Fact]
    public void Every_query_reads_the_policys_namespace_only()
    {
        var dashboards = GrafanaDashboards.Of(Resolve(spec => spec.Exporters = Exporters("postgres", "redis", "node", "kubelet"), ns: "bots") with { Cluster = new ClusterFacts(false, new NamespaceFacts("bots", "privileged")) }, withSlos: true);
        Assert.Equal(4, dashboards.Count);
        foreach (var dashboard in dashboards)
        {
            var expressions = DashboardCases.Expressions(JsonNode.Parse(dashboard.Dashboard.ToJson())!.AsObject());
            Assert.All(expressions, e => Assert.Contains("namespace=\"bots\"", e.Raw, StringComparison.Ordinal));
        }
    }

    /// <summary>The policy's exporters of the kinds named, as a user declares them.</summary>
    private static ExportersPolicy Exporters(params string[] kinds) => new()
    {
        Postgres = kinds.Contains("postgres")
            ? [new PostgresExporter { Name = "main", Host = "waddlebot-postgres", UserSecretRef = new SecretKeyReference { Name = "pg", Key = "username" }, PasswordSecretRef = new SecretKeyReference { Name = "pg", Key = "password" } }]
            : null,
        Redis = kinds.Contains("redis") ? [new RedisExporter { Name = "cache", Address = "waddlebot-redis:6379" }] : null,
        Node = kinds.Contains("node") ? new NodeExporter { Enabled = true } : null,
        Kubelet = kinds.Contains("kubelet") ? new KubeletScrape { Enabled = true } : null,
    };

    public static TheoryData<string[], string[]> ExporterRows() => new()
    {
        { ["postgres"], ["PostgreSQL"] },
        { ["redis", "kubelet"], ["Redis", "Containers of namespace waddlebot"] },
        { ["node"], ["Nodes"] },
        { ["postgres", "redis", "node", "kubelet"], ["PostgreSQL", "Redis", "Nodes", "Containers of namespace waddlebot"] },
    };

    [Theory]
    [MemberData(nameof(ExporterRows))]
    public void The_infrastructure_dashboard_comes_with_the_exporters_a_row_for_each_kind(string[] kinds, string[] rows)
    {
        // In a namespace known to admit the node exporter (it is refused where that is unknown).
        var policy = Resolve(spec => spec.Exporters = Exporters(kinds)) with { Cluster = new ClusterFacts(false, new NamespaceFacts(Sample.Namespace, "privileged")) };
        var result = Render(policy);
        Assert.Equal(
            ["waddlebot-dashboard-overview", "waddlebot-dashboard-service", "waddlebot-dashboard-infrastructure"],
            result.Objects.OfType<V1ConfigMap>().Where(c => c.Metadata.Name.Contains("-dashboard-", StringComparison.Ordinal)).Select(c => c.Metadata.Name));
        Assert.StartsWith("3 dashboards in ConfigMaps", Assert.Single(result.Publications).Message, StringComparison.Ordinal);
        var dashboard = GrafanaDashboards.Of(policy)[2].Dashboard;
        Assert.Equal("WaddleBot infrastructure (waddlebot/waddlebot)", dashboard.Title);
        Assert.Equal(rows, dashboard.Panels.OfType<DashboardRow>().Select(r => r.Title));
        // Each row's queries select its exporter only.
        var expressions = DashboardCases.Expressions(JsonNode.Parse(dashboard.ToJson())!.AsObject());
        Assert.All(expressions, e => Assert.Matches("waddlebot_exporter=\"(postgres|redis|node|kubelet)\"", e.Raw));
    }

    [Fact]
    public void A_refused_node_exporter_has_no_row()
    {
        var restricted = Resolve(spec => spec.Exporters = Exporters("node", "kubelet")) with { Cluster = new ClusterFacts(false, new NamespaceFacts(Sample.Namespace, "restricted")) };
        Assert.Equal(["Containers of namespace waddlebot"], GrafanaDashboards.Of(restricted)[2].Dashboard.Panels.OfType<DashboardRow>().Select(r => r.Title));
        var onlyNode = Resolve(spec => spec.Exporters = Exporters("node")) with { Cluster = new ClusterFacts(false, new NamespaceFacts(Sample.Namespace, "baseline")) };
        Assert.Equal(2, GrafanaDashboards.Of(onlyNode).Count);
    }

    [Fact]
    public void A_policy_without_exporters_has_no_infrastructure_dashboard()
    {
        Assert.Equal(2, GrafanaDashboards.Of(Resolve()).Count);
        Assert.Equal(2, GrafanaDashboards.Of(Resolve(spec => spec.Exporters = new ExportersPolicy { Node = new NodeExporter { Enabled = false } })).Count);
    }

    [Fact]
    public void The_slo_dashboard_is_published_only_with_slos()
    {
        var policy = Resolve();
        Assert.DoesNotContain(GrafanaDashboards.Of(policy), d => d.Name == "waddlebot-dashboard-slos");
        Assert.DoesNotContain(GrafanaDashboards.ConfigMaps(policy), c => c.Metadata.Name == "waddlebot-dashboard-slos");

        var publication = GrafanaDashboards.Publish(policy, withSlos: true);
        Assert.NotNull(publication);
        Assert.Equal(
            ["waddlebot-dashboard-overview", "waddlebot-dashboard-service", "waddlebot-dashboard-slos"],
            publication.Objects.Select(o => o.Metadata.Name));
        Assert.Equal(
            "3 dashboards in ConfigMaps \"waddlebot-dashboard-overview\", \"waddlebot-dashboard-service\", \"waddlebot-dashboard-slos\" labelled grafana_dashboard=1, folder \"WaddleBot\"",
            publication.Outcome.Message);
        var configMap = Assert.IsType<V1ConfigMap>(publication.Objects[2]);
        var (key, json) = Assert.Single(configMap.Data);
        Assert.Equal(SloDashboard.Uid(policy) + ".json", key);
        Assert.Equal("1", configMap.Metadata.Labels["grafana_dashboard"]);
        var dashboard = JsonNode.Parse(json)!.AsObject();
        Assert.Equal("WaddleBot SLOs (waddlebot/waddlebot)", (string?)dashboard["title"]);
        Assert.Equal(["waddlebot"], dashboard["tags"]!.AsArray().Select(t => (string?)t));
        Assert.InRange(((string)dashboard["uid"]!).Length, 8, 40);

        // Published after the infrastructure dashboard when both are.
        var both = GrafanaDashboards.Of(Resolve(spec => spec.Exporters = Exporters("postgres")), withSlos: true);
        Assert.Equal(["overview", "service", "infrastructure", "slos"], both.Select(d => d.Name["waddlebot-dashboard-".Length..]));
        // Disabled dashboards publish nothing, SLOs or not.
        Assert.Null(GrafanaDashboards.Publish(Resolve(spec => spec.Dashboards = new DashboardsPolicy { Enabled = false }), withSlos: true));
    }

    [Fact]
    public void The_slo_dashboard_chooses_one_slo_of_the_namespace_and_reads_its_series_only()
    {
        var dashboard = SloDashboard.Render(Resolve(ns: "bots"));
        var variables = dashboard.Templating.List;
        Assert.Equal(["datasource", "service", "slo"], variables.Select(v => v.Name));
        Assert.Equal("label_values(slo:objective:ratio{namespace=\"bots\"}, sloth_service)", variables[1].Query);
        Assert.Equal("label_values(slo:objective:ratio{namespace=\"bots\", sloth_service=\"$service\"}, sloth_slo)", variables[2].Query);
        Assert.All(variables, v => Assert.False(v.Multi || v.IncludeAll, $"{v.Name} selects one value"));

        var json = JsonNode.Parse(dashboard.ToJson())!.AsObject();
        var expressions = DashboardCases.Expressions(json);
        Assert.All(expressions, e => Assert.Contains("namespace=\"bots\"", e.Raw, StringComparison.Ordinal));
        // Below the first row, every panel shows the chosen SLO only.
        var chosen = DashboardCases.Panels(json).SkipWhile(p => (string?)p["title"] != "SLO $slo of $service").Skip(1).ToList();
        Assert.Equal(10, chosen.Count);
        Assert.All(chosen.SelectMany(p => p["targets"]!.AsArray()).Select(t => (string)t!["expr"]!), e => Assert.Contains("sloth_service=\"$service\", sloth_slo=\"$slo\"", e, StringComparison.Ordinal));

        var burnRates = DashboardCases.Panels(json).Single(p => (string?)p["title"] == "Burn rate per alert window");
        Assert.Equal(
            ["5m", "30m", "1h", "2h", "6h", "1d", "3d", "page factor (1h & 5m)", "page factor (6h & 30m)", "ticket factor (1d & 2h)", "ticket factor (3d & 6h)"],
            burnRates["targets"]!.AsArray().Select(t => (string?)t!["legendFormat"]));
        var alerts = (string)Assert.Single(DashboardCases.Panels(json), p => (string?)p["type"] == "state-timeline")["targets"]![0]!["expr"]!;
        Assert.StartsWith("max by (sloth_severity) (ALERTS{namespace=\"bots\", sloth_service=\"$service\", sloth_slo=\"$slo\", alertstate=\"firing\", sloth_severity!=\"\"})", alerts, StringComparison.Ordinal);
    }

    public static TheoryData<string, Action<ObservabilityPolicySpec>, string> BadSettings() => new()
    {
        { "label key", s => s.Dashboards = new DashboardsPolicy { Labels = new Dictionary<string, string> { ["grafana dashboard"] = "1" } }, "spec.dashboards.labels: label key \"grafana dashboard\"" },
        { "label value", s => s.Dashboards = new DashboardsPolicy { Labels = new Dictionary<string, string> { ["grafana_dashboard"] = "yes please" } }, "spec.dashboards.labels[grafana_dashboard]: label value \"yes please\"" },
        { "folder with a slash", s => s.Dashboards = new DashboardsPolicy { Folder = "../etc" }, "spec.dashboards.folder: \"../etc\" must be 1 to 64 letters" },
        { "metric name", s => s.Metrics = new MetricsPolicy { Red = new RedMetrics { RequestsMetric = "http-requests" } }, "spec.metrics.red.requestsMetric: \"http-requests\" is not a Prometheus metric name" },
        { "histogram name", s => s.Metrics = new MetricsPolicy { Red = new RedMetrics { DurationMetric = "9s" } }, "spec.metrics.red.durationMetric: \"9s\" is not a Prometheus metric name" },
        { "label name", s => s.Metrics = new MetricsPolicy { Red = new RedMetrics { StatusLabel = "http.status" } }, "spec.metrics.red.statusLabel: \"http.status\" is not a Prometheus label name" },
        { "regex with a dollar", s => s.Metrics = new MetricsPolicy { Red = new RedMetrics { ErrorStatusRegex = "5..$" } }, "spec.metrics.red.errorStatusRegex: \"5..$\" must not contain '$'" },
        { "regex with lookahead", s => s.Metrics = new MetricsPolicy { Red = new RedMetrics { ErrorStatusRegex = "(?!2)..." } }, "uses lookaround or a backreference" },
        { "regex with a backreference", s => s.Metrics = new MetricsPolicy { Red = new RedMetrics { ErrorStatusRegex = "(5)\\1." } }, "uses lookaround or a backreference" },
        { "regex that does not parse", s => s.Metrics = new MetricsPolicy { Red = new RedMetrics { ErrorStatusRegex = "(5.." } }, "spec.metrics.red.errorStatusRegex: \"(5..\" is not a regular expression" },
    };

    [Theory]
    [MemberData(nameof(BadSettings))]
    public void Bad_settings_fail_DashboardsPublished_with_a_message_naming_the_field(string what, Action<ObservabilityPolicySpec> configure, string expected)
    {
        _ = what;
        var result = Render(Resolve(configure));
        var outcome = Assert.Single(result.Publications);
        Assert.Equal((ConditionTypes.DashboardsPublished, false, Reasons.InvalidDashboardSettings), (outcome.Type, outcome.Status, outcome.Reason));
        Assert.Contains(expected, outcome.Message, StringComparison.Ordinal);
        Assert.Empty(result.Objects);
    }

    [Fact]
    public void A_policy_name_too_long_for_the_longest_dashboard_configmap_is_reported()
    {
        // "<policy>-dashboard-infrastructure" is the longest name: 253 characters at most.
        Assert.Equal("infrastructure", GrafanaDashboards.ConfigMapSuffixes.MaxBy(s => s.Length));
        Assert.Contains(SloDashboard.ConfigMapSuffix, GrafanaDashboards.ConfigMapSuffixes);
        var name = new string('d', 253 - "-dashboard-infrastructure".Length + 1);
        var outcome = Assert.Single(Render(Resolve(name: name)).Publications);
        Assert.False(outcome.Status);
        Assert.Contains($"the policy name \"{name}\" is too long for its dashboards' ConfigMaps", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_policy_name_too_long_for_the_dashboards_labels_is_reported()
    {
        var name = new string('d', 60);
        var outcome = Assert.Single(Render(Resolve(name: name)).Publications);
        Assert.False(outcome.Status);
        Assert.Contains($"\"{name}-dashboards\" must be a label value of at most 63 characters", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_policys_ready_condition_sums_up_the_dashboards_too()
    {
        var input = new PolicyRenderInput([Sample.Policy("waddlebot", s => s.Dashboards = new DashboardsPolicy { Folder = "a/b" })], []);
        var conditions = PolicyRenderer.Render(input, Sample.Namespace, "waddlebot").Outcome.Conditions;
        Assert.Equal([ConditionTypes.Ready, ConditionTypes.SamplingPublished, ConditionTypes.DashboardsPublished], conditions.Select(c => c.Type));
        var ready = conditions[0];
        Assert.False(ready.Status);
        Assert.Equal(Reasons.InvalidDashboardSettings, ready.Reason);

        var fine = PolicyRenderer.Render(new PolicyRenderInput([Sample.Policy("waddlebot")], []), Sample.Namespace, "waddlebot");
        Assert.True(fine.Outcome.Conditions[0].Status);
        Assert.Equal(["ConfigMap/waddlebot-dashboard-overview", "ConfigMap/waddlebot-dashboard-service"], fine.Objects.Where(o => o.Metadata.Name.Contains("dashboard", StringComparison.Ordinal)).Select(o => $"{o.Kind}/{o.Metadata.Name}"));
    }
}
