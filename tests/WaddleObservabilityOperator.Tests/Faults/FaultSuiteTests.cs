using WaddleObservabilityOperator.Chaos;
using WaddleObservabilityOperator.Tests.Api;
using WaddleObservabilityOperator.Tests.Integration;
using WaddleObservabilityOperator.Tests.Upstream;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Faults;

/// <summary>
/// The fault suite (issue 7): each scenario of <see cref="ChaosScenarios"/> on a small WaddleBot system must end in the
/// state a fault-free run ends in, with nothing lost (<see cref="NothingLost"/>) and no operator crash. The same
/// scenarios run larger, and are timed, in the benchmark's chaos command.
/// </summary>
[Collection(OperatorScenarios.Collection)]
public sealed class FaultSuiteTests(FaultSuiteTests.Runner runner, ITestOutputHelper output) : IClassFixture<FaultSuiteTests.Runner>
{
    public static TheoryData<string> Scenarios => [.. ChaosScenarios.All.Select(s => s.Name)];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Converges_to_the_fault_free_state_with_nothing_lost(string scenario)
    {
        runner.Output.Current = output;
        using var limit = new CancellationTokenSource(TimeSpan.FromMinutes(5));

        var result = await runner.Chaos.RunAsync(ChaosScenarios.Named(scenario), limit.Token);

        output.WriteLine($"{result.Name}: converged in {result.ConvergenceSeconds} s (fault-free {result.FaultFreeConvergenceSeconds} s); "
            + string.Join(", ", result.Figures.Select(f => $"{f.Key}={f.Value}")));
        Assert.True(result.Violations.Count == 0, string.Join("\n", result.Violations));
        Assert.NotNull(result.ConvergenceSeconds);
    }

    /// <summary>One runner for the class, so each workload's fault-free run is made once.</summary>
    public sealed class Runner
    {
        public Runner()
        {
            Chaos = new ChaosRunner(new ChaosSettings
            {
                Assets = new ChaosAssets(
                    RepositoryLayout.PathOf("config", "crds"),
                    RepositoryLayout.PathOf("config", "samples", "waddlebot"),
                    PrometheusOperatorSchemas.StandInServiceMonitorCrd,
                    PrometheusOperatorSchemas.StandInPrometheusRuleCrd),
                Services = 6,
                Patience = TimeSpan.FromSeconds(90),
                Logs = identity => new TestOutputLoggerProvider(Output, identity),
            });
        }

        public ForwardingOutput Output { get; } = new();

        public ChaosRunner Chaos { get; }
    }

    /// <summary>The running test's output, for loggers created once per class.</summary>
    public sealed class ForwardingOutput : ITestOutputHelper
    {
        public ITestOutputHelper? Current { get; set; }

        public void WriteLine(string message) => Current?.WriteLine(message);

        public void WriteLine(string format, params object[] args) => Current?.WriteLine(format, args);
    }
}
