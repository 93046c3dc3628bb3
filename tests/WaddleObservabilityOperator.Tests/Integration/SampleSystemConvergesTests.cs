using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Cli;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Manifests;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Rendering.Models;
using WaddleObservabilityOperator.Tests.Api;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

[Collection(OperatorScenarios.Collection)]
public sealed class SampleSystemConvergesTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_waddlebot_samples_converge_with_env_monitors_sampling_and_backends()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync();
        var samples = await cluster.WaddleServicesAsync();
        Assert.Equal(19, samples.Count);
        // What each user set by hand before the operator came: it must survive exactly.
        var userEnv = new Dictionary<string, IReadOnlyDictionary<string, V1EnvVar>>();
        foreach (var service in samples)
        {
            userEnv[service.Metadata.Name] = (await cluster.DeploymentAsync(service.Spec.Workload.Name)).Env;
        }

        cluster.StartOperator("op-a");
        await cluster.WaitForAllReadyAsync(19);

        foreach (var service in await cluster.WaddleServicesAsync())
        {
            Assert.Contains(WellKnown.Finalizer, service.Metadata.Finalizers ?? []);
            Assert.Equal(OperatorCluster.Policy, service.Status!.Policy);
            var (deployment, env) = await cluster.DeploymentAsync(service.Spec.Workload.Name);
            Assert.Equal(service.Metadata.Name, deployment.Metadata.Labels[WellKnown.InjectedByLabel]);
            Assert.True(deployment.Spec.Template.Metadata.Annotations.ContainsKey(WellKnown.ConfigHashAnnotation));
            // Variables the user set by hand keep their values and are reported; the rest is injected.
            var mine = userEnv[service.Metadata.Name];
            foreach (var (name, variable) in mine)
            {
                Assert.Equal(variable.Value, env[name].Value);
            }

            Assert.Equal(mine.Keys.Where(env.ContainsKey).Intersect(service.Status.OverriddenEnv ?? []).Order(), (service.Status.OverriddenEnv ?? []).Order());
            Assert.Equal(service.Status.Effective!.ServiceName, env["OTEL_SERVICE_NAME"].Value);
            Assert.Equal("otlp", env["OTEL_TRACES_EXPORTER"].Value);
            Assert.Equal("parentbased_jaeger_remote", env["OTEL_TRACES_SAMPLER"].Value);
            Assert.Equal("X-Correlation-ID", env["CORRELATION_HEADER"].Value);
            Assert.Contains("deployment.environment=production", env["OTEL_RESOURCE_ATTRIBUTES"].Value, StringComparison.Ordinal);
            if (!mine.ContainsKey("METRICS_NAMESPACE"))
            {
                Assert.Equal("waddlebot", env["METRICS_NAMESPACE"].Value);
            }

            // The user's own variables come first, in their order.
            Assert.Equal(mine.Keys, deployment.Spec.Template.Spec.Containers[0].Env.Take(mine.Count).Select(e => e.Name));
        }

        // A ServiceMonitor per service, and the policy's for WaddleBot's PostgreSQL and Redis exporters and the kubelets.
        var monitors = await cluster.ServiceMonitorsAsync();
        var ofServices = monitors.Where(m => m.Metadata.Labels.ContainsKey(WellKnown.ServiceLabel)).ToList();
        Assert.Equal(19, ofServices.Count);
        Assert.Equal(samples.Select(s => s.Metadata.Name).Order(), ofServices.Select(m => m.Metadata.Name).Order());
        Assert.Equal(
            ["waddlebot-kubelet", "waddlebot-postgres-exporter-waddlebot", "waddlebot-redis-exporter-waddlebot"],
            monitors.Except(ofServices).Select(m => m.Metadata.Name).Order(StringComparer.Ordinal));
        Assert.All(monitors, m => Assert.Equal(WellKnown.ManagedByValue, m.Metadata.Labels[WellKnown.ManagedByLabel]));

        var sampling = await cluster.User.CoreV1.ReadNamespacedConfigMapAsync(ChildNames.SamplingConfigMap(OperatorCluster.Policy), OperatorCluster.Namespace);
        Assert.Contains("\"default_strategy\"", sampling.Data[ChildNames.SamplingFileName], StringComparison.Ordinal);
        Assert.Contains("\"router\"", sampling.Data[ChildNames.SamplingFileName], StringComparison.Ordinal);

        // The policy is Ready once its managed backends run (their workloads' status, which the emulator simulates).
        ObservabilityPolicy policy = null!;
        await OperatorCluster.WaitUntilAsync("the policy Ready with its backends running", async () =>
        {
            policy = await cluster.PolicyAsync();
            var backends = OperatorCluster.Condition(policy, ConditionTypes.BackendsReady);
            return (OperatorCluster.Condition(policy, ConditionTypes.Ready)?.Status == "True", $"{backends?.Reason}: {backends?.Message}");
        });
        Assert.Equal(19, policy.Status!.MatchedServices);
        Assert.Equal("True", OperatorCluster.Condition(policy, ConditionTypes.Ready)?.Status);
        Assert.Equal(policy.Metadata.Generation, policy.Status.ObservedGeneration);
        Assert.Equal(Reasons.BackendsAvailable, OperatorCluster.Condition(policy, ConditionTypes.BackendsReady)?.Reason);
        Assert.True(policy.Status.Jaeger?.Ready);
        Assert.True(policy.Status.Prometheus?.Ready);
        Assert.Equal($"http://{JaegerComponent.InstanceName(OperatorCluster.Policy)}.{OperatorCluster.Namespace}.svc:4317", policy.Status.Jaeger?.Endpoint);
        Assert.Equal($"http://{PrometheusComponent.InstanceName(OperatorCluster.Policy)}.{OperatorCluster.Namespace}.svc:9090", policy.Status.Prometheus?.Endpoint);
        Assert.Equal($"http://{GrafanaComponent.InstanceName(OperatorCluster.Policy)}.{OperatorCluster.Namespace}.svc:3000", policy.Status.Grafana?.Endpoint);
        Assert.Equal("True", OperatorCluster.Condition(policy, ConditionTypes.DashboardsPublished)?.Status);
        Assert.Equal($"http://{AlertmanagerComponent.InstanceName(OperatorCluster.Policy)}.{OperatorCluster.Namespace}.svc:9093", policy.Status.Alertmanager?.Endpoint);
        // The kubelet scrape's ClusterRole is cluster-scoped: the policy carries the finalizer that removes it.
        Assert.Contains(WellKnown.PolicyFinalizer, policy.Metadata.Finalizers ?? []);
        await AssertBackendsAppliedAsync(cluster, policy);
    }

    /// <summary>
    /// The managed Jaeger, Prometheus and Grafana objects and the published dashboards are in the cluster as `render`
    /// prints them for the same samples (every field the operator sets), owned by the policy, so garbage collection
    /// removes them with it.
    /// </summary>
    private static async Task AssertBackendsAppliedAsync(OperatorCluster cluster, ObservabilityPolicy policy)
    {
        var loaded = ManifestLoader.Load([RepositoryLayout.PathOf("config", "samples", "waddlebot")]);
        var options = new RenderOptions([], OutputFormat.Yaml, ServiceMonitorsInstalled: true, RenderOptions.DefaultNow, Help: false);
        string[] prefixes =
        [
            JaegerComponent.InstanceName(OperatorCluster.Policy), PrometheusComponent.InstanceName(OperatorCluster.Policy),
            GrafanaComponent.InstanceName(OperatorCluster.Policy), GrafanaDashboards.ConfigMapName(OperatorCluster.Policy, ""),
            AlertmanagerComponent.InstanceName(OperatorCluster.Policy), $"{OperatorCluster.Policy}-postgres-exporter-",
            $"{OperatorCluster.Policy}-redis-exporter-", KubeletComponent.ServiceMonitorName(OperatorCluster.Policy),
            KubeletComponent.ClusterRoleName(OperatorCluster.Namespace, OperatorCluster.Policy),
        ];
        var backends = RenderCommand.Render(loaded.Manifests, options).OfType<JsonObject>()
            .Where(o => o["metadata"]?["name"]?.GetValue<string>() is { } name && prefixes.Any(p => name.StartsWith(p, StringComparison.Ordinal)))
            .ToList();
        // Jaeger's and Prometheus's objects, Grafana's (provisioning, the operator's dashboard, Deployment, Service), the
        // four published dashboards (overview, service, infrastructure, SLOs), the Alertmanager's (default config, Deployment, Service), each exporter's
        // (Deployment, Service, ServiceMonitor) and the kubelet scrape's (ServiceMonitor, ClusterRole and its binding).
        Assert.Equal(
            [
                "ClusterRole", "ClusterRoleBinding", "ConfigMap", "ConfigMap", "ConfigMap", "ConfigMap", "ConfigMap", "ConfigMap", "ConfigMap", "ConfigMap", "ConfigMap",
                "Deployment", "Deployment", "Deployment", "Deployment", "Deployment", "Role", "RoleBinding",
                "Service", "Service", "Service", "Service", "Service", "Service", "ServiceAccount", "ServiceMonitor", "ServiceMonitor", "ServiceMonitor", "StatefulSet",
            ],
            backends.Select(o => o["kind"]!.GetValue<string>()).Order(StringComparer.Ordinal));

        foreach (var desired in backends)
        {
            var kind = desired["kind"]!.GetValue<string>();
            var name = desired["metadata"]!["name"]!.GetValue<string>();
            var actual = await ReadAsync(cluster, kind, name);
            Assert.True(actual is not null, $"{kind} {name} was not created");
            var differences = OwnedObjectWriter.OwnedFieldDifferences(actual, desired);
            Assert.True(differences.Count == 0, $"{kind} {name} differs from what render prints: {string.Join(", ", differences)}");
            if (kind is "ClusterRole" or "ClusterRoleBinding")
            {
                // Cluster-scoped: no owner reference (garbage collection would take it for absent); the policy's labels.
                Assert.Null(actual["metadata"]!["ownerReferences"]);
                Assert.Equal((OperatorCluster.Policy, OperatorCluster.Namespace), (actual["metadata"]!["labels"]![WellKnown.PolicyLabel]!.GetValue<string>(), actual["metadata"]!["labels"]![WellKnown.PolicyNamespaceLabel]!.GetValue<string>()));
                continue;
            }

            var owner = Assert.Single(actual["metadata"]!["ownerReferences"]!.AsArray());
            Assert.Equal(policy.Metadata.Uid, owner!["uid"]!.GetValue<string>());
            Assert.True(owner["controller"]?.GetValue<bool>(), $"{kind} {name}: the policy is its controller");
        }
    }

    private static async Task<JsonObject?> ReadAsync(OperatorCluster cluster, string kind, string name)
    {
        const string ns = OperatorCluster.Namespace;
        var user = cluster.User;
        try
        {
            object read = kind switch
            {
                "ServiceMonitor" => await user.CustomObjects.GetNamespacedCustomObjectAsync<ServiceMonitor>(ServiceMonitor.Group, ServiceMonitor.Version, ns, ServiceMonitor.Plural, name),
                "ClusterRole" => await user.RbacAuthorizationV1.ReadClusterRoleAsync(name),
                "ClusterRoleBinding" => await user.RbacAuthorizationV1.ReadClusterRoleBindingAsync(name),
                "ConfigMap" => await user.CoreV1.ReadNamespacedConfigMapAsync(name, ns),
                "Service" => await user.CoreV1.ReadNamespacedServiceAsync(name, ns),
                "ServiceAccount" => await user.CoreV1.ReadNamespacedServiceAccountAsync(name, ns),
                "Deployment" => await user.AppsV1.ReadNamespacedDeploymentAsync(name, ns),
                "StatefulSet" => await user.AppsV1.ReadNamespacedStatefulSetAsync(name, ns),
                "Role" => await user.RbacAuthorizationV1.ReadNamespacedRoleAsync(name, ns),
                "RoleBinding" => await user.RbacAuthorizationV1.ReadNamespacedRoleBindingAsync(name, ns),
                _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a kind of the managed backends"),
            };
            return JsonNode.Parse(KubernetesJson.Serialize(read))!.AsObject();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}

/// <summary>The scenarios run one at a time: each starts an API server and operators, and the machine is shared.</summary>
[CollectionDefinition(Collection)]
public sealed class OperatorScenarios
{
    public const string Collection = "operator scenarios";
}
