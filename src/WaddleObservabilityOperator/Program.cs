using WaddleObservabilityOperator.Cli;

namespace WaddleObservabilityOperator;

public static class Program
{
    private const string Usage = """
        usage: WaddleObservabilityOperator <command> [options]
          run      run the operator
          render   print what the operator would create for manifests
          crds     generate the CRDs (and API reference) from the API types
        """;

    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        return args switch
        {
            ["crds", .. var rest] => await CrdsCommand.RunAsync(rest, Console.Out, Console.Error, cancellation.Token).ConfigureAwait(false),
            _ => await UsageAsync(args).ConfigureAwait(false),
        };
    }

    private static async Task<int> UsageAsync(string[] args)
    {
        if (args is [var unknown, ..] && unknown is not ("-h" or "--help"))
        {
            await Console.Error.WriteLineAsync($"unknown command '{unknown}'").ConfigureAwait(false);
        }

        await Console.Error.WriteLineAsync(Usage).ConfigureAwait(false);
        return args is ["-h" or "--help"] ? 0 : 2;
    }
}
