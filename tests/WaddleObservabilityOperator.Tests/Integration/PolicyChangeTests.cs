using System.Globalization;
using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Chaos;
using WaddleObservabilityOperator.Rendering;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

[Collection(OperatorScenarios.Collection)]
public sealed class PolicyChangeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Changing_the_default_ratio_rewrites_the_configmap_once_and_rolls_only_what_static_mode_needs()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        // The core layer's services take the policy's default ratio; every other sample sets its own.
        await cluster.ApplySamplesAsync(set =>
        {
            foreach (var service in set.WaddleServices.Where(s => s.Spec.Layer == ServiceLayer.Core && s.Spec.Tracing is not null))
            {
                service.Spec.Tracing!.SamplingRatio = null;
            }

            return set;
        });
        var op = cluster.StartOperator("op-a");
        await cluster.WaitForAllReadyAsync(19);
        await OperatorCluster.WaitForIdleAsync(op);

        // Remote mode (the samples): the services poll Jaeger, so a new default ratio rolls nothing.
        var before = await GenerationsAsync(cluster);
        var mark = cluster.WritesBy(op.Identity).Count;
        await cluster.PatchPolicyAsync(new JsonObject { ["tracing"] = new JsonObject { ["sampling"] = new JsonObject { ["defaultRatio"] = 0.25 } } });
        await WaitForRatioAsync(cluster, op, 0.25);
        var writes = cluster.WritesBy(op.Identity).Skip(mark).ToList();
        Assert.Single(writes, w => w.Resource == "configmaps" && w.Name == ChildNames.SamplingConfigMap(OperatorCluster.Policy));
        Assert.DoesNotContain(writes, w => w.Resource == "deployments");
        Assert.Equal(before, await GenerationsAsync(cluster));

        // Static mode: the ratio is in the environment. Switching mode rolls everything once (the sampler changes)...
        await cluster.PatchPolicyAsync(new JsonObject { ["tracing"] = new JsonObject { ["sampling"] = new JsonObject { ["mode"] = "static" } } });
        await OperatorCluster.WaitUntilAsync("static sampler injected everywhere", async () =>
        {
            var envs = await Task.WhenAll((await cluster.WaddleServicesAsync()).Select(s => cluster.DeploymentAsync(s.Spec.Workload.Name)));
            var left = envs.Count(e => e.Env["OTEL_TRACES_SAMPLER"].Value != "parentbased_traceidratio");
            return (left == 0, $"{left} still remote");
        });
        await cluster.WaitForAllReadyAsync(19);
        await OperatorCluster.WaitForIdleAsync(op);

        // ...then a new default ratio rolls exactly the services that have no ratio of their own.
        var services = await cluster.WaddleServicesAsync();
        var inheriting = services.Where(s => s.Spec.Tracing?.SamplingRatio is null).Select(s => s.Spec.Workload.Name).ToHashSet();
        Assert.NotEmpty(inheriting);
        Assert.NotEqual(services.Count, inheriting.Count);
        before = await GenerationsAsync(cluster);
        mark = cluster.WritesBy(op.Identity).Count;
        await cluster.PatchPolicyAsync(new JsonObject { ["tracing"] = new JsonObject { ["sampling"] = new JsonObject { ["defaultRatio"] = 0.3 } } });
        await WaitForRatioAsync(cluster, op, 0.3);

        var after = await GenerationsAsync(cluster);
        foreach (var (workload, generation) in after)
        {
            if (inheriting.Contains(workload))
            {
                Assert.True(generation > before[workload], $"{workload} inherits the default ratio and must roll");
                Assert.Equal("0.3", (await cluster.DeploymentAsync(workload)).Env["OTEL_TRACES_SAMPLER_ARG"].Value);
            }
            else
            {
                Assert.Equal(before[workload], generation);
            }
        }

        writes = cluster.WritesBy(op.Identity).Skip(mark).ToList();
        Assert.Single(writes, w => w.Resource == "configmaps" && w.Name == ChildNames.SamplingConfigMap(OperatorCluster.Policy));
        Assert.Equal(inheriting.Order(), writes.Where(w => w.Resource == "deployments").Select(w => w.Name!).Order());
    }

    private static async Task WaitForRatioAsync(OperatorCluster cluster, ChaosOperator op, double ratio)
    {
        var text = ratio.ToString(CultureInfo.InvariantCulture);
        await OperatorCluster.WaitUntilAsync($"default ratio {text} published and in force", async () =>
        {
            var policy = await cluster.PolicyAsync();
            var document = (await cluster.ConfigMapAsync(ChildNames.SamplingConfigMap(OperatorCluster.Policy)))?.Data?[ChildNames.SamplingFileName] ?? "";
            var services = await cluster.WaddleServicesAsync();
            var stale = services.Count(s => s.Spec.Tracing?.SamplingRatio is null && s.Status?.Effective?.SamplingRatio != ratio);
            var done = policy.Status?.ObservedGeneration == policy.Metadata.Generation && document.Contains(text, StringComparison.Ordinal)
                && stale == 0 && services.All(OperatorCluster.IsReady);
            return (done, $"policy generation {policy.Metadata.Generation} observed {policy.Status?.ObservedGeneration}; {stale} services with an old ratio");
        });
        await OperatorCluster.WaitForIdleAsync(op);
    }

    private static async Task<Dictionary<string, long>> GenerationsAsync(OperatorCluster cluster)
    {
        var result = new Dictionary<string, long>();
        foreach (var service in await cluster.WaddleServicesAsync())
        {
            var (deployment, _) = await cluster.DeploymentAsync(service.Spec.Workload.Name);
            result[service.Spec.Workload.Name] = deployment.Metadata.Generation ?? 0;
        }

        return result;
    }
}
