namespace WaddleObservabilityOperator.Bench;

/// <summary>One subcommand of the bench tool.</summary>
public interface IBenchCommand
{
    /// <summary>The word on the command line.</summary>
    string Name { get; }

    /// <summary>One line for the tool's usage.</summary>
    string Summary { get; }

    /// <summary>The command's own usage (its flags).</summary>
    string Usage { get; }

    /// <summary>Runs with the arguments after the command name; throws <see cref="FormatException"/> on bad flags. Returns the exit code.</summary>
    Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken);
}
