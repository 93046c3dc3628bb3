using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Chaos;
using WaddleObservabilityOperator.Rendering;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

[Collection(OperatorScenarios.Collection)]
public sealed class PolicyChangeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Changing_the_default_ratio_rewrites_the_configmap_once_and_rolls_only_services_with_the_ratio_in_their_environment()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        // The core layer's services take the policy's default ratio; every other sample sets its own. Two of the core
        // services run an SDK that samples from Jaeger's document itself (sdkRemote); the rest run WaddleBot's library.
        string[] remoteSdks = ["identity", "labels"];
        await cluster.ApplySamplesAsync(set =>
        {
            foreach (var service in set.WaddleServices.Where(s => s.Spec.Layer == ServiceLayer.Core && s.Spec.Tracing is not null))
            {
                service.Spec.Tracing!.SamplingRatio = null;
                service.Spec.Tracing.SdkRemote = remoteSdks.Contains(service.Metadata.Name) ? true : null;
            }

            return set;
        });
        var op = cluster.StartOperator("op-a");
        await cluster.WaitForAllReadyAsync(19);
        await OperatorCluster.WaitForIdleAsync(op);

        var services = await cluster.WaddleServicesAsync();
        var inheriting = services.Where(s => s.Spec.Tracing?.SamplingRatio is null).Select(s => s.Spec.Workload.Name).ToHashSet();
        var library = inheriting.Except(remoteSdks).ToHashSet();
        Assert.Equal(6, inheriting.Count);
        Assert.Equal(4, library.Count);
        foreach (var service in services)
        {
            var expected = remoteSdks.Contains(service.Metadata.Name) ? SamplingApplication.RemoteDocument
                : service.Metadata.Name == "hub" ? SamplingApplication.UserEnvironment : SamplingApplication.Rollout;
            Assert.Equal(expected, service.Status!.Effective!.SamplingAppliedBy);
        }

        // Remote mode (the samples): a new default ratio reaches WaddleBot's library through TRACING_SAMPLE_RATE, which
        // rolls the services that inherit it; the remote SDKs follow the document, and their pod templates stay as they were.
        var before = await GenerationsAsync(cluster);
        var templatesBefore = await TemplatesAsync(cluster, remoteSdks);
        var documentBefore = await DocumentAsync(cluster);
        var mark = cluster.WritesBy(op.Identity).Count;
        await cluster.PatchPolicyAsync(new JsonObject { ["tracing"] = new JsonObject { ["sampling"] = new JsonObject { ["defaultRatio"] = 0.25 } } });
        await WaitForRatioAsync(cluster, op, 0.25);

        var after = await GenerationsAsync(cluster);
        foreach (var (workload, generation) in after)
        {
            var env = (await cluster.DeploymentAsync(workload)).Env;
            if (library.Contains(workload))
            {
                Assert.True(generation > before[workload], $"{workload} runs WaddleBot's library with the default ratio and must roll");
                Assert.Equal("0.25", env["TRACING_SAMPLE_RATE"].Value);
            }
            else
            {
                Assert.Equal(before[workload], generation);
            }
        }

        Assert.Equal(templatesBefore, await TemplatesAsync(cluster, remoteSdks));
        foreach (var name in remoteSdks)
        {
            Assert.DoesNotContain("TRACING_SAMPLE_RATE", (await cluster.DeploymentAsync(name)).Env.Keys);
        }

        var documentAfter = await DocumentAsync(cluster);
        Assert.NotEqual(documentBefore, documentAfter);
        Assert.Equal(0.25, JsonNode.Parse(documentAfter)!["default_strategy"]!["param"]!.GetValue<double>());

        var writes = cluster.WritesBy(op.Identity).Skip(mark).ToList();
        Assert.Single(writes, w => w.Resource == "configmaps" && w.Name == ChildNames.SamplingConfigMap(OperatorCluster.Policy));
        Assert.Equal(library.Order(), writes.Where(w => w.Resource == "deployments").Select(w => w.Name!).Order());

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

        // ...then a new default ratio rolls exactly the services that have no ratio of their own (sdkRemote means nothing here).
        Assert.All(await cluster.WaddleServicesAsync(), s => Assert.NotEqual(SamplingApplication.RemoteDocument, s.Status!.Effective!.SamplingAppliedBy));
        before = await GenerationsAsync(cluster);
        mark = cluster.WritesBy(op.Identity).Count;
        await cluster.PatchPolicyAsync(new JsonObject { ["tracing"] = new JsonObject { ["sampling"] = new JsonObject { ["defaultRatio"] = 0.3 } } });
        await WaitForRatioAsync(cluster, op, 0.3);

        after = await GenerationsAsync(cluster);
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

    private static async Task<string> DocumentAsync(OperatorCluster cluster) =>
        (await cluster.ConfigMapAsync(ChildNames.SamplingConfigMap(OperatorCluster.Policy)))?.Data?[ChildNames.SamplingFileName] ?? "";

    /// <summary>The pod templates of the named Deployments, serialized: what a rollout would change.</summary>
    private static async Task<Dictionary<string, string>> TemplatesAsync(OperatorCluster cluster, IEnumerable<string> names)
    {
        var result = new Dictionary<string, string>();
        foreach (var name in names)
        {
            result[name] = KubernetesJson.Serialize((await cluster.DeploymentAsync(name)).Deployment.Spec.Template);
        }

        return result;
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
