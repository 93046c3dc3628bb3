using WaddleObservabilityOperator.Cli;

namespace WaddleObservabilityOperator.Tests.Cli;

/// <summary>Runs the render command in-process and captures what it prints.</summary>
internal static class RenderInvocation
{
    public static (int ExitCode, string Stdout, string Stderr) Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = RenderCommand.Run(args, stdout, stderr);
        return (exitCode, stdout.ToString(), stderr.ToString());
    }
}
