namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// A token bucket on an injected clock: <see cref="Qps"/> tokens a second, at most <see cref="Burst"/> saved up.
/// A caller that finds the bucket empty reserves the next token and waits for it (golang.org/x/time/rate's Wait).
/// </summary>
public sealed class TokenBucket
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private double _tokens;
    private long _updated;

    public TokenBucket(double qps, int burst, TimeProvider time)
    {
        if (qps <= 0 || burst < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(qps), $"a token bucket needs qps > 0 and burst >= 1 (got {qps}/{burst})");
        }

        Qps = qps;
        Burst = burst;
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _tokens = burst;
        _updated = time.GetTimestamp();
    }

    public double Qps { get; }

    public int Burst { get; }

    /// <summary>Takes a token and returns how long to wait before using it (zero when one was available).</summary>
    public TimeSpan Reserve()
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(Burst, _tokens + (_time.GetElapsedTime(_updated, now).TotalSeconds * Qps));
            _updated = now;
            _tokens -= 1;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / Qps);
        }
    }

    public async Task WaitAsync(CancellationToken cancellationToken)
    {
        var wait = Reserve();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
        }
    }
}
