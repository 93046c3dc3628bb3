using System.Diagnostics;
using System.Text;

namespace KubeApiEmulator.Tests.Kubectl;

/// <summary>The outcome of one run of an external tool.</summary>
public sealed record ToolResult(string Command, int ExitCode, string StandardOutput, string StandardError)
{
    public override string ToString() =>
        $"$ {Command}\nexit code {ExitCode}\n--- stdout\n{StandardOutput}\n--- stderr\n{StandardError}";
}

/// <summary>A tool started in the background (kubectl delete or wait) that the test later waits for.</summary>
public sealed class RunningTool : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stdout;
    private readonly Task<string> _stderr;
    private readonly string _command;

    internal RunningTool(Process process, string command)
    {
        _process = process;
        _command = command;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public bool HasExited => _process.HasExited;

    public async Task<ToolResult> WaitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{_command} did not finish; it was stopped.\nstdout: {_stdout.Result}\nstderr: {_stderr.Result}");
        }

        return new ToolResult(_command, _process.ExitCode, await _stdout, await _stderr);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    internal static string Describe(string file, IEnumerable<string> args) =>
        new StringBuilder(Path.GetFileName(file)).AppendJoin("", args.Select(a => a.Contains(' ', StringComparison.Ordinal) || a.Length == 0 ? $" '{a}'" : $" {a}")).ToString();
}
