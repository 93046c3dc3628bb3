namespace WaddleObservabilityOperator.Kube;

/// <summary>What a reconcile asks of the queue: nothing (done), a requeue after a delay, or a retry with backoff. An exception also means retry with backoff.</summary>
public sealed record ReconcileResult
{
    public static ReconcileResult Done { get; } = new();

    /// <summary>Retry with the key's backoff, without counting as an error: e.g. an optimistic-concurrency conflict.</summary>
    public static ReconcileResult Retry { get; } = new() { RetryWithBackoff = true };

    public TimeSpan? RequeueDelay { get; init; }

    public bool RetryWithBackoff { get; init; }

    /// <summary>Reconcile again after <paramref name="delay"/>, e.g. to poll something that sends no events.</summary>
    public static ReconcileResult RequeueAfter(TimeSpan delay) => new() { RequeueDelay = delay };
}

/// <summary>Values of the result label of controller_runtime_reconcile_total.</summary>
public static class ReconcileOutcome
{
    public const string Success = "success";
    public const string Error = "error";
    public const string Requeue = "requeue";
    public const string RequeueAfter = "requeue_after";

    /// <summary>The API server answered 429: queued again for after its Retry-After.</summary>
    public const string Throttled = "throttled";
}
