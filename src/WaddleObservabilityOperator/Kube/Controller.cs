namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// The reconcile loop (controller-runtime's reconcileHandler): workers take keys from the queue and call the reconcile
/// function. Done forgets the key's backoff; RequeueAfter forgets it and adds it after the delay; Retry or an exception
/// adds it with backoff. When the token is cancelled (shutdown, or leadership lost) workers stop taking keys, and a key
/// whose reconcile was cut short, or whose write the API client refused for want of the write permit, is queued again
/// for the next run.
/// </summary>
public sealed class Controller<TKey>
    where TKey : notnull
{
    private readonly Func<TKey, CancellationToken, Task<ReconcileResult>> _reconcile;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IReconcileMetrics _metrics;

    public Controller(
        string name,
        WorkQueue<TKey> queue,
        Func<TKey, CancellationToken, Task<ReconcileResult>> reconcile,
        TimeProvider time,
        ILogger logger,
        int maxConcurrentReconciles = 1,
        IReconcileMetrics? metrics = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrentReconciles, 1);
        Name = name;
        Queue = queue ?? throw new ArgumentNullException(nameof(queue));
        _reconcile = reconcile ?? throw new ArgumentNullException(nameof(reconcile));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        MaxConcurrentReconciles = maxConcurrentReconciles;
        _metrics = metrics ?? NoReconcileMetrics.Instance;
    }

    public string Name { get; }

    public WorkQueue<TKey> Queue { get; }

    public int MaxConcurrentReconciles { get; }

    /// <summary>How long a key whose write was refused (<see cref="WriteRefusedException"/>) waits while leadership is not yet cancelled.</summary>
    public TimeSpan RefusedWriteDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Runs the workers until <paramref name="cancellationToken"/> is cancelled or the queue is shut down and empty.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _metrics.MaxConcurrentReconciles(Name, MaxConcurrentReconciles);
        _logger.LogInformation("Starting controller {Controller} with {Workers} workers", Name, MaxConcurrentReconciles);
        var workers = Enumerable.Range(0, MaxConcurrentReconciles).Select(_ => Task.Run(() => WorkAsync(cancellationToken), CancellationToken.None));
        await Task.WhenAll(workers).ConfigureAwait(false);
        _logger.LogInformation("Stopped controller {Controller}", Name);
    }

    private async Task WorkAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            WorkQueueItem<TKey>? item;
            try
            {
                item = await Queue.TakeAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            if (item is null)
            {
                return;
            }

            try
            {
                await ReconcileAsync(item.Key, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Queue.Done(item.Key);
            }
        }
    }

    private async Task ReconcileAsync(TKey key, CancellationToken cancellationToken)
    {
        _metrics.ActiveWorkersChanged(Name, 1);
        var started = _time.GetTimestamp();
        string? outcome = null;
        try
        {
            var result = await _reconcile(key, cancellationToken).ConfigureAwait(false);
            if (result.RequeueDelay is { } delay && delay > TimeSpan.Zero)
            {
                Queue.Forget(key);
                Queue.AddAfter(key, delay);
                outcome = ReconcileOutcome.RequeueAfter;
            }
            else if (result.RetryWithBackoff)
            {
                Queue.AddRateLimited(key);
                outcome = ReconcileOutcome.Requeue;
            }
            else
            {
                Queue.Forget(key);
                outcome = ReconcileOutcome.Success;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Cut short by shutdown or lost leadership: not a failure of the object; whoever runs next picks it up.
            Queue.Add(key);
        }
        catch (WriteRefusedException e)
        {
            // A write refused by the API client because this instance lost (or does not hold) the write permit: lost
            // leadership, not a failure of the object, so no error and no backoff. The leadership token is cancelled at
            // about the same moment; until it is, the key waits a little instead of being retried at once in a loop.
            _logger.LogDebug("Reconcile of {Key} by {Controller} stopped: {Reason}", key, Name, e.Message);
            if (cancellationToken.IsCancellationRequested)
            {
                Queue.Add(key);
            }
            else
            {
                Queue.AddAfter(key, RefusedWriteDelay);
            }
        }
        catch (Exception e)
        {
            // A reconcile may fail in any way; every failure means retry with backoff.
            _logger.LogError(e, "Reconcile of {Key} by {Controller} failed (failure {Failures}); retrying with backoff", key, Name, Queue.NumRequeues(key) + 1);
            Queue.AddRateLimited(key);
            outcome = ReconcileOutcome.Error;
        }
        finally
        {
            _metrics.ActiveWorkersChanged(Name, -1);
            if (outcome is not null)
            {
                _metrics.Reconciled(Name, outcome, _time.GetElapsedTime(started));
            }
        }
    }
}
