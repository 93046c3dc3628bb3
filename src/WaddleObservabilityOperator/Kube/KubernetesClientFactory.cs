using k8s;

namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// Builds the KubernetesClient the runtime uses. Outermost first: the reconcile's API wait meter (<see cref="ApiWaitHandler"/>), the write permit (a refused write never goes out, so
/// it is neither retried, limited nor counted), retries, then the client-side rate limit, then request counting and
/// telemetry, so every attempt that goes out is limited and counted.
/// </summary>
public static class KubernetesClientFactory
{
    /// <param name="config">Where the API server is and how to authenticate.</param>
    /// <param name="options">Rate limit and retries.</param>
    /// <param name="time">The clock of the rate limit and the retries.</param>
    /// <param name="metrics">When given, counts every attempt by verb and code.</param>
    /// <param name="writePermit">When given, writes are refused while it is withheld (<see cref="WritePermitHandler"/>).</param>
    /// <param name="telemetry">An innermost handler that sees every attempt, e.g. spans and the User-Agent.</param>
    public static Kubernetes Create(
        KubernetesClientConfiguration config,
        ApiClientOptions options,
        TimeProvider time,
        IApiRequestMetrics? metrics = null,
        IWritePermit? writePermit = null,
        DelegatingHandler? telemetry = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Qps < 0 || options.Burst < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"QPS ({options.Qps}) and burst ({options.Burst}) must not be negative; QPS 0 turns the client-side limit off");
        }

        var handlers = new List<DelegatingHandler> { new ApiWaitHandler() };
        if (writePermit is not null)
        {
            handlers.Add(new WritePermitHandler(writePermit));
        }

        handlers.Add(new ApiRetryHandler(options, time));
        if (options.Qps > 0)
        {
            handlers.Add(new ClientRateLimitHandler(new TokenBucket(options.Qps, Math.Max(1, options.Burst), time)));
        }

        if (metrics is not null)
        {
            handlers.Add(new ApiRequestCountingHandler(metrics));
        }

        if (telemetry is not null)
        {
            handlers.Add(telemetry);
        }

        return new Kubernetes(config, [.. handlers]);
    }
}
