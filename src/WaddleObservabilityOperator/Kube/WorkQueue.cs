namespace WaddleObservabilityOperator.Kube;

/// <summary>A key handed to a worker; the worker must call <see cref="WorkQueue{TKey}.Done"/> with it.</summary>
public sealed record WorkQueueItem<TKey>(TKey Key);

/// <summary>
/// client-go's work queue: a key is queued once however often it is added (dirty set), one worker holds a key at a
/// time (processing set; a key added meanwhile is queued again when the worker is done), keys are handed out in the
/// order they were added, <see cref="AddAfter"/> delays a key (an earlier time wins), and <see cref="AddRateLimited"/>
/// delays it by its per-key exponential backoff until <see cref="Forget"/>, and <see cref="AddNotBefore"/> holds a key
/// back until a time, whatever adds it meanwhile.
/// </summary>
public sealed class WorkQueue<TKey> : IDisposable
    where TKey : notnull
{
    private readonly Lock _gate = new();
    private readonly Queue<TKey> _queue = new();
    private readonly HashSet<TKey> _dirty = [];
    private readonly HashSet<TKey> _processing = [];
    private readonly Dictionary<TKey, long> _queuedAt = [];
    private readonly Dictionary<TKey, long> _takenAt = [];
    private readonly Dictionary<TKey, DateTimeOffset> _delayed = [];

    // Keys no worker may take before a time (AddNotBefore): an Add meanwhile is delayed to it.
    private readonly Dictionary<TKey, DateTimeOffset> _notBefore = [];

    // Delayed keys that are only error retries: a success may drop those, never a wake someone asked for (AddAfter).
    private readonly HashSet<TKey> _retries = [];
    private readonly SemaphoreSlim _ready = new(0);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly TimeProvider _time;
    private readonly ItemExponentialBackoff<TKey> _backoff;
    private readonly IWorkQueueMetrics _metrics;
    private TaskCompletionSource? _drained;
    private ITimer? _delayTimer;
    private bool _shuttingDown;

    public WorkQueue(string name, TimeProvider time, ItemExponentialBackoff<TKey>? backoff = null, IWorkQueueMetrics? metrics = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _backoff = backoff ?? ItemExponentialBackoff<TKey>.CreateDefault();
        _metrics = metrics ?? NoWorkQueueMetrics.Instance;
    }

    public string Name { get; }

    /// <summary>Keys waiting for a worker (not counting delayed or in-progress keys).</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Keys waiting for their <see cref="AddAfter"/> time.</summary>
    public int DelayedCount
    {
        get
        {
            lock (_gate)
            {
                return _delayed.Count;
            }
        }
    }

    public bool IsShuttingDown
    {
        get
        {
            lock (_gate)
            {
                return _shuttingDown;
            }
        }
    }

    public void Add(TKey key)
    {
        lock (_gate)
        {
            if (_shuttingDown || HeldBack(key) || !_dirty.Add(key))
            {
                return;
            }

            _metrics.Added(Name);
            _queuedAt[key] = _time.GetTimestamp();
            if (!_processing.Contains(key))
            {
                Push(key);
            }
        }
    }

    /// <summary>Adds <paramref name="key"/> once <paramref name="delay"/> has passed; when it is already waiting, the earlier time wins.</summary>
    public void AddAfter(TKey key, TimeSpan delay) => Delay(key, delay, retry: false);

    private void Delay(TKey key, TimeSpan delay, bool retry)
    {
        if (delay <= TimeSpan.Zero)
        {
            Add(key);
            return;
        }

        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            _metrics.Retried(Name);
            var readyAt = _time.GetUtcNow() + delay;
            var had = _delayed.TryGetValue(key, out var existing);
            if (!retry || (had && !_retries.Contains(key)))
            {
                // The entry kept (the earlier) now also carries an asked-for wake.
                _retries.Remove(key);
            }
            else if (!had)
            {
                _retries.Add(key);
            }

            if (had && existing <= readyAt)
            {
                return;
            }

            _delayed[key] = readyAt;
            ScheduleDelayTimer();
        }
    }

    /// <summary>
    /// Adds <paramref name="key"/> once <paramref name="delay"/> has passed, and holds it back until then: an
    /// <see cref="Add"/> meanwhile (an event) waits for that time too. For a key the API server throttled: its requests
    /// must not go out again before the Retry-After, whatever wakes it.
    /// </summary>
    public void AddNotBefore(TKey key, TimeSpan delay)
    {
        lock (_gate)
        {
            var until = _time.GetUtcNow() + delay;
            if (!_notBefore.TryGetValue(key, out var held) || held < until)
            {
                _notBefore[key] = until;
            }
        }

        Delay(key, delay, retry: false);
    }

    // Called under _gate: true when the key is held back (AddNotBefore) and has been delayed to the end of the hold.
    private bool HeldBack(TKey key)
    {
        if (!_notBefore.TryGetValue(key, out var until))
        {
            return false;
        }

        var wait = until - _time.GetUtcNow();
        if (wait <= TimeSpan.Zero)
        {
            _notBefore.Remove(key);
            return false;
        }

        Delay(key, wait, retry: false);
        return true;
    }

    /// <summary>Adds <paramref name="key"/> after its next backoff delay (5 ms, 10 ms, 20 ms ... by default).</summary>
    public void AddRateLimited(TKey key) => Delay(key, _backoff.When(key), retry: true);

    /// <summary>
    /// Clears the key's failure count, so its next error backs off from the base delay again, and drops a retry still
    /// waiting from an earlier failure: the key has just been reconciled successfully, so that retry would only repeat it
    /// (after a burst of API errors such retries wait up to minutes and keep the queue from ever being idle).
    /// </summary>
    public void Forget(TKey key)
    {
        _backoff.Forget(key);
        lock (_gate)
        {
            if (_retries.Remove(key))
            {
                _delayed.Remove(key);
                _retries.Remove(key);
            }
        }
    }

    public int NumRequeues(TKey key) => _backoff.Failures(key);

    /// <summary>Waits for a key. Returns null once the queue is shut down and empty.</summary>
    public async Task<WorkQueueItem<TKey>?> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using (var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _shutdown.Token))
            {
                try
                {
                    await _ready.WaitAsync(linked.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                {
                    // Shut down: hand out what is still queued, then null.
                }
            }

            lock (_gate)
            {
                if (_queue.Count == 0)
                {
                    if (_shuttingDown)
                    {
                        return null;
                    }

                    continue;
                }

                var key = _queue.Dequeue();
                _metrics.DepthChanged(Name, _queue.Count);
                _processing.Add(key);
                _dirty.Remove(key);
                if (_queuedAt.Remove(key, out var queuedAt))
                {
                    _metrics.Waited(Name, _time.GetElapsedTime(queuedAt));
                }

                _takenAt[key] = _time.GetTimestamp();
                return new WorkQueueItem<TKey>(key);
            }
        }
    }

    /// <summary>Releases a key taken with <see cref="TakeAsync"/>; if it was added meanwhile, it is queued again.</summary>
    public void Done(TKey key)
    {
        lock (_gate)
        {
            if (!_processing.Remove(key))
            {
                return;
            }

            if (_takenAt.Remove(key, out var takenAt))
            {
                _metrics.Worked(Name, _time.GetElapsedTime(takenAt));
            }

            if (_dirty.Contains(key) && HeldBack(key))
            {
                // Added while its worker had it, then held back by that worker (throttled): it waits for the hold.
                _dirty.Remove(key);
                _queuedAt.Remove(key);
            }
            else if (_dirty.Contains(key))
            {
                Push(key);
            }
            else if (_shuttingDown && _processing.Count == 0)
            {
                _drained?.TrySetResult();
            }
        }
    }

    /// <summary>Stops accepting keys and drops delayed ones; workers still get what is queued, then null.</summary>
    public void ShutDown()
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            _shuttingDown = true;
            _delayed.Clear();
            _retries.Clear();
            _notBefore.Clear();
            _delayTimer?.Dispose();
            _delayTimer = null;
        }

        _shutdown.Cancel();
    }

    /// <summary>Shuts down and waits until every key held by a worker is done.</summary>
    public async Task ShutDownWithDrainAsync(CancellationToken cancellationToken)
    {
        Task drained;
        lock (_gate)
        {
            _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (_processing.Count == 0)
            {
                _drained.TrySetResult();
            }

            drained = _drained.Task;
        }

        ShutDown();
        await drained.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        ShutDown();
        _shutdown.Dispose();
        _ready.Dispose();
    }

    private void Push(TKey key)
    {
        _queue.Enqueue(key);
        _metrics.DepthChanged(Name, _queue.Count);
        _ready.Release();
    }

    // Called under _gate: one timer, due at the earliest delayed key.
    private void ScheduleDelayTimer()
    {
        if (_delayed.Count == 0)
        {
            _delayTimer?.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
            return;
        }

        var due = _delayed.Values.Min() - _time.GetUtcNow();
        if (due < TimeSpan.Zero)
        {
            due = TimeSpan.Zero;
        }

        if (_delayTimer is null)
        {
            _delayTimer = _time.CreateTimer(static state => ((WorkQueue<TKey>)state!).OnDelayTimer(), this, due, Timeout.InfiniteTimeSpan);
        }
        else
        {
            _delayTimer.Change(due, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnDelayTimer()
    {
        lock (_gate)
        {
            if (_shuttingDown)
            {
                return;
            }

            var now = _time.GetUtcNow();
            foreach (var key in _delayed.Where(kv => kv.Value <= now).Select(kv => kv.Key).ToList())
            {
                _delayed.Remove(key);
                _retries.Remove(key);
                Add(key);
            }

            ScheduleDelayTimer();
        }
    }
}
