using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends.Exporters;

/// <summary>The PostgreSQL, Redis and node exporters and the kubelet scrape: their objects, Secrets by reference only, ServiceMonitors, refusals and bad settings.</summary>
public sealed class ExporterComponentsTests
{
    private static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy) => ManagedBackendsRenderer.Render(policy, []);

    private static T Named<T>(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects, string name)
        where T : IKubernetesObject<V1ObjectMeta> =>
        Assert.Single(objects.OfType<T>(), o => o.Metadata.Name == name);

    private static ConditionOutcome BackendsReady(EffectivePolicy policy) =>
        ManagedBackendsRenderer.RenderForPolicy(policy, []).Outcome!;

    [Fact]
    public void Postgres_credentials_are_separate_secret_references_and_the_uri_holds_none()
    {
        var container = Named<V1Deployment>(Render(BackendTestData.Everything()), "waddlebot-postgres-exporter-main").Spec.Template.Spec.Containers.Single();
        Assert.Equal(["DATA_SOURCE_URI", "DATA_SOURCE_USER", "DATA_SOURCE_PASS"], container.Env.Select(e => e.Name));
        Assert.Equal("waddlebot-postgres:5432/waddlebot?sslmode=disable", container.Env[0].Value);
        Assert.Null(container.Env[0].ValueFrom);
        Assert.Equal(("waddlebot-postgres", "username"), (container.Env[1].ValueFrom.SecretKeyRef.Name, container.Env[1].ValueFrom.SecretKeyRef.Key));
        Assert.Equal(("waddlebot-postgres", "password"), (container.Env[2].ValueFrom.SecretKeyRef.Name, container.Env[2].ValueFrom.SecretKeyRef.Key));
        Assert.Null(container.Env[1].Value);
        Assert.Null(container.Env[2].Value);
        Assert.Equal(["--web.listen-address=:9187", "--web.telemetry-path=/metrics"], container.Args);
    }

    [Fact]
    public void Postgres_defaults_are_port_5432_database_postgres_and_tls_required()
    {
        var policy = BackendTestData.Everything();
        var analytics = PostgresExporterComponent.Settings(policy).Instances.Single(p => p.Name == "analytics");
        Assert.Equal("analytics-db.data.svc:6432/postgres?sslmode=require", PostgresExporterComponent.DataSourceUri(analytics));
        Assert.Equal(PostgresExporterComponent.DefaultImage, analytics.Image);
        var odd = analytics with { Database = "stats$2024", SslMode = PostgresSslMode.VerifyFull };
        Assert.Equal("analytics-db.data.svc:6432/stats%242024?sslmode=verify-full", PostgresExporterComponent.DataSourceUri(odd));
    }

    [Theory]
    [InlineData(true, new[] { "REDIS_ADDR", "REDIS_PASSWORD" })]
    [InlineData(false, new[] { "REDIS_ADDR" })]
    public void Redis_gets_a_password_only_by_reference_and_only_when_given(bool password, string[] variables)
    {
        var spec = BackendTestData.ExportersSpec();
        spec.Exporters!.Redis![0].PasswordSecretRef = password ? spec.Exporters.Redis[0].PasswordSecretRef : null;
        var container = Named<V1Deployment>(Render(BackendTestData.Everything(spec: spec)), "waddlebot-redis-exporter-cache").Spec.Template.Spec.Containers.Single();
        Assert.Equal(variables, container.Env.Select(e => e.Name));
        Assert.Equal("waddlebot-redis:6379", container.Env[0].Value);
        Assert.All(container.Env.Skip(1), e => Assert.NotNull(e.ValueFrom.SecretKeyRef));
    }

    [Fact]
    public void No_object_holds_a_secret_value_or_a_secret()
    {
        var objects = Render(BackendTestData.Everything());
        Assert.DoesNotContain(objects, o => o is V1Secret);
        var env = objects.OfType<V1Deployment>().SelectMany(d => d.Spec.Template.Spec.Containers).SelectMany(c => c.Env ?? []).ToList();
        Assert.All(env.Where(e => e.Name is "DATA_SOURCE_USER" or "DATA_SOURCE_PASS" or "REDIS_PASSWORD" or "REDIS_USER"), e => Assert.Null(e.Value));
    }

    [Fact]
    public void Each_exporter_has_a_deployment_a_service_and_with_the_api_a_service_monitor_with_its_labels()
    {
        var objects = Render(BackendTestData.Everything());
        foreach (var (name, exporter, instance, port) in new[]
        {
            ("waddlebot-postgres-exporter-main", "postgres", "main", 9187),
            ("waddlebot-postgres-exporter-analytics", "postgres", "analytics", 9187),
            ("waddlebot-redis-exporter-cache", "redis", "cache", 9121),
        })
        {
            Named<V1Deployment>(objects, name);
            var service = Named<V1Service>(objects, name);
            Assert.Equal(("metrics", port), (service.Spec.Ports.Single().Name, service.Spec.Ports.Single().Port));
            var monitor = Named<ServiceMonitor>(objects, name);
            Assert.Equal(WellKnown.NameLabel, monitor.Spec.JobLabel);
            Assert.Equal(service.Spec.Selector, monitor.Spec.Selector.MatchLabels);
            var relabelings = monitor.Spec.Endpoints.Single().Relabelings ?? [];
            Assert.Contains(relabelings, r => r.TargetLabel == WellKnown.ExporterMetricLabel && r.Replacement == exporter);
            Assert.Contains(relabelings, r => r.TargetLabel == "instance" && r.Replacement == instance);
            // A policy's child, not a WaddleService's: the policy reconciler owns it, the service reconciler leaves it.
            Assert.Equal(BackendTestData.PolicyName, monitor.Metadata.Labels[WellKnown.PolicyLabel]);
            Assert.False(monitor.Metadata.Labels.ContainsKey(WellKnown.ServiceLabel));
            Assert.Equal(BackendTestData.PolicyUid, monitor.Metadata.OwnerReferences.Single().Uid);
        }
    }

    [Theory]
    [InlineData(false, ServiceMonitorMode.Auto)]
    [InlineData(false, ServiceMonitorMode.Enabled)]
    [InlineData(true, ServiceMonitorMode.Disabled)]
    public void No_service_monitors_without_the_api_or_when_the_policy_turns_them_off(bool api, ServiceMonitorMode mode)
    {
        var policy = BackendTestData.Everything(serviceMonitorApi: api);
        policy = policy with { Metrics = policy.Metrics with { ServiceMonitorMode = mode } };
        var objects = Render(policy);
        Assert.DoesNotContain(objects, o => o is ServiceMonitor);
        // The managed Prometheus scrapes them all the same.
        Assert.Equal(5, ManagedComponents.All.SelectMany(c => c.ScrapeJobs(policy)).Count());
    }

    [Fact]
    public void Service_monitors_carry_the_policys_extra_labels_but_keep_the_operators()
    {
        var policy = BackendTestData.Everything();
        policy = policy with { Metrics = policy.Metrics with { ServiceMonitorLabels = [new("release", "kube-prometheus-stack"), new(WellKnown.ManagedByLabel, "someone-else")] } };
        Assert.All(Render(policy).OfType<ServiceMonitor>(), m =>
        {
            Assert.Equal("kube-prometheus-stack", m.Metadata.Labels["release"]);
            Assert.Equal(WellKnown.ManagedByValue, m.Metadata.Labels[WellKnown.ManagedByLabel]);
        });
    }

    [Fact]
    public void Two_exporters_of_one_name_are_a_condition_naming_the_field()
    {
        var spec = BackendTestData.ExportersSpec();
        spec.Exporters!.Postgres![1].Name = "main";
        var outcome = BackendsReady(BackendTestData.Everything(spec: spec));
        Assert.False(outcome.Status);
        Assert.Equal(Reasons.InvalidBackendSettings, outcome.Reason);
        Assert.Contains("spec.exporters.postgres: the name \"main\" is used more than once", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_exporter_name_that_makes_too_long_a_service_name_is_a_condition()
    {
        var spec = BackendTestData.ExportersSpec();
        spec.Exporters!.Redis![0].Name = "session-cache-for-the-router-a";
        var outcome = BackendsReady(BackendTestData.Everything(spec: spec) with { Name = "waddlebot-production-eu" });
        Assert.False(outcome.Status);
        Assert.Equal(Reasons.BackendNameTooLong, outcome.Reason);
        Assert.Contains("\"waddlebot-production-eu-redis-exporter-session-cache-for-the-router-a\"", outcome.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("restricted")]
    [InlineData("baseline")]
    public void The_node_exporter_is_refused_where_the_namespace_forbids_host_access_and_the_rest_runs(string level)
    {
        var policy = BackendTestData.Everything(podSecurity: level);
        var result = ManagedBackendsRenderer.RenderForPolicy(policy, []);
        Assert.False(result.Outcome!.Status);
        Assert.Equal(Reasons.NodeExporterNotAdmitted, result.Outcome.Reason);
        Assert.Contains($"enforces the Pod Security level \"{level}\"", result.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains("never changes a namespace's labels", result.Outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Objects, o => o.Metadata.Name == "waddlebot-node-exporter");
        Assert.DoesNotContain(PrometheusConfigDocument.Render(policy, []), "waddle/waddlebot/node\n", StringComparison.Ordinal);
        // Everything else is rendered as without the node exporter.
        var without = BackendTestData.Everything(spec: WithoutNodeExporter());
        Assert.Equal(ManagedBackendsGoldenTests.AsYamlStream(ManagedBackendsRenderer.RenderForPolicy(without, []).Objects), ManagedBackendsGoldenTests.AsYamlStream(result.Objects));
    }

    [Theory]
    [InlineData("privileged")]
    [InlineData(null)]
    public void The_node_exporter_runs_where_the_namespace_admits_privileged_pods(string? level)
    {
        var policy = BackendTestData.Everything(podSecurity: level);
        var result = ManagedBackendsRenderer.RenderForPolicy(policy, []);
        Assert.True(result.Outcome!.Status, result.Outcome.Message);
        var daemonSet = Named<V1DaemonSet>(result.Objects, "waddlebot-node-exporter");
        var container = daemonSet.Spec.Template.Spec.Containers.Single();
        Assert.Equal(9100, container.Ports.Single().HostPort);
        Assert.Contains("--path.rootfs=/host/root", container.Args);
        Assert.Equal("None", Named<V1Service>(result.Objects, "waddlebot-node-exporter").Spec.ClusterIP);
    }

    [Fact]
    public void A_refused_node_exporter_alone_is_the_whole_message()
    {
        var spec = new ObservabilityPolicySpec { Exporters = new ExportersPolicy { Node = new NodeExporter { Enabled = true } } };
        var result = ManagedBackendsRenderer.RenderForPolicy(BackendTestData.Everything(spec: spec, podSecurity: "restricted", prometheus: false) with
        {
            Components = ManagedComponents.Resolve(spec, owned: true),
        }, []);
        Assert.Equal(Reasons.NodeExporterNotAdmitted, result.Outcome!.Reason);
        Assert.DoesNotContain("The others", result.Outcome.Message, StringComparison.Ordinal);
        Assert.StartsWith("spec.exporters.node is on, but namespace \"waddlebot\" enforces", result.Outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Objects, o => o.Metadata.Name == "waddlebot-node-exporter");
    }

    [Fact]
    public void The_node_exporter_is_refused_when_the_namespace_was_not_observed()
    {
        var policy = BackendTestData.Everything() with { Cluster = new ClusterFacts(true, null) };
        var outcome = BackendsReady(policy);
        Assert.Equal(Reasons.NodeExporterNotAdmitted, outcome.Reason);
        Assert.Contains("was not observed", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_node_exporter_port_moves_when_another_one_holds_9100()
    {
        var spec = BackendTestData.ExportersSpec();
        spec.Exporters!.Node!.Port = 9110;
        var container = Named<V1DaemonSet>(Render(BackendTestData.Everything(spec: spec)), "waddlebot-node-exporter").Spec.Template.Spec.Containers.Single();
        Assert.Equal((9110, 9110), (container.Ports.Single().ContainerPort, container.Ports.Single().HostPort));
        Assert.Contains("--web.listen-address=:9110", container.Args);
    }

    [Fact]
    public void The_kubelet_scrape_gets_exactly_node_discovery_and_nodes_metrics_and_only_with_a_managed_prometheus()
    {
        var objects = Render(BackendTestData.Everything());
        var role = Assert.Single(objects.OfType<V1ClusterRole>());
        Assert.Equal("waddle-observability.waddlebot.waddlebot-prometheus", role.Metadata.Name);
        Assert.Equal(["/nodes list", "/nodes watch", "/nodes/metrics get"],
            role.Rules.SelectMany(r => r.Resources.SelectMany(res => r.Verbs.Select(v => $"{string.Join(",", r.ApiGroups)}/{res} {v}"))));
        var binding = Assert.Single(objects.OfType<V1ClusterRoleBinding>());
        Assert.Equal(role.Metadata.Name, binding.RoleRef.Name);
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", "waddlebot-prometheus", "waddlebot"), (subject.Kind, subject.Name, subject.NamespaceProperty));

        var withoutPrometheus = Render(BackendTestData.Everything(prometheus: false));
        Assert.DoesNotContain(withoutPrometheus, o => o is V1ClusterRole or V1ClusterRoleBinding);
        Assert.Single(withoutPrometheus.OfType<ServiceMonitor>(), m => m.Metadata.Name == "waddlebot-kubelet");
    }

    [Theory]
    [InlineData(false, "insecureSkipVerify")]
    [InlineData(true, "caFile")]
    public void The_kubelet_service_monitor_scrapes_cadvisor_over_https_with_prometheus_own_token(bool verify, string tls)
    {
        var spec = BackendTestData.ExportersSpec();
        spec.Exporters!.Kubelet!.TlsVerify = verify;
        var monitor = Named<ServiceMonitor>(Render(BackendTestData.Everything(spec: spec)), "waddlebot-kubelet");
        Assert.Equal(["kube-system"], monitor.Spec.NamespaceSelector!.MatchNames);
        Assert.Equal("kubelet", monitor.Spec.Selector.MatchLabels[WellKnown.NameLabel]);
        var endpoint = monitor.Spec.Endpoints.Single();
        Assert.Equal(("https-metrics", "/metrics/cadvisor", "https", true), (endpoint.Port, endpoint.Path, endpoint.Scheme, endpoint.HonorLabels));
        Assert.Equal("/var/run/secrets/kubernetes.io/serviceaccount/token", endpoint.BearerTokenFile);
        Assert.Equal(tls == "caFile", endpoint.TlsConfig!.CaFile is not null);
        Assert.Equal(tls == "insecureSkipVerify", endpoint.TlsConfig.InsecureSkipVerify == true);
        var config = PrometheusConfigDocument.Render(BackendTestData.Everything(spec: spec), []);
        Assert.Contains(verify ? "ca_file: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt" : "insecure_skip_verify: true", config, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_exporters_or_alerting_the_prometheus_config_has_no_rules_and_no_alerting()
    {
        var policy = BackendTestData.Policy();
        var config = PrometheusConfigDocument.Render(policy, []);
        Assert.DoesNotContain("rule_files", config, StringComparison.Ordinal);
        Assert.DoesNotContain("alerting", config, StringComparison.Ordinal);
        Assert.DoesNotContain("evaluation_interval", config, StringComparison.Ordinal);
        Assert.Null(PrometheusRulesDocument.Render(policy));
    }

    private static ObservabilityPolicySpec WithoutNodeExporter()
    {
        var spec = BackendTestData.ExportersSpec();
        spec.Exporters!.Node = null;
        return spec;
    }
}
