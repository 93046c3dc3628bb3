namespace WaddleObservabilityOperator.Bench;

/// <summary>
/// <c>dotnet run -c Release --project bench/WaddleObservabilityOperator.Bench -- COMMAND [ARGS]</c>. Each command is
/// one <see cref="IBenchCommand"/> in its own folder; adding one is a new class and a line in <see cref="Commands"/>.
/// </summary>
public static class Program
{
    /// <summary>Every command of the bench tool, in the order the usage lists them.</summary>
    public static IReadOnlyList<IBenchCommand> Commands { get; } =
    [
        new Scale.ScaleCommand(),
        new Chaos.ChaosCommand(),
        new Micro.MicroCommand(),
        new Plot.PlotCommand(),
    ];

    public static async Task<int> Main(string[] args)
    {
        using var cancellation = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancellation.Cancel();
        };

        if (args is [] or ["-h" or "--help" or "help"])
        {
            await Console.Out.WriteLineAsync(Usage()).ConfigureAwait(false);
            return args.Length == 0 ? 2 : 0;
        }

        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            await Console.Error.WriteLineAsync($"unknown command '{args[0]}'\n{Usage()}").ConfigureAwait(false);
            return 2;
        }

        var rest = args[1..];
        if (rest.Any(a => a is "-h" or "--help"))
        {
            await Console.Out.WriteLineAsync(command.Usage).ConfigureAwait(false);
            return 0;
        }

        try
        {
            return await command.RunAsync(rest, cancellation.Token).ConfigureAwait(false);
        }
        catch (FormatException e)
        {
            await Console.Error.WriteLineAsync($"{command.Name}: {e.Message}\n{command.Usage}").ConfigureAwait(false);
            return 2;
        }
    }

    private static string Usage() =>
        "usage: WaddleObservabilityOperator.Bench COMMAND [ARGS]\n\ncommands:\n"
        + string.Join("\n", Commands.Select(c => $"  {c.Name,-8} {c.Summary}"))
        + "\n\nRun 'WaddleObservabilityOperator.Bench COMMAND --help' for a command's options.";
}
