namespace WaddleObservabilityOperator.Bench;

/// <summary>Where the repository (the .sln) and its files are, found from the bench's own location.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    public static string Of(params string[] parts) => Path.Combine([Root, .. parts]);

    /// <summary>The stand-in for prometheus-operator's ServiceMonitor CRD that the tests install too (tests/fixtures).</summary>
    public static string ServiceMonitorCrd() => Of("tests", "fixtures", "prometheus-operator", "monitoring.coreos.com_servicemonitors.yaml");

    public static string PrometheusRuleCrd() => Of("tests", "fixtures", "prometheus-operator", "monitoring.coreos.com_prometheusrules.yaml");

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
