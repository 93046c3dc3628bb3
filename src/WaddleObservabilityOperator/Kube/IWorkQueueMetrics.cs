namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// Hooks for client-go's work-queue metrics (workqueue_depth, workqueue_adds_total, workqueue_queue_duration_seconds,
/// workqueue_work_duration_seconds, workqueue_retries_total), labelled by queue name. Telemetry implements it with prometheus-net.
/// </summary>
public interface IWorkQueueMetrics
{
    /// <summary>A key was queued (not counted when it was already waiting).</summary>
    void Added(string queue);

    void DepthChanged(string queue, int depth);

    /// <summary>How long a key waited between being queued and a worker taking it.</summary>
    void Waited(string queue, TimeSpan duration);

    /// <summary>How long a worker held a key.</summary>
    void Worked(string queue, TimeSpan duration);

    /// <summary>A key was queued with a delay (backoff after an error, or an explicit requeue-after).</summary>
    void Retried(string queue);
}

/// <summary>Discards every measurement; the default when no telemetry is wired.</summary>
public sealed class NoWorkQueueMetrics : IWorkQueueMetrics
{
    public static NoWorkQueueMetrics Instance { get; } = new();

    public void Added(string queue)
    {
    }

    public void DepthChanged(string queue, int depth)
    {
    }

    public void Waited(string queue, TimeSpan duration)
    {
    }

    public void Worked(string queue, TimeSpan duration)
    {
    }

    public void Retried(string queue)
    {
    }
}
