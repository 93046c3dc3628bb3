using System.Text.Json.Nodes;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Faults;

/// <summary>
/// Which requests a fault applies to: a verb (<c>get</c>, <c>list</c>, <c>watch</c>, <c>create</c>, <c>update</c>,
/// <c>patch</c>, <c>delete</c>, <c>deletecollection</c>, or "*"), and optionally a resource (plural, e.g.
/// <c>leases</c>) and a substring of the User-Agent (one client among several, e.g. one operator instance).
/// </summary>
public sealed record FaultTarget(string Verb = "*", string? Resource = null, string? UserAgent = null)
{
    public static FaultTarget All { get; } = new();

    internal bool Matches(string verb, string? resource, string? userAgent) =>
        (Verb == "*" || Verb == verb)
        && (Resource is null || Resource == resource)
        && (UserAgent is null || userAgent?.Contains(UserAgent, StringComparison.Ordinal) == true);
}

/// <summary>
/// Failures switched on at run time: error rates or counts (500/503), throttling (429 with Retry-After), added latency,
/// and interference (another writer changes the object just before a matching write lands, so a write carrying the
/// resourceVersion it read gets a real 409). Each fault applies to a <see cref="FaultTarget"/>; setting a fault again for
/// the same target replaces it. Rates use a seeded random source so a test run can be repeated.
/// </summary>
public sealed class FaultInjector(int seed)
{
    private readonly Lock _gate = new();
    private readonly Random _random = new(seed);
    private readonly List<Rule> _errors = [];
    private readonly List<Rule> _throttles = [];
    private readonly List<Rule> _interference = [];
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
    public void FailRate(string verb, double rate, int statusCode = 500) => FailRate(new FaultTarget(verb), rate, statusCode);

    /// <summary>Fails a fraction of the requests <paramref name="target"/> matches with 500 or 503.</summary>
    public void FailRate(FaultTarget target, double rate, int statusCode = 500)
    {
        CheckStatus(statusCode);
        Set(_errors, new Rule(target, rate, null, statusCode, TimeSpan.Zero, null));
    }

    /// <summary>Fails the next <paramref name="count"/> requests with <paramref name="verb"/> ("*" for all).</summary>
    public void FailNext(string verb, int count, int statusCode = 500) => FailNext(new FaultTarget(verb), count, statusCode);

    /// <summary>Fails the next <paramref name="count"/> requests <paramref name="target"/> matches.</summary>
    public void FailNext(FaultTarget target, int count, int statusCode = 500)
    {
        CheckStatus(statusCode);
        Set(_errors, new Rule(target, 1, count, statusCode, TimeSpan.Zero, null));
    }

    /// <summary>Answers a fraction (or the next <paramref name="count"/>) of all API requests with 429 and Retry-After.</summary>
    public void Throttle(double rate, TimeSpan retryAfter, int? count = null) => Throttle(FaultTarget.All, rate, retryAfter, count);

    /// <summary>Answers a fraction (or the next <paramref name="count"/>) of the requests <paramref name="target"/> matches with 429 and Retry-After.</summary>
    public void Throttle(FaultTarget target, double rate, TimeSpan retryAfter, int? count = null) =>
        Set(_throttles, new Rule(target, rate, count, 429, retryAfter, null));

    /// <summary>
    /// Before a fraction (or the next <paramref name="count"/>) of the writes <paramref name="target"/> matches, changes
    /// the stored object with <paramref name="change"/> as another writer would (new resourceVersion, a watch event, no
    /// logged request). The write itself then proceeds: an update carrying the resourceVersion its sender read gets 409.
    /// </summary>
    public void Interfere(FaultTarget target, double rate, Func<JsonObject, JsonObject> change, int? count = null)
    {
        ArgumentNullException.ThrowIfNull(change);
        Set(_interference, new Rule(target, rate, count, 0, TimeSpan.Zero, change));
    }

    public void Clear()
    {
        lock (_gate)
        {
            _errors.Clear();
            _throttles.Clear();
            _interference.Clear();
            _latency = TimeSpan.Zero;
        }
    }

    /// <summary>The failure this request gets, if any: throttling first, then errors, the first matching rule set wins.</summary>
    internal ApiException? Decide(string verb, string? resource, string? userAgent)
    {
        lock (_gate)
        {
            if (Take(_throttles, verb, resource, userAgent) is { } throttle)
            {
                var seconds = Math.Max(1, (int)Math.Ceiling(throttle.RetryAfter.TotalSeconds));
                return new ApiException(429, "TooManyRequests", "Too many requests, please try again later.",
                    new JsonObject { ["retryAfterSeconds"] = seconds },
                    new Dictionary<string, string> { ["Retry-After"] = seconds.ToString() });
            }

            if (Take(_errors, verb, resource, userAgent) is { } error)
            {
                return error.StatusCode == 503
                    ? new ApiException(503, "ServiceUnavailable", "the server is currently unable to handle the request (injected fault)")
                    : new ApiException(500, "InternalError", $"Internal error occurred: injected fault on {verb}");
            }

            return null;
        }
    }

    /// <summary>The change another writer makes to the target object before this request, if any.</summary>
    internal Func<JsonObject, JsonObject>? Interference(string verb, string? resource, string? userAgent)
    {
        lock (_gate)
        {
            return Take(_interference, verb, resource, userAgent)?.Change;
        }
    }

    private void Set(List<Rule> rules, Rule rule)
    {
        lock (_gate)
        {
            rules.RemoveAll(r => r.Target == rule.Target);
            rules.Add(rule);
        }
    }

    // The first matching rule that hits; a counted rule is used up by its hits.
    private Rule? Take(List<Rule> rules, string verb, string? resource, string? userAgent)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (!rule.Target.Matches(verb, resource, userAgent) || !Hits(rule.Rate, rule.Remaining))
            {
                continue;
            }

            if (rule.Remaining is { } left)
            {
                if (left <= 1)
                {
                    rules.RemoveAt(i);
                }
                else
                {
                    rules[i] = rule with { Remaining = left - 1 };
                }
            }

            return rule;
        }

        return null;
    }

    private bool Hits(double rate, int? remaining) => remaining is > 0 || (remaining is null && _random.NextDouble() < rate);

    private static void CheckStatus(int statusCode)
    {
        if (statusCode is not (500 or 503))
        {
            throw new ArgumentOutOfRangeException(nameof(statusCode), statusCode, "injected errors are 500 or 503 (use Throttle for 429)");
        }
    }

    private sealed record Rule(FaultTarget Target, double Rate, int? Remaining, int StatusCode, TimeSpan RetryAfter, Func<JsonObject, JsonObject>? Change);
}
