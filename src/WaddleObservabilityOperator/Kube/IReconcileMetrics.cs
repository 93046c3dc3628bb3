namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// Hooks for controller-runtime's controller metrics (controller_runtime_reconcile_total{controller,result},
/// controller_runtime_reconcile_time_seconds, controller_runtime_active_workers, controller_runtime_max_concurrent_reconciles).
/// </summary>
public interface IReconcileMetrics
{
    /// <param name="controller">Controller name.</param>
    /// <param name="result">One of <see cref="ReconcileOutcome"/>.</param>
    /// <param name="duration">Time spent in the reconcile function.</param>
    void Reconciled(string controller, string result, TimeSpan duration);

    void ActiveWorkersChanged(string controller, int delta);

    void MaxConcurrentReconciles(string controller, int value);
}

/// <summary>Discards every measurement; the default when no telemetry is wired.</summary>
public sealed class NoReconcileMetrics : IReconcileMetrics
{
    public static NoReconcileMetrics Instance { get; } = new();

    public void Reconciled(string controller, string result, TimeSpan duration)
    {
    }

    public void ActiveWorkersChanged(string controller, int delta)
    {
    }

    public void MaxConcurrentReconciles(string controller, int value)
    {
    }
}
