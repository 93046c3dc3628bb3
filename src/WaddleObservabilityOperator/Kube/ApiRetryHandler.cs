using System.Net;

namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// Retries what is safe to retry: any request answered 429 (the server did not process it) after its Retry-After, and
/// reads (GET, not watches: the informer owns watch recovery) answered 5xx or failing in transport, with backoff.
/// Inside a reconcile (<see cref="ApiThrottling.Defer"/>) a 429 is not waited out here: the request fails with
/// <see cref="ApiThrottledException"/> and its key is queued again for after the Retry-After.
/// </summary>
public sealed class ApiRetryHandler(ApiClientOptions options, TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var backoff = new ReconnectBackoff(options.RetryBackoff, TimeSpan.FromSeconds(5), jitter: 0.5);
        var throttled = 0;
        var failedReads = 0;
        var read = IsRead(request);
        while (true)
        {
            HttpResponseMessage response;
            try
            {
                response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (read && failedReads < options.MaxReadRetries && !cancellationToken.IsCancellationRequested)
            {
                failedReads++;
                await Task.Delay(backoff.Next(), time, cancellationToken).ConfigureAwait(false);
                continue;
            }

            TimeSpan delay;
            if (response.StatusCode == HttpStatusCode.TooManyRequests && ApiThrottling.IsDeferred)
            {
                var retryAfter = RetryAfter(response) ?? backoff.Next();
                response.Dispose();
                throw new ApiThrottledException(request.Method.Method, request.RequestUri?.AbsolutePath, retryAfter);
            }
            else if (response.StatusCode == HttpStatusCode.TooManyRequests && throttled < options.MaxThrottledRetries)
            {
                throttled++;
                delay = RetryAfter(response) ?? backoff.Next();
            }
            else if ((int)response.StatusCode >= 500 && read && failedReads < options.MaxReadRetries)
            {
                failedReads++;
                delay = RetryAfter(response) ?? backoff.Next();
            }
            else
            {
                return response;
            }

            response.Dispose();
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }

    private static bool IsRead(HttpRequestMessage request) =>
        request.Method == HttpMethod.Get && ApiVerb.Of(request) != ApiVerb.Watch;

    private TimeSpan? RetryAfter(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        TimeSpan? delay = header?.Delta ?? (header?.Date is { } date ? date - time.GetUtcNow() : null);
        if (delay is null)
        {
            return null;
        }

        return delay < TimeSpan.Zero ? TimeSpan.Zero : delay > options.MaxRetryAfter ? options.MaxRetryAfter : delay;
    }
}
