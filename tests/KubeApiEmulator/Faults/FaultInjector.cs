using System.Text.Json.Nodes;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Faults;

/// <summary>
/// Failures switched on at run time: error rates or counts per verb (500/503), throttling (429 with Retry-After)
/// and added latency. Rates use a seeded random source so a test run can be repeated.
/// </summary>
public sealed class FaultInjector(int seed)
{
    private readonly Lock _gate = new();
    private readonly Random _random = new(seed);
    private readonly Dictionary<string, ErrorFault> _errors = [];
    private ThrottleFault? _throttle;
    private TimeSpan _latency;

    /// <summary>Added before every API request is answered.</summary>
    public TimeSpan Latency
    {
        get
        {
            lock (_gate)
            {
                return _latency;
            }
        }

        set
        {
            lock (_gate)
            {
                _latency = value;
            }
        }
    }

    /// <summary>Fails a fraction of requests with <paramref name="verb"/> ("*" for all) with 500 or 503.</summary>
    public void FailRate(string verb, double rate, int statusCode = 500)
    {
        CheckStatus(statusCode);
        lock (_gate)
        {
            _errors[verb] = new ErrorFault(rate, null, statusCode);
        }
    }

    /// <summary>Fails the next <paramref name="count"/> requests with <paramref name="verb"/> ("*" for all).</summary>
    public void FailNext(string verb, int count, int statusCode = 500)
    {
        CheckStatus(statusCode);
        lock (_gate)
        {
            _errors[verb] = new ErrorFault(1, count, statusCode);
        }
    }

    /// <summary>Answers a fraction (or the next <paramref name="count"/>) of API requests with 429 and Retry-After.</summary>
    public void Throttle(double rate, TimeSpan retryAfter, int? count = null)
    {
        lock (_gate)
        {
            _throttle = new ThrottleFault(rate, count, retryAfter);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _errors.Clear();
            _throttle = null;
            _latency = TimeSpan.Zero;
        }
    }

    /// <summary>The failure this request gets, if any.</summary>
    internal ApiException? Decide(string verb)
    {
        lock (_gate)
        {
            if (_throttle is { } throttle && Hits(throttle.Rate, throttle.Remaining))
            {
                _throttle = throttle.Remaining is { } left ? (left <= 1 ? null : throttle with { Remaining = left - 1 }) : throttle;
                var seconds = Math.Max(1, (int)Math.Ceiling(throttle.RetryAfter.TotalSeconds));
                return new ApiException(429, "TooManyRequests", "Too many requests, please try again later.",
                    new JsonObject { ["retryAfterSeconds"] = seconds },
                    new Dictionary<string, string> { ["Retry-After"] = seconds.ToString() });
            }

            foreach (var key in new[] { verb, "*" })
            {
                if (_errors.TryGetValue(key, out var fault) && Hits(fault.Rate, fault.Remaining))
                {
                    if (fault.Remaining is { } left)
                    {
                        if (left <= 1)
                        {
                            _errors.Remove(key);
                        }
                        else
                        {
                            _errors[key] = fault with { Remaining = left - 1 };
                        }
                    }

                    return fault.StatusCode == 503
                        ? new ApiException(503, "ServiceUnavailable", "the server is currently unable to handle the request (injected fault)")
                        : new ApiException(500, "InternalError", $"Internal error occurred: injected fault on {verb}");
                }
            }

            return null;
        }
    }

    private bool Hits(double rate, int? remaining) => remaining is > 0 || (remaining is null && _random.NextDouble() < rate);

    private static void CheckStatus(int statusCode)
    {
        if (statusCode is not (500 or 503))
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "injected errors are 500 or 503");
        }
    }

    private sealed record ErrorFault(double Rate, int? Remaining, int StatusCode);

    private sealed record ThrottleFault(double Rate, int? Remaining, TimeSpan RetryAfter);
}
