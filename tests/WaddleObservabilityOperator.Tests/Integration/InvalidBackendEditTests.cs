using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

/// <summary>
/// An invalid edit of the managed backends' settings is a condition, and nothing that runs is taken down for it: the
/// render has no objects to give, but the policy's objects in the cluster are kept, not deleted as no longer rendered.
/// </summary>
[Collection(OperatorScenarios.Collection)]
public sealed class InvalidBackendEditTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_invalid_backend_edit_is_reported_and_the_running_backends_stay_until_it_is_fixed()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync();
        var op = cluster.StartOperator("op-a");
        await cluster.WaitForAllReadyAsync(19);
        await OperatorCluster.WaitUntilAsync("the backends running", async () =>
        {
            var policy = await cluster.PolicyAsync();
            var ready = OperatorCluster.Condition(policy, ConditionTypes.BackendsReady);
            return (ready is { Status: "True", Reason: Reasons.BackendsAvailable }, $"{ready?.Reason}: {ready?.Message}");
        });
        var jaeger = JaegerComponent.InstanceName(OperatorCluster.Policy);
        var (before, _) = await cluster.DeploymentAsync(jaeger);
        var grafana = (await cluster.DeploymentAsync("waddlebot-grafana")).Deployment;

        // Badger keeps its files on one volume: two replicas of it are refused.
        await cluster.PatchPolicyAsync(new JsonObject
        {
            ["backends"] = new JsonObject
            {
                ["jaeger"] = new JsonObject { ["replicas"] = 2, ["storage"] = new JsonObject { ["type"] = "badger" } },
            },
        });
        await OperatorCluster.WaitUntilAsync("BackendsReady InvalidBackendSettings", async () =>
        {
            var policy = await cluster.PolicyAsync();
            var ready = OperatorCluster.Condition(policy, ConditionTypes.BackendsReady);
            return (ready is { Status: "False", Reason: Reasons.InvalidBackendSettings } && policy.Status?.ObservedGeneration == policy.Metadata.Generation, $"{ready?.Reason}: {ready?.Message}");
        });
        await OperatorCluster.WaitForIdleAsync(op);

        var policyNow = await cluster.PolicyAsync();
        Assert.Contains("What runs is kept", OperatorCluster.Condition(policyNow, ConditionTypes.BackendsReady)!.Message, StringComparison.Ordinal);
        var (kept, _) = await cluster.DeploymentAsync(jaeger);
        Assert.Equal(before.Metadata.Uid, kept.Metadata.Uid);
        Assert.Equal(before.Metadata.ResourceVersion, kept.Metadata.ResourceVersion); // not deleted, not rewritten
        Assert.Equal(grafana.Metadata.Uid, (await cluster.DeploymentAsync("waddlebot-grafana")).Deployment.Metadata.Uid);
        Assert.DoesNotContain(cluster.WritesBy(op.Identity), w => w.Method == "DELETE" && w.Resource is "deployments" or "statefulsets" or "services" or "configmaps");

        // Fixed (one replica): the Badger Jaeger replaces the in-memory one, and the backends are ready again.
        await cluster.PatchPolicyAsync(new JsonObject { ["backends"] = new JsonObject { ["jaeger"] = new JsonObject { ["replicas"] = 1 } } });
        await OperatorCluster.WaitUntilAsync("the backends ready again", async () =>
        {
            var policy = await cluster.PolicyAsync();
            var ready = OperatorCluster.Condition(policy, ConditionTypes.BackendsReady);
            return (ready is { Status: "True" } && policy.Status?.ObservedGeneration == policy.Metadata.Generation, $"{ready?.Reason}: {ready?.Message}");
        });
    }
}
