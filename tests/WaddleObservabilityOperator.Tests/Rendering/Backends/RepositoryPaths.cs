namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>Where the repository and its neighbours are, found from the test binary by walking up to the solution file.</summary>
internal static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// Reference material shared beside the repository (&lt;repo&gt;/../shared); read, never copied. A git worktree sits
    /// deeper than the main checkout, so the nearest ancestor holding shared/reference is taken.
    /// </summary>
    public static string SharedReference(string relativePath)
    {
        for (var directory = new DirectoryInfo(Root).Parent; directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "shared", "reference");
            if (Directory.Exists(candidate))
            {
                return Path.Combine(candidate, relativePath);
            }
        }

        throw new InvalidOperationException($"No shared/reference folder beside or above {Root}.");
    }

    /// <summary>This test folder in the source tree, where the golden files live.</summary>
    public static string BackendsTestDirectory =>
        Path.Combine(Root, "tests", "WaddleObservabilityOperator.Tests", "Rendering", "Backends");

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "WaddleObservabilityOperator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No WaddleObservabilityOperator.sln above {AppContext.BaseDirectory}.");
    }
}
