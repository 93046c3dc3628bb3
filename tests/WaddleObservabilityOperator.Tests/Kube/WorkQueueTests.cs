using Microsoft.Extensions.Time.Testing;
using WaddleObservabilityOperator.Kube;

namespace WaddleObservabilityOperator.Tests.Kube;

public sealed class WorkQueueTests
{
    private readonly FakeTimeProvider _time = new();
    private readonly RecordingWorkQueueMetrics _metrics = new();

    private WorkQueue<string> NewQueue() => new("test", _time, metrics: _metrics);

    [Fact]
    public async Task A_key_added_many_times_is_queued_once()
    {
        using var queue = NewQueue();
        queue.Add("a");
        queue.Add("a");
        queue.Add("b");
        queue.Add("a");

        Assert.Equal(2, queue.Count);
        Assert.Equal(2, _metrics.Adds);
        Assert.Equal("a", (await queue.TakeAsync(CancellationToken.None))!.Key);
        Assert.Equal("b", (await queue.TakeAsync(CancellationToken.None))!.Key);
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task A_key_added_while_processing_waits_until_done_and_is_processed_again()
    {
        using var queue = NewQueue();
        queue.Add("a");
        var item = await queue.TakeAsync(CancellationToken.None);

        queue.Add("a");
        queue.Add("a");
        Assert.Equal(0, queue.Count); // no second worker may take "a" while the first holds it

        queue.Done(item!.Key);
        Assert.Equal(1, queue.Count);
        Assert.Equal("a", (await queue.TakeAsync(CancellationToken.None))!.Key);
        queue.Done("a");
        Assert.Equal(0, queue.Count);
    }

    [Fact]
    public async Task Keys_come_out_in_the_order_they_were_added()
    {
        using var queue = NewQueue();
        foreach (var key in new[] { "c", "a", "b" })
        {
            queue.Add(key);
        }

        var taken = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            taken.Add((await queue.TakeAsync(CancellationToken.None))!.Key);
        }

        Assert.Equal(["c", "a", "b"], taken);
    }

    [Fact]
    public void Backoff_doubles_from_5ms_and_caps_at_1000s()
    {
        var backoff = ItemExponentialBackoff<string>.CreateDefault();
        var delays = Enumerable.Range(0, 4).Select(_ => backoff.When("a")).ToList();

        Assert.Equal([5, 10, 20, 40], delays.Select(d => d.TotalMilliseconds));
        Assert.Equal(TimeSpan.FromMilliseconds(5), backoff.When("b")); // per key
        for (var i = 0; i < 40; i++)
        {
            backoff.When("a");
        }

        Assert.Equal(TimeSpan.FromSeconds(1000), backoff.When("a"));
        backoff.Forget("a");
        Assert.Equal(0, backoff.Failures("a"));
        Assert.Equal(TimeSpan.FromMilliseconds(5), backoff.When("a"));
    }

    [Fact]
    public void Rate_limited_add_waits_for_the_growing_backoff_and_forget_resets_it()
    {
        using var queue = NewQueue();

        queue.AddRateLimited("a");
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromMilliseconds(4));
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.Count);

        queue.AddRateLimited("b");
        queue.AddRateLimited("b");
        Assert.Equal(2, queue.NumRequeues("b"));
        _time.Advance(TimeSpan.FromMilliseconds(5)); // the first (5 ms) wins over the second (10 ms)
        Assert.Equal(2, queue.Count);

        queue.Forget("b");
        Assert.Equal(0, queue.NumRequeues("b"));
        Assert.Equal(3, _metrics.Retries);
    }

    [Fact]
    public void Forgetting_a_key_reconciled_meanwhile_drops_the_retry_its_earlier_failures_left_waiting()
    {
        using var queue = NewQueue();
        for (var i = 0; i < 12; i++)
        {
            queue.AddRateLimited("a"); // 5 ms doubling: the last waits about 10 s
        }

        queue.AddRateLimited("b");
        Assert.Equal(2, queue.DelayedCount);

        queue.Forget("a");

        Assert.Equal(1, queue.DelayedCount);
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, queue.Count); // only b
        Assert.Equal(0, queue.DelayedCount);
    }

    [Fact]
    public void Forgetting_a_key_keeps_a_wake_asked_for_with_add_after()
    {
        // A policy's gathered service changes wait in AddAfter; a success of an earlier reconcile must not drop them.
        using var queue = NewQueue();
        queue.AddRateLimited("a");
        queue.AddAfter("a", TimeSpan.FromSeconds(1));
        queue.AddAfter("b", TimeSpan.FromSeconds(1));

        queue.Forget("a");
        queue.Forget("b");

        Assert.Equal(2, queue.DelayedCount);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, queue.Count);
    }

    [Fact]
    public async Task A_key_held_back_is_not_handed_out_before_its_time_whatever_adds_it()
    {
        using var queue = NewQueue();
        queue.Add("a");
        var item = await queue.TakeAsync(CancellationToken.None);
        queue.Add("a"); // an event while its worker has it
        queue.AddNotBefore("a", TimeSpan.FromSeconds(1)); // the worker was throttled
        queue.Done(item!.Key);
        Assert.Equal(0, queue.Count);

        queue.Add("a"); // another event
        queue.AddAfter("a", TimeSpan.FromMilliseconds(10)); // an earlier wake
        _time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(1, queue.Count);
        Assert.Equal("a", (await queue.TakeAsync(CancellationToken.None))!.Key);
        queue.Done("a");

        queue.Add("a"); // the hold is over
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public void Add_after_keeps_the_earliest_time()
    {
        using var queue = NewQueue();
        queue.AddAfter("late-first", TimeSpan.FromSeconds(10));
        queue.AddAfter("late-first", TimeSpan.FromSeconds(2));
        queue.AddAfter("early-first", TimeSpan.FromSeconds(2));
        queue.AddAfter("early-first", TimeSpan.FromSeconds(10));

        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(0, queue.Count);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(2, queue.Count);
        Assert.Equal(0, queue.DelayedCount);

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.Equal(2, queue.Count); // the later times were dropped, not scheduled again
    }

    [Fact]
    public async Task Queue_and_work_durations_are_measured_on_the_injected_clock()
    {
        using var queue = NewQueue();
        queue.Add("a");
        _time.Advance(TimeSpan.FromSeconds(3));
        var item = await queue.TakeAsync(CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(7));
        queue.Done(item!.Key);

        Assert.Equal([TimeSpan.FromSeconds(3)], _metrics.Waits);
        Assert.Equal([TimeSpan.FromSeconds(7)], _metrics.Works);
        Assert.Equal(0, _metrics.LastDepth);
    }

    [Fact]
    public async Task Shutdown_hands_out_what_is_queued_then_null_and_drain_waits_for_workers()
    {
        using var queue = NewQueue();
        queue.Add("a");
        queue.Add("b");
        var held = await queue.TakeAsync(CancellationToken.None);

        var drain = queue.ShutDownWithDrainAsync(CancellationToken.None);
        queue.Add("c"); // ignored after shutdown
        Assert.Equal("b", (await queue.TakeAsync(CancellationToken.None))!.Key);
        Assert.Null(await queue.TakeAsync(CancellationToken.None));
        queue.Done("b");
        Assert.False(drain.IsCompleted);

        queue.Done(held!.Key);
        await drain.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_waiting_worker_wakes_on_add_and_on_shutdown()
    {
        using var queue = NewQueue();
        var waiting = queue.TakeAsync(CancellationToken.None);
        Assert.False(waiting.IsCompleted);
        queue.Add("a");
        Assert.Equal("a", (await waiting.WaitAsync(TimeSpan.FromSeconds(10)))!.Key);

        var second = queue.TakeAsync(CancellationToken.None);
        queue.ShutDown();
        Assert.Null(await second.WaitAsync(TimeSpan.FromSeconds(10)));
    }
}

internal sealed class RecordingWorkQueueMetrics : IWorkQueueMetrics
{
    private readonly Lock _gate = new();

    public int Adds { get; private set; }

    public int Retries { get; private set; }

    public int LastDepth { get; private set; }

    public List<TimeSpan> Waits { get; } = [];

    public List<TimeSpan> Works { get; } = [];

    public void Added(string queue)
    {
        lock (_gate)
        {
            Adds++;
        }
    }

    public void DepthChanged(string queue, int depth)
    {
        lock (_gate)
        {
            LastDepth = depth;
        }
    }

    public void Waited(string queue, TimeSpan duration)
    {
        lock (_gate)
        {
            Waits.Add(duration);
        }
    }

    public void Worked(string queue, TimeSpan duration)
    {
        lock (_gate)
        {
            Works.Add(duration);
        }
    }

    public void Retried(string queue)
    {
        lock (_gate)
        {
            Retries++;
        }
    }
}
