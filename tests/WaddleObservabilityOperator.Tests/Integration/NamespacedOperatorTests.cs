using WaddleObservabilityOperator.Controllers;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

/// <summary>
/// An operator limited to some namespaces (`--namespaces`, the chart's `watchNamespaces`) holds a Role in each of them
/// and cluster-wide rights only for what no Role can grant (the chart's ClusterRole in that mode): the ServiceMonitor and PrometheusRule CRDs
/// and its watched Namespace objects, each by name, and the kubelet scrape's ClusterRoles. Every other request must name
/// one of its namespaces, or a real API server would answer 403.
/// </summary>
[Collection(OperatorScenarios.Collection)]
public sealed class NamespacedOperatorTests(ITestOutputHelper output)
{
    [Fact]
    public async Task An_operator_watching_listed_namespaces_never_reads_or_writes_outside_them()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync();
        var running = cluster.StartOperator("op-ns", new OperatorOptions { Namespaces = [OperatorCluster.Namespace] });
        await cluster.WaitForAllReadyAsync(19);
        await running.StopAsync();

        var requests = cluster.RequestsBy(running.Identity).Where(r => r.Resource.Length > 0).ToList();
        Assert.NotEmpty(requests);
        var outside = requests
            .Where(r => r.Namespace != OperatorCluster.Namespace && !ClusterScopedByTheClusterRole(r.Resource, r.Query))
            .Select(r => $"{r.Verb} {r.Path}{r.Query}")
            .Distinct()
            .ToList();
        Assert.True(outside.Count == 0, "requests the Role in the watched namespace and the ClusterRole do not authorize:\n  " + string.Join("\n  ", outside));
        // Its own namespace was read, by name only.
        var namespaces = requests.Where(r => r.Resource == "namespaces").ToList();
        Assert.NotEmpty(namespaces);
        Assert.All(namespaces, r => Assert.Contains($"fieldSelector=metadata.name%3D{OperatorCluster.Namespace}", r.Query, StringComparison.Ordinal));
    }

    /// <summary>What the chart's ClusterRole grants in this mode: the CRD and the Namespace by name, the kubelet scrape's ClusterRoles.</summary>
    private static bool ClusterScopedByTheClusterRole(string resource, string query) => resource switch
    {
        "customresourcedefinitions" => query.Contains("fieldSelector=metadata.name%3Dservicemonitors.monitoring.coreos.com", StringComparison.Ordinal)
            || query.Contains("fieldSelector=metadata.name%3Dprometheusrules.monitoring.coreos.com", StringComparison.Ordinal),
        "namespaces" => query.Contains($"fieldSelector=metadata.name%3D{OperatorCluster.Namespace}", StringComparison.Ordinal),
        "clusterroles" or "clusterrolebindings" => true,
        _ => false,
    };
}
