using System.Net;

namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// Who waits out a 429's Retry-After. Outside a reconcile (informers, leader election) the request waits in
/// <see cref="ApiRetryHandler"/> and is sent again, as client-go does. Inside a reconcile (<see cref="Defer"/>, set by
/// <see cref="Controller{TKey}"/>) the request fails at once with <see cref="ApiThrottledException"/> and the controller
/// queues the key again for after the Retry-After: the worker goes on with other keys instead of sleeping through it.
/// Under 20 % throttling with Retry-After 1 s, sleeping workers made 100 services converge in 73 s (two workers slept
/// through about 150 seconds of Retry-After between them).
/// </summary>
public static class ApiThrottling
{
    private static readonly AsyncLocal<bool> Deferred = new();

    /// <summary>True while the current flow's 429s go back to its caller instead of being waited out.</summary>
    public static bool IsDeferred => Deferred.Value;

    /// <summary>From here on in this flow (until the enclosing async method returns) a 429 fails the request with its Retry-After.</summary>
    public static void Defer() => Deferred.Value = true;

    /// <summary>From here on in this flow a 429 is waited out in the handler (for what must not be deferred, e.g. an Event).</summary>
    public static void Wait() => Deferred.Value = false;

    /// <summary>The Retry-After a failure asks for: its own when it is a deferred 429, the longest when every one of several is.</summary>
    public static TimeSpan? RetryAfterOf(Exception exception) => exception switch
    {
        ApiThrottledException throttled => throttled.RetryAfter,
        AggregateException { InnerExceptions.Count: > 0 } all when all.InnerExceptions.All(e => e is ApiThrottledException) =>
            all.InnerExceptions.Cast<ApiThrottledException>().Max(e => e.RetryAfter),
        _ => null,
    };
}

/// <summary>A request answered 429 Too Many Requests in a flow that defers throttling (<see cref="ApiThrottling.Defer"/>): the server did not process it; send it again no sooner than <see cref="RetryAfter"/>.</summary>
public sealed class ApiThrottledException(string method, string? path, TimeSpan retryAfter)
    : HttpRequestException($"{method} {path} was throttled (429); retry after {retryAfter.TotalSeconds:0.###} s", null, HttpStatusCode.TooManyRequests)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}
