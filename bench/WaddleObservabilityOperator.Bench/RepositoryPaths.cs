namespace WaddleObservabilityOperator.Bench;

/// <summary>Where the repository (the .sln) and the shared reference material beside it are, found from the bench's own location.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>prometheus-operator's ServiceMonitor CRD from ../shared/reference (a git worktree may sit deeper: the nearest ancestor's shared/).</summary>
    public static string? ServiceMonitorCrd()
    {
        for (var dir = Directory.GetParent(Root); dir is not null; dir = dir.Parent)
        {
            var crd = Path.Combine(dir.FullName, "shared", "reference", "prometheus-operator", "monitoring.coreos.com_servicemonitors.yaml");
            if (File.Exists(crd))
            {
                return crd;
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

        throw new InvalidOperationException($"no WaddleObservabilityOperator.sln above {AppContext.BaseDirectory}: run the bench from the repository");
    }
}
