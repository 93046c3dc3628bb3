namespace WaddleObservabilityOperator.Tests.Api;

/// <summary>Paths in the repository (found by walking up to the solution file) and in ../shared beside it.</summary>
internal static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    /// <summary>../shared beside the repository; for a git worktree nested deeper, the nearest ancestor's shared/.</summary>
    public static string Shared { get; } = FindShared();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindShared()
    {
        for (var dir = Directory.GetParent(Root); dir is not null; dir = dir.Parent)
        {
            var shared = Path.Combine(dir.FullName, "shared");
            if (Directory.Exists(shared))
            {
                return shared;
            }
        }

        return Path.Combine(Path.GetDirectoryName(Root)!, "shared");
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WaddleObservabilityOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"WaddleObservabilityOperator.sln not found above {AppContext.BaseDirectory}.");
    }
}
