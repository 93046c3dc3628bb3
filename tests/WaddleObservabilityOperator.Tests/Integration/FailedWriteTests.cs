using k8s;
using KubeApiEmulator.Faults;
using WaddleObservabilityOperator.Api;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

/// <summary>
/// A write the API server fails does not stop a reconcile's other writes (WriteFailures): the reconcile tries them all,
/// then fails and is retried. A reconcile that stopped at its first failure wrote a few of a policy's children per
/// attempt, and its backoff grew past the fault suite's patience.
/// </summary>
[Collection(OperatorScenarios.Collection)]
public sealed class FailedWriteTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Writes_after_one_the_server_keeps_failing_are_still_made_and_the_failed_one_is_retried()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.InstallPrometheusRuleCrdAsync();

        // Every ConfigMap and ServiceMonitor the operator creates fails: the policy renders its ConfigMaps before its
        // Services and Deployments, and a service's ServiceMonitor comes before its PrometheusRule.
        cluster.Api.Faults.FailRate(new FaultTarget("create", "configmaps", "(op-a)"), 1.0, 500);
        cluster.Api.Faults.FailRate(new FaultTarget("create", "servicemonitors", "(op-a)"), 1.0, 500);
        await cluster.ApplySamplesAsync();
        cluster.StartOperator("op-a");

        await OperatorCluster.WaitUntilAsync("the writes after the failing ones", async () =>
        {
            var deployments = (await cluster.User.AppsV1.ListNamespacedDeploymentAsync(OperatorCluster.Namespace)).Items.Select(d => d.Metadata.Name).ToHashSet();
            var services = (await cluster.User.CoreV1.ListNamespacedServiceAsync(OperatorCluster.Namespace)).Items.Select(s => s.Metadata.Name).ToHashSet();
            var rules = (await cluster.PrometheusRulesAsync()).Select(r => r.Metadata.Name).ToHashSet();
            var missing = new[] { "waddlebot-grafana", "waddlebot-jaeger" }.Where(n => !deployments.Contains(n) || !services.Contains(n))
                .Concat(new[] { "router-slos", "ai-slos" }.Where(n => !rules.Contains(n))).ToList();
            return (missing.Count == 0, $"missing: {string.Join(", ", missing)}");
        });
        Assert.Empty(await cluster.ServiceMonitorsAsync());
        Assert.Null(await cluster.ConfigMapAsync("waddlebot-sampling"));

        // The injection is made even though the reconcile fails; the status is not written for a reconcile that failed.
        var (_, env) = await cluster.DeploymentAsync("router");
        Assert.Contains("OTEL_SERVICE_NAME", env.Keys);
        Assert.False(OperatorCluster.IsReady((await cluster.WaddleServiceAsync("router"))!));

        // The server recovers: the failed writes are retried (within the capped backoff) and everything converges.
        cluster.Api.Faults.Clear();
        await cluster.WaitForAllReadyAsync(19);
        Assert.NotNull(await cluster.ConfigMapAsync("waddlebot-sampling"));
        Assert.Contains("router", (await cluster.ServiceMonitorsAsync()).Select(m => m.Metadata.Name));
        await OperatorCluster.WaitUntilAsync("the policy Ready", async () =>
        {
            var policy = await cluster.PolicyAsync();
            var ready = OperatorCluster.Condition(policy, ConditionTypes.Ready);
            return (ready?.Status == "True", $"{ready?.Reason}: {ready?.Message}");
        });
    }
}
