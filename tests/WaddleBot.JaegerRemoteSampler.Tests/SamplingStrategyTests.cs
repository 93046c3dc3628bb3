namespace WaddleBot.JaegerRemoteSampler.Tests;

public sealed class SamplingStrategyTests
{
    // As Jaeger's HTTP handler serves a service with operation strategies (strategyType as a number).
    private const string PerOperation = """
        {"strategyType":0,"probabilisticSampling":{"samplingRate":0.1},
         "operationSampling":{"defaultSamplingProbability":0.1,"defaultLowerBoundTracesPerSecond":0,
           "perOperationStrategies":[
             {"operation":"GET /health","probabilisticSampling":{"samplingRate":0.05}},
             {"operation":"POST /commands/{name}","probabilisticSampling":{"samplingRate":0.7}}]}}
        """;

    [Fact]
    public void Per_operation_strategies_apply_and_the_default_covers_every_other_operation()
    {
        var strategy = SamplingStrategy.Parse(PerOperation);

        Assert.Equal(0.05, strategy.ProbabilityOf("GET /health"));
        Assert.Equal(0.7, strategy.ProbabilityOf("POST /commands/{name}"));
        Assert.Equal(0.1, strategy.ProbabilityOf("GET /anything-else"));
        // Exact and case-sensitive, as Jaeger's lookup.
        Assert.Equal(0.1, strategy.ProbabilityOf("get /health"));
    }

    [Theory]
    [InlineData("""{"strategyType":0,"probabilisticSampling":{"samplingRate":0.25}}""", 0.25)]
    [InlineData("""{"strategyType":"PROBABILISTIC","probabilisticSampling":{"samplingRate":0.25}}""", 0.25)]
    // Protobuf JSON leaves out zero values: no strategyType is probabilistic, no samplingRate is 0.
    [InlineData("""{"probabilisticSampling":{"samplingRate":0.25}}""", 0.25)]
    [InlineData("""{"probabilisticSampling":{}}""", 0.0)]
    [InlineData("""{"strategyType":0,"probabilisticSampling":{"samplingRate":1}}""", 1.0)]
    public void A_probabilistic_strategy_applies_to_every_operation(string json, double expected)
    {
        var strategy = SamplingStrategy.Parse(json);

        Assert.Equal(expected, strategy.DefaultProbability);
        Assert.Empty(strategy.Operations);
    }

    [Fact]
    public void Operation_sampling_wins_over_the_service_probability_and_a_later_duplicate_wins()
    {
        var strategy = SamplingStrategy.Parse("""
            {"strategyType":0,"probabilisticSampling":{"samplingRate":0.9},
             "operationSampling":{"defaultSamplingProbability":0.2,"perOperationStrategies":[
               {"operation":"op","probabilisticSampling":{"samplingRate":0.3}},
               {"operation":"op","probabilisticSampling":{"samplingRate":0.4}}]}}
            """);

        Assert.Equal(0.2, strategy.DefaultProbability);
        Assert.Equal(0.4, strategy.ProbabilityOf("op"));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("""{"strategyType":1,"rateLimitingSampling":{"maxTracesPerSecond":5}}""")]
    [InlineData("""{"strategyType":"RATE_LIMITING","rateLimitingSampling":{"maxTracesPerSecond":5}}""")]
    [InlineData("""{"strategyType":"SOMETHING"}""")]
    [InlineData("""{"strategyType":0}""")]
    [InlineData("""{"strategyType":0,"probabilisticSampling":{"samplingRate":1.5}}""")]
    [InlineData("""{"strategyType":0,"probabilisticSampling":{"samplingRate":"x"}}""")]
    [InlineData("""{"operationSampling":{"perOperationStrategies":[]}}""")]
    [InlineData("""{"operationSampling":{"defaultSamplingProbability":-0.1}}""")]
    [InlineData("""{"operationSampling":{"defaultSamplingProbability":0.1,"perOperationStrategies":[{"operation":"op"}]}}""")]
    [InlineData("""{"operationSampling":{"defaultSamplingProbability":0.1,"perOperationStrategies":[{"probabilisticSampling":{"samplingRate":0.1}}]}}""")]
    public void What_is_not_a_probabilistic_strategy_is_refused(string json)
    {
        Assert.Throws<FormatException>(() => SamplingStrategy.Parse(json));
    }
}
