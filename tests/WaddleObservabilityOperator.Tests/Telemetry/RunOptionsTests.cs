using Microsoft.Extensions.Logging;
using WaddleObservabilityOperator.Cli;
using WaddleObservabilityOperator.Telemetry;

namespace WaddleObservabilityOperator.Tests.Telemetry;

public sealed class RunOptionsTests
{
    [Fact]
    public void No_flags_give_controller_runtime_style_defaults()
    {
        var options = RunOptions.Parse([]);
        Assert.Null(options.Kubeconfig);
        Assert.Empty(options.Namespaces);
        Assert.Null(options.LeaderElect);
        Assert.Equal(":8080", options.MetricsBindAddress);
        Assert.Equal(":8081", options.HealthProbeBindAddress);
        Assert.Equal(TimeSpan.FromMinutes(10), options.ResyncPeriod);
        Assert.Equal(LogFormat.Json, options.LogFormat);
        Assert.Equal(LogLevel.Information, options.LogLevel);
    }

    [Fact]
    public void Every_flag_is_read_in_both_spellings()
    {
        var options = RunOptions.Parse([
            "--kubeconfig", "/tmp/kc", "--namespaces=bots, core,bots", "--leader-elect=false",
            "--leader-election-namespace", "ops", "--concurrency=4", "--max-concurrency", "12", "--qps", "7.5", "--burst=9",
            "--resync-period", "1h30m", "--max-retry-delay=30s", "--metrics-bind-address=127.0.0.1:0", "--health-probe-bind-address", "0",
            "--log-format", "text", "--log-level=debug",
        ]);
        Assert.Equal("/tmp/kc", options.Kubeconfig);
        Assert.Equal(["bots", "core"], options.Namespaces);
        Assert.False(options.LeaderElect);
        Assert.Equal("ops", options.LeaderElectionNamespace);
        Assert.Equal(4, options.Concurrency);
        Assert.Equal(12, options.MaxConcurrency);
        Assert.Equal(7.5, options.Qps);
        Assert.Equal(9, options.Burst);
        Assert.Equal(TimeSpan.FromMinutes(90), options.ResyncPeriod);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxRetryDelay);
        Assert.Equal("127.0.0.1:0", options.MetricsBindAddress);
        Assert.Equal("0", options.HealthProbeBindAddress);
        Assert.Equal(LogFormat.Text, options.LogFormat);
        Assert.Equal(LogLevel.Debug, options.LogLevel);
    }

    [Fact]
    public void A_bare_leader_elect_means_true_and_does_not_swallow_the_next_flag()
    {
        var options = RunOptions.Parse(["--leader-elect", "--concurrency", "3"]);
        Assert.True(options.LeaderElect);
        Assert.Equal(3, options.Concurrency);
    }

    [Theory]
    [InlineData("--concurrency=0", "--concurrency")]
    [InlineData("--qps=-1", "--qps")]
    [InlineData("--resync-period=10 minutes", "--resync-period")]
    [InlineData("--resync-period=0s", "--resync-period")]
    [InlineData("--max-retry-delay=1ms", "--max-retry-delay")]
    [InlineData("--log-format=xml", "--log-format")]
    [InlineData("--log-level=loud", "--log-level")]
    [InlineData("--metrics-bind-address=8080", "--metrics-bind-address")]
    [InlineData("--leader-elect=maybe", "--leader-elect")]
    [InlineData("--frobnicate", "--frobnicate")]
    public void Bad_input_is_rejected_naming_the_flag(string arg, string named)
    {
        var error = Assert.Throws<FormatException>(() => RunOptions.Parse([arg]));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flag_without_its_value_is_rejected()
    {
        var error = Assert.Throws<FormatException>(() => RunOptions.Parse(["--kubeconfig"]));
        Assert.Contains("--kubeconfig needs a value", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("30s", 30_000)]
    [InlineData("10m", 600_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("500ms", 500)]
    [InlineData("2m30s", 150_000)]
    public void Durations_are_go_style(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), RunOptions.ParseDuration("--resync-period", text));
}
