namespace WaddleObservabilityOperator.Kube;

/// <summary>Client-side limits on the operator's own API traffic.</summary>
public sealed record ApiClientOptions
{
    /// <summary>Sustained requests per second; 0 disables client-side rate limiting. Default 50 (controller-runtime uses 20, kubectl 50).</summary>
    public double Qps { get; init; } = 50;

    /// <summary>Requests allowed in a burst above <see cref="Qps"/>. Default 100.</summary>
    public int Burst { get; init; } = 100;

    /// <summary>Retries of a request answered 429 Too Many Requests (waiting Retry-After). client-go also uses 10.</summary>
    public int MaxThrottledRetries { get; init; } = 10;

    /// <summary>Retries of a read (GET, not a watch) answered 5xx or failing in transport.</summary>
    public int MaxReadRetries { get; init; } = 3;

    /// <summary>Longest Retry-After honoured; a longer one is shortened to this.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan RetryBackoff { get; init; } = TimeSpan.FromMilliseconds(200);
}
