using k8s;

namespace WaddleObservabilityOperator.Kube;

/// <summary>Builds the KubernetesClient the runtime uses: retries outermost, then the client-side rate limit, then request counting, so every attempt is limited and counted.</summary>
public static class KubernetesClientFactory
{
    public static Kubernetes Create(KubernetesClientConfiguration config, ApiClientOptions options, TimeProvider time, IApiRequestMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Qps < 0 || options.Burst < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), $"QPS ({options.Qps}) and burst ({options.Burst}) must not be negative; QPS 0 turns the client-side limit off");
        }

        var handlers = new List<DelegatingHandler> { new ApiRetryHandler(options, time) };
        if (options.Qps > 0)
        {
            handlers.Add(new ClientRateLimitHandler(new TokenBucket(options.Qps, Math.Max(1, options.Burst), time)));
        }

        if (metrics is not null)
        {
            handlers.Add(new ApiRequestCountingHandler(metrics));
        }

        return new Kubernetes(config, [.. handlers]);
    }
}
