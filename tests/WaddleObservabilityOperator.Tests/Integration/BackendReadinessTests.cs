using System.Text.Json.Nodes;
using k8s;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

/// <summary>
/// BackendsReady means running: the policy reads its managed components' workloads' status (the emulator's workload
/// simulator stands in for the apps controllers and the kubelet), reports each component's readiness, and follows a
/// workload that gets stuck and recovers, and a component switched off.
/// </summary>
[Collection(OperatorScenarios.Collection)]
public sealed class BackendReadinessTests(ITestOutputHelper output)
{
    private static readonly string Grafana = GrafanaComponent.InstanceName(OperatorCluster.Policy);

    [Fact]
    public async Task A_grafana_whose_admin_secret_is_missing_is_reported_until_it_starts_then_switching_it_off_removes_it()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);

        // The samples reference the Secret grafana-admin; here it does not exist yet: the kubelet (the emulator's workload
        // simulator) cannot start Grafana's container (CreateContainerConfigError), its pods never get ready and the
        // Deployment exceeds its progress deadline. The operator cannot read Secrets; it sees only the Deployment's status.
        await cluster.ApplySamplesAsync();
        await cluster.User.CoreV1.DeleteNamespacedSecretAsync("grafana-admin", OperatorCluster.Namespace);
        cluster.StartOperator("op-a");
        await cluster.WaitForAllReadyAsync(19);

        // The simulated progress deadline can pass before the Prometheus StatefulSet reports its pod ready (CI's load):
        // wait for both, the stuck Grafana beside the others running.
        var stuck = await WaitForPolicyAsync(cluster, "BackendsReady False for the stuck Grafana, the others running", p =>
            OperatorCluster.Condition(p, ConditionTypes.BackendsReady) is { Status: "False", Reason: Reasons.BackendProgressDeadlineExceeded }
            && p.Status?.Jaeger?.Ready == true && p.Status?.Prometheus?.Ready == true);
        var condition = OperatorCluster.Condition(stuck, ConditionTypes.BackendsReady)!;
        Assert.Contains($"Deployment \"{Grafana}\" exceeded its progress deadline", condition.Message, StringComparison.Ordinal);
        Assert.Contains("secret \"grafana-admin\" not found", condition.Message, StringComparison.Ordinal);
        Assert.Equal("False", OperatorCluster.Condition(stuck, ConditionTypes.Ready)!.Status);
        Assert.False(stuck.Status!.Grafana!.Ready);
        Assert.Contains("exceeded its progress deadline", stuck.Status.Grafana.Message, StringComparison.Ordinal);
        Assert.True(stuck.Status.Jaeger!.Ready);
        Assert.True(stuck.Status.Prometheus!.Ready);
        Assert.Contains("1 of 1 replicas available", stuck.Status.Jaeger.Message, StringComparison.Ordinal);
        Assert.Contains("1 of 1 replicas ready", stuck.Status.Prometheus.Message, StringComparison.Ordinal);

        // The Secret is created: the next pod starts, the Deployment's status says so, and that event alone wakes the policy.
        await cluster.User.CoreV1.CreateNamespacedSecretAsync(OperatorCluster.SampleSecrets().Single(s => s.Metadata.Name == "grafana-admin"), OperatorCluster.Namespace);
        var running = await WaitForPolicyAsync(cluster, "every backend running", p =>
            OperatorCluster.Condition(p, ConditionTypes.BackendsReady) is { Status: "True", Reason: Reasons.BackendsAvailable }
            && OperatorCluster.Condition(p, ConditionTypes.Ready)?.Status == "True");
        Assert.True(running.Status!.Grafana!.Ready);
        Assert.Contains($"Deployment \"{Grafana}\": 1 of 1 replicas available", running.Status.Grafana.Message, StringComparison.Ordinal);
        Assert.Equal(running.Metadata.Generation, running.Status.ObservedGeneration);

        // Switched off: its objects go, its status entry too, and the others still run.
        await cluster.PatchPolicyAsync(new JsonObject { ["backends"] = new JsonObject { ["grafana"] = new JsonObject { ["managed"] = false } } });
        var off = await WaitForPolicyAsync(cluster, "Grafana switched off", p => p.Status?.Grafana is null && p.Status?.ObservedGeneration == p.Metadata.Generation
            && OperatorCluster.Condition(p, ConditionTypes.BackendsReady)?.Status == "True");
        Assert.DoesNotContain("Grafana", OperatorCluster.Condition(off, ConditionTypes.BackendsReady)!.Message, StringComparison.Ordinal);
        await OperatorCluster.WaitUntilAsync("the Grafana Deployment deleted", async () =>
        {
            var left = (await cluster.User.AppsV1.ListNamespacedDeploymentAsync(OperatorCluster.Namespace)).Items.Select(d => d.Metadata.Name).ToList();
            return (!left.Contains(Grafana), string.Join(",", left));
        });
    }

    private static async Task<ObservabilityPolicy> WaitForPolicyAsync(OperatorCluster cluster, string what, Func<ObservabilityPolicy, bool> done)
    {
        ObservabilityPolicy? last = null;
        await OperatorCluster.WaitUntilAsync(what, async () =>
        {
            last = await cluster.PolicyAsync();
            var backends = OperatorCluster.Condition(last, ConditionTypes.BackendsReady);
            return (done(last), $"{backends?.Status} {backends?.Reason}: {backends?.Message}");
        });
        return last!;
    }
}
