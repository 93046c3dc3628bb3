using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WaddleObservabilityOperator.Kube;

namespace WaddleObservabilityOperator.Tests.Kube;

public sealed class ControllerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly WorkQueue<string> _queue;
    private readonly RecordingReconcileMetrics _metrics = new();
    private readonly CancellationTokenSource _stop = new();

    public ControllerTests() => _queue = new WorkQueue<string>("test", _time);

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
        _queue.Dispose();
    }

    private Task Run(Func<string, CancellationToken, Task<ReconcileResult>> reconcile, int workers = 1) =>
        new Controller<string>("test", _queue, reconcile, _time, NullLogger.Instance, workers, _metrics).RunAsync(_stop.Token);

    [Fact]
    public async Task Runs_at_most_the_configured_number_of_reconciles_at_once()
    {
        var gate = new TaskCompletionSource();
        var active = 0;
        var peak = 0;
        var running = Run(async (_, _) =>
        {
            var now = Interlocked.Increment(ref active);
            InterlockedMax(ref peak, now);
            await gate.Task;
            Interlocked.Decrement(ref active);
            return ReconcileResult.Done;
        }, workers: 2);
        _queue.Add("a");
        _queue.Add("b");
        _queue.Add("c");

        await WaitUntilAsync(() => Volatile.Read(ref active) == 2);
        Assert.Equal(1, _queue.Count); // both workers are busy, so "c" waits

        gate.SetResult();
        await WaitUntilAsync(() => _metrics.Count(ReconcileOutcome.Success) == 3);
        Assert.Equal(2, peak);
        await _stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Workers_grow_while_reconciles_wait_on_the_api_and_shrink_back_when_they_do_not()
    {
        var waiting = true;
        var active = 0;
        var peak = 0;
        var controller = new Controller<string>("test", _queue, async (_, _) =>
        {
            InterlockedMax(ref peak, Interlocked.Increment(ref active));
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            if (Volatile.Read(ref waiting))
            {
                await Task.Delay(5);
                ApiWaitMeter.Add(System.Diagnostics.Stopwatch.GetElapsedTime(started)); // as ApiWaitHandler does for a request
            }
            else
            {
                while (System.Diagnostics.Stopwatch.GetElapsedTime(started) < TimeSpan.FromMilliseconds(1))
                {
                    Thread.SpinWait(100); // CPU work, no API wait
                }
            }

            Interlocked.Decrement(ref active);
            return ReconcileResult.Done;
        }, _time, NullLogger.Instance, minWorkers: 1, _metrics)
        { MaxWorkers = 4, Cores = 1 };
        var running = controller.RunAsync(_stop.Token);

        // Reconciles that only wait: cores / (1 - share) is far above the bound, so all four workers take keys.
        var done = 0;
        for (var round = 0; Volatile.Read(ref peak) < 4; round++)
        {
            Assert.True(round < 200, $"workers never grew past {Volatile.Read(ref peak)}");
            foreach (var i in Enumerable.Range(0, 20))
            {
                _queue.Add($"wait-{round}-{i}");
            }

            done += 20;
            await WaitUntilAsync(() => _metrics.Count(ReconcileOutcome.Success) == done);
        }

        Assert.Equal(4, controller.CurrentConcurrentReconciles);

        // Reconciles that only compute: back down to the minimum.
        Volatile.Write(ref waiting, false);
        for (var round = 0; controller.CurrentConcurrentReconciles > 1; round++)
        {
            Assert.True(round < 200, $"workers never shrank below {controller.CurrentConcurrentReconciles}");
            _queue.Add($"cpu-{round}");
            done++;
            await WaitUntilAsync(() => _metrics.Count(ReconcileOutcome.Success) == done);
        }

        await _stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Never_reconciles_one_key_twice_at_the_same_time()
    {
        var gate = new TaskCompletionSource();
        var calls = 0;
        var concurrent = 0;
        var overlapped = false;
        _ = Run(async (_, _) =>
        {
            Interlocked.Increment(ref calls);
            overlapped |= Interlocked.Increment(ref concurrent) > 1;
            await gate.Task;
            Interlocked.Decrement(ref concurrent);
            return ReconcileResult.Done;
        }, workers: 3);
        _queue.Add("a");
        await WaitUntilAsync(() => Volatile.Read(ref calls) == 1);

        _queue.Add("a");
        _queue.Add("a");
        Assert.Equal(0, _queue.Count); // held back while "a" is being reconciled, though two workers are idle

        gate.SetResult();
        await WaitUntilAsync(() => _metrics.Count(ReconcileOutcome.Success) == 2);
        Assert.Equal(2, calls);
        Assert.False(overlapped);
    }

    [Fact]
    public async Task An_error_retries_with_backoff_and_success_forgets_it()
    {
        var calls = 0;
        _ = Run((_, _) => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("boom")
            : Task.FromResult(ReconcileResult.Done));
        _queue.Add("a");

        await WaitUntilAsync(() => _metrics.Count(ReconcileOutcome.Error) == 1);
        Assert.Equal(1, _queue.NumRequeues("a"));
        Assert.Equal(1, _queue.DelayedCount);

        _time.Advance(TimeSpan.FromMilliseconds(5));
        await WaitUntilAsync(() => _metrics.Count(ReconcileOutcome.Success) == 1);
        Assert.Equal(0, _queue.NumRequeues("a"));
    }

    [Fact]
    public async Task A_refused_write_is_lost_leadership_not_an_error_the_key_waits_without_backoff()
    {
        var calls = 0;
        _ = Run((_, _) => Interlocked.Increment(ref calls) == 1
            ? throw new WriteRefusedException("not the leader")
            : Task.FromResult(ReconcileResult.Done));
        _queue.Add("a");

        await WaitUntilAsync(() => _queue.DelayedCount == 1);
        Assert.Equal(0, _metrics.Count(ReconcileOutcome.Error));
        Assert.Equal(0, _queue.NumRequeues("a")); // no backoff grows from it
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(1, Volatile.Read(ref calls)); // not retried in a loop while the leadership token is not yet cancelled

        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntilAsync(() => _metrics.Count(ReconcileOutcome.Success) == 1);
        Assert.Equal(0, _metrics.Count(ReconcileOutcome.Error));
    }

    [Fact]
    public async Task A_throttled_reconcile_comes_back_after_the_retry_after_without_backoff_and_frees_its_worker()
    {
        var calls = new Dictionary<string, int>();
        _ = Run((key, _) =>
        {
            lock (calls)
            {
                calls[key] = calls.GetValueOrDefault(key) + 1;
                Assert.True(ApiThrottling.IsDeferred); // a 429 inside the reconcile comes back to it
                if (key == "a" && calls[key] == 1)
                {
                    throw new ApiThrottledException("PUT", "/a", TimeSpan.FromSeconds(2));
                }
            }

            return Task.FromResult(ReconcileResult.Done);
        });
        _queue.Add("a");
        _queue.Add("b");

        // The one worker goes on with b while a waits out its Retry-After.
        await WaitUntilAsync(() => _metrics.Count(ReconcileOutcome.Success) == 1 && _metrics.Count(ReconcileOutcome.Throttled) == 1);
        Assert.Equal(0, _metrics.Count(ReconcileOutcome.Error));
        Assert.Equal(0, _queue.NumRequeues("a"));
        _queue.Add("a"); // an event meanwhile does not send its requests again before the Retry-After
        Assert.Equal(0, _queue.Count);
        _time.Advance(TimeSpan.FromMilliseconds(1999));
        Assert.Equal(1, _queue.DelayedCount);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await WaitUntilAsync(() => _metrics.Count(ReconcileOutcome.Success) == 2);
        Assert.Equal(2, calls["a"]);
    }

    [Fact]
    public async Task Requeue_after_comes_back_after_the_delay_and_retry_backs_off_without_an_error()
    {
        var calls = 0;
        _ = Run((_, _) => Task.FromResult(Interlocked.Increment(ref calls) switch
        {
            1 => ReconcileResult.RequeueAfter(TimeSpan.FromSeconds(30)),
            2 => ReconcileResult.Retry,
            _ => ReconcileResult.Done,
        }));
        _queue.Add("a");
        await WaitUntilAsync(() => _metrics.Count(ReconcileOutcome.RequeueAfter) == 1);
        Assert.Equal(1, _queue.DelayedCount);

        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(1, _queue.DelayedCount);
        _time.Advance(TimeSpan.FromSeconds(1));
        await WaitUntilAsync(() => _metrics.Count(ReconcileOutcome.Requeue) == 1);
        Assert.Equal(1, _queue.NumRequeues("a"));

        _time.Advance(TimeSpan.FromMilliseconds(5));
        await WaitUntilAsync(() => _metrics.Count(ReconcileOutcome.Success) == 1);
        Assert.Equal(0, _metrics.Count(ReconcileOutcome.Error));
        Assert.All(_metrics.Durations, d => Assert.Equal(TimeSpan.Zero, d)); // measured on the injected clock
    }

    [Fact]
    public async Task Stopping_cuts_the_reconcile_short_and_keeps_its_key_for_the_next_run()
    {
        var started = new TaskCompletionSource();
        var running = Run(async (_, ct) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, ct);
            return ReconcileResult.Done;
        });
        _queue.Add("a");
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await _stop.CancelAsync();
        await running.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, _queue.Count);
        Assert.Equal(0, _metrics.ActiveWorkers);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private sealed class RecordingReconcileMetrics : IReconcileMetrics
    {
        private readonly Lock _gate = new();
        private readonly List<string> _results = [];
        private int _active;

        public List<TimeSpan> Durations { get; } = [];

        public int ActiveWorkers => Volatile.Read(ref _active);

        public int Count(string result)
        {
            lock (_gate)
            {
                return _results.Count(r => r == result);
            }
        }

        public void Reconciled(string controller, string result, TimeSpan duration)
        {
            lock (_gate)
            {
                _results.Add(result);
                Durations.Add(duration);
            }
        }

        public void ActiveWorkersChanged(string controller, int delta) => Interlocked.Add(ref _active, delta);

        public void MaxConcurrentReconciles(string controller, int value)
        {
        }
    }
}
