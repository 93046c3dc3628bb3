using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using ApiGrafanaBackend = WaddleObservabilityOperator.Api.GrafanaBackend;
using ApiPrometheusBackend = WaddleObservabilityOperator.Api.PrometheusBackend;
using GrafanaObjects = WaddleObservabilityOperator.Rendering.Backends.GrafanaBackend;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends.Grafana;

/// <summary>The managed Grafana's objects: what it runs, how it is configured, its data sources, its validation.</summary>
public sealed partial class GrafanaComponentTests
{
    private static EffectivePolicy Policy(EffectiveGrafana? grafana = null, bool jaeger = true, bool prometheus = true, bool networkPolicy = false) =>
        BackendTestData.Policy(jaeger: jaeger, prometheus: prometheus, networkPolicy: networkPolicy, grafana: grafana ?? BackendTestData.Grafana());

    private static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy) =>
        [.. GrafanaComponent.Instance.Render(policy, BackendTestData.ThreeServices(policy))];

    private static V1PodTemplateSpec Template(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> objects) =>
        objects.OfType<V1Deployment>().Select(d => d.Spec.Template).Concat(objects.OfType<V1StatefulSet>().Select(s => s.Spec.Template)).Single();

    private static V1Container Container(EffectivePolicy policy) => Assert.Single(Template(Render(policy)).Spec.Containers);

    private static string ProvisioningFile(EffectivePolicy policy, string key) =>
        Render(policy).OfType<V1ConfigMap>().Single(c => c.Metadata.Name == GrafanaObjects.ProvisioningConfigMapName(BackendTestData.PolicyName)).Data[key];

    [Theory]
    [InlineData(true, false, false, new[] { "ConfigMap/waddlebot-grafana-provisioning", "ConfigMap/waddlebot-grafana-dashboard-operator", "Deployment/waddlebot-grafana", "Service/waddlebot-grafana" })]
    [InlineData(false, false, false, new[] { "ConfigMap/waddlebot-grafana-provisioning", "Deployment/waddlebot-grafana", "Service/waddlebot-grafana" })]
    [InlineData(true, true, false, new[] { "ConfigMap/waddlebot-grafana-provisioning", "ConfigMap/waddlebot-grafana-dashboard-operator", "StatefulSet/waddlebot-grafana", "Service/waddlebot-grafana" })]
    [InlineData(true, false, true, new[] { "ConfigMap/waddlebot-grafana-provisioning", "ConfigMap/waddlebot-grafana-dashboard-operator", "Deployment/waddlebot-grafana", "Service/waddlebot-grafana", "NetworkPolicy/waddlebot-grafana" })]
    public void Grafana_renders_its_objects_in_order(bool dashboards, bool persistent, bool networkPolicy, string[] expected)
    {
        var grafana = BackendTestData.Grafana(dashboards: dashboards, storage: persistent ? new PersistentStorage { Size = "5Gi" } : null);
        Assert.Equal(expected, Render(Policy(grafana, networkPolicy: networkPolicy)).Select(o => $"{o.Kind}/{o.Metadata.Name}"));
    }

    [Fact]
    public void The_admin_credentials_are_secret_references_and_no_setting_is_given_twice()
    {
        var env = Container(Policy()).Env;
        var user = Assert.Single(env, e => e.Name == "GF_SECURITY_ADMIN_USER");
        var password = Assert.Single(env, e => e.Name == "GF_SECURITY_ADMIN_PASSWORD");
        Assert.Null(user.Value);
        Assert.Null(password.Value);
        Assert.Equal(("grafana-admin", "admin-user"), (user.ValueFrom.SecretKeyRef.Name, user.ValueFrom.SecretKeyRef.Key));
        Assert.Equal(("grafana-admin", "admin-password"), (password.ValueFrom.SecretKeyRef.Name, password.ValueFrom.SecretKeyRef.Key));
        // Grafana's entrypoint exits when GF_X and GF_X__FILE are both set; the operator sets no __FILE variant at all.
        Assert.Equal(env.Count, env.Select(e => e.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.DoesNotContain(env, e => e.Name.EndsWith("__FILE", StringComparison.Ordinal));
        Assert.All(env.Where(e => e.ValueFrom is not null), e => Assert.StartsWith("GF_SECURITY_ADMIN_", e.Name, StringComparison.Ordinal));
        Assert.Null(Template(Render(Policy())).Spec.Containers[0].EnvFrom);
    }

    [Fact]
    public void The_secrets_own_keys_are_used_when_given()
    {
        var policy = WaddleBotDefaults.Apply(Sample.Policy("waddlebot", spec => spec.Backends = new BackendsPolicy
        {
            Prometheus = new ApiPrometheusBackend { Managed = true },
            Grafana = new ApiGrafanaBackend { Managed = true, AdminSecretRef = new GrafanaAdminSecretReference { Name = "ops-grafana", UserKey = "user", PasswordKey = "pass" } },
        }));
        var env = Container(policy).Env;
        Assert.Equal(("ops-grafana", "user"), env.Where(e => e.Name == "GF_SECURITY_ADMIN_USER").Select(e => (e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key)).Single());
        Assert.Equal(("ops-grafana", "pass"), env.Where(e => e.Name == "GF_SECURITY_ADMIN_PASSWORD").Select(e => (e.ValueFrom.SecretKeyRef.Name, e.ValueFrom.SecretKeyRef.Key)).Single());
    }

    [Theory]
    [InlineData(false, "false", null)]
    [InlineData(true, "true", "Viewer")]
    public void Anonymous_viewing_is_off_unless_asked_and_then_read_only(bool anonymous, string enabled, string? role)
    {
        var env = Container(Policy(BackendTestData.Grafana(anonymousViewing: anonymous))).Env;
        Assert.Equal(enabled, env.Single(e => e.Name == "GF_AUTH_ANONYMOUS_ENABLED").Value);
        Assert.Equal(role, env.SingleOrDefault(e => e.Name == "GF_AUTH_ANONYMOUS_ORG_ROLE")?.Value);
        Assert.Equal("false", env.Single(e => e.Name == "GF_USERS_ALLOW_SIGN_UP").Value);
    }

    [Fact]
    public void Without_storage_grafana_is_a_rolling_deployment_on_an_empty_dir()
    {
        var deployment = Assert.Single(Render(Policy()).OfType<V1Deployment>());
        Assert.Equal("RollingUpdate", deployment.Spec.Strategy.Type);
        Assert.Equal(("1", "0"), (deployment.Spec.Strategy.RollingUpdate.MaxSurge.Value, deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value));
        var data = Assert.Single(deployment.Spec.Template.Spec.Volumes, v => v.Name == "data");
        Assert.NotNull(data.EmptyDir);
    }

    [Fact]
    public void With_storage_grafana_is_a_statefulset_that_keeps_its_claim()
    {
        var statefulSet = Assert.Single(Render(Policy(BackendTestData.Grafana(storage: new PersistentStorage { Size = "5Gi", StorageClassName = "fast" }))).OfType<V1StatefulSet>());
        var claim = Assert.Single(statefulSet.Spec.VolumeClaimTemplates);
        Assert.Equal("data", claim.Metadata.Name);
        Assert.Equal("5Gi", claim.Spec.Resources.Requests["storage"].ToString());
        Assert.Equal("fast", claim.Spec.StorageClassName);
        Assert.Equal(("Retain", "Retain"), (statefulSet.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted, statefulSet.Spec.PersistentVolumeClaimRetentionPolicy.WhenScaled));
        Assert.DoesNotContain(statefulSet.Spec.Template.Spec.Volumes, v => v.Name == "data");
        Assert.Contains(statefulSet.Spec.Template.Spec.Containers[0].VolumeMounts, m => m.Name == "data" && m.MountPath == "/var/lib/grafana");
    }

    [Fact]
    public void The_root_is_read_only_with_the_writable_paths_mounted()
    {
        var template = Template(Render(Policy()));
        var container = Assert.Single(template.Spec.Containers);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        var writable = container.VolumeMounts.Where(m => m.ReadOnlyProperty != true).Select(m => m.MountPath).Order(StringComparer.Ordinal);
        Assert.Equal(["/tmp", "/var/lib/grafana"], writable);
        Assert.Equal("console", container.Env.Single(e => e.Name == "GF_LOG_MODE").Value);
        Assert.Equal("/var/lib/grafana", container.Env.Single(e => e.Name == "GF_PATHS_DATA").Value);
        Assert.Equal(
            ["/etc/grafana/dashboards", "/etc/grafana/provisioning/dashboards", "/etc/grafana/provisioning/datasources"],
            container.VolumeMounts.Where(m => m.ReadOnlyProperty == true).Select(m => m.MountPath).Order(StringComparer.Ordinal));
        Assert.All(container.VolumeMounts, m => Assert.Null(m.SubPath));
        Assert.False(template.Spec.AutomountServiceAccountToken);
    }

    [Fact]
    public void Probes_ask_api_health_on_the_http_port()
    {
        var container = Container(Policy());
        Assert.Equal(3000, Assert.Single(container.Ports).ContainerPort);
        foreach (var probe in new[] { container.StartupProbe, container.ReadinessProbe, container.LivenessProbe })
        {
            Assert.Equal("/api/health", probe.HttpGet.Path);
            Assert.Equal("http", probe.HttpGet.Port.Value);
        }
    }

    [Fact]
    public void The_dashboards_are_one_projected_volume_of_the_published_configmaps_and_the_operators()
    {
        var volume = Assert.Single(Template(Render(Policy())).Spec.Volumes, v => v.Name == "dashboards");
        Assert.Equal(
            ["waddlebot-dashboard-overview", "waddlebot-dashboard-service", "waddlebot-grafana-dashboard-operator"],
            volume.Projected.Sources.Select(s => s.ConfigMap.Name));
        Assert.Equal(
            volume.Projected.Sources.Take(2).Select(s => s.ConfigMap.Name),
            GrafanaDashboards.ConfigMaps(Policy()).Select(c => c.Metadata.Name));
        Assert.DoesNotContain(Template(Render(Policy(BackendTestData.Grafana(dashboards: false)))).Spec.Volumes, v => v.Name == "dashboards");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_managed_grafana_mounts_exactly_the_published_dashboards_with_or_without_slos(bool withSlos)
    {
        var policy = Policy();
        var volume = Assert.Single(Template([.. GrafanaObjects.Render(policy, withSlos)]).Spec.Volumes, v => v.Name == "dashboards");
        var published = GrafanaDashboards.Publish(policy, withSlos)!.Objects.Select(o => o.Metadata.Name).ToList();
        Assert.Equal([.. published, "waddlebot-grafana-dashboard-operator"], volume.Projected.Sources.Select(s => s.ConfigMap.Name));
        Assert.Equal(withSlos, published.Contains("waddlebot-dashboard-slos"));
    }

    [Fact]
    public void With_invalid_dashboard_settings_grafana_still_runs_with_the_operators_dashboard()
    {
        var policy = Policy(BackendTestData.Grafana(folder: "a/b"));
        var volume = Assert.Single(Template(Render(policy)).Spec.Volumes, v => v.Name == "dashboards");
        Assert.Equal(["waddlebot-grafana-dashboard-operator"], volume.Projected.Sources.Select(s => s.ConfigMap.Name));
    }

    [Fact]
    public void The_config_hash_follows_the_settings_and_data_sources_but_not_the_dashboards()
    {
        static string Hash(EffectivePolicy policy) => Template(Render(policy)).Metadata.Annotations[WellKnown.ConfigHashAnnotation];
        var baseline = Hash(Policy());
        Assert.Equal(baseline, Hash(Policy()));
        Assert.NotEqual(baseline, Hash(Policy(BackendTestData.Grafana(anonymousViewing: true))));
        Assert.NotEqual(baseline, Hash(Policy(jaeger: false)));
        Assert.NotEqual(baseline, Hash(Policy(BackendTestData.Grafana(folder: "Bots"))));
        // The kubelet swaps in edited dashboard ConfigMaps and Grafana reloads them: no restart for a dashboard change.
        Assert.Equal(baseline, Hash(Policy(BackendTestData.Grafana(labels: [new("team", "bots")]))));
    }

    [Fact]
    public void The_data_sources_are_the_managed_backends_with_fixed_uids_linked_both_ways()
    {
        var root = YamlTree.Load(ProvisioningFile(Policy(), GrafanaObjects.DataSourcesFileName));
        Assert.Equal("1", root.Text("apiVersion"));
        var sources = root.Items("datasources");
        var prometheus = sources.Single(s => s.Text("type") == "prometheus");
        var jaeger = sources.Single(s => s.Text("type") == "jaeger");
        Assert.Equal((GrafanaProvisioning.PrometheusUid, "http://waddlebot-prometheus.waddlebot.svc:9090", "true"), (prometheus.Text("uid"), prometheus.Text("url"), prometheus.Text("isDefault")));
        Assert.Equal((GrafanaProvisioning.JaegerUid, "http://waddlebot-jaeger.waddlebot.svc:16686"), (jaeger.Text("uid"), jaeger.Text("url")));
        Assert.Equal("15s", prometheus.Text("jsonData", "timeInterval"));

        // Exemplars link to Jaeger by the label the services' client libraries write, not Grafana's traceID default.
        var destination = Assert.Single(prometheus.Items("jsonData", "exemplarTraceIdDestinations"));
        Assert.Equal(("trace_id", GrafanaProvisioning.JaegerUid), (destination.Text("name"), destination.Text("datasourceUid")));

        // And a span leads back to its service's metrics.
        Assert.Equal(GrafanaProvisioning.PrometheusUid, jaeger.Text("jsonData", "tracesToMetrics", "datasourceUid"));
        var tag = Assert.Single(jaeger.Items("jsonData", "tracesToMetrics", "tags"));
        Assert.Equal(("service.name", "waddlebot_service"), (tag.Text("key"), tag.Text("value")));
    }

    [Theory]
    [InlineData(true, true, null, null, "http://waddlebot-prometheus.waddlebot.svc:9090", "http://waddlebot-jaeger.waddlebot.svc:16686")]
    [InlineData(false, false, "http://prometheus-operated.monitoring.svc:9090", "http://jaeger-query.tracing.svc:16686", "http://prometheus-operated.monitoring.svc:9090", "http://jaeger-query.tracing.svc:16686")]
    [InlineData(true, false, null, "https://jaeger.example.com/", "http://waddlebot-prometheus.waddlebot.svc:9090", "https://jaeger.example.com/")]
    [InlineData(false, false, "http://prometheus:9090", null, "http://prometheus:9090", null)]
    public void The_data_sources_use_the_managed_backends_or_the_given_addresses(
        bool prometheus, bool jaeger, string? prometheusUrl, string? jaegerUrl, string expectedPrometheus, string? expectedJaeger)
    {
        var policy = Policy(BackendTestData.Grafana(prometheusUrl: prometheusUrl, jaegerQueryUrl: jaegerUrl), jaeger: jaeger, prometheus: prometheus);
        Assert.Empty(ManagedBackendsRenderer.Validate(policy, []));
        var sources = YamlTree.Load(ProvisioningFile(policy, GrafanaObjects.DataSourcesFileName)).Items("datasources");
        Assert.Equal(expectedPrometheus, sources.Single(s => s.Text("type") == "prometheus").Text("url"));
        Assert.Equal(expectedJaeger, sources.SingleOrDefault(s => s.Text("type") == "jaeger")?.Text("url"));
        if (expectedJaeger is null)
        {
            // No Jaeger: no exemplar link to a data source that does not exist.
            Assert.DoesNotContain("exemplarTraceIdDestinations", ProvisioningFile(policy, GrafanaObjects.DataSourcesFileName), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Every_dollar_in_the_provisioning_files_is_escaped_so_grafana_reads_it_back_literally()
    {
        var policy = Policy(BackendTestData.Grafana(prometheusUrl: "http://prometheus:9090/$prefix/api", folder: "WaddleBot"), prometheus: false);
        var dataSources = ProvisioningFile(policy, GrafanaObjects.DataSourcesFileName);
        Assert.Contains("http://prometheus:9090/$$prefix/api", dataSources, StringComparison.Ordinal);
        Assert.Contains("{$${__tags}}", dataSources, StringComparison.Ordinal);
        foreach (var file in new[] { dataSources, ProvisioningFile(policy, GrafanaObjects.DashboardProviderFileName) })
        {
            // Once every "$$" is taken out, no "$" may remain: Grafana would expand it from its environment.
            Assert.DoesNotContain("$", file.Replace("$$", "", StringComparison.Ordinal), StringComparison.Ordinal);
        }

        Assert.Equal("a$$b$$$${c}", GrafanaProvisioning.Escape("a$b$${c}"));
    }

    [Fact]
    public void The_dashboard_provider_loads_the_mounted_dashboards_into_the_folder_and_keeps_them_as_code()
    {
        var provider = Assert.Single(YamlTree.Load(ProvisioningFile(Policy(BackendTestData.Grafana(folder: "Bots")), GrafanaObjects.DashboardProviderFileName)).Items("providers"));
        Assert.Equal(("Bots", "file", "/etc/grafana/dashboards"), (provider.Text("folder"), provider.Text("type"), provider.Text("options", "path")));
        Assert.Equal(("false", "false"), (provider.Text("allowUiUpdates"), provider.Text("disableDeletion")));
    }

    public static TheoryData<string, EffectiveGrafana, bool, bool, string> Problems() => new()
    {
        { "no admin Secret", BackendTestData.Grafana() with { AdminSecret = null }, true, true, "spec.backends.grafana.adminSecretRef.name is required when spec.backends.grafana.managed is true" },
        { "an admin Secret without a name", BackendTestData.Grafana() with { AdminSecret = new GrafanaAdminSecret("", "u", "p") }, true, true, "spec.backends.grafana.adminSecretRef.name is required" },
        { "no Prometheus at all", BackendTestData.Grafana(), false, true, "spec.backends.grafana.managed needs a Prometheus for its data source: set spec.backends.prometheus.managed: true, or spec.backends.prometheus.url" },
        { "a Prometheus both managed and given", BackendTestData.Grafana(prometheusUrl: "http://p:9090"), true, true, "spec.backends.prometheus.url is the address of a Prometheus the operator does not run" },
        { "a Jaeger both managed and given", BackendTestData.Grafana(jaegerQueryUrl: "http://j:16686"), true, true, "spec.backends.jaeger.queryUrl is the address of a Jaeger the operator does not run" },
        { "a Prometheus address that is no URL", BackendTestData.Grafana(prometheusUrl: "prometheus:9090"), false, true, "spec.backends.prometheus.url: \"prometheus:9090\" is not an absolute http or https URL" },
        { "a Jaeger address of another scheme", BackendTestData.Grafana(jaegerQueryUrl: "ftp://jaeger"), true, false, "spec.backends.jaeger.queryUrl: \"ftp://jaeger\" is not an absolute http or https URL" },
        { "a storage size that is no quantity", BackendTestData.Grafana(storage: new PersistentStorage { Size = "lots" }), true, true, "spec.backends.grafana.storage.size: \"lots\" is not a Kubernetes quantity" },
        { "an empty image", BackendTestData.Grafana() with { Image = "" }, true, true, "spec.backends.grafana.image must not be empty" },
        { "two replicas without a database", BackendTestData.Grafana() with { Replicas = 2 }, true, true, "spec.backends.grafana.replicas is 2, but each Grafana would have its own SQLite database" },
        { "two replicas with storage but no database", BackendTestData.Grafana(storage: new PersistentStorage { Size = "5Gi" }) with { Replicas = 2 }, true, true, "more than one replica needs spec.backends.grafana.database" },
        { "a database beside storage", BackendTestData.Grafana(storage: new PersistentStorage { Size = "5Gi" }) with { Database = PostgresDatabase }, true, true, "spec.backends.grafana.storage is the volume of Grafana's own SQLite database, unused with spec.backends.grafana.database" },
        { "a database URL reference without a key", BackendTestData.Grafana() with { Database = PostgresDatabase with { Url = new SecretKeyReference { Name = "grafana-db" } } }, true, true, "spec.backends.grafana.database.urlSecretRef needs both name and key" },
    };

    internal static readonly GrafanaDatabaseSettings PostgresDatabase =
        new(GrafanaDatabaseType.Postgres, new SecretKeyReference { Name = "grafana-db", Key = "url" }, GrafanaDatabaseSslMode.Require);

    [Fact]
    public void On_a_database_grafana_runs_its_replicas_spread_over_nodes_with_a_disruption_budget_and_the_url_by_reference()
    {
        var objects = GrafanaComponent.Instance.Render(Policy(BackendTestData.Grafana() with { Database = PostgresDatabase, Replicas = 3 }), []).ToList();
        var deployment = Assert.Single(objects.OfType<V1Deployment>());
        Assert.Empty(objects.OfType<V1StatefulSet>());
        Assert.Equal(3, deployment.Spec.Replicas);
        Assert.Equal("kubernetes.io/hostname", Assert.Single(deployment.Spec.Template.Spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution).PodAffinityTerm.TopologyKey);
        var budget = Assert.Single(objects.OfType<V1PodDisruptionBudget>());
        Assert.Equal(deployment.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);
        var env = Assert.Single(deployment.Spec.Template.Spec.Containers).Env.ToDictionary(e => e.Name);
        Assert.Null(env["GF_DATABASE_URL"].Value);
        Assert.Equal("grafana-db", env["GF_DATABASE_URL"].ValueFrom.SecretKeyRef.Name);
        Assert.Equal("url", env["GF_DATABASE_URL"].ValueFrom.SecretKeyRef.Key);
        Assert.Equal("postgres", env["GF_DATABASE_TYPE"].Value);
        Assert.Equal("require", env["GF_DATABASE_SSL_MODE"].Value);
        Assert.DoesNotContain(env.Keys, k => k.EndsWith("__FILE", StringComparison.Ordinal));
        Assert.Empty(WaddleObservabilityOperator.Tests.Packaging.RestrictedProfileCheck.Violations(deployment.Spec.Template));
    }

    [Theory]
    [InlineData(GrafanaDatabaseType.Postgres, GrafanaDatabaseSslMode.Disable, "disable")]
    [InlineData(GrafanaDatabaseType.Postgres, GrafanaDatabaseSslMode.VerifyFull, "verify-full")]
    [InlineData(GrafanaDatabaseType.Mysql, GrafanaDatabaseSslMode.Disable, "false")]
    [InlineData(GrafanaDatabaseType.Mysql, GrafanaDatabaseSslMode.Require, "skip-verify")]
    [InlineData(GrafanaDatabaseType.Mysql, GrafanaDatabaseSslMode.VerifyFull, "true")]
    public void The_tls_mode_is_written_in_the_database_driver_terms(GrafanaDatabaseType type, GrafanaDatabaseSslMode mode, string expected)
    {
        var database = new GrafanaDatabaseSettings(type, new SecretKeyReference { Name = "db", Key = "url" }, mode);
        var env = GrafanaObjects.Environment(BackendTestData.Grafana() with { Database = database }).ToDictionary(e => e.Name);
        Assert.Equal(expected, env["GF_DATABASE_SSL_MODE"].Value);
    }

    [Fact]
    public void One_replica_on_a_database_has_no_disruption_budget_and_the_note_says_the_password_seeds_once()
    {
        var policy = Policy(BackendTestData.Grafana() with { Database = PostgresDatabase });
        var objects = GrafanaComponent.Instance.Render(policy, []).ToList();
        Assert.Empty(objects.OfType<V1PodDisruptionBudget>());
        Assert.Null(Assert.Single(objects.OfType<V1Deployment>()).Spec.Template.Spec.Affinity);
        Assert.Contains("only at its first start on its database", GrafanaComponent.Instance.StatusNote(policy), StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Problems))]
    public void Bad_settings_fail_BackendsReady_with_a_message_naming_the_field(string what, EffectiveGrafana grafana, bool prometheus, bool jaeger, string expected)
    {
        _ = what;
        var policy = Policy(grafana, jaeger: jaeger, prometheus: prometheus);
        var result = ManagedBackendsRenderer.RenderForPolicy(policy, []);
        var outcome = Assert.IsType<ConditionOutcome>(result.Outcome);
        Assert.False(outcome.Status);
        Assert.Equal(Reasons.InvalidBackendSettings, outcome.Reason);
        Assert.Contains(expected, outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Objects, o => o.Metadata.Name.StartsWith("waddlebot-grafana", StringComparison.Ordinal));
        Assert.Throws<BackendSettingsException>(() => ManagedBackendsRenderer.Render(policy, []));
    }

    [Fact]
    public void A_policy_name_too_long_for_the_statefulset_is_refused()
    {
        var name = new string('g', 45);
        var policy = BackendTestData.Policy(name: name, jaeger: false, grafana: BackendTestData.Grafana(storage: new PersistentStorage { Size = "1Gi" }));
        var problems = ManagedBackendsRenderer.Validate(policy, []);
        Assert.Contains(problems, p => p.Contains($"\"{name}-grafana\"", StringComparison.Ordinal) && p.Contains("Service and StatefulSet", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false, "at each start (its database is an emptyDir)")]
    [InlineData(true, "only at its first start: with persistent storage a changed Secret does not change it")]
    public void BackendsReady_says_when_the_admin_password_applies(bool persistent, string expected)
    {
        var policy = Policy(BackendTestData.Grafana(storage: persistent ? new PersistentStorage { Size = "1Gi" } : null));
        var outcome = ManagedBackendsRenderer.RenderForPolicy(policy, []).Outcome!;
        Assert.True(outcome.Status);
        Assert.StartsWith("managed Jaeger, Prometheus and Grafana: ", outcome.Message, StringComparison.Ordinal);
        Assert.Contains("Secret \"grafana-admin\"", outcome.Message, StringComparison.Ordinal);
        Assert.Contains(expected, outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_status_reports_the_grafana_address()
    {
        var result = ManagedBackendsRenderer.RenderForPolicy(Policy(), []);
        var endpoint = Assert.Single(result.Endpoints, e => e.Component == GrafanaComponent.Instance);
        Assert.Equal("http://waddlebot-grafana.waddlebot.svc:3000", endpoint.Endpoint);
        var status = StatusRenderer.PolicyStatus(new PolicyOutcome("waddlebot", "waddlebot", 1, 0, [], result.Endpoints, 0), DateTime.UnixEpoch);
        Assert.Equal("http://waddlebot-grafana.waddlebot.svc:3000", status.Grafana?.Endpoint);
    }

    [Fact]
    public void No_object_holds_a_password_or_a_default_credential()
    {
        foreach (var item in Render(Policy()))
        {
            var yaml = KubernetesYaml.Serialize(item);
            Assert.DoesNotMatch(DefaultCredential(), yaml);
        }
    }

    // admin/admin, GF_SECURITY_ADMIN_PASSWORD with a value, an admin_password setting or a password key in a config document.
    [GeneratedRegex(@"admin/admin|GF_SECURITY_ADMIN_PASSWORD\n\s*value:|admin_password\s*=|password:\s*\S", RegexOptions.IgnoreCase)]
    private static partial Regex DefaultCredential();
}
