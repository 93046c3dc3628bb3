namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// Per-key retry delay: base * 2^failures, capped (client-go's ItemExponentialFailureRateLimiter; controller-runtime's
/// default of 5 ms .. 1000 s). <see cref="Forget"/> after a success starts the key over.
/// </summary>
public sealed class ItemExponentialBackoff<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, int> _failures = [];
    private readonly Lock _gate = new();

    public ItemExponentialBackoff(TimeSpan baseDelay, TimeSpan maxDelay)
    {
        if (baseDelay <= TimeSpan.Zero || maxDelay < baseDelay)
        {
            throw new ArgumentOutOfRangeException(nameof(baseDelay), $"need 0 < base ({baseDelay}) <= max ({maxDelay})");
        }

        BaseDelay = baseDelay;
        MaxDelay = maxDelay;
    }

    public static TimeSpan DefaultBaseDelay { get; } = TimeSpan.FromMilliseconds(5);

    public static TimeSpan DefaultMaxDelay { get; } = TimeSpan.FromSeconds(1000);

    public TimeSpan BaseDelay { get; }

    public TimeSpan MaxDelay { get; }

    public static ItemExponentialBackoff<TKey> CreateDefault() => new(DefaultBaseDelay, DefaultMaxDelay);

    /// <summary>Records a failure of <paramref name="key"/> and returns how long to wait before retrying it.</summary>
    public TimeSpan When(TKey key)
    {
        int exponent;
        lock (_gate)
        {
            exponent = _failures.GetValueOrDefault(key);
            _failures[key] = exponent + 1;
        }

        var ms = BaseDelay.TotalMilliseconds * Math.Pow(2, exponent);
        return ms >= MaxDelay.TotalMilliseconds ? MaxDelay : TimeSpan.FromMilliseconds(ms);
    }

    public void Forget(TKey key)
    {
        lock (_gate)
        {
            _failures.Remove(key);
        }
    }

    public int Failures(TKey key)
    {
        lock (_gate)
        {
            return _failures.GetValueOrDefault(key);
        }
    }
}
