using k8s;
using k8s.Autorest;

namespace WaddleObservabilityOperator.Kube;

/// <summary>Lease timings (client-go and controller-runtime defaults: 15 s / 10 s / 2 s).</summary>
public sealed record LeaderElectionOptions
{
    public required string LeaseNamespace { get; init; }

    public required string LeaseName { get; init; }

    /// <summary>This candidate's identity, unique per process (e.g. pod name plus a random suffix).</summary>
    public required string Identity { get; init; }

    /// <summary>How long others wait, from the last change they observed, before taking over a lease that is not renewed.</summary>
    public TimeSpan LeaseDuration { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>A leader that has not renewed for this long stops writing; shorter than LeaseDuration, so it stops before anyone else may start.</summary>
    public TimeSpan RenewDeadline { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Interval between acquire and renew attempts.</summary>
    public TimeSpan RetryPeriod { get; init; } = TimeSpan.FromSeconds(2);

    public void Validate()
    {
        if (LeaseDuration <= RenewDeadline || RenewDeadline <= RetryPeriod || RetryPeriod <= TimeSpan.Zero)
        {
            throw new ArgumentException($"leader election needs leaseDuration ({LeaseDuration}) > renewDeadline ({RenewDeadline}) > retryPeriod ({RetryPeriod}) > 0");
        }

        ArgumentException.ThrowIfNullOrEmpty(LeaseNamespace);
        ArgumentException.ThrowIfNullOrEmpty(LeaseName);
        ArgumentException.ThrowIfNullOrEmpty(Identity);
    }
}

/// <summary>
/// Leader election on a coordination.k8s.io/v1 Lease through a <see cref="ILeaseLock"/> (<see cref="LeaseLock"/>, whose
/// updates are PUTs guarded by resourceVersion). Unlike KubernetesClient's own LeaderElector it runs on an injected
/// clock, stops writing at the renew deadline even while a renew request hangs (a timer cancels the leadership token
/// and <see cref="CanWrite"/> turns false), and releases the lease on a graceful stop so a standby takes over at once.
/// </summary>
public sealed class LeaderElector : IWritePermit
{
    private readonly ILeaseLock _lock;
    private readonly LeaderElectionOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private LeaseRecord? _observedRecord;
    private DateTimeOffset _observedTime;
    private DateTimeOffset? _renewedAt;

    public LeaderElector(ILeaseLock leaseLock, LeaderElectionOptions options, TimeProvider time, ILogger logger)
    {
        _lock = leaseLock ?? throw new ArgumentNullException(nameof(leaseLock));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        options.Validate();
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
    }

    /// <summary>Raised with the new holder's identity whenever the observed holder changes.</summary>
    public event Action<string>? LeaderChanged;

    public string Identity => _options.Identity;

    /// <summary>True while this instance holds the lease and renewed it within the renew deadline.</summary>
    public bool IsLeader
    {
        get
        {
            lock (_gate)
            {
                return _renewedAt is { } renewed && _time.GetUtcNow() - renewed < _options.RenewDeadline;
            }
        }
    }

    public bool CanWrite => IsLeader;

    /// <summary>The holder last observed on the lease (empty when released), or null before the first look.</summary>
    public string? ObservedLeader
    {
        get
        {
            lock (_gate)
            {
                return _observedRecord?.HolderIdentity;
            }
        }
    }

    public static LeaderElector ForLease(Kubernetes client, LeaderElectionOptions options, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new LeaderElector(new LeaseLock(client, options.LeaseNamespace, options.LeaseName, options.Identity), options, time, logger);
    }

    /// <summary>
    /// Campaigns until <paramref name="stopping"/>; while leading runs <paramref name="lead"/> with a token cancelled when
    /// leadership ends. After losing the lease it campaigns again; on a graceful stop it releases the lease.
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> lead, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(lead);
        while (!stopping.IsCancellationRequested)
        {
            if (!await AcquireAsync(stopping).ConfigureAwait(false))
            {
                return;
            }

            using var leadership = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            using var deadline = _time.CreateTimer(static s => CancelQuietly((CancellationTokenSource)s!), leadership, _options.RenewDeadline, Timeout.InfiniteTimeSpan);
            _logger.LogInformation("{Identity} became the leader on lease {Namespace}/{Lease}", Identity, _options.LeaseNamespace, _options.LeaseName);
            var work = Task.Run(() => lead(leadership.Token), CancellationToken.None);
            await RenewAsync(deadline, leadership.Token, work).ConfigureAwait(false);

            MarkNotLeading();
            CancelQuietly(leadership);
            var failed = false;
            try
            {
                await work.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (leadership.IsCancellationRequested)
            {
                // The leading work stops when its token is cancelled.
            }
            catch (Exception e)
            {
                failed = true;
                _logger.LogError(e, "Work run while leading failed; handing the lease over and campaigning again");
            }

            if (stopping.IsCancellationRequested || work.IsCompletedSuccessfully)
            {
                await ReleaseAsync().ConfigureAwait(false);
                return;
            }

            if (failed)
            {
                await ReleaseAsync().ConfigureAwait(false);
                try
                {
                    await Task.Delay(_options.RetryPeriod, _time, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            _logger.LogWarning("{Identity} lost the lease {Namespace}/{Lease}: not renewed within {RenewDeadline}; stopped writing", Identity, _options.LeaseNamespace, _options.LeaseName, _options.RenewDeadline);
        }
    }

    /// <summary>One attempt to take or renew the lease (client-go's tryAcquireOrRenew).</summary>
    internal async Task<bool> TryAcquireOrRenewAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var leaseSeconds = (int)Math.Ceiling(_options.LeaseDuration.TotalSeconds);
        LeaseRecord current;
        try
        {
            current = await _lock.GetAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (KubeErrors.IsNotFound(e))
        {
            var first = new LeaseRecord { HolderIdentity = Identity, LeaseDurationSeconds = leaseSeconds, AcquireTime = now.UtcDateTime, RenewTime = now.UtcDateTime };
            if (!await _lock.CreateAsync(first, cancellationToken).ConfigureAwait(false))
            {
                return false;
            }

            Observe(first, now, renewed: true);
            return true;
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            _logger.LogWarning("Reading lease {Namespace}/{Lease} failed: {Message}", _options.LeaseNamespace, _options.LeaseName, e.Message);
            return false;
        }

        // Expiry is judged by when *we* saw the record change, never by comparing clocks with its writer.
        Observe(current, now, renewed: false);
        DateTimeOffset observedTime;
        lock (_gate)
        {
            observedTime = _observedTime;
        }

        var holder = current.HolderIdentity;
        var heldByOther = !string.IsNullOrEmpty(holder) && holder != Identity;
        var recordDuration = TimeSpan.FromSeconds(current.LeaseDurationSeconds > 0 ? current.LeaseDurationSeconds : leaseSeconds);
        if (heldByOther && observedTime + recordDuration > now)
        {
            return false;
        }

        var ours = holder == Identity;
        var next = new LeaseRecord
        {
            HolderIdentity = Identity,
            LeaseDurationSeconds = leaseSeconds,
            AcquireTime = ours ? current.AcquireTime : now.UtcDateTime,
            RenewTime = now.UtcDateTime,
            LeaderTransitions = ours ? current.LeaderTransitions : current.LeaderTransitions + 1,
        };
        if (!await _lock.UpdateAsync(next, cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        Observe(next, now, renewed: true);
        return true;
    }

    private async Task<bool> AcquireAsync(CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                if (await TryAcquireOrRenewAsync(stopping).ConfigureAwait(false))
                {
                    return true;
                }

                await Task.Delay(_options.RetryPeriod, _time, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return false;
            }
        }
    }

    // Renews every retry period until the deadline timer has fired (renewals failing for renewDeadline), the
    // leadership token is cancelled, or the leading work ends.
    private async Task RenewAsync(ITimer deadline, CancellationToken leadership, Task work)
    {
        while (!leadership.IsCancellationRequested && !work.IsCompleted)
        {
            try
            {
                await Task.WhenAny(work, Task.Delay(_options.RetryPeriod, _time, leadership)).ConfigureAwait(false);
                if (work.IsCompleted || leadership.IsCancellationRequested)
                {
                    return;
                }

                if (await TryAcquireOrRenewAsync(leadership).ConfigureAwait(false))
                {
                    deadline.Change(_options.RenewDeadline, Timeout.InfiniteTimeSpan);
                }
                else
                {
                    _logger.LogWarning("{Identity} could not renew lease {Namespace}/{Lease}", Identity, _options.LeaseNamespace, _options.LeaseName);
                }
            }
            catch (OperationCanceledException) when (leadership.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task ReleaseAsync()
    {
        LeaseRecord? observed;
        lock (_gate)
        {
            observed = _observedRecord;
        }

        if (observed?.HolderIdentity != Identity)
        {
            return;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        var released = new LeaseRecord { HolderIdentity = "", LeaseDurationSeconds = 1, AcquireTime = now, RenewTime = now, LeaderTransitions = observed.LeaderTransitions };
        using var timeout = new CancellationTokenSource(_options.RenewDeadline, _time);
        try
        {
            if (await _lock.UpdateAsync(released, timeout.Token).ConfigureAwait(false))
            {
                Observe(released, _time.GetUtcNow(), renewed: false);
                _logger.LogInformation("{Identity} released lease {Namespace}/{Lease}", Identity, _options.LeaseNamespace, _options.LeaseName);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or HttpRequestException or HttpOperationException)
        {
            // Others take over once the lease expires.
            _logger.LogWarning("Releasing lease {Namespace}/{Lease} failed: {Message}", _options.LeaseNamespace, _options.LeaseName, e.Message);
        }
    }

    private void Observe(LeaseRecord record, DateTimeOffset now, bool renewed)
    {
        string? newLeader = null;
        lock (_gate)
        {
            if (_observedRecord is null || !SameRecord(_observedRecord, record))
            {
                if (_observedRecord?.HolderIdentity != record.HolderIdentity)
                {
                    newLeader = record.HolderIdentity ?? "";
                }

                _observedRecord = record;
                _observedTime = now;
            }

            if (renewed)
            {
                _renewedAt = now;
            }
        }

        if (newLeader is not null)
        {
            LeaderChanged?.Invoke(newLeader);
        }
    }

    private void MarkNotLeading()
    {
        lock (_gate)
        {
            _renewedAt = null;
        }
    }

    private static bool SameRecord(LeaseRecord a, LeaseRecord b) =>
        a.HolderIdentity == b.HolderIdentity && a.LeaseDurationSeconds == b.LeaseDurationSeconds && a.AcquireTime == b.AcquireTime
        && a.RenewTime == b.RenewTime && a.LeaderTransitions == b.LeaderTransitions;

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Leadership already over.
        }
    }
}
