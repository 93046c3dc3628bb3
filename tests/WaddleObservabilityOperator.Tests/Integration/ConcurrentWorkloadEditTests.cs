using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeApiEmulator.Faults;
using KubeApiEmulator.Http;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

/// <summary>
/// A user edits a Deployment between the operator's read (its cache) and its write (the injection's strategic merge
/// patch): the emulator changes the stored object just before the operator's PATCH is handled. The request log shows
/// the patch carried the version it was made from and was refused (409), then made again from the user's version and
/// accepted; the Deployment ends with both changes, and no patch of the operator's ever carried a user's env entry.
/// </summary>
[Collection(OperatorScenarios.Collection)]
public sealed class ConcurrentWorkloadEditTests(ITestOutputHelper output)
{
    private const string Identity = "op-edit";

    [Fact]
    public async Task A_users_image_and_env_change_between_the_operators_read_and_write_both_survive()
    {
        await using var cluster = await OperatorCluster.StartAsync(output, recordRequestBodies: true);
        await cluster.ApplySamplesAsync();
        var op = cluster.StartOperator(Identity);
        await cluster.WaitForAllReadyAsync(19);
        await OperatorCluster.WaitForIdleAsync(op);
        var (before, _) = await cluster.DeploymentAsync("router");
        var userEntries = UserEntries(before);
        var mark = cluster.RequestsBy(Identity).Count;

        // The user's edit lands just before the operator's next patch of the router Deployment.
        cluster.Api.Faults.Interfere(new FaultTarget("patch", "deployments", $"({Identity})"), 1, deployment =>
        {
            var container = deployment["spec"]!["template"]!["spec"]!["containers"]![0]!.AsObject();
            container["image"] = "ghcr.io/waddlebot/router:9.9.9-user";
            var env = container["env"]!.AsArray();
            env.Insert(0, new JsonObject { ["name"] = "USER_FEATURE", ["value"] = "on" });
            return deployment;
        }, count: 1);

        // A new version changes the injected OTEL_RESOURCE_ATTRIBUTES: the operator must patch the Deployment.
        await cluster.User.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(new JsonObject { ["spec"] = new JsonObject { ["version"] = "9.9.9" } }.ToJsonString(), V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, OperatorCluster.Namespace, WaddleService.Plural, "router");
        await OperatorCluster.WaitUntilAsync("the new version injected into the router Deployment", async () =>
        {
            var (_, env) = await cluster.DeploymentAsync("router");
            var attributes = env.TryGetValue(EnvInjectionPlanner.ResourceAttributesVariable, out var a) ? a.Value : "";
            return (attributes.Contains("service.version=9.9.9", StringComparison.Ordinal), attributes);
        });
        await OperatorCluster.WaitForIdleAsync(op);

        // Both changes are in the Deployment: the user's image and env entry, every env entry the user had, and the injection.
        var (after, afterEnv) = await cluster.DeploymentAsync("router");
        var app = after.Spec.Template.Spec.Containers[0];
        Assert.Equal("ghcr.io/waddlebot/router:9.9.9-user", app.Image);
        Assert.Equal("on", afterEnv["USER_FEATURE"].Value);
        foreach (var entry in userEntries)
        {
            Assert.True(JsonNode.DeepEquals(Node(entry), Node(afterEnv[entry.Name])), $"the user's {entry.Name} changed");
        }

        Assert.Contains("service.version=9.9.9", afterEnv[EnvInjectionPlanner.ResourceAttributesVariable].Value, StringComparison.Ordinal);
        Assert.Equal("USER_FEATURE", app.Env[0].Name);

        // The request log: the operator's writes of the Deployment since are patches only, the first refused (made from the
        // version before the user's edit), the last accepted (made from the user's version).
        var writes = cluster.RequestsBy(Identity).Skip(mark).Where(r => r.Resource == "deployments" && r.Name == "router" && r.Verb is not ("get" or "list" or "watch")).ToList();
        Assert.All(writes, w => Assert.Equal("patch", w.Verb));
        Assert.Equal(409, writes[0].Status);
        Assert.Equal(200, writes[^1].Status);
        Assert.Equal(before.Metadata.ResourceVersion, ResourceVersionOf(writes[0]));
        Assert.NotEqual(before.Metadata.ResourceVersion, ResourceVersionOf(writes[^1]));
        Assert.Equal("application/strategic-merge-patch+json", writes[^1].ContentType?.Split(';')[0]);
        var userNames = userEntries.Select(e => e.Name).Append("USER_FEATURE").ToHashSet(StringComparer.Ordinal);
        foreach (var write in writes)
        {
            Assert.DoesNotContain(EnvItems(write), name => userNames.Contains(name));
            Assert.DoesNotContain("9.9.9-user", write.Body!, StringComparison.Ordinal);
        }

        await op.StopAsync();
    }

    [Fact]
    public async Task A_users_entry_added_under_an_injected_name_meanwhile_is_never_overwritten()
    {
        await using var cluster = await OperatorCluster.StartAsync(output, recordRequestBodies: true);
        await cluster.ApplySamplesAsync();
        var op = cluster.StartOperator(Identity);
        await cluster.WaitForAllReadyAsync(19);
        await OperatorCluster.WaitForIdleAsync(op);
        var mark = cluster.RequestsBy(Identity).Count;

        // Just before the operator's next patch, the user appends a METRICS_NAMESPACE of their own (the operator injected one).
        cluster.Api.Faults.Interfere(new FaultTarget("patch", "deployments", $"({Identity})"), 1, deployment =>
        {
            deployment["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray()
                .Add(new JsonObject { ["name"] = "METRICS_NAMESPACE", ["value"] = "mine" });
            return deployment;
        }, count: 1);
        await cluster.User.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(new JsonObject { ["spec"] = new JsonObject { ["version"] = "9.9.9" } }.ToJsonString(), V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, OperatorCluster.Namespace, WaddleService.Plural, "router");
        await OperatorCluster.WaitUntilAsync("router's status to report the user's METRICS_NAMESPACE", async () =>
        {
            var router = (await cluster.WaddleServiceAsync("router"))!;
            var overridden = router.Status?.OverriddenEnv ?? [];
            return (overridden.Contains("METRICS_NAMESPACE") && OperatorCluster.IsReady(router), OperatorCluster.Describe(router));
        });
        await OperatorCluster.WaitForIdleAsync(op);

        // One METRICS_NAMESPACE, the user's: the injected one was taken out, the user's never touched.
        var (deployment, _) = await cluster.DeploymentAsync("router");
        var entries = deployment.Spec.Template.Spec.Containers[0].Env.Where(e => e.Name == "METRICS_NAMESPACE").ToList();
        Assert.Equal("mine", Assert.Single(entries).Value);
        Assert.Contains("service.version=9.9.9", deployment.Spec.Template.Spec.Containers[0].Env.Single(e => e.Name == EnvInjectionPlanner.ResourceAttributesVariable).Value, StringComparison.Ordinal);

        var writes = cluster.RequestsBy(Identity).Skip(mark).Where(r => r.Resource == "deployments" && r.Name == "router" && r.Verb is not ("get" or "list" or "watch")).ToList();
        Assert.All(writes, w => Assert.Equal("patch", w.Verb));
        Assert.Equal(409, writes[0].Status);
        Assert.Equal(200, writes[^1].Status);
        await op.StopAsync();
    }

    /// <summary>The user's own entries of the router's first container: those the injected-env record does not list.</summary>
    private static List<V1EnvVar> UserEntries(V1Deployment deployment)
    {
        var record = JsonNode.Parse(deployment.Spec.Template.Metadata.Annotations[WellKnown.InjectedEnvAnnotation])!.AsObject();
        var container = deployment.Spec.Template.Spec.Containers[0];
        var injected = record[container.Name]!.AsObject().Select(p => p.Key).ToHashSet(StringComparer.Ordinal);
        var user = container.Env.Where(e => !injected.Contains(e.Name)).ToList();
        Assert.NotEmpty(user);
        return user;
    }

    private static string? ResourceVersionOf(RequestRecord write) => JsonNode.Parse(write.Body!)!["metadata"]?["resourceVersion"]?.GetValue<string>();

    /// <summary>The names of the env items a patch sends (not those it only orders by name in $setElementOrder).</summary>
    private static IEnumerable<string> EnvItems(RequestRecord write)
    {
        var containers = JsonNode.Parse(write.Body!)!["spec"]?["template"]?["spec"]?["containers"]?.AsArray() ?? [];
        return containers.SelectMany(c => c!["env"]?.AsArray() ?? []).Select(e => e?["name"]?.GetValue<string>()).OfType<string>().ToList();
    }

    private static JsonNode? Node(V1EnvVar entry) => JsonNode.Parse(JsonSerializer.Serialize(EnvVarJson.ToNode(entry)));
}
