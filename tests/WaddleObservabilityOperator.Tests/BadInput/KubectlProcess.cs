using System.Diagnostics;

namespace WaddleObservabilityOperator.Tests.BadInput;

/// <summary>The real kubectl (on PATH, from the machine image) against an emulator's kubeconfig, in a private HOME.</summary>
internal sealed class KubectlProcess(string directory, string kubeconfig)
{
    // A guard against a hung process, not a performance expectation.
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(3);

    public sealed record Result(int ExitCode, string StandardOutput, string StandardError)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout:\n{StandardOutput}\nstderr:\n{StandardError}";
    }

    public static string Path() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => System.IO.Path.Combine(dir, "kubectl"))
            .FirstOrDefault(File.Exists)
        ?? throw new InvalidOperationException("kubectl is not on PATH: the bad-input corpus is applied with the real kubectl.");

    public async Task<Result> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Path())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = directory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["KUBECONFIG"] = kubeconfig;
        start.Environment["HOME"] = directory;
        start.Environment["KUBECACHEDIR"] = System.IO.Path.Combine(directory, "kube-cache");
        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start kubectl");
        using var timeout = new CancellationTokenSource(Timeout);
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await stdout, await stderr);
    }
}
