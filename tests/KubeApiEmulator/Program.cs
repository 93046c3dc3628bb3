using System.Runtime.InteropServices;

namespace KubeApiEmulator;

/// <summary>
/// <c>dotnet run --project tests/KubeApiEmulator -- --kubeconfig PATH [--port N] [--no-gc] [--history N] [--simulate-workloads]</c>:
/// writes the kubeconfig, prints <c>ready &lt;url&gt;</c> once serving, and runs until SIGTERM or SIGINT.
/// </summary>
public static class Program
{
    private const string Usage = "usage: KubeApiEmulator --kubeconfig PATH [--port N] [--no-gc] [--history N] [--simulate-workloads]";

    public static async Task<int> Main(string[] args)
    {
        string? kubeconfig = null;
        var options = new ApiEmulatorOptions();
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--kubeconfig" when i + 1 < args.Length:
                    kubeconfig = args[++i];
                    break;
                case "--port" when i + 1 < args.Length && int.TryParse(args[i + 1], out var port) && port is >= 0 and <= 65535:
                    options = options with { Port = port };
                    i++;
                    break;
                case "--history" when i + 1 < args.Length && int.TryParse(args[i + 1], out var history) && history > 0:
                    options = options with { History = history };
                    i++;
                    break;
                case "--no-gc":
                    options = options with { GarbageCollection = false };
                    break;
                case "--simulate-workloads":
                    options = options with { SimulateWorkloads = true };
                    break;
                default:
                    await Console.Error.WriteLineAsync($"unknown or incomplete argument '{args[i]}'\n{Usage}");
                    return 2;
            }
        }

        if (kubeconfig is null)
        {
            await Console.Error.WriteLineAsync($"--kubeconfig is required\n{Usage}");
            return 2;
        }

        var stopped = new TaskCompletionSource();
        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stopped.TrySetResult();
        }

        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        await using var api = await ApiEmulator.StartAsync(options);
        api.WriteKubeconfig(kubeconfig);
        Console.Out.WriteLine($"ready {api.Url}");
        await Console.Out.FlushAsync();
        await stopped.Task;
        return 0;
    }
}
