using System.Diagnostics;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Cli;

/// <summary>The built executable, run as a user runs it: commands, exit codes, and what goes to stdout and stderr.</summary>
public sealed class ProgramTests
{
    private static readonly string Samples = RepositoryLayout.PathOf("config", "samples", "waddlebot");
    private static readonly string Invalid = RepositoryLayout.PathOf("tests", "WaddleObservabilityOperator.Tests", "Cli", "InvalidManifests");

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = RepositoryLayout.Root,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "WaddleObservabilityOperator.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout, await stderr);
    }

    [Fact]
    public async Task Render_prints_the_golden_stream_and_exits_0()
    {
        var (exitCode, stdout, stderr) = await RunAsync("render", Samples);

        Assert.Equal("", stderr);
        Assert.Equal(0, exitCode);
        Assert.Equal(
            await File.ReadAllTextAsync(RepositoryLayout.PathOf("tests", "WaddleObservabilityOperator.Tests", "Samples", "golden", "waddlebot.yaml")),
            stdout);
    }

    [Fact]
    public async Task Render_of_invalid_input_exits_1_with_nothing_on_stdout()
    {
        var (exitCode, stdout, stderr) = await RunAsync("render", Invalid);

        Assert.Equal(1, exitCode);
        Assert.Equal("", stdout);
        Assert.Contains("WaddleService waddlebot/router: spec.tracing.samplingRatio: must be between 0 and 1, got 1.5", stderr, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new string[0], 2, "", "usage: WaddleObservabilityOperator COMMAND")]
    [InlineData(new[] { "bogus" }, 2, "", "unknown command 'bogus'")]
    [InlineData(new[] { "render" }, 2, "", "render: no PATH given")]
    [InlineData(new[] { "--help" }, 0, "render PATH...", "")]
    [InlineData(new[] { "render", "--help" }, 0, "usage: WaddleObservabilityOperator render PATH...", "")]
    public async Task Commands_and_usage_errors_have_their_exit_codes(string[] args, int expectedExitCode, string stdoutPart, string stderrPart)
    {
        var (exitCode, stdout, stderr) = await RunAsync(args);

        Assert.Equal(expectedExitCode, exitCode);
        Assert.Contains(stdoutPart, stdout, StringComparison.Ordinal);
        Assert.Contains(stderrPart, stderr, StringComparison.Ordinal);
        Assert.True(stdoutPart.Length > 0 || stdout.Length == 0, "errors print nothing on stdout");
    }
}
