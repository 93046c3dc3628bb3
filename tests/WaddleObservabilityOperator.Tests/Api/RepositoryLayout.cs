namespace WaddleObservabilityOperator.Tests.Api;

/// <summary>Paths in the repository, found by walking up to the solution file. The tests read nothing outside it.</summary>
internal static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>
    /// A file of the upstream projects' reference material (shared/reference beside the repository, or beside an
    /// ancestor for a git worktree nested deeper), or null where there is none: a clone on its own has none. Only extra
    /// checks read it, next to a check that runs everywhere on what the repository or a package registry provides.
    /// </summary>
    public static string? UpstreamReference(params string[] parts)
    {
        for (var dir = Directory.GetParent(Root); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine([dir.FullName, "shared", "reference", .. parts]);
            if (File.Exists(path))
            {
                return path;
            }
        }

        return null;
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
