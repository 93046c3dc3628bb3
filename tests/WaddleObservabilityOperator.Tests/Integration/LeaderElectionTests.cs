using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Controllers;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

[Collection(OperatorScenarios.Collection)]
public sealed class LeaderElectionTests(ITestOutputHelper output)
{
    private static readonly OperatorOptions Elected = new()
    {
        LeaderElect = true,
        LeaseDuration = TimeSpan.FromSeconds(4),
        RenewDeadline = TimeSpan.FromSeconds(3),
        RetryPeriod = TimeSpan.FromMilliseconds(500),
    };

    [Fact]
    public async Task Of_two_instances_only_the_leader_writes_and_stopping_it_hands_over()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync();
        var a = cluster.StartOperator("op-a", Elected);
        var b = cluster.StartOperator("op-b", Elected);
        await cluster.WaitForAllReadyAsync(19);
        // A standby does not reconcile (its queue only fills), so only the leader can become idle.
        await OperatorCluster.WaitForIdleAsync(a.Instance.IsLeader ? a : b);

        var writers = new[] { a, b }.Where(o => cluster.WritesBy(o.Identity).Count > 0).ToList();
        var leader = Assert.Single(writers);
        var standby = leader == a ? b : a;
        Assert.Empty(cluster.WritesBy(standby.Identity));

        await leader.StopAsync();
        await cluster.PatchPolicyAsync(new JsonObject { ["tracing"] = new JsonObject { ["sampling"] = new JsonObject { ["defaultRatio"] = 0.5 } } });
        await OperatorCluster.WaitUntilAsync("the standby to take over and publish the change", async () =>
        {
            var policy = await cluster.PolicyAsync();
            return (policy.Status?.ObservedGeneration == policy.Metadata.Generation && cluster.WritesBy(standby.Identity).Count > 0,
                $"observed {policy.Status?.ObservedGeneration} of {policy.Metadata.Generation}");
        });
        Assert.True(standby.Instance.IsLeader);
    }
}
