using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Models;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

/// <summary>
/// A user's day with SLOs: the router's SLOs go to the managed Prometheus first, to a PrometheusRule once prometheus-operator's
/// CRD is installed, follow an edit, report a bad threshold without disturbing the rest, and their rules go when the SLOs do.
/// </summary>
[Collection(OperatorScenarios.Collection)]
public sealed class SloLifecycleTests(ITestOutputHelper output)
{
    private const string Router = "router";
    private const string RuleName = "router-slos";
    private const string SloFile = "slos-router.yml";
    private static readonly string PrometheusConfigMap = $"{OperatorCluster.Policy}-prometheus-config";

    [Fact]
    public async Task Slos_added_later_api_edited_broken_and_removed()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        // The samples' policy (managed Prometheus) and only the router, which declares an availability and a latency SLO.
        await cluster.ApplySamplesAsync(set => set with
        {
            WaddleServices = [.. set.WaddleServices.Where(s => s.Metadata.Name == Router)],
            Deployments = [.. set.Deployments.Where(d => d.Metadata.Name == Router)],
            Services = [.. set.Services.Where(s => s.Metadata.Name == Router)],
        });
        var op = cluster.StartOperator("op-a");

        // No PrometheusRule API yet: the managed Prometheus loads the rules.
        await WaitForSlosAsync(cluster, "True", Reasons.SlosRendered, "the managed Prometheus of ObservabilityPolicy \"waddlebot\"");
        await WaitForSloFileAsync(cluster, file => file?.Contains("sloth-slo-alerts-router-latency", StringComparison.Ordinal) == true);
        Assert.Empty(await cluster.PrometheusRulesAsync());
        Assert.Equal(["availability", "latency"], (await cluster.WaddleServiceAsync(Router))!.Status!.Effective!.Slos);

        // The API appears: the PrometheusRule is created, owned by the service, with the policy's ruleLabels.
        await cluster.InstallPrometheusRuleCrdAsync();
        var rule = await WaitForRuleAsync(cluster, r => r?.Spec.Groups.Count == 6);
        Assert.Equal("kube-prometheus-stack", rule!.Metadata.Labels["release"]);
        Assert.Equal(Router, Assert.Single(rule.Metadata.OwnerReferences).Name);
        await WaitForSlosAsync(cluster, "True", Reasons.SlosRendered, $"PrometheusRule \"{RuleName}\"");

        // Edited: one SLO at 99.5 %; both destinations follow.
        await PatchSlosAsync(cluster, new JsonArray { new JsonObject { ["name"] = "availability", ["objective"] = 99.5 } });
        rule = await WaitForRuleAsync(cluster, r => r?.Spec.Groups.Count == 3
            && r.Spec.Groups[1].Rules.Any(x => x.Record == "slo:objective:ratio" && x.Expr == "vector(0.995)"));
        await WaitForSloFileAsync(cluster, file => file?.Contains("vector(0.995)", StringComparison.Ordinal) == true && !file.Contains("router-latency", StringComparison.Ordinal));

        // A threshold that is not a bucket: a clear condition, no rules, the injection and the ServiceMonitor untouched.
        await PatchSlosAsync(cluster, new JsonArray { new JsonObject { ["name"] = "latency", ["objective"] = 99, ["sli"] = new JsonObject { ["latency"] = new JsonObject { ["threshold"] = "300ms" } } } });
        await WaitForSlosAsync(cluster, "False", Reasons.LatencyThresholdNotABucket, "is not a bucket boundary");
        await WaitForRuleAsync(cluster, r => r is null);
        var broken = (await cluster.WaddleServiceAsync(Router))!;
        Assert.Equal("True", OperatorCluster.Condition(broken, ConditionTypes.WorkloadInjected)!.Status);
        Assert.Equal("True", OperatorCluster.Condition(broken, ConditionTypes.MonitoringConfigured)!.Status);
        Assert.Contains(await cluster.ServiceMonitorsAsync(), m => m.Metadata.Name == Router);

        // Removed: the condition goes, and so do the rules in the managed Prometheus.
        await PatchSlosAsync(cluster, null);
        await OperatorCluster.WaitUntilAsync("SLOsConfigured to go", async () =>
        {
            var service = (await cluster.WaddleServiceAsync(Router))!;
            var condition = OperatorCluster.Condition(service, ConditionTypes.SlosConfigured);
            return (condition is null && service.Status?.Effective?.Slos is null && OperatorCluster.Condition(service, ConditionTypes.Ready)?.Status == "True",
                $"{condition?.Status} {condition?.Reason}; {OperatorCluster.Describe(service)}");
        });
        await WaitForSloFileAsync(cluster, file => file is null);
        Assert.Empty(await cluster.PrometheusRulesAsync());
        await OperatorCluster.WaitForIdleAsync(op);
    }

    private static Task PatchSlosAsync(OperatorCluster cluster, JsonArray? slos) =>
        cluster.User.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(new JsonObject { ["spec"] = new JsonObject { ["slos"] = slos } }.ToJsonString(), V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, OperatorCluster.Namespace, WaddleService.Plural, Router);

    private static Task WaitForSlosAsync(OperatorCluster cluster, string status, string reason, string message) =>
        OperatorCluster.WaitUntilAsync($"SLOsConfigured {status} {reason}", async () =>
        {
            var condition = OperatorCluster.Condition((await cluster.WaddleServiceAsync(Router))!, ConditionTypes.SlosConfigured);
            return (condition?.Status == status && condition.Reason == reason && condition.Message.Contains(message, StringComparison.Ordinal),
                $"{condition?.Status} {condition?.Reason}: {condition?.Message}");
        });

    private static async Task<PrometheusRule?> WaitForRuleAsync(OperatorCluster cluster, Func<PrometheusRule?, bool> done)
    {
        PrometheusRule? rule = null;
        await OperatorCluster.WaitUntilAsync("the router's PrometheusRule", async () =>
        {
            rule = (await cluster.PrometheusRulesAsync()).SingleOrDefault(r => r.Metadata.Name == RuleName);
            return (done(rule), rule is null ? "none" : string.Join(", ", rule.Spec.Groups.Select(g => g.Name)));
        });
        return rule;
    }

    private static Task WaitForSloFileAsync(OperatorCluster cluster, Func<string?, bool> done) =>
        OperatorCluster.WaitUntilAsync($"{SloFile} in the managed Prometheus's ConfigMap", async () =>
        {
            var data = (await cluster.ConfigMapAsync(PrometheusConfigMap))?.Data;
            var file = data?.TryGetValue(SloFile, out var text) == true ? text : null;
            var listed = data?.TryGetValue("prometheus.yml", out var config) == true && config.Contains(SloFile, StringComparison.Ordinal);
            return (done(file) && listed == (file is not null), $"{(file is null ? "no file" : file.Length + " characters")}, listed in rule_files: {listed}");
        });
}
