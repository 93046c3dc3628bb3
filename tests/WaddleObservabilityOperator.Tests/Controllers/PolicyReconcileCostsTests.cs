using WaddleObservabilityOperator.Controllers;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Tests.Controllers;

/// <summary>The debounce after a service change follows the cost of the render that change causes, not of the full renders at the start.</summary>
public sealed class PolicyReconcileCostsTests
{
    [Fact]
    public void Each_path_keeps_its_own_average_and_an_unmeasured_incremental_one_costs_a_full_one()
    {
        var costs = new PolicyReconcileCosts();
        Assert.Equal(TimeSpan.Zero, costs.Recent(PolicyRenderPath.Full));

        costs.Record(PolicyRenderPath.Full, TimeSpan.FromMilliseconds(200));
        Assert.Equal(TimeSpan.FromMilliseconds(200), costs.Recent(PolicyRenderPath.Full));
        Assert.Equal(TimeSpan.FromMilliseconds(200), costs.Recent(PolicyRenderPath.Incremental));

        costs.Record(PolicyRenderPath.Incremental, TimeSpan.FromMilliseconds(4));
        Assert.Equal(TimeSpan.FromMilliseconds(4), costs.Recent(PolicyRenderPath.Incremental));
        Assert.Equal(TimeSpan.FromMilliseconds(200), costs.Recent(PolicyRenderPath.Full));

        // A moving average: a slow one moves it by 30 %.
        costs.Record(PolicyRenderPath.Incremental, TimeSpan.FromMilliseconds(14));
        Assert.InRange(costs.Recent(PolicyRenderPath.Incremental).TotalMilliseconds, 6.99, 7.01);
    }

    [Fact]
    public void A_render_that_resolved_no_service_does_not_count()
    {
        var costs = new PolicyReconcileCosts();
        costs.Record(new PolicyRenderStep(PolicyRenderPath.Full, "first render", 0), TimeSpan.FromMilliseconds(100));
        costs.Record(new PolicyRenderStep(PolicyRenderPath.Incremental, "1 WaddleServices added or changed", 1), TimeSpan.FromMilliseconds(20));

        // The policy's own ConfigMap coming back: the last render again, in a millisecond.
        costs.Record(new PolicyRenderStep(PolicyRenderPath.Incremental, "nothing changed since the last render", 0), TimeSpan.FromMilliseconds(1));

        Assert.Equal(TimeSpan.FromMilliseconds(20), costs.Recent(PolicyRenderPath.Incremental));
        Assert.Equal(TimeSpan.FromMilliseconds(100), costs.Recent(PolicyRenderPath.Full));
    }
}
