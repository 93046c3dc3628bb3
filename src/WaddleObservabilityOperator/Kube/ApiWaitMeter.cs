using System.Diagnostics;

namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// Measures how long the current reconcile spends waiting for the API server: every request's time from the
/// outermost handler on (rate limit, Retry-After and the server's answer), added up per flow. <see cref="Controller{TKey}"/>
/// starts a meter for each reconcile and sizes its workers by the share of reconcile time spent waiting.
/// </summary>
public sealed class ApiWaitMeter
{
    private static readonly AsyncLocal<ApiWaitMeter?> Current = new();
    private long _ticks;

    public TimeSpan Waited => TimeSpan.FromTicks(Interlocked.Read(ref _ticks));

    /// <summary>A meter for the current flow (until the enclosing async method returns).</summary>
    public static ApiWaitMeter Start()
    {
        var meter = new ApiWaitMeter();
        Current.Value = meter;
        return meter;
    }

    internal static void Add(TimeSpan waited)
    {
        if (Current.Value is { } meter)
        {
            Interlocked.Add(ref meter._ticks, waited.Ticks);
        }
    }
}

/// <summary>The outermost handler: adds each request's whole time, retries and client-side waits included, to the flow's <see cref="ApiWaitMeter"/>.</summary>
public sealed class ApiWaitHandler : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ApiWaitMeter.Add(Stopwatch.GetElapsedTime(started));
        }
    }
}
