using WaddleObservabilityOperator.Controllers;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

[Collection(OperatorScenarios.Collection)]
public sealed class SteadyStateTests(ITestOutputHelper output)
{
    [Fact]
    public async Task A_converged_cluster_sees_zero_writes_over_resyncs_and_after_a_restart()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync();
        var first = cluster.StartOperator("op-a", new OperatorOptions { ResyncPeriod = TimeSpan.FromSeconds(2) });
        await cluster.WaitForAllReadyAsync(19);
        await OperatorCluster.WaitForIdleAsync(first);
        var converge = cluster.RequestsBy(first.Identity).GroupBy(r => r.Verb).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}={g.Count()}");
        output.WriteLine($"requests to converge the samples: {string.Join(" ", converge)}");

        var writesBefore = cluster.WritesBy(first.Identity).Count;
        var reconciles = first.Instance.Metrics.Reconciles(WaddleServiceReconciler.ControllerName);
        await OperatorCluster.WaitUntilAsync("three resync periods of reconciles", () =>
        {
            var done = first.Instance.Metrics.Reconciles(WaddleServiceReconciler.ControllerName) >= reconciles + (3 * 19);
            return Task.FromResult((done, $"{first.Instance.Metrics.Reconciles(WaddleServiceReconciler.ControllerName) - reconciles} reconciles since converged"));
        });
        await OperatorCluster.WaitForIdleAsync(first);
        Assert.Empty(cluster.WritesBy(first.Identity).Skip(writesBefore));

        await first.StopAsync();
        var second = cluster.StartOperator("op-b");
        await OperatorCluster.WaitUntilAsync("the restarted operator to reconcile everything", () =>
        {
            var done = second.Instance.Metrics.Reconciles(WaddleServiceReconciler.ControllerName) >= 19;
            return Task.FromResult((done, "reconciling"));
        });
        await OperatorCluster.WaitForIdleAsync(second);
        Assert.Empty(cluster.WritesBy(second.Identity));
        output.WriteLine($"requests of the restarted operator: {string.Join(" ", cluster.RequestsBy(second.Identity).GroupBy(r => r.Verb).Select(g => $"{g.Key}={g.Count()}"))}");
    }
}
