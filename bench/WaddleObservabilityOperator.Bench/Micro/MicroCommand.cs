using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace WaddleObservabilityOperator.Bench.Micro;

/// <summary>
/// <c>micro [BenchmarkDotNet arguments]</c>: the hot-path micro benchmarks. By default every benchmark, as a short
/// run in this process (no generated project to build); any arguments go to BenchmarkDotNet as they are
/// (e.g. <c>--filter *Sampling*</c>, <c>--job medium</c>).
/// </summary>
public sealed class MicroCommand : IBenchCommand
{
    public string Name => "micro";

    public string Summary => "BenchmarkDotNet micro benchmarks of the hot paths (render, sampling document, env diff, owned fields)";

    public string Usage => """
        usage: WaddleObservabilityOperator.Bench micro [BenchmarkDotNet arguments]
          (none)               every benchmark, short run, in process
          --filter PATTERN     e.g. --filter *Sampling*
          --job short|medium   BenchmarkDotNet's jobs; results under BenchmarkDotNet.Artifacts/
        """;

    public Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var arguments = args.Count == 0 ? ["--filter", "*"] : args.ToArray();
        var config = DefaultConfig.Instance.AddJob(Job.ShortRun.WithToolchain(InProcessEmitToolchain.Instance).AsDefault());
        var summaries = BenchmarkSwitcher.FromTypes([typeof(HotPathBenchmarks)]).Run(arguments, config);
        return Task.FromResult(summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0);
    }
}
