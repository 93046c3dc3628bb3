namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// Delay before reconnecting after a failure: initial * 2^attempt capped at max, plus up to <see cref="Jitter"/> times
/// that at random (client-go's reflector: 800 ms .. 30 s, factor 2, jitter 1.0). <see cref="Reset"/> after a healthy period.
/// </summary>
public sealed class ReconnectBackoff(TimeSpan initial, TimeSpan max, double jitter = 1.0, Random? random = null)
{
    private readonly Random _random = random ?? Random.Shared;
    private int _attempt;

    public double Jitter { get; } = jitter;

    public TimeSpan Next()
    {
        var ms = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, _attempt));
        if (ms < max.TotalMilliseconds)
        {
            _attempt++;
        }

        return TimeSpan.FromMilliseconds(ms + (ms * Jitter * _random.NextDouble()));
    }

    public void Reset() => _attempt = 0;
}
