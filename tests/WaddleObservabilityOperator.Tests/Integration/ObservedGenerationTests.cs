using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeApiEmulator.Faults;
using WaddleObservabilityOperator.Api;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

[Collection(OperatorScenarios.Collection)]
public sealed class ObservedGenerationTests(ITestOutputHelper output)
{
    [Fact]
    public async Task ObservedGeneration_stays_behind_while_the_workload_write_conflicts_and_catches_up_on_a_clean_reconcile()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync();
        var op = cluster.StartOperator("op-a");
        await cluster.WaitForAllReadyAsync(19);
        await OperatorCluster.WaitForIdleAsync(op);
        var before = (await cluster.WaddleServiceAsync("router"))!;
        var oldGeneration = before.Metadata.Generation;
        Assert.Equal(oldGeneration, before.Status?.ObservedGeneration);

        // Another writer changes the router Deployment just before each of the operator's writes of it: every one gets 409.
        var interfered = 0;
        cluster.Api.Faults.Interfere(new FaultTarget("patch", "deployments", "(op-a)"), 1, deployment =>
        {
            var metadata = (JsonObject)deployment["metadata"]!;
            var annotations = metadata["annotations"]?.DeepClone() as JsonObject ?? [];
            annotations["example.com/other-writer"] = Interlocked.Increment(ref interfered).ToString(CultureInfo.InvariantCulture);
            metadata["annotations"] = annotations;
            return deployment;
        });
        // A new version changes the injected OTEL_RESOURCE_ATTRIBUTES: the reconcile of the new generation must write the Deployment.
        await cluster.User.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(new JsonObject { ["spec"] = new JsonObject { ["version"] = "9.9.9" } }.ToJsonString(), V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, OperatorCluster.Namespace, WaddleService.Plural, "router");
        var newGeneration = (await cluster.WaddleServiceAsync("router"))!.Metadata.Generation;
        Assert.True(newGeneration > oldGeneration);

        // Its conditions are reported for the new generation, but observedGeneration stays: the reconcile retries.
        await OperatorCluster.WaitUntilAsync("router's conditions to report the new generation", async () =>
        {
            var router = (await cluster.WaddleServiceAsync("router"))!;
            var ready = OperatorCluster.Condition(router, ConditionTypes.Ready);
            return (ready?.ObservedGeneration == newGeneration && Volatile.Read(ref interfered) >= 2,
                $"Ready observed {ready?.ObservedGeneration}, status observed {router.Status?.ObservedGeneration}, {Volatile.Read(ref interfered)} conflicts");
        });
        var retrying = (await cluster.WaddleServiceAsync("router"))!;
        Assert.Equal(oldGeneration, retrying.Status?.ObservedGeneration);
        Assert.DoesNotContain("9.9.9", (await cluster.DeploymentAsync("router")).Env["OTEL_RESOURCE_ATTRIBUTES"].Value, StringComparison.Ordinal);

        // No other writer any more: the next reconcile writes the Deployment, needs no retry, and catches up.
        cluster.Api.Faults.Clear();
        await OperatorCluster.WaitUntilAsync("router's observedGeneration to catch up", async () =>
        {
            var router = (await cluster.WaddleServiceAsync("router"))!;
            return (router.Status?.ObservedGeneration == newGeneration && OperatorCluster.IsReady(router), OperatorCluster.Describe(router));
        });
        Assert.Contains("service.version=9.9.9", (await cluster.DeploymentAsync("router")).Env["OTEL_RESOURCE_ATTRIBUTES"].Value, StringComparison.Ordinal);
    }
}
