using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// What a policy reconcile has recently cost, by the path of its render: a full render resolves every WaddleService
/// of the namespace, an incremental one only those that changed (<see cref="IncrementalPolicyRender"/>). The debounce
/// in front of a policy reconcile (<see cref="EventRouting"/>) is twice the cost of the render the change will cause,
/// so that the 10 ms of an incremental render are not held back by the 100 ms of the full render at the start.
/// Thread-safe.
/// </summary>
public sealed class PolicyReconcileCosts
{
    private long _fullTicks;
    private long _incrementalTicks;

    /// <summary>
    /// Adds a reconcile whose render was <paramref name="step"/> to its path's moving average, unless it was an
    /// incremental render that resolved no WaddleService (the policy's own ConfigMap or status coming back). A service's
    /// change always resolves that service, and a render with nothing to resolve costs next to nothing (it is the last
    /// render again): counted, it would shrink the debounce of the changes to nothing.
    /// </summary>
    public void Record(PolicyRenderStep step, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.Path == PolicyRenderPath.Full || step.Resolved > 0)
        {
            Record(step.Path, elapsed);
        }
    }

    /// <summary>Adds a reconcile whose render took <paramref name="path"/> to that path's moving average.</summary>
    public void Record(PolicyRenderPath path, TimeSpan elapsed)
    {
        ref var average = ref path == PolicyRenderPath.Full ? ref _fullTicks : ref _incrementalTicks;

        // A moving average, so one slow reconcile (a GC, a busy machine) does not hold changes back for long.
        long before, after;
        do
        {
            before = Interlocked.Read(ref average);
            after = before == 0 ? Math.Max(1, elapsed.Ticks) : (long)((0.7 * before) + (0.3 * elapsed.Ticks));
        }
        while (Interlocked.CompareExchange(ref average, after, before) != before);
    }

    /// <summary>The recent cost of a reconcile rendering on <paramref name="path"/>; for an incremental one not yet measured, a full one's.</summary>
    public TimeSpan Recent(PolicyRenderPath path)
    {
        var incremental = Interlocked.Read(ref _incrementalTicks);
        return TimeSpan.FromTicks(path == PolicyRenderPath.Incremental && incremental > 0 ? incremental : Interlocked.Read(ref _fullTicks));
    }
}
