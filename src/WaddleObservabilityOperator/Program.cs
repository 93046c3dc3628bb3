using WaddleObservabilityOperator.Cli;

namespace WaddleObservabilityOperator;

public static class Program
{
    private const string Usage = """
        usage: WaddleObservabilityOperator COMMAND [ARGS]

        commands:
          run              run the operator against the cluster of the kubeconfig or the in-cluster service account
          render PATH...   print what the operator would create or change for the given manifests
          generate         regenerate every generated file: CRDs, API reference, RBAC (config/rbac, the chart's rules)
          crds             print or write the CRDs (and the API reference) generated from the API types

        Run 'WaddleObservabilityOperator COMMAND --help' for a command's options.
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
            ["run", .. var runArgs] => await RunCommand.RunAsync(runArgs, Console.Out, Console.Error, cancellation.Token).ConfigureAwait(false),
            ["render", .. var rest] => RenderCommand.Run(rest, Console.In, Console.Out, Console.Error),
            ["generate", .. var rest] => await FromBuildAsync("generate", () => GenerateCommand.RunAsync(rest, Console.Out, Console.Error, cancellation.Token)).ConfigureAwait(false),
            ["crds", .. var rest] => await FromBuildAsync("crds", () => CrdsCommand.RunAsync(rest, Console.Out, Console.Error, cancellation.Token)).ConfigureAwait(false),
            ["-h" or "--help" or "help"] => await UsageAsync(Console.Out, ExitCodes.Success).ConfigureAwait(false),
            [var unknown, ..] => await UsageAsync(Console.Error, ExitCodes.Usage, $"unknown command '{unknown}'").ConfigureAwait(false),
            [] => await UsageAsync(Console.Error, ExitCodes.Usage).ConfigureAwait(false),
        };
    }

    /// <summary>
    /// generate and crds read the XML documentation next to the build's assemblies (the CRDs' descriptions); a published
    /// binary (the Native AOT image) carries none, so a missing file is a clear error, not a crash.
    /// </summary>
    private static async Task<int> FromBuildAsync(string command, Func<Task<int>> run)
    {
        try
        {
            return await run().ConfigureAwait(false);
        }
        catch (FileNotFoundException e)
        {
            await Console.Error.WriteLineAsync($"{command}: {e.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }
    }

    private static async Task<int> UsageAsync(TextWriter writer, int exitCode, string? problem = null)
    {
        if (problem is not null)
        {
            await writer.WriteLineAsync(problem).ConfigureAwait(false);
        }

        await writer.WriteLineAsync(Usage).ConfigureAwait(false);
        return exitCode;
    }
}
