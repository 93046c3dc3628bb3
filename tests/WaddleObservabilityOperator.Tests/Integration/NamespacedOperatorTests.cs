using WaddleObservabilityOperator.Controllers;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

/// <summary>
/// An operator limited to some namespaces (`--namespaces`, the chart's `watchNamespaces`) holds a Role in each of them
/// and no cluster-wide rights but for the ServiceMonitor CRD watch: every request it makes on a namespaced resource
/// must name one of its namespaces, or a real API server would answer 403.
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
            .Where(r => r.Resource != "customresourcedefinitions" && r.Namespace != OperatorCluster.Namespace)
            .Select(r => $"{r.Verb} {r.Path}{r.Query}")
            .Distinct()
            .ToList();
        Assert.True(outside.Count == 0, "requests a Role in the watched namespace does not authorize:\n  " + string.Join("\n  ", outside));
    }
}
