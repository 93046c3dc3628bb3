using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace WaddleBot.JaegerRemoteSampler;

/// <summary>
/// Jaeger's remote sampler for OpenTelemetry .NET: polls Jaeger's sampling endpoint for the service's strategy every
/// polling interval and samples each root span by the probability of its operation (the default for operations without
/// their own). A decision is a pure function of the trace id (the SDK's <see cref="TraceIdRatioBasedSampler"/>), so
/// every service of a trace agrees and the sampled share of many traces is binomial. When a poll fails (no answer, an
/// error status, a document it cannot read) the last good strategy stays in force; before the first one,
/// <see cref="JaegerRemoteSamplerOptions.InitialSamplingRate"/> applies. Wrap it in <see cref="ParentBasedSampler"/>
/// (<see cref="TracesSamplerFromEnvironment"/> does for <c>parentbased_jaeger_remote</c>) so children follow their parent.
/// </summary>
public sealed class JaegerRemoteSampler : Sampler, IDisposable
{
    private readonly JaegerRemoteSamplerOptions _options;
    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly ITimer? _timer;
    private readonly SemaphoreSlim _polling = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private volatile Compiled _current;
    private long _polls;
    private long _failures;

    /// <param name="options">Endpoint, service, interval and initial rate.</param>
    /// <param name="http">The client to poll with (its timeout applies to one poll); one of its own when null.</param>
    /// <param name="logger">Where strategy changes and failed polls are logged.</param>
    /// <param name="time">The clock of the polling timer (a fake one in tests).</param>
    /// <param name="startPolling">False: no timer; the owner calls <see cref="PollAsync"/> (tests).</param>
    public JaegerRemoteSampler(JaegerRemoteSamplerOptions options, HttpClient? http = null, ILogger? logger = null, TimeProvider? time = null, bool startPolling = true)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _ownsHttp = http is null;
        _http = http ?? new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
        _current = Compile(SamplingStrategy.Uniform(options.InitialSamplingRate));
        Description = $"JaegerRemoteSampler{{{options.StrategyUrl()}}}";
        if (startPolling)
        {
            // The first poll at once, then every interval: a new process samples by the served strategy within one round trip.
            _timer = _time.CreateTimer(_ => _ = PollAsync(_stopping.Token), null, TimeSpan.Zero, options.PollingInterval);
        }
    }

    /// <summary>The strategy in force.</summary>
    public SamplingStrategy Strategy => _current.Strategy;

    /// <summary>When the strategy in force was fetched; null while the initial rate applies.</summary>
    public DateTimeOffset? LastUpdate => _current.Fetched;

    /// <summary>Polls made, and how many of them failed.</summary>
    public (long Polls, long Failures) PollCounts => (Interlocked.Read(ref _polls), Interlocked.Read(ref _failures));

    /// <summary>Raised after a poll that changed the strategy in force.</summary>
    public event Action<SamplingStrategy>? StrategyChanged;

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters)
    {
        var current = _current;
        var operation = _options.OperationName(samplingParameters);
        var sampler = current.Operations.TryGetValue(operation, out var own) ? own : current.Default;
        return sampler.ShouldSample(samplingParameters);
    }

    /// <summary>One poll: fetches the strategy and puts it in force; on any failure keeps the one in force. True when a strategy was read.</summary>
    public async Task<bool> PollAsync(CancellationToken cancellationToken = default)
    {
        if (!await _polling.WaitAsync(0, cancellationToken).ConfigureAwait(false))
        {
            // A poll is still running (slow endpoint): this tick is skipped rather than queued.
            return false;
        }

        try
        {
            Interlocked.Increment(ref _polls);
            var url = _options.StrategyUrl();
            SamplingStrategy strategy;
            try
            {
                // The sampler's own polls are not the application's traffic: no span for them.
                using var suppressed = SuppressInstrumentationScope.Begin();
                using var response = await _http.GetAsync(url, cancellationToken).ConfigureAwait(false);
                var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
                if (!response.IsSuccessStatusCode)
                {
                    throw new HttpRequestException($"{(int)response.StatusCode} {response.ReasonPhrase}: {Truncate(body)}");
                }

                strategy = SamplingStrategy.Parse(body);
            }
            catch (Exception e) when (e is HttpRequestException or FormatException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                Interlocked.Increment(ref _failures);
                _logger.LogWarning("Sampling strategy from {Url} not read, keeping {Strategy}: {Error}", url, _current.Strategy, e.Message);
                return false;
            }

            var previous = _current;
            _current = Compile(strategy, _time.GetUtcNow());
            if (!SameStrategy(previous.Strategy, strategy))
            {
                _logger.LogInformation("Sampling strategy of {Service} is now {Strategy}", _options.ServiceName, strategy);
                StrategyChanged?.Invoke(strategy);
            }

            return true;
        }
        finally
        {
            _polling.Release();
        }
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _timer?.Dispose();
        if (_ownsHttp)
        {
            _http.Dispose();
        }

        _stopping.Dispose();
    }

    private static bool SameStrategy(SamplingStrategy a, SamplingStrategy b) =>
        a.DefaultProbability.Equals(b.DefaultProbability)
        && a.Operations.Count == b.Operations.Count
        && a.Operations.All(o => b.Operations.TryGetValue(o.Key, out var p) && p.Equals(o.Value));

    private static string Truncate(string text) => text.Length <= 200 ? text : text[..200] + "...";

    private static Compiled Compile(SamplingStrategy strategy, DateTimeOffset? fetched = null)
    {
        // One sampler per distinct probability: operations at the same probability share it.
        var byProbability = new Dictionary<double, Sampler>();
        Sampler For(double probability)
        {
            if (!byProbability.TryGetValue(probability, out var sampler))
            {
                sampler = new TraceIdRatioBasedSampler(probability);
                byProbability[probability] = sampler;
            }

            return sampler;
        }

        return new Compiled(strategy, For(strategy.DefaultProbability),
            strategy.Operations.ToDictionary(o => o.Key, o => For(o.Value), StringComparer.Ordinal), fetched);
    }

    private sealed record Compiled(SamplingStrategy Strategy, Sampler Default, IReadOnlyDictionary<string, Sampler> Operations, DateTimeOffset? Fetched);
}
