namespace WaddleObservabilityOperator.Kube;

/// <summary>Holds each request until the token bucket allows it (client-go's client-side QPS/burst limit).</summary>
public sealed class ClientRateLimitHandler(TokenBucket bucket) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        await bucket.WaitAsync(cancellationToken).ConfigureAwait(false);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
