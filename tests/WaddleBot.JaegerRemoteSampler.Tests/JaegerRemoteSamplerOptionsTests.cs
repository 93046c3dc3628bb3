namespace WaddleBot.JaegerRemoteSampler.Tests;

public sealed class JaegerRemoteSamplerOptionsTests
{
    [Fact]
    public void Reads_the_argument_the_operator_injects()
    {
        var options = JaegerRemoteSamplerOptions.Parse(
            "endpoint=http://waddlebot-jaeger.waddlebot.svc:5778/sampling,pollingIntervalMs=60000,initialSamplingRate=0.001", "router");

        Assert.Equal(new Uri("http://waddlebot-jaeger.waddlebot.svc:5778/sampling"), options.Endpoint);
        Assert.Equal(TimeSpan.FromSeconds(60), options.PollingInterval);
        Assert.Equal(0.001, options.InitialSamplingRate);
        Assert.Equal("http://waddlebot-jaeger.waddlebot.svc:5778/sampling?service=router", options.StrategyUrl().AbsoluteUri);
    }

    [Fact]
    public void Missing_keys_take_the_specification_defaults_and_unknown_keys_are_ignored()
    {
        var options = JaegerRemoteSamplerOptions.Parse(" pollingIntervalMs = 500 , vendorKey=x", "a b");

        Assert.Equal(JaegerRemoteSamplerOptions.DefaultEndpoint, options.Endpoint);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.PollingInterval);
        Assert.Equal(JaegerRemoteSamplerOptions.DefaultInitialSamplingRate, options.InitialSamplingRate);
        Assert.Equal("http://localhost:5778/sampling?service=a%20b", options.StrategyUrl().AbsoluteUri);
        Assert.Equal(JaegerRemoteSamplerOptions.DefaultEndpoint, JaegerRemoteSamplerOptions.Parse(null, "x").Endpoint);
    }

    [Theory]
    [InlineData("endpoint=localhost:5778")]
    [InlineData("endpoint=grpc://localhost:14250")]
    [InlineData("pollingIntervalMs=0")]
    [InlineData("pollingIntervalMs=1.5")]
    [InlineData("initialSamplingRate=2")]
    [InlineData("initialSamplingRate=abc")]
    [InlineData("endpoint")]
    public void Values_it_cannot_use_are_refused(string argument)
    {
        Assert.Throws<FormatException>(() => JaegerRemoteSamplerOptions.Parse(argument, "router"));
    }
}
