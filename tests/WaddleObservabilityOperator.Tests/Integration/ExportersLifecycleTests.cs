using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

/// <summary>
/// A user's day with the exporters (issue 15), against the API emulator: the policy's ServiceMonitors and cluster-scoped
/// children come and go with its spec while the services' ServiceMonitors stay; deleting the policy removes the
/// ClusterRole and ClusterRoleBinding garbage collection cannot, before its finalizer goes; one left for a policy that
/// is gone is removed; the node exporter waits for a namespace that admits it, whose labels the operator never touches.
/// </summary>
[Collection(OperatorScenarios.Collection)]
public sealed class ExportersLifecycleTests(ITestOutputHelper output)
{
    private static readonly string ClusterRoleName = KubeletComponent.ClusterRoleName(OperatorCluster.Namespace, OperatorCluster.Policy);

    [Fact]
    public async Task The_policy_removes_only_its_own_children_and_its_cluster_scoped_ones_before_its_finalizer()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync();
        cluster.StartOperator("op-exporters");
        await cluster.WaitForAllReadyAsync(19);

        await OperatorCluster.WaitUntilAsync("the kubelet scrape's ClusterRole and binding, and the policy's finalizer", async () =>
        {
            var policy = await cluster.PolicyAsync();
            var finalizer = policy.Metadata.Finalizers?.Contains(WellKnown.PolicyFinalizer) == true;
            return (finalizer && await ClusterRoleAsync(cluster) is not null && await ClusterRoleBindingAsync(cluster) is not null, $"finalizer {finalizer}");
        });
        // The samples' exporters give the policy an infrastructure dashboard, which its managed Grafana mounts.
        Assert.NotNull(await InfrastructureDashboardAsync(cluster));
        Assert.True(await GrafanaMountsAsync(cluster, InfrastructureDashboardName));
        var servicesMonitors = (await cluster.ServiceMonitorsAsync()).Where(m => m.Metadata.Labels.ContainsKey(WellKnown.ServiceLabel)).ToDictionary(m => m.Metadata.Name, m => m.Metadata.Uid);
        Assert.Equal(19, servicesMonitors.Count);

        // The exporters switched off: the policy's ServiceMonitors, Deployments and cluster-scoped children go, the
        // services' ServiceMonitors (which carry the policy's label too) stay as they were, and so does the finalizer no more.
        await cluster.PatchPolicyAsync(new JsonObject { ["exporters"] = null });
        await OperatorCluster.WaitUntilAsync("the policy's ServiceMonitors, exporters and ClusterRoles gone, its finalizer removed", async () =>
        {
            var monitors = await cluster.ServiceMonitorsAsync();
            var policy = await cluster.PolicyAsync();
            var exporters = (await cluster.User.AppsV1.ListNamespacedDeploymentAsync(OperatorCluster.Namespace, labelSelector: $"{WellKnown.NameLabel} in (postgres-exporter,redis-exporter)")).Items.Count;
            var dashboard = await InfrastructureDashboardAsync(cluster) is not null;
            var mounted = await GrafanaMountsAsync(cluster, InfrastructureDashboardName);
            var done = monitors.Count == 19 && exporters == 0 && await ClusterRoleAsync(cluster) is null && await ClusterRoleBindingAsync(cluster) is null
                && policy.Metadata.Finalizers?.Contains(WellKnown.PolicyFinalizer) != true && !dashboard && !mounted;
            return (done, $"{monitors.Count} ServiceMonitors, {exporters} exporters, finalizers [{string.Join(",", policy.Metadata.Finalizers ?? [])}], infrastructure dashboard {dashboard}, mounted {mounted}");
        });
        Assert.Equal(servicesMonitors, (await cluster.ServiceMonitorsAsync()).ToDictionary(m => m.Metadata.Name, m => m.Metadata.Uid));
        // The managed Prometheus rolls out its new configuration (no exporter jobs); then every backend runs again.
        await OperatorCluster.WaitUntilAsync("BackendsReady True again", async () =>
        {
            var backends = OperatorCluster.Condition(await cluster.PolicyAsync(), ConditionTypes.BackendsReady);
            return (backends?.Status == "True", $"{backends?.Reason}: {backends?.Message}");
        });

        // The kubelet scrape back, then the policy deleted: its ClusterRole and binding go before its finalizer does.
        await cluster.PatchPolicyAsync(new JsonObject { ["exporters"] = new JsonObject { ["kubelet"] = new JsonObject { ["enabled"] = true } } });
        await OperatorCluster.WaitUntilAsync("the ClusterRole back, with the finalizer", async () =>
            ((await cluster.PolicyAsync()).Metadata.Finalizers?.Contains(WellKnown.PolicyFinalizer) == true && await ClusterRoleAsync(cluster) is not null, "not yet"));
        // The infrastructure dashboard is back, with the containers' row only.
        List<string> rows = [];
        await OperatorCluster.WaitUntilAsync("the infrastructure dashboard back", async () =>
        {
            var configMap = await InfrastructureDashboardAsync(cluster);
            rows = configMap is null ? [] : [.. JsonNode.Parse(configMap.Data.Values.Single())!["panels"]!.AsArray()
                .Where(p => (string?)p!["type"] == "row").Select(p => (string)p!["title"]!)];
            return (rows.Count > 0, string.Join(", ", rows));
        });
        Assert.Equal([$"Containers of namespace {OperatorCluster.Namespace}"], rows);
        await cluster.User.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, OperatorCluster.Namespace, ObservabilityPolicy.Plural, OperatorCluster.Policy);
        await OperatorCluster.WaitUntilAsync("the policy deleted, with its cluster-scoped children", async () =>
        {
            var policyGone = await ReadOrNullAsync(() => cluster.PolicyAsync()) is null;
            var role = await ClusterRoleAsync(cluster);
            var binding = await ClusterRoleBindingAsync(cluster);
            return (policyGone && role is null && binding is null, $"policy gone {policyGone}, ClusterRole {role is not null}, binding {binding is not null}");
        });
    }

    private static readonly string InfrastructureDashboardName = GrafanaDashboards.ConfigMapName(OperatorCluster.Policy, InfrastructureDashboard.ConfigMapSuffix);

    private static Task<V1ConfigMap?> InfrastructureDashboardAsync(OperatorCluster cluster) =>
        ReadOrNullAsync(() => cluster.User.CoreV1.ReadNamespacedConfigMapAsync(InfrastructureDashboardName, OperatorCluster.Namespace));

    /// <summary>Whether the managed Grafana's pod template mounts the ConfigMap <paramref name="name"/>.</summary>
    private static async Task<bool> GrafanaMountsAsync(OperatorCluster cluster, string name)
    {
        var grafana = await cluster.User.AppsV1.ReadNamespacedDeploymentAsync(GrafanaComponent.InstanceName(OperatorCluster.Policy), OperatorCluster.Namespace);
        return grafana.Spec.Template.Spec.Volumes.Any(v => v.ConfigMap?.Name == name || v.Projected?.Sources?.Any(s => s.ConfigMap?.Name == name) == true);
    }

    [Fact]
    public async Task A_cluster_scoped_child_of_a_policy_that_is_gone_is_removed_and_a_foreign_one_is_left()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync();
        cluster.StartOperator("op-orphans");
        await cluster.WaitForAllReadyAsync(19);

        // Left behind by a policy whose finalizer someone removed by hand, and one that merely looks like it.
        await cluster.User.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = "waddle-observability.waddlebot.gone-prometheus", Labels = Labels(managed: true, policy: "gone") },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["nodes"], Verbs = ["list"] }],
        });
        await cluster.User.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = "someone-elses", Labels = Labels(managed: false, policy: "gone") },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["nodes"], Verbs = ["list"] }],
        });

        await OperatorCluster.WaitUntilAsync("the orphan deleted", async () =>
            (await ReadOrNullAsync(() => cluster.User.RbacAuthorizationV1.ReadClusterRoleAsync("waddle-observability.waddlebot.gone-prometheus")) is null, "still there"));
        Assert.NotNull(await cluster.User.RbacAuthorizationV1.ReadClusterRoleAsync("someone-elses"));
        // The live policy's own stays.
        Assert.NotNull(await ClusterRoleAsync(cluster));
    }

    [Fact]
    public async Task The_node_exporter_waits_for_a_namespace_that_admits_it_and_its_labels_are_never_changed()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync(set => set with
        {
            Namespaces = [.. set.Namespaces.Select(ns => WithEnforce(ns, "restricted"))],
        });
        var running = cluster.StartOperator("op-node");
        await cluster.WaitForAllReadyAsync(19);

        await cluster.PatchPolicyAsync(new JsonObject { ["exporters"] = new JsonObject { ["node"] = new JsonObject { ["enabled"] = true } } });
        await OperatorCluster.WaitUntilAsync("BackendsReady False NodeExporterNotAdmitted", async () =>
        {
            var backends = OperatorCluster.Condition(await cluster.PolicyAsync(), ConditionTypes.BackendsReady);
            return (backends is { Status: "False", Reason: Reasons.NodeExporterNotAdmitted }, $"{backends?.Status} {backends?.Reason}: {backends?.Message}");
        });
        var refused = OperatorCluster.Condition(await cluster.PolicyAsync(), ConditionTypes.BackendsReady)!;
        Assert.Contains("enforces the Pod Security level \"restricted\"", refused.Message, StringComparison.Ordinal);
        Assert.Contains("The others: managed", refused.Message, StringComparison.Ordinal);
        Assert.Null(await ReadOrNullAsync(() => cluster.User.AppsV1.ReadNamespacedDaemonSetAsync(NodeExporterComponent.InstanceName(OperatorCluster.Policy), OperatorCluster.Namespace)));
        // The rest runs: the exporters, Prometheus (without a node job) and the Alertmanager.
        Assert.NotNull(await cluster.User.AppsV1.ReadNamespacedDeploymentAsync(AlertmanagerComponent.InstanceName(OperatorCluster.Policy), OperatorCluster.Namespace));
        var prometheusConfig = await cluster.ConfigMapAsync($"{PrometheusComponent.InstanceName(OperatorCluster.Policy)}-config");
        Assert.DoesNotContain("job_name: waddle/waddlebot/node\n", prometheusConfig!.Data["prometheus.yml"], StringComparison.Ordinal);

        // The user (never the operator) makes the namespace privileged: the Namespace's event brings the node exporter.
        await cluster.User.CoreV1.PatchNamespaceAsync(
            new V1Patch(new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { [NamespaceFacts.EnforceLabel] = "privileged" } } }.ToJsonString(), V1Patch.PatchType.MergePatch),
            OperatorCluster.Namespace);
        await OperatorCluster.WaitUntilAsync("the node exporter's DaemonSet and BackendsReady True", async () =>
        {
            var daemonSet = await ReadOrNullAsync(() => cluster.User.AppsV1.ReadNamespacedDaemonSetAsync(NodeExporterComponent.InstanceName(OperatorCluster.Policy), OperatorCluster.Namespace));
            var backends = OperatorCluster.Condition(await cluster.PolicyAsync(), ConditionTypes.BackendsReady);
            return (daemonSet is not null && backends?.Status == "True", $"DaemonSet {daemonSet is not null}, BackendsReady {backends?.Status} {backends?.Reason}");
        });
        var config = await cluster.ConfigMapAsync($"{PrometheusComponent.InstanceName(OperatorCluster.Policy)}-config");
        Assert.Contains("job_name: waddle/waddlebot/node\n", config!.Data["prometheus.yml"], StringComparison.Ordinal);

        await running.StopAsync();
        Assert.DoesNotContain(cluster.WritesBy(running.Identity), r => r.Resource == "namespaces");
    }

    private static Dictionary<string, string> Labels(bool managed, string policy)
    {
        var labels = new Dictionary<string, string>
        {
            [WellKnown.PolicyLabel] = policy,
            [WellKnown.PolicyNamespaceLabel] = OperatorCluster.Namespace,
        };
        if (managed)
        {
            labels[WellKnown.ManagedByLabel] = WellKnown.ManagedByValue;
        }

        return labels;
    }

    private static V1Namespace WithEnforce(V1Namespace ns, string level)
    {
        ns.Metadata.Labels ??= new Dictionary<string, string>();
        ns.Metadata.Labels[NamespaceFacts.EnforceLabel] = level;
        return ns;
    }

    private static Task<V1ClusterRole?> ClusterRoleAsync(OperatorCluster cluster) =>
        ReadOrNullAsync(() => cluster.User.RbacAuthorizationV1.ReadClusterRoleAsync(ClusterRoleName));

    private static Task<V1ClusterRoleBinding?> ClusterRoleBindingAsync(OperatorCluster cluster) =>
        ReadOrNullAsync(() => cluster.User.RbacAuthorizationV1.ReadClusterRoleBindingAsync(ClusterRoleName));

    private static async Task<T?> ReadOrNullAsync<T>(Func<Task<T>> read)
        where T : class
    {
        try
        {
            return await read();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
