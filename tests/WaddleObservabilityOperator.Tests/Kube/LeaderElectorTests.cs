using System.Net;
using k8s.Autorest;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WaddleObservabilityOperator.Kube;
using LeaderElector = WaddleObservabilityOperator.Kube.LeaderElector;

namespace WaddleObservabilityOperator.Tests.Kube;

public sealed class LeaderElectorTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly LeaseStore _lease = new();

    private LeaderElector Candidate(string identity, out FakeLock leaseLock)
    {
        leaseLock = new FakeLock(identity, _lease);
        return new LeaderElector(leaseLock, new LeaderElectionOptions { LeaseNamespace = "ns", LeaseName = "op", Identity = identity }, _time, NullLogger.Instance);
    }

    [Fact]
    public async Task The_first_candidate_creates_the_lease_and_the_second_waits()
    {
        var a = Candidate("a", out _);
        var b = Candidate("b", out _);

        Assert.True(await a.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));

        Assert.True(a.CanWrite);
        Assert.False(b.CanWrite);
        Assert.Equal("a", b.ObservedLeader);
    }

    [Fact]
    public async Task A_renewed_lease_is_never_taken_over()
    {
        var a = Candidate("a", out _);
        var b = Candidate("b", out _);
        await a.TryAcquireOrRenewAsync(CancellationToken.None);

        for (var i = 0; i < 15; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(2));
            Assert.True(await a.TryAcquireOrRenewAsync(CancellationToken.None));
            Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        }

        Assert.Equal("a", _lease.Record!.HolderIdentity);
        Assert.Equal(0, _lease.Record.LeaderTransitions);
    }

    [Fact]
    public async Task A_lease_not_renewed_is_taken_over_only_after_the_lease_duration_counted_from_the_standby_observation()
    {
        var a = Candidate("a", out _);
        var b = Candidate("b", out _);
        await a.TryAcquireOrRenewAsync(CancellationToken.None);
        await b.TryAcquireOrRenewAsync(CancellationToken.None); // b observes a's record now

        _time.Advance(TimeSpan.FromSeconds(10));
        Assert.False(a.CanWrite); // past the renew deadline a stops writing...
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None)); // ...well before b may start

        _time.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(await b.TryAcquireOrRenewAsync(CancellationToken.None));

        _time.Advance(TimeSpan.FromSeconds(0.1));
        Assert.True(await b.TryAcquireOrRenewAsync(CancellationToken.None));
        Assert.True(b.CanWrite);
        Assert.Equal(1, _lease.Record!.LeaderTransitions);
        Assert.False(await a.TryAcquireOrRenewAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Of_two_racing_updates_only_one_wins()
    {
        var a = Candidate("a", out _);
        var b = Candidate("b", out var lockB);
        _lease.Record = new LeaseRecord { HolderIdentity = "", LeaseDurationSeconds = 1 };

        // Both read the released lease; a writes first, so b's update carries a stale version.
        lockB.HoldUpdate = true;
        var bAttempt = b.TryAcquireOrRenewAsync(CancellationToken.None);
        Assert.True(await a.TryAcquireOrRenewAsync(CancellationToken.None));
        lockB.HoldUpdate = false;
        lockB.ReleaseHeldUpdate();

        Assert.False(await bAttempt);
        Assert.Equal("a", _lease.Record.HolderIdentity);
    }

    [Fact]
    public async Task A_leader_that_cannot_renew_stops_writing_at_the_renew_deadline_before_the_lease_expires()
    {
        var a = Candidate("a", out var lockA);
        var b = Candidate("b", out _);
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var aLeading = new TaskCompletionSource<CancellationToken>();
        var bLeading = new TaskCompletionSource();
        var runA = a.RunAsync(ct => { aLeading.TrySetResult(ct); return Task.Delay(Timeout.Infinite, ct); }, stopA.Token);
        var leadershipA = await aLeading.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var runB = b.RunAsync(_ => { bLeading.TrySetResult(); return Task.Delay(Timeout.Infinite, stopB.Token); }, stopB.Token);
        await WaitUntilAsync(() => b.ObservedLeader == "a");
        var start = _time.GetUtcNow();

        lockA.Unreachable = true;
        await AdvanceUntilAsync(() => leadershipA.IsCancellationRequested, TimeSpan.FromSeconds(20));
        var stoppedAfter = _time.GetUtcNow() - start;

        Assert.InRange(stoppedAfter, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(10.5));
        Assert.False(a.CanWrite);
        Assert.False(bLeading.Task.IsCompleted); // nobody else leads before a has stopped

        await AdvanceUntilAsync(() => bLeading.Task.IsCompleted, TimeSpan.FromSeconds(30));
        Assert.True(_time.GetUtcNow() - start >= TimeSpan.FromSeconds(15));
        Assert.True(b.CanWrite);

        await stopA.CancelAsync();
        await stopB.CancelAsync();
        await Task.WhenAll(runA, runB).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_leader_stopping_gracefully_releases_the_lease_and_the_standby_takes_over_within_a_retry_period()
    {
        var a = Candidate("a", out _);
        var b = Candidate("b", out _);
        using var stopA = new CancellationTokenSource();
        using var stopB = new CancellationTokenSource();
        var aLeading = new TaskCompletionSource();
        var bLeading = new TaskCompletionSource();
        var runA = a.RunAsync(ct => { aLeading.TrySetResult(); return Task.Delay(Timeout.Infinite, ct); }, stopA.Token);
        await aLeading.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var runB = b.RunAsync(ct => { bLeading.TrySetResult(); return Task.Delay(Timeout.Infinite, ct); }, stopB.Token);
        await WaitUntilAsync(() => b.ObservedLeader == "a");

        await stopA.CancelAsync();
        await runA.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("", _lease.Record!.HolderIdentity);
        var released = _time.GetUtcNow();

        await AdvanceUntilAsync(() => bLeading.Task.IsCompleted, TimeSpan.FromSeconds(10));
        Assert.True(_time.GetUtcNow() - released <= TimeSpan.FromSeconds(2.5));
        Assert.Equal("b", _lease.Record.HolderIdentity);

        await stopB.CancelAsync();
        await runB.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Work_that_fails_while_leading_hands_the_lease_over()
    {
        var a = Candidate("a", out _);
        using var stop = new CancellationTokenSource();
        var terms = 0;
        var run = a.RunAsync(_ => Interlocked.Increment(ref terms) == 1 ? throw new InvalidOperationException("controllers crashed") : Task.Delay(Timeout.Infinite, stop.Token), stop.Token);

        await WaitUntilAsync(() => _lease.Record?.HolderIdentity == "");
        Assert.False(a.CanWrite);
        await AdvanceUntilAsync(() => Volatile.Read(ref terms) == 2, TimeSpan.FromSeconds(10));
        Assert.True(a.CanWrite);
        Assert.Equal("a", _lease.Record!.HolderIdentity);

        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void Options_must_order_the_durations()
    {
        Assert.Throws<ArgumentException>(() => new LeaderElectionOptions { LeaseNamespace = "n", LeaseName = "l", Identity = "i", RenewDeadline = TimeSpan.FromSeconds(20) }.Validate());
    }

    private async Task AdvanceUntilAsync(Func<bool> condition, TimeSpan limit)
    {
        var end = _time.GetUtcNow() + limit;
        while (!condition() && _time.GetUtcNow() < end)
        {
            _time.Advance(TimeSpan.FromMilliseconds(250));
            for (var i = 0; i < 5; i++)
            {
                await Task.Delay(2);
            }
        }

        Assert.True(condition(), "condition not reached within the simulated time limit");
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    internal sealed class LeaseStore
    {
        public LeaseRecord? Record { get; set; }

        public int Version { get; set; }
    }

    /// <summary>An ILeaseLock over a shared in-memory record with version checks, like LeaseLock over the API.</summary>
    internal sealed class FakeLock(string identity, LeaseStore store) : ILeaseLock
    {
        private readonly Lock _gate = new();
        private int _seenVersion = -1;
        private TaskCompletionSource? _held;

        public string Identity { get; } = identity;

        public bool Unreachable { get; set; }

        public bool HoldUpdate { get; set; }

        public void ReleaseHeldUpdate() => _held?.TrySetResult();

        public Task<LeaseRecord> GetAsync(CancellationToken cancellationToken)
        {
            ThrowIfUnreachable();
            lock (_gate)
            {
                if (store.Record is null)
                {
                    throw new HttpOperationException("not found") { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.NotFound), "") };
                }

                _seenVersion = store.Version;
                return Task.FromResult(Copy(store.Record));
            }
        }

        public Task<bool> CreateAsync(LeaseRecord record, CancellationToken cancellationToken)
        {
            ThrowIfUnreachable();
            lock (_gate)
            {
                if (store.Record is not null)
                {
                    return Task.FromResult(false);
                }

                store.Record = Copy(record);
                _seenVersion = ++store.Version;
                return Task.FromResult(true);
            }
        }

        public async Task<bool> UpdateAsync(LeaseRecord record, CancellationToken cancellationToken)
        {
            ThrowIfUnreachable();
            if (HoldUpdate)
            {
                _held = new TaskCompletionSource();
                await _held.Task;
            }

            lock (_gate)
            {
                if (_seenVersion != store.Version)
                {
                    return false;
                }

                store.Record = Copy(record);
                _seenVersion = ++store.Version;
                return true;
            }
        }

        private static LeaseRecord Copy(LeaseRecord r) => r with { };

        private void ThrowIfUnreachable()
        {
            if (Unreachable)
            {
                throw new HttpRequestException("connection refused");
            }
        }
    }
}
