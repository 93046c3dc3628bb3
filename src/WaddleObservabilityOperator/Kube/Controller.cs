namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// The reconcile loop (controller-runtime's reconcileHandler): workers take keys from the queue and call the reconcile
/// function. Done forgets the key's backoff; RequeueAfter forgets it and adds it after the delay; Retry or an exception
/// adds it with backoff. When the token is cancelled (shutdown, or leadership lost) workers stop taking keys, and a key
/// whose reconcile was cut short, or whose write the API client refused for want of the write permit, is queued again
/// for the next run.
/// With <see cref="MaxWorkers"/> above <see cref="MinWorkers"/>, the number of workers taking keys follows the
/// share of reconcile time spent waiting for the API server (<see cref="ApiWaitMeter"/>): cores / (1 - share), between
/// the two bounds. CPU-bound reconciles keep about one worker per core; reconciles that mostly wait on a slow server get
/// more, so other keys do not queue behind the waiting ones. The client-side rate limit still bounds the request rate.
/// </summary>
public sealed class Controller<TKey>
    where TKey : notnull
{
    private readonly Func<TKey, CancellationToken, Task<ReconcileResult>> _reconcile;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly IReconcileMetrics _metrics;
    private readonly Lock _limitGate = new();
    private TaskCompletionSource _limitRaised = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _limit;
    private double _waitShare;

    public Controller(
        string name,
        WorkQueue<TKey> queue,
        Func<TKey, CancellationToken, Task<ReconcileResult>> reconcile,
        TimeProvider time,
        ILogger logger,
        int minWorkers = 1,
        IReconcileMetrics? metrics = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(minWorkers, 1);
        Name = name;
        Queue = queue ?? throw new ArgumentNullException(nameof(queue));
        _reconcile = reconcile ?? throw new ArgumentNullException(nameof(reconcile));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        MinWorkers = minWorkers;
        _metrics = metrics ?? NoReconcileMetrics.Instance;
    }

    public string Name { get; }

    public WorkQueue<TKey> Queue { get; }

    /// <summary>Workers that always take keys (--concurrency).</summary>
    public int MinWorkers { get; }

    /// <summary>Workers at most when reconciles mostly wait on the API server (--max-concurrency); at or below <see cref="MinWorkers"/>: fixed.</summary>
    public int MaxWorkers { get; init; }

    /// <summary>Cores the reconciles' CPU work can use (the adaptive target's numerator).</summary>
    public int Cores { get; init; } = Environment.ProcessorCount;

    /// <summary>Workers taking keys now.</summary>
    public int CurrentConcurrentReconciles => Volatile.Read(ref _limit);

    private int Ceiling => Math.Max(MinWorkers, MaxWorkers);

    /// <summary>How long a key whose write was refused (<see cref="WriteRefusedException"/>) waits while leadership is not yet cancelled.</summary>
    public TimeSpan RefusedWriteDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Runs the workers until <paramref name="cancellationToken"/> is cancelled or the queue is shut down and empty.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _limit = MinWorkers;
        _metrics.MaxConcurrentReconciles(Name, MinWorkers);
        if (Ceiling > MinWorkers)
        {
            _logger.LogInformation("Starting controller {Controller} with {Workers} to {Max} workers, as many as the reconciles' wait on the API server asks for", Name, MinWorkers, Ceiling);
        }
        else
        {
            _logger.LogInformation("Starting controller {Controller} with {Workers} workers", Name, MinWorkers);
        }

        var workers = Enumerable.Range(0, Ceiling).Select(index => Task.Run(() => WorkAsync(index, cancellationToken), CancellationToken.None));
        await Task.WhenAll(workers).ConfigureAwait(false);
        _logger.LogInformation("Stopped controller {Controller}", Name);
    }

    private async Task WorkAsync(int index, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            WorkQueueItem<TKey>? item;
            try
            {
                await AllowedAsync(index, cancellationToken).ConfigureAwait(false);
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

    /// <summary>Waits while worker <paramref name="index"/> is above the current number of workers.</summary>
    private async Task AllowedAsync(int index, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task raised;
            lock (_limitGate)
            {
                if (index < _limit)
                {
                    return;
                }

                raised = _limitRaised.Task;
            }

            await raised.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Moves the number of workers toward cores / (1 - the recent share of reconcile time spent waiting on the API).</summary>
    private void Observe(TimeSpan wall, TimeSpan waited)
    {
        if (Ceiling == MinWorkers || wall <= TimeSpan.Zero)
        {
            return;
        }

        lock (_limitGate)
        {
            var share = Math.Clamp(waited / wall, 0, 1);
            _waitShare = (0.8 * _waitShare) + (0.2 * share);
            var target = Math.Clamp((int)Math.Round(Cores / Math.Max(0.05, 1 - _waitShare)), MinWorkers, Ceiling);
            if (target == _limit)
            {
                return;
            }

            if (target > _limit)
            {
                _limitRaised.TrySetResult();
                _limitRaised = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            Volatile.Write(ref _limit, target);
            _metrics.MaxConcurrentReconciles(Name, target);
        }
    }

    private async Task ReconcileAsync(TKey key, CancellationToken cancellationToken)
    {
        _metrics.ActiveWorkersChanged(Name, 1);
        var started = _time.GetTimestamp();
        var wallStarted = System.Diagnostics.Stopwatch.GetTimestamp();
        var apiWait = ApiWaitMeter.Start();
        string? outcome = null;
        ApiThrottling.Defer();
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
        catch (Exception e) when (ApiThrottling.RetryAfterOf(e) is { } retryAfter)
        {
            // Throttled (429) by the API server: not a failure of the object, so no error and no backoff; the key comes
            // back once the server's Retry-After has passed, and the worker goes on with other keys meanwhile.
            _logger.LogDebug("Reconcile of {Key} by {Controller} throttled; again in {RetryAfter}", key, Name, retryAfter);
            Queue.AddNotBefore(key, retryAfter);
            outcome = ReconcileOutcome.Throttled;
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
            Observe(System.Diagnostics.Stopwatch.GetElapsedTime(wallStarted), apiWait.Waited);
            if (outcome is not null)
            {
                _metrics.Reconciled(Name, outcome, _time.GetElapsedTime(started));
            }
        }
    }
}
