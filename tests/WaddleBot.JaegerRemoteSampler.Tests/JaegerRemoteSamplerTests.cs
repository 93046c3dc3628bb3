using System.Diagnostics;
using System.Net;
using Microsoft.Extensions.Time.Testing;
using OpenTelemetry.Trace;

namespace WaddleBot.JaegerRemoteSampler.Tests;

public sealed class JaegerRemoteSamplerTests
{
    private static readonly JaegerRemoteSamplerOptions Options = JaegerRemoteSamplerOptions.Parse(
        "endpoint=http://jaeger.test:5778/sampling,pollingIntervalMs=1000,initialSamplingRate=0.5", "router");

    private const string Strategy = """
        {"strategyType":0,"probabilisticSampling":{"samplingRate":0.1},
         "operationSampling":{"defaultSamplingProbability":0.1,"perOperationStrategies":[
           {"operation":"GET /health","probabilisticSampling":{"samplingRate":0}},
           {"operation":"POST /commands","probabilisticSampling":{"samplingRate":0.8}}]}}
        """;

    private static readonly ActivityTraceId[] TraceIds = [.. Enumerable.Range(0, 4000).Select(_ => ActivityTraceId.CreateRandom())];

    [Fact]
    public async Task Each_operation_is_sampled_by_its_probability_exactly_as_the_trace_id_ratio_sampler_decides()
    {
        var endpoint = new StrategyEndpoint();
        endpoint.Answer(HttpStatusCode.OK, Strategy);
        using var sampler = new JaegerRemoteSampler(Options, endpoint.Client(), startPolling: false);

        Assert.True(await sampler.PollAsync());

        Assert.Equal("http://jaeger.test:5778/sampling?service=router", Assert.Single(endpoint.Requests));
        AssertDecisions(sampler, "GET /health", 0);
        AssertDecisions(sampler, "POST /commands", 0.8);
        AssertDecisions(sampler, "GET /other", 0.1);
    }

    [Fact]
    public void Before_the_first_strategy_the_initial_rate_applies()
    {
        using var sampler = new JaegerRemoteSampler(Options, new StrategyEndpoint().Client(), startPolling: false);

        Assert.Null(sampler.LastUpdate);
        AssertDecisions(sampler, "GET /other", 0.5);
        AssertDecisions(sampler, "POST /commands", 0.5);
    }

    [Fact]
    public async Task A_failed_poll_keeps_the_last_good_strategy()
    {
        var endpoint = new StrategyEndpoint();
        endpoint.Answer(HttpStatusCode.OK, Strategy);
        endpoint.Answer(HttpStatusCode.InternalServerError, "collector down");
        endpoint.Answer(HttpStatusCode.OK, "<html>proxy error</html>");
        endpoint.Answer(HttpStatusCode.OK, """{"strategyType":1,"rateLimitingSampling":{"maxTracesPerSecond":5}}""");
        endpoint.Fail(new HttpRequestException("connection refused"));
        endpoint.Answer(HttpStatusCode.OK, """{"strategyType":0,"probabilisticSampling":{"samplingRate":0.3}}""");
        var fake = new FakeTimeProvider(DateTimeOffset.Parse("2025-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        using var sampler = new JaegerRemoteSampler(Options, endpoint.Client(), time: fake, startPolling: false);
        var changes = new List<SamplingStrategy>();
        sampler.StrategyChanged += changes.Add;

        Assert.True(await sampler.PollAsync());
        var good = sampler.Strategy;
        var fetched = sampler.LastUpdate;
        for (var i = 0; i < 4; i++)
        {
            fake.Advance(TimeSpan.FromSeconds(1));
            Assert.False(await sampler.PollAsync());
            Assert.Same(good, sampler.Strategy);
            Assert.Equal(fetched, sampler.LastUpdate);
            AssertDecisions(sampler, "POST /commands", 0.8);
            AssertDecisions(sampler, "GET /other", 0.1);
        }

        Assert.True(await sampler.PollAsync());
        Assert.Equal(0.3, sampler.Strategy.ProbabilityOf("POST /commands"));
        AssertDecisions(sampler, "POST /commands", 0.3);
        Assert.Equal((6, 4), sampler.PollCounts);
        Assert.Equal([0.1, 0.3], changes.Select(c => c.DefaultProbability));
    }

    [Fact]
    public async Task It_polls_at_once_and_then_every_polling_interval()
    {
        var endpoint = new StrategyEndpoint();
        endpoint.Answer(HttpStatusCode.OK, """{"probabilisticSampling":{"samplingRate":0.2}}""");
        endpoint.Answer(HttpStatusCode.OK, """{"probabilisticSampling":{"samplingRate":0.4}}""");
        var fake = new FakeTimeProvider();
        using var sampler = new JaegerRemoteSampler(Options, endpoint.Client(), time: fake);

        await endpoint.WaitForRequestsAsync(1);
        await WaitForAsync(() => sampler.Strategy.DefaultProbability == 0.2);
        fake.Advance(TimeSpan.FromMilliseconds(999));
        Assert.Single(endpoint.Requests);
        fake.Advance(TimeSpan.FromMilliseconds(1));
        await endpoint.WaitForRequestsAsync(2);
        await WaitForAsync(() => sampler.Strategy.DefaultProbability == 0.4);
        AssertDecisions(sampler, "anything", 0.4);
    }

    [Fact]
    public void From_the_environment_parentbased_jaeger_remote_lets_children_follow_their_parent()
    {
        var env = new Dictionary<string, string>
        {
            ["OTEL_TRACES_SAMPLER"] = "parentbased_jaeger_remote",
            ["OTEL_TRACES_SAMPLER_ARG"] = "endpoint=http://127.0.0.1:9/sampling,pollingIntervalMs=3600000,initialSamplingRate=0",
        };
        var (sampler, remote) = TracesSamplerFromEnvironment.Create(name => env.GetValueOrDefault(name), "router");
        using (remote)
        {
            Assert.IsType<ParentBasedSampler>(sampler);
            Assert.NotNull(remote);
            var root = new SamplingParameters(default, ActivityTraceId.CreateRandom(), "op", ActivityKind.Server);
            Assert.Equal(SamplingDecision.Drop, sampler.ShouldSample(root).Decision);
            var sampledParent = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded, isRemote: true);
            var child = new SamplingParameters(sampledParent, sampledParent.TraceId, "op", ActivityKind.Server);
            Assert.Equal(SamplingDecision.RecordAndSample, sampler.ShouldSample(child).Decision);
        }
    }

    [Theory]
    [InlineData(null, "ParentBasedSampler")]
    [InlineData("always_on", "AlwaysOnSampler")]
    [InlineData("always_off", "AlwaysOffSampler")]
    [InlineData("traceidratio", "TraceIdRatioBasedSampler")]
    [InlineData("parentbased_traceidratio", "ParentBasedSampler")]
    [InlineData("jaeger_remote", "JaegerRemoteSampler")]
    public void Every_sampler_of_the_specification_is_known(string? name, string type)
    {
        var env = new Dictionary<string, string?> { ["OTEL_TRACES_SAMPLER"] = name, ["OTEL_TRACES_SAMPLER_ARG"] = name == "jaeger_remote" ? "pollingIntervalMs=3600000" : "0.25" };
        var (sampler, remote) = TracesSamplerFromEnvironment.Create(n => env.GetValueOrDefault(n), "router");
        using (remote)
        {
            Assert.Equal(type, sampler.GetType().Name);
        }
    }

    [Theory]
    [InlineData("jaeger", "")]
    [InlineData("parentbased_traceidratio", "1.5")]
    [InlineData("traceidratio", "half")]
    public void Unknown_samplers_and_bad_arguments_are_refused(string name, string argument)
    {
        var env = new Dictionary<string, string> { ["OTEL_TRACES_SAMPLER"] = name, ["OTEL_TRACES_SAMPLER_ARG"] = argument };
        Assert.Throws<FormatException>(() => TracesSamplerFromEnvironment.Create(n => env.GetValueOrDefault(n), "router"));
    }

    /// <summary>Every decision equals the SDK's trace-id ratio sampler's at <paramref name="probability"/>: deterministic by trace id.</summary>
    private static void AssertDecisions(Sampler sampler, string operation, double probability)
    {
        var reference = new TraceIdRatioBasedSampler(probability);
        var sampled = 0;
        foreach (var traceId in TraceIds)
        {
            var parameters = new SamplingParameters(default, traceId, operation, ActivityKind.Server);
            var decision = sampler.ShouldSample(parameters).Decision;
            Assert.Equal(reference.ShouldSample(parameters).Decision, decision);
            sampled += decision == SamplingDecision.RecordAndSample ? 1 : 0;
        }

        // And the share is the probability, within 4 sigma of a binomial.
        var n = TraceIds.Length;
        Assert.InRange(sampled, (probability * n) - (4 * Math.Sqrt(n * probability * (1 - probability))) - 0.5, (probability * n) + (4 * Math.Sqrt(n * probability * (1 - probability))) + 0.5);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 600 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }

    /// <summary>Jaeger's sampling endpoint as the test scripts it: answers in order, the last one repeated.</summary>
    private sealed class StrategyEndpoint : HttpMessageHandler
    {
        private readonly Queue<Func<HttpResponseMessage>> _answers = new();
        private readonly List<string> _requests = [];
        private readonly Lock _gate = new();
        private Func<HttpResponseMessage>? _last;

        public IReadOnlyList<string> Requests
        {
            get
            {
                lock (_gate)
                {
                    return [.. _requests];
                }
            }
        }

        public HttpClient Client() => new(this, disposeHandler: false);

        public void Answer(HttpStatusCode status, string body) =>
            _answers.Enqueue(() => new HttpResponseMessage(status) { Content = new StringContent(body) });

        public void Fail(Exception exception) => _answers.Enqueue(() => throw exception);

        public async Task WaitForRequestsAsync(int count)
        {
            for (var i = 0; i < 600 && Requests.Count < count; i++)
            {
                await Task.Delay(50);
            }

            Assert.True(Requests.Count >= count, $"{Requests.Count} polls, expected {count}");
        }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Func<HttpResponseMessage> answer;
            lock (_gate)
            {
                _requests.Add(request.RequestUri!.AbsoluteUri);
                answer = _answers.TryDequeue(out var next) ? _last = next : _last ?? (() => new HttpResponseMessage(HttpStatusCode.NotFound));
            }

            return Task.FromResult(answer());
        }
    }
}
