using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Controllers;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Api;
using WaddleObservabilityOperator.Tests.Integration;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Packaging;

/// <summary>
/// The RBAC the operator ships is exactly what its code uses: the operator runs the sample system against the API
/// emulator (converge, change the policy, delete a service), every (verb, group, resource) it sent is collected from the
/// emulator's request log, and config/rbac must grant all of them and nothing else, but for the documented rules below.
/// </summary>
[Collection(OperatorScenarios.Collection)]
public sealed class RbacUsageTests(ITestOutputHelper output)
{
    /// <summary>
    /// Granted but not reached by the scenario, each with the reason the code needs it. Anything granted, not used and
    /// not listed here fails the test.
    /// </summary>
    private const string Escalation = "the managed Prometheus's discovery Role grants it; RBAC's escalation rule requires the creator (the operator) to hold it";

    public static readonly IReadOnlyDictionary<RbacPermission, string> NeededOutsideTheScenario = new Dictionary<RbacPermission, string>
    {
        [new RbacPermission("coordination.k8s.io", "leases", "update")] =
            "the leader renews its Lease every few seconds and releases it on a graceful stop; a short scenario may end before the first renewal",
        [new RbacPermission("authentication.k8s.io", "tokenreviews", "create")] =
            "only with --metrics-secure, which the in-process scenario does not serve; SecureMetricsTests proves the reviews it creates",
        [new RbacPermission("authorization.k8s.io", "subjectaccessreviews", "create")] =
            "only with --metrics-secure, which the in-process scenario does not serve; SecureMetricsTests proves the reviews it creates",
        [new RbacPermission("", "endpoints", "get")] = Escalation,
        [new RbacPermission("", "endpoints", "list")] = Escalation,
        [new RbacPermission("", "endpoints", "watch")] = Escalation,
        [new RbacPermission("", "pods", "get")] = Escalation,
        [new RbacPermission("", "pods", "list")] = Escalation,
        [new RbacPermission("", "pods", "watch")] = Escalation,
        [new RbacPermission("", "services", "get")] = Escalation,
        [new RbacPermission("discovery.k8s.io", "endpointslices", "get")] = Escalation,
        [new RbacPermission("discovery.k8s.io", "endpointslices", "list")] = Escalation,
        [new RbacPermission("discovery.k8s.io", "endpointslices", "watch")] = Escalation,
        [new RbacPermission("", "nodes", "list")] = KubeletEscalation,
        [new RbacPermission("", "nodes", "watch")] = KubeletEscalation,
        [new RbacPermission("", "nodes/metrics", "get")] = KubeletEscalation,
    };

    private const string KubeletEscalation = "the kubelet scrape's ClusterRole grants it to the managed Prometheus; RBAC's escalation rule requires the creator (the operator) to hold it";

    [Fact]
    public async Task The_shipped_RBAC_grants_exactly_what_the_operator_uses()
    {
        var used = await UsedPermissionsAsync();
        output.WriteLineUsed(used);
        var granted = RbacManifests.Load(RepositoryLayout.PathOf("config", "rbac")).Permissions();

        var missing = used.Except(granted).Order().ToList();
        Assert.True(missing.Count == 0, "config/rbac does not grant what the operator used:\n  " + string.Join("\n  ", missing));
        var unused = granted.Except(used).Where(p => !NeededOutsideTheScenario.ContainsKey(p)).Order().ToList();
        Assert.True(unused.Count == 0, "config/rbac grants what the operator never used (remove it, or list it with a reason in NeededOutsideTheScenario):\n  " + string.Join("\n  ", unused));
        var stale = NeededOutsideTheScenario.Keys.Where(p => !granted.Contains(p)).Order().ToList();
        Assert.True(stale.Count == 0, "NeededOutsideTheScenario lists rules config/rbac does not grant:\n  " + string.Join("\n  ", stale));
    }

    /// <summary>
    /// The sample system converges with leader election on; then everything a user can make the operator do to what it
    /// owns: the policy changes (a ratio: ConfigMaps; the scrape interval: every ServiceMonitor and the Prometheus
    /// config), the backends' NetworkPolicies and two Prometheus replicas (a PodDisruptionBudget) are switched on, someone edits each managed backend object (the operator puts it back), one service stops exporting
    /// metrics (its ServiceMonitor goes), one service is deleted (its injection goes), and the managed backends are
    /// switched off (every backend object goes), and services whose workloads are a DaemonSet and a StatefulSet are injected.
    /// </summary>
    private async Task<IReadOnlySet<RbacPermission>> UsedPermissionsAsync()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.InstallPrometheusRuleCrdAsync();
        await cluster.ApplySamplesAsync();
        const string identity = "op-rbac";
        var running = cluster.StartOperator(identity, new OperatorOptions { LeaderElect = true, LeaseNamespace = "default" });
        await cluster.WaitForAllReadyAsync(19);

        await cluster.PatchPolicyAsync(new JsonObject { ["tracing"] = new JsonObject { ["sampling"] = new JsonObject { ["defaultRatio"] = 0.5 } } });
        var deleted = (await cluster.WaddleServicesAsync()).First();
        await cluster.User.CustomObjects.DeleteNamespacedCustomObjectAsync(ApiGroup.Group, ApiGroup.Version, OperatorCluster.Namespace, WaddleService.Plural, deleted.Metadata.Name);
        await OperatorCluster.WaitUntilAsync($"WaddleService {deleted.Metadata.Name} deleted", async () =>
        {
            var left = await cluster.WaddleServiceAsync(deleted.Metadata.Name);
            return (left is null, left is null ? "gone" : $"finalizers: {string.Join(",", left.Metadata.Finalizers ?? [])}");
        });
        await cluster.WaitForAllReadyAsync(18);

        await cluster.PatchPolicyAsync(new JsonObject { ["metrics"] = new JsonObject { ["scrapeInterval"] = "30s" } });
        await OperatorCluster.WaitUntilAsync("every ServiceMonitor scraping every 30s", async () =>
        {
            var intervals = (await cluster.ServiceMonitorsAsync()).Where(m => m.Metadata.Labels.ContainsKey(WellKnown.ServiceLabel)).SelectMany(m => m.Spec.Endpoints.Select(e => e.Interval)).ToList();
            return (intervals.Count == 18 && intervals.All(i => i == "30s"), string.Join(",", intervals.Distinct()));
        });

        // The router's SLOs: edited (its PrometheusRule updated), then removed (its PrometheusRule deleted).
        await PatchRouterSlosAsync(cluster, new JsonArray { new JsonObject { ["name"] = "availability", ["objective"] = 99.5 } });
        await OperatorCluster.WaitUntilAsync("the router's PrometheusRule updated", async () =>
        {
            var rule = (await cluster.PrometheusRulesAsync()).SingleOrDefault(r => r.Metadata.Name == "router-slos");
            return (rule?.Spec.Groups.Count == 3, $"{rule?.Spec.Groups.Count} groups");
        });
        await PatchRouterSlosAsync(cluster, null);
        await OperatorCluster.WaitUntilAsync("the router's PrometheusRule deleted", async () =>
        {
            var rules = await cluster.PrometheusRulesAsync();
            return (rules.All(r => r.Metadata.Name != "router-slos"), string.Join(", ", rules.Select(r => r.Metadata.Name)));
        });

        // The node exporter (the namespace has no Pod Security label: privileged pods are admitted): its DaemonSet.
        await cluster.PatchPolicyAsync(new JsonObject { ["exporters"] = new JsonObject { ["node"] = new JsonObject { ["enabled"] = true } } });
        await OperatorCluster.WaitUntilAsync("the node exporter's DaemonSet", async () => (await GetAsync(cluster.User, NodeExporterPath) is not null, "missing"));

        // Jaeger on a remote store with two replicas: its PodDisruptionBudget, edited and put back, then deleted with one replica.
        var budgetPath = $"/apis/policy/v1/namespaces/{OperatorCluster.Namespace}/poddisruptionbudgets/{JaegerComponent.InstanceName(OperatorCluster.Policy)}";
        await cluster.PatchPolicyAsync(new JsonObject
        {
            ["backends"] = new JsonObject
            {
                ["jaeger"] = new JsonObject
                {
                    ["replicas"] = 2,
                    ["storage"] = new JsonObject { ["type"] = "cassandra", ["cassandra"] = new JsonObject { ["servers"] = new JsonArray("cassandra.db.svc") } },
                },
            },
        });
        await OperatorCluster.WaitUntilAsync("Jaeger's PodDisruptionBudget", async () => (await GetAsync(cluster.User, budgetPath) is not null, "missing"));
        await MergePatchAsync(cluster.User, budgetPath, new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { [ComponentLabel] = "tampered" } } });
        await OperatorCluster.WaitUntilAsync("Jaeger's PodDisruptionBudget put back", async () =>
            ((await GetAsync(cluster.User, budgetPath))?["metadata"]?["labels"]?[ComponentLabel]?.GetValue<string>() != "tampered", "still edited"));
        await cluster.PatchPolicyAsync(new JsonObject { ["backends"] = new JsonObject { ["jaeger"] = new JsonObject { ["replicas"] = 1 } } });
        await OperatorCluster.WaitUntilAsync("Jaeger's PodDisruptionBudget deleted", async () => (await GetAsync(cluster.User, budgetPath) is null, "still there"));

        // The backends' NetworkPolicies, and two Prometheus replicas with their PodDisruptionBudget: created when the policy
        // asks for them, then edited and put back like the rest.
        await cluster.PatchPolicyAsync(new JsonObject { ["backends"] = new JsonObject { ["networkPolicy"] = true, ["prometheus"] = new JsonObject { ["replicas"] = 2 } } });
        await OperatorCluster.WaitUntilAsync("the Prometheus PodDisruptionBudget", async () => (await GetAsync(cluster.User, PrometheusDisruptionBudgetPath) is not null, "missing"));
        await OperatorCluster.WaitUntilAsync("a NetworkPolicy for each managed backend", async () =>
        {
            var missing = new List<string>();
            foreach (var path in NetworkPolicyPaths)
            {
                if (await GetAsync(cluster.User, path) is null)
                {
                    missing.Add(path);
                }
            }

            return (missing.Count == 0, "missing: " + string.Join(", ", missing));
        });

        foreach (var path in BackendObjectPaths)
        {
            await MergePatchAsync(cluster.User, path, new JsonObject { ["metadata"] = new JsonObject { ["labels"] = new JsonObject { [ComponentLabel] = "tampered" } } });
        }

        await OperatorCluster.WaitUntilAsync("every edited backend object put back", async () =>
        {
            var tampered = new List<string>();
            foreach (var path in BackendObjectPaths)
            {
                if ((await GetAsync(cluster.User, path))?["metadata"]?["labels"]?[ComponentLabel]?.GetValue<string>() == "tampered")
                {
                    tampered.Add(path);
                }
            }

            return (tampered.Count == 0, "still edited: " + string.Join(", ", tampered));
        });

        var quiet = (await cluster.WaddleServicesAsync()).First();
        await cluster.User.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(new JsonObject { ["spec"] = new JsonObject { ["metrics"] = new JsonObject { ["enabled"] = false } } }.ToJsonString(), V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, OperatorCluster.Namespace, WaddleService.Plural, quiet.Metadata.Name);
        await OperatorCluster.WaitUntilAsync($"the ServiceMonitor of {quiet.Metadata.Name} deleted", async () =>
        {
            var monitors = await cluster.ServiceMonitorsAsync();
            return (monitors.All(m => m.Metadata.Name != quiet.Metadata.Name), $"{monitors.Count} ServiceMonitors");
        });

        // Every backend, exporter and the Alertmanager switched off (the exporters and alerting removed from the spec).
        await cluster.PatchPolicyAsync(new JsonObject
        {
            ["backends"] = new JsonObject { ["jaeger"] = new JsonObject { ["managed"] = false }, ["prometheus"] = new JsonObject { ["managed"] = false } },
            ["exporters"] = null,
            ["alerting"] = null,
        });
        await OperatorCluster.WaitUntilAsync("every managed backend object deleted", async () =>
        {
            var left = new List<string>();
            foreach (var path in BackendObjectPaths)
            {
                if (await GetAsync(cluster.User, path) is not null)
                {
                    left.Add(path);
                }
            }

            return (left.Count == 0, "left: " + string.Join(", ", left));
        });
        await cluster.WaitForAllReadyAsync(18);

        // A service whose workload is a DaemonSet (a node agent): injection updates DaemonSets too.
        var labels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "node-agent" };
        await cluster.User.AppsV1.CreateNamespacedDaemonSetAsync(new V1DaemonSet
        {
            Metadata = new V1ObjectMeta { Name = "node-agent", Labels = labels },
            Spec = new V1DaemonSetSpec
            {
                Selector = new V1LabelSelector { MatchLabels = labels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = labels },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "agent", Image = "ghcr.io/waddlebot/node-agent:1.0.0" }] },
                },
            },
        }, OperatorCluster.Namespace);
        await cluster.CreateAsync(new WaddleService
        {
            Metadata = new V1ObjectMeta { Name = "node-agent", NamespaceProperty = OperatorCluster.Namespace },
            Spec = new WaddleServiceSpec { Layer = ServiceLayer.Core, Workload = new WorkloadReference { Kind = WorkloadKind.DaemonSet, Name = "node-agent" } },
        });
        await OperatorCluster.WaitUntilAsync("the DaemonSet injected", async () =>
        {
            var agent = await cluster.User.AppsV1.ReadNamespacedDaemonSetAsync("node-agent", OperatorCluster.Namespace);
            var env = agent.Spec.Template.Spec.Containers[0].Env?.Select(e => e.Name).ToList() ?? [];
            return (env.Contains("OTEL_SERVICE_NAME"), $"env: {string.Join(",", env)}");
        });

        // A service whose workload is a StatefulSet: injection patches StatefulSets too.
        var queueLabels = new Dictionary<string, string> { ["app.kubernetes.io/name"] = "queue-worker" };
        await cluster.User.AppsV1.CreateNamespacedStatefulSetAsync(new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "queue-worker", Labels = queueLabels },
            Spec = new V1StatefulSetSpec
            {
                ServiceName = "queue-worker",
                Selector = new V1LabelSelector { MatchLabels = queueLabels },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = queueLabels },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "worker", Image = "ghcr.io/waddlebot/queue-worker:1.0.0" }] },
                },
            },
        }, OperatorCluster.Namespace);
        await cluster.CreateAsync(new WaddleService
        {
            Metadata = new V1ObjectMeta { Name = "queue-worker", NamespaceProperty = OperatorCluster.Namespace },
            Spec = new WaddleServiceSpec { Layer = ServiceLayer.Processing, Workload = new WorkloadReference { Kind = WorkloadKind.StatefulSet, Name = "queue-worker" } },
        });
        await OperatorCluster.WaitUntilAsync("the StatefulSet injected", async () =>
        {
            var worker = await cluster.User.AppsV1.ReadNamespacedStatefulSetAsync("queue-worker", OperatorCluster.Namespace);
            var env = worker.Spec.Template.Spec.Containers[0].Env?.Select(e => e.Name).ToList() ?? [];
            return (env.Contains("OTEL_SERVICE_NAME"), $"env: {string.Join(",", env)}");
        });

        // The emulator logs a watch when it ends: stop the operator so its watches are in the log.
        await running.StopAsync();

        return cluster.RequestsBy(identity)
            // Discovery documents (/api, /apis/group/version) are non-resource URLs every authenticated user may read
            // (the default system:discovery ClusterRole); RBAC rules on resources do not apply to them.
            .Where(r => r.Resource.Length > 0)
            .Select(r => new RbacPermission(r.Group, r.Subresource is { Length: > 0 } sub ? $"{r.Resource}/{sub}" : r.Resource, r.Verb))
            // Every list the operator makes is an informer's list, followed by a watch; the emulator logs a watch
            // only when it ends, and a watch still open when the operator stops may not be in the log yet.
            .SelectMany(p => p.Verb == "list" ? [p, p with { Verb = "watch" }] : new[] { p })
            .ToHashSet();
    }

    private static Task PatchRouterSlosAsync(OperatorCluster cluster, JsonArray? slos) =>
        cluster.User.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(new JsonObject { ["spec"] = new JsonObject { ["slos"] = slos } }.ToJsonString(), V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, OperatorCluster.Namespace, WaddleService.Plural, "router");

    private const string ComponentLabel = "app.kubernetes.io/component";

    private static readonly string[] NetworkPolicyPaths =
    [
        "/apis/networking.k8s.io/v1/namespaces/waddlebot/networkpolicies/waddlebot-jaeger",
        "/apis/networking.k8s.io/v1/namespaces/waddlebot/networkpolicies/waddlebot-prometheus",
        "/apis/networking.k8s.io/v1/namespaces/waddlebot/networkpolicies/waddlebot-alertmanager",
        "/apis/networking.k8s.io/v1/namespaces/waddlebot/networkpolicies/waddlebot-postgres-exporter-waddlebot",
        "/apis/networking.k8s.io/v1/namespaces/waddlebot/networkpolicies/waddlebot-redis-exporter-waddlebot",
    ];

    private const string NodeExporterPath = "/apis/apps/v1/namespaces/waddlebot/daemonsets/waddlebot-node-exporter";

    private const string PrometheusDisruptionBudgetPath = "/apis/policy/v1/namespaces/waddlebot/poddisruptionbudgets/waddlebot-prometheus";

    private static readonly string[] BackendObjectPaths =
    [
        .. NetworkPolicyPaths,
        PrometheusDisruptionBudgetPath,
        NodeExporterPath,
        "/api/v1/namespaces/waddlebot/services/waddlebot-node-exporter",
        "/api/v1/namespaces/waddlebot/configmaps/waddlebot-alertmanager-config",
        "/apis/apps/v1/namespaces/waddlebot/deployments/waddlebot-alertmanager",
        "/api/v1/namespaces/waddlebot/services/waddlebot-alertmanager",
        "/apis/apps/v1/namespaces/waddlebot/deployments/waddlebot-postgres-exporter-waddlebot",
        "/api/v1/namespaces/waddlebot/services/waddlebot-postgres-exporter-waddlebot",
        "/apis/monitoring.coreos.com/v1/namespaces/waddlebot/servicemonitors/waddlebot-postgres-exporter-waddlebot",
        "/apis/apps/v1/namespaces/waddlebot/deployments/waddlebot-redis-exporter-waddlebot",
        "/api/v1/namespaces/waddlebot/services/waddlebot-redis-exporter-waddlebot",
        "/apis/monitoring.coreos.com/v1/namespaces/waddlebot/servicemonitors/waddlebot-redis-exporter-waddlebot",
        "/apis/monitoring.coreos.com/v1/namespaces/waddlebot/servicemonitors/waddlebot-kubelet",
        "/apis/rbac.authorization.k8s.io/v1/clusterroles/waddle-observability.waddlebot.waddlebot-prometheus",
        "/apis/rbac.authorization.k8s.io/v1/clusterrolebindings/waddle-observability.waddlebot.waddlebot-prometheus",
        "/api/v1/namespaces/waddlebot/configmaps/waddlebot-jaeger-config",
        "/api/v1/namespaces/waddlebot/configmaps/waddlebot-prometheus-config",
        "/api/v1/namespaces/waddlebot/services/waddlebot-jaeger",
        "/api/v1/namespaces/waddlebot/services/waddlebot-prometheus",
        "/api/v1/namespaces/waddlebot/serviceaccounts/waddlebot-prometheus",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/waddlebot/roles/waddlebot-prometheus",
        "/apis/rbac.authorization.k8s.io/v1/namespaces/waddlebot/rolebindings/waddlebot-prometheus",
        "/apis/apps/v1/namespaces/waddlebot/deployments/waddlebot-jaeger",
        "/apis/apps/v1/namespaces/waddlebot/statefulsets/waddlebot-prometheus",
    ];

    private static async Task MergePatchAsync(Kubernetes user, string path, JsonObject patch)
    {
        using var request = new HttpRequestMessage(HttpMethod.Patch, new Uri(user.BaseUri, path))
        {
            Content = new StringContent(patch.ToJsonString(), System.Text.Encoding.UTF8, "application/merge-patch+json"),
        };
        using var response = await user.HttpClient.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, $"PATCH {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private static async Task<JsonNode?> GetAsync(Kubernetes user, string path)
    {
        using var response = await user.HttpClient.GetAsync(new Uri(user.BaseUri, path));
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }

        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode}");
        return JsonNode.Parse(await response.Content.ReadAsStringAsync());
    }
}

internal static class UsageOutput
{
    public static void WriteLineUsed(this ITestOutputHelper output, IEnumerable<RbacPermission> used)
    {
        foreach (var p in used.Order())
        {
            output.WriteLine($"used: {p}");
        }
    }
}
