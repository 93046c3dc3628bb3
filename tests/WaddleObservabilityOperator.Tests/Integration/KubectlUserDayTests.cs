using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeApiEmulator.Tests.Kubectl;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Chaos;
using WaddleObservabilityOperator.Controllers;
using WaddleObservabilityOperator.Rendering;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

/// <summary>
/// A user's everyday kubectl commands on injected workloads, with the real kubectl against the emulator and the
/// operator running: scaling and restarting are the user's business (the operator writes nothing and rolls nothing
/// out a second time), and a workload created with `kubectl create deployment` for a WaddleService that was waiting
/// for it is injected.
/// </summary>
[Collection(OperatorScenarios.Collection)]
public sealed class KubectlUserDayTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Kubectl_scale_and_rollout_restart_of_an_injected_deployment_cause_no_write_by_the_operator()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await using var tools = ClusterWorkspace.Attach(cluster.Api);
        await cluster.ApplySamplesAsync();
        var op = cluster.StartOperator("op-a");
        await cluster.WaitForAllReadyAsync(19);
        await OperatorCluster.WaitForIdleAsync(op);
        var injected = await TemplateAsync(cluster, "router");
        Assert.Contains("OTEL_SERVICE_NAME", injected.ToJsonString(), StringComparison.Ordinal);
        var writes = cluster.WritesBy(op.Identity).Count;

        // kubectl scale goes through the scale subresource: replicas change, the pod template does not.
        var before = (await cluster.DeploymentAsync("router")).Deployment;
        Assert.Equal(3, before.Spec.Replicas);
        var reconciles = op.Instance.Metrics.Reconciles(WaddleServiceReconciler.ControllerName);
        var scaled = await tools.KubectlOkAsync("scale", "deployment/router", "--replicas=5", "-n", OperatorCluster.Namespace);
        Assert.Contains("deployment.apps/router scaled", scaled, StringComparison.Ordinal);
        var after = (await cluster.DeploymentAsync("router")).Deployment;
        Assert.Equal((5, before.Metadata.Generation + 1), (after.Spec.Replicas, after.Metadata.Generation));
        await ReconciledSinceAsync(op, reconciles);
        Assert.True(JsonNode.DeepEquals(injected, await TemplateAsync(cluster, "router")), "the pod template changed after kubectl scale");
        Assert.True(JsonNode.DeepEquals(injected, await TemplateAsync(cluster, "router")), "the pod template changed after kubectl scale");

        // kubectl rollout restart is one rollout, the user's: a restartedAt annotation on the template. The operator
        // keeps it and the injected environment as they are, so nothing rolls out a second time.
        reconciles = op.Instance.Metrics.Reconciles(WaddleServiceReconciler.ControllerName);
        var restarted = await tools.KubectlOkAsync("rollout", "restart", "deployment/router", "-n", OperatorCluster.Namespace);
        Assert.Contains("deployment.apps/router restarted", restarted, StringComparison.Ordinal);
        var afterRestart = await cluster.DeploymentAsync("router");
        var restartedAt = afterRestart.Deployment.Spec.Template.Metadata.Annotations["kubectl.kubernetes.io/restartedAt"];
        await ReconciledSinceAsync(op, reconciles);

        var final = await cluster.DeploymentAsync("router");
        // The same spec generation (the rollout's status, which the emulator's workload simulator writes, may have moved on).
        Assert.Equal(afterRestart.Deployment.Metadata.Generation, final.Deployment.Metadata.Generation);
        Assert.Equal(restartedAt, final.Deployment.Spec.Template.Metadata.Annotations["kubectl.kubernetes.io/restartedAt"]);
        var template = await TemplateAsync(cluster, "router");
        template["metadata"]!["annotations"]!.AsObject().Remove("kubectl.kubernetes.io/restartedAt");
        Assert.True(JsonNode.DeepEquals(injected, template), "the pod template differs from the injected one by more than the restart annotation");
        Assert.Equal(5, final.Deployment.Spec.Replicas);
        var since = cluster.WritesBy(op.Identity).Skip(writes).Select(w => $"{w.Verb} {w.Resource} {w.Name}").ToList();
        Assert.True(since.Count == 0, "the operator wrote after kubectl scale and rollout restart: " + string.Join(", ", since));
        Assert.True(OperatorCluster.IsReady((await cluster.WaddleServiceAsync("router"))!));
    }

    [Fact]
    public async Task A_deployment_created_with_kubectl_for_a_waiting_waddleservice_gets_injected()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await using var tools = ClusterWorkspace.Attach(cluster.Api);
        await cluster.ApplySamplesAsync();
        var op = cluster.StartOperator("op-a");
        await cluster.WaitForAllReadyAsync(19);
        await cluster.CreateAsync(new WaddleService
        {
            Metadata = new V1ObjectMeta { Name = "quotes", NamespaceProperty = OperatorCluster.Namespace },
            Spec = new WaddleServiceSpec { Layer = ServiceLayer.Action, Workload = new WorkloadReference { Name = "quotes" } },
        });
        await OperatorCluster.WaitUntilAsync("the new WaddleService to wait for its workload", async () =>
        {
            var injection = OperatorCluster.Condition((await cluster.WaddleServiceAsync("quotes"))!, ConditionTypes.WorkloadInjected);
            return (injection is { Status: "False", Reason: Reasons.WorkloadNotFound }, $"{injection?.Status} {injection?.Reason} {injection?.Message}");
        });

        var created = await tools.KubectlOkAsync("create", "deployment", "quotes", "--image=ghcr.io/waddlebot/quotes:1.0", "--port=8080", "-n", OperatorCluster.Namespace);

        Assert.Contains("deployment.apps/quotes created", created, StringComparison.Ordinal);
        await OperatorCluster.WaitUntilAsync("the kubectl-created Deployment to be injected", async () =>
        {
            var (_, env) = await cluster.DeploymentAsync("quotes");
            var injection = OperatorCluster.Condition((await cluster.WaddleServiceAsync("quotes"))!, ConditionTypes.WorkloadInjected);
            return (env.TryGetValue("OTEL_SERVICE_NAME", out var name) && name.Value == "quotes" && injection?.Status == "True",
                $"OTEL_SERVICE_NAME {(env.TryGetValue("OTEL_SERVICE_NAME", out var n) ? n.Value : "unset")}; WorkloadInjected {injection?.Status} {injection?.Reason}");
        });
        var (deployment, injectedEnv) = await cluster.DeploymentAsync("quotes");
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal(("quotes", "ghcr.io/waddlebot/quotes:1.0", 8080), (container.Name, container.Image, container.Ports.Single().ContainerPort));
        Assert.True(injectedEnv.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.Equal("quotes", deployment.Metadata.Labels[WellKnown.InjectedByLabel]);
        Assert.Equal("quotes", await tools.KubectlOkAsync("get", "deployment", "quotes", "-n", OperatorCluster.Namespace, "-o", "jsonpath={.spec.template.spec.containers[0].env[?(@.name==\"OTEL_SERVICE_NAME\")].value}"));
    }

    /// <summary>
    /// Waits until the operator has reconciled a WaddleService since the count was read (the Deployment's watch event
    /// woke router) and has then nothing left to do: what it wrote, it wrote by then.
    /// </summary>
    private static async Task ReconciledSinceAsync(ChaosOperator op, double reconciles)
    {
        await OperatorCluster.WaitUntilAsync("the operator to reconcile after the Deployment changed", () =>
        {
            var now = op.Instance.Metrics.Reconciles(WaddleServiceReconciler.ControllerName);
            return Task.FromResult((now > reconciles, $"{now} reconciles, {reconciles} before"));
        });
        await OperatorCluster.WaitForIdleAsync(op);
    }

    private static async Task<JsonObject> TemplateAsync(OperatorCluster cluster, string name) =>
        JsonNode.Parse(KubernetesJson.Serialize((await cluster.DeploymentAsync(name)).Deployment.Spec.Template))!.AsObject();
}
