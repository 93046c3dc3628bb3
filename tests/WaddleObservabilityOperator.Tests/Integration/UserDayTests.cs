using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Controllers;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Rendering.Models;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

[Collection(OperatorScenarios.Collection)]
public sealed class UserDayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_hand_set_service_name_survives_injection_and_deletion_while_injected_vars_and_the_monitor_go()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync(set =>
        {
            var router = set.Deployments.Single(d => d.Metadata.Name == "router");
            router.Spec.Template.Spec.Containers[0].Env.Add(new V1EnvVar { Name = "OTEL_SERVICE_NAME", Value = "router-by-hand" });
            return set;
        });
        var userEnv = (await cluster.DeploymentAsync("router")).Deployment.Spec.Template.Spec.Containers[0].Env.Select(e => (e.Name, e.Value)).ToList();
        cluster.StartOperator("op-a");
        await cluster.WaitForAllReadyAsync(19);

        var router = (await cluster.WaddleServiceAsync("router"))!;
        Assert.Contains("OTEL_SERVICE_NAME", router.Status!.OverriddenEnv!);
        var (deployment, env) = await cluster.DeploymentAsync("router");
        Assert.Equal("router-by-hand", env["OTEL_SERVICE_NAME"].Value);
        Assert.Single(deployment.Spec.Template.Spec.Containers[0].Env, e => e.Name == "OTEL_SERVICE_NAME");
        Assert.True(env.ContainsKey("OTEL_TRACES_EXPORTER"));
        Assert.Contains(await cluster.ServiceMonitorsAsync(), m => m.Metadata.Name == "router");

        await cluster.User.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, OperatorCluster.Namespace, WaddleService.Plural, "router");
        await OperatorCluster.WaitUntilAsync("router's WaddleService finalized and its ServiceMonitor collected", async () =>
        {
            var gone = await cluster.WaddleServiceAsync("router") is null;
            var monitor = (await cluster.ServiceMonitorsAsync()).Any(m => m.Metadata.Name == "router");
            return (gone && !monitor, $"WaddleService gone: {gone}; ServiceMonitor left: {monitor}");
        });

        // Exactly the user's env is left, in their order; no label or annotation of the operator.
        (deployment, _) = await cluster.DeploymentAsync("router");
        Assert.Equal(userEnv, deployment.Spec.Template.Spec.Containers[0].Env.Select(e => (e.Name, e.Value)).ToList());
        Assert.False(deployment.Metadata.Labels.ContainsKey(WellKnown.InjectedByLabel));
        Assert.False(deployment.Spec.Template.Metadata.Annotations?.ContainsKey(WellKnown.InjectedEnvAnnotation) ?? false);
        Assert.False(deployment.Spec.Template.Metadata.Annotations?.ContainsKey(WellKnown.ConfigHashAnnotation) ?? false);

        // The other services keep theirs.
        Assert.Equal("ai", (await cluster.DeploymentAsync("ai")).Deployment.Metadata.Labels[WellKnown.InjectedByLabel]);
        Assert.Equal(18, (await cluster.ServiceMonitorsAsync()).Count(m => m.Metadata.Labels.ContainsKey(WellKnown.ServiceLabel)));
    }

    [Fact]
    public async Task Without_the_servicemonitor_api_none_is_created_until_prometheus_operator_is_installed_and_its_crd_event_brings_them()
    {
        await using var cluster = await OperatorCluster.StartAsync(output, serviceMonitorCrd: false);
        await cluster.ApplySamplesAsync();
        // Periodic discovery far beyond the test's patience: only the CustomResourceDefinition's watch event can bring the API in.
        cluster.StartOperator("op-a", new OperatorOptions { DiscoveryInterval = TimeSpan.FromHours(1) });
        await cluster.WaitForAllReadyAsync(19);

        foreach (var service in await cluster.WaddleServicesAsync())
        {
            var monitoring = OperatorCluster.Condition(service, ConditionTypes.MonitoringConfigured)!;
            Assert.Equal(Reasons.ServiceMonitorApiAbsent, monitoring.Reason);
            Assert.Contains("no monitoring.coreos.com/v1 ServiceMonitor API", monitoring.Message, StringComparison.Ordinal);
        }

        Assert.Empty(await cluster.ServiceMonitorsAsync());

        await cluster.InstallServiceMonitorCrdAsync();
        // The CRD's event brings them all: one per service, and the policy's for its exporters and the kubelet scrape.
        await OperatorCluster.WaitUntilAsync("a ServiceMonitor for every service and exporter after the CRD is installed", async () =>
        {
            var monitors = await cluster.ServiceMonitorsAsync();
            var services = await cluster.WaddleServicesAsync();
            var rendered = services.Count(s => OperatorCluster.Condition(s, ConditionTypes.MonitoringConfigured)?.Reason == Reasons.ServiceMonitorRendered);
            var ofPolicy = monitors.Count(m => !m.Metadata.Labels.ContainsKey(WellKnown.ServiceLabel));
            return (monitors.Count == 22 && rendered == 19 && ofPolicy == 3, $"{monitors.Count} ServiceMonitors ({ofPolicy} of the policy), {rendered} services report them");
        });
    }

    [Fact]
    public async Task A_foreign_servicemonitor_in_the_way_is_left_untouched_until_its_owner_deletes_it()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync();
        var taken = (await cluster.WaddleServicesAsync()).First().Metadata.Name;
        var foreign = new ServiceMonitor
        {
            Metadata = new V1ObjectMeta { Name = ChildNames.ServiceMonitor(taken), NamespaceProperty = OperatorCluster.Namespace, Labels = new Dictionary<string, string> { ["team"] = "sre" } },
            Spec = new ServiceMonitorSpec { Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "legacy" } } },
        };
        await cluster.User.CustomObjects.CreateNamespacedCustomObjectAsync(foreign, ServiceMonitor.Group, ServiceMonitor.Version, OperatorCluster.Namespace, ServiceMonitor.Plural);
        cluster.StartOperator("op-a");

        await OperatorCluster.WaitUntilAsync($"{taken} to report the foreign ServiceMonitor, the others to converge", async () =>
        {
            var services = await cluster.WaddleServicesAsync();
            var monitoring = OperatorCluster.Condition(services.Single(s => s.Metadata.Name == taken), ConditionTypes.MonitoringConfigured);
            var others = services.Count(s => s.Metadata.Name != taken && OperatorCluster.IsReady(s));
            return (monitoring is { Status: "False", Reason: Reasons.Conflict } && others == 18, $"{monitoring?.Reason}: {monitoring?.Message}; {others} others Ready");
        });
        var kept = (await cluster.ServiceMonitorsAsync()).Single(m => m.Metadata.Name == ChildNames.ServiceMonitor(taken));
        Assert.Equal("legacy", kept.Spec.Selector.MatchLabels["app"]);
        Assert.Equal("sre", kept.Metadata.Labels["team"]);
        Assert.Contains($"ServiceMonitor \"{taken}\" exists and is not managed by the operator",
            OperatorCluster.Condition((await cluster.WaddleServiceAsync(taken))!, ConditionTypes.MonitoringConfigured)!.Message, StringComparison.Ordinal);

        // Its owner deletes it: that event wakes the service, which creates its own.
        await cluster.User.CustomObjects.DeleteNamespacedCustomObjectAsync(ServiceMonitor.Group, ServiceMonitor.Version, OperatorCluster.Namespace, ServiceMonitor.Plural, kept.Metadata.Name);
        await cluster.WaitForAllReadyAsync(19);
        var own = (await cluster.ServiceMonitorsAsync()).Single(m => m.Metadata.Name == ChildNames.ServiceMonitor(taken));
        Assert.Equal(WellKnown.ManagedByValue, own.Metadata.Labels[WellKnown.ManagedByLabel]);
    }

    [Fact]
    public async Task A_foreign_configmap_with_a_dashboards_name_fails_DashboardsPublished_not_the_backends()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync();
        var name = GrafanaDashboards.ConfigMapName(OperatorCluster.Policy, "overview");
        await cluster.User.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["team"] = "sre" } },
            Data = new Dictionary<string, string> { ["theirs.json"] = "{}" },
        }, OperatorCluster.Namespace);
        cluster.StartOperator("op-a");

        await OperatorCluster.WaitUntilAsync("DashboardsPublished to report the conflict while the backends run", async () =>
        {
            var policy = await cluster.PolicyAsync();
            var dashboards = OperatorCluster.Condition(policy, ConditionTypes.DashboardsPublished);
            var backends = OperatorCluster.Condition(policy, ConditionTypes.BackendsReady);
            return (dashboards is { Status: "False", Reason: Reasons.Conflict } && backends?.Reason == Reasons.BackendsAvailable,
                $"dashboards {dashboards?.Reason}: {dashboards?.Message}; backends {backends?.Reason}");
        });
        Assert.Contains($"ConfigMap \"{name}\"", OperatorCluster.Condition(await cluster.PolicyAsync(), ConditionTypes.DashboardsPublished)!.Message, StringComparison.Ordinal);
        var kept = await cluster.User.CoreV1.ReadNamespacedConfigMapAsync(name, OperatorCluster.Namespace);
        Assert.Equal("{}", kept.Data["theirs.json"]);
        Assert.Equal("sre", kept.Metadata.Labels["team"]);
    }

    [Fact]
    public async Task A_foreign_configmap_with_the_sampling_name_is_left_untouched_and_reported_as_a_conflict()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.User.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = OperatorCluster.Namespace } });
        var name = ChildNames.SamplingConfigMap(OperatorCluster.Policy);
        var foreign = await cluster.User.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["team"] = "tracing" } },
            Data = new Dictionary<string, string> { ["strategies.json"] = "{\"default_strategy\":{\"type\":\"probabilistic\",\"param\":1}}" },
        }, OperatorCluster.Namespace);
        await cluster.ApplySamplesAsync(set => set with { Namespaces = [] });
        var op = cluster.StartOperator("op-a");

        await OperatorCluster.WaitUntilAsync("the policy to report the conflict", async () =>
        {
            var policy = await cluster.PolicyAsync();
            var sampling = OperatorCluster.Condition(policy, ConditionTypes.SamplingPublished);
            return (sampling is { Status: "False", Reason: Reasons.Conflict }, $"{sampling?.Status} {sampling?.Reason} {sampling?.Message}");
        });
        await OperatorCluster.WaitUntilAsync("the services to report it and everything else to converge", async () =>
        {
            var services = await cluster.WaddleServicesAsync();
            var conflicted = services.Count(s => OperatorCluster.Condition(s, ConditionTypes.SamplingPublished)?.Reason == Reasons.Conflict);
            var injected = services.Count(s => OperatorCluster.Condition(s, ConditionTypes.WorkloadInjected)?.Status == "True");
            return (conflicted == 19 && injected == 19, $"{conflicted} report the conflict, {injected} injected");
        });
        await OperatorCluster.WaitForIdleAsync(op);

        var after = (await cluster.ConfigMapAsync(name))!;
        Assert.Equal(foreign.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        Assert.Equal(foreign.Data, after.Data);
        Assert.Equal(foreign.Metadata.Labels, after.Metadata.Labels);
        Assert.Null(after.Metadata.OwnerReferences);
        Assert.DoesNotContain(cluster.WritesBy(op.Identity), w => w.Resource == "configmaps" && w.Name == name);
        var policyReady = OperatorCluster.Condition(await cluster.PolicyAsync(), ConditionTypes.Ready)!;
        Assert.Equal("False", policyReady.Status);
        Assert.Contains($"ConfigMap \"{name}\" exists and is not managed by the operator", OperatorCluster.Condition(await cluster.PolicyAsync(), ConditionTypes.SamplingPublished)!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_services_get_clear_conditions_while_the_others_converge_and_a_late_workload_is_injected()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync();
        await cluster.CreateAsync(new ObservabilityPolicy
        {
            Metadata = new V1ObjectMeta { Name = "rival", NamespaceProperty = OperatorCluster.Namespace },
            Spec = new ObservabilityPolicySpec { Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["contested"] = "yes" } } },
        });
        await cluster.User.AppsV1.CreateNamespacedDeploymentAsync(Workload("bad-port"), OperatorCluster.Namespace);
        await cluster.User.AppsV1.CreateNamespacedDeploymentAsync(Workload("contested"), OperatorCluster.Namespace);
        await cluster.CreateAsync(Service("bad-port", "bad-port", port: "no-such-port"));
        await cluster.CreateAsync(Service("late", "late"));
        var contested = Service("contested", "contested");
        contested.Metadata.Labels = new Dictionary<string, string> { ["contested"] = "yes" };
        await cluster.CreateAsync(contested);
        cluster.StartOperator("op-a");

        await OperatorCluster.WaitUntilAsync("every sample Ready and each invalid service explained", async () =>
        {
            var services = (await cluster.WaddleServicesAsync()).ToDictionary(s => s.Metadata.Name);
            var samplesReady = services.Values.Count(s => s.Metadata.Name is not ("bad-port" or "late" or "contested") && OperatorCluster.IsReady(s));
            var badPort = OperatorCluster.Condition(services["bad-port"], ConditionTypes.MonitoringConfigured);
            var late = OperatorCluster.Condition(services["late"], ConditionTypes.WorkloadInjected);
            var policy = OperatorCluster.Condition(services["contested"], ConditionTypes.PolicyResolved);
            var done = samplesReady == 19 && badPort?.Reason == Reasons.MetricsPortNotFound && late?.Reason == Reasons.WorkloadNotFound
                && policy?.Reason is Reasons.PolicyConflict or Reasons.WorkloadClaimed;
            return (done, $"{samplesReady} samples ready; bad-port {badPort?.Reason}; late {late?.Reason}; contested {policy?.Reason}");
        });

        var services = (await cluster.WaddleServicesAsync()).ToDictionary(s => s.Metadata.Name);
        Assert.Equal("False", OperatorCluster.Condition(services["bad-port"], ConditionTypes.Ready)!.Status);
        Assert.Contains("no-such-port", OperatorCluster.Condition(services["bad-port"], ConditionTypes.MonitoringConfigured)!.Message, StringComparison.Ordinal);
        Assert.Contains("Deployment \"late\" does not exist", OperatorCluster.Condition(services["late"], ConditionTypes.WorkloadInjected)!.Message, StringComparison.Ordinal);
        var resolved = OperatorCluster.Condition(services["contested"], ConditionTypes.PolicyResolved)!;
        Assert.Equal(Reasons.PolicyConflict, resolved.Reason);
        Assert.Contains("\"rival\"", resolved.Message, StringComparison.Ordinal);
        Assert.Contains("\"waddlebot\"", resolved.Message, StringComparison.Ordinal);

        // The missing workload appears: the waiting service is injected without anyone touching it.
        await cluster.User.AppsV1.CreateNamespacedDeploymentAsync(Workload("late"), OperatorCluster.Namespace);
        await OperatorCluster.WaitUntilAsync("the late workload injected", async () =>
        {
            var late = (await cluster.WaddleServiceAsync("late"))!;
            var (deployment, env) = await cluster.DeploymentAsync("late");
            var injected = OperatorCluster.Condition(late, ConditionTypes.WorkloadInjected);
            return (injected?.Status == "True" && env.ContainsKey("OTEL_SERVICE_NAME") && deployment.Metadata.Labels.ContainsKey(WellKnown.InjectedByLabel),
                $"{injected?.Reason}: {injected?.Message}");
        });
    }

    [Fact]
    public async Task A_late_kubernetes_service_is_picked_up_and_one_relabelled_away_is_let_go()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync();
        await cluster.User.AppsV1.CreateNamespacedDeploymentAsync(Workload("quiet"), OperatorCluster.Namespace);
        await cluster.CreateAsync(Service("quiet", "quiet"));
        cluster.StartOperator("op-a");

        await OperatorCluster.WaitUntilAsync("quiet waiting for its Service", async () =>
        {
            var monitoring = OperatorCluster.Condition((await cluster.WaddleServiceAsync("quiet"))!, ConditionTypes.MonitoringConfigured);
            return (monitoring?.Reason == Reasons.ServiceNotFound, $"{monitoring?.Reason}: {monitoring?.Message}");
        });

        // The Service appears: its label wakes exactly the WaddleService selecting on it.
        var labels = new Dictionary<string, string> { [WellKnown.NameLabel] = "quiet" };
        await cluster.User.CoreV1.CreateNamespacedServiceAsync(new V1Service
        {
            Metadata = new V1ObjectMeta { Name = "quiet", Labels = labels },
            Spec = new V1ServiceSpec { Selector = labels, Ports = [new V1ServicePort { Name = WaddleBotDefaults.MetricsPort, Port = 9091 }] },
        }, OperatorCluster.Namespace);
        await OperatorCluster.WaitUntilAsync("quiet's ServiceMonitor rendered", async () =>
        {
            var monitoring = OperatorCluster.Condition((await cluster.WaddleServiceAsync("quiet"))!, ConditionTypes.MonitoringConfigured);
            return (monitoring?.Reason == Reasons.ServiceMonitorRendered, $"{monitoring?.Reason}: {monitoring?.Message}");
        });

        // Relabelled away: the label it lost wakes the WaddleService again.
        var service = await cluster.User.CoreV1.ReadNamespacedServiceAsync("quiet", OperatorCluster.Namespace);
        service.Metadata.Labels[WellKnown.NameLabel] = "someone-else";
        await cluster.User.CoreV1.ReplaceNamespacedServiceAsync(service, "quiet", OperatorCluster.Namespace);
        await OperatorCluster.WaitUntilAsync("quiet back to waiting for a Service", async () =>
        {
            var monitoring = OperatorCluster.Condition((await cluster.WaddleServiceAsync("quiet"))!, ConditionTypes.MonitoringConfigured);
            return (monitoring?.Reason == Reasons.ServiceNotFound, $"{monitoring?.Reason}: {monitoring?.Message}");
        });
    }

    private static V1Deployment Workload(string name)
    {
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = name };
        return new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = labels },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = name, Image = $"ghcr.io/waddlebot/{name}:1.0.0" }] },
                },
            },
        };
    }

    private static WaddleService Service(string name, string workload, string? port = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = OperatorCluster.Namespace },
        Spec = new WaddleServiceSpec
        {
            Layer = ServiceLayer.Action,
            Workload = new WorkloadReference { Kind = WorkloadKind.Deployment, Name = workload },
            Metrics = port is null ? null : new ServiceMetrics { Port = port, Selector = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "router" } },
        },
    };
}
