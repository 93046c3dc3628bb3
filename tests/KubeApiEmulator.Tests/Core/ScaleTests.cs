using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeApiEmulator.Tests.Core;

/// <summary>The /scale subresource through KubernetesClient, as an autoscaler uses it.</summary>
public sealed class ScaleTests
{
    [Fact]
    public async Task Scale_reads_the_deployment_and_writes_only_its_replicas()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var deployment = await scope.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 2), "default");
        scope.Api.Tamper("apps/v1", "deployments", "default", "web", d => { d["status"] = new JsonObject { ["replicas"] = 2 }; return d; }, "status");

        var scale = await scope.Client.AppsV1.ReadNamespacedDeploymentScaleAsync("web", "default");

        Assert.Equal("Scale", scale.Kind);
        Assert.Equal("autoscaling/v1", scale.ApiVersion);
        Assert.Equal(deployment.Metadata.Uid, scale.Metadata.Uid);
        Assert.Equal(2, scale.Spec.Replicas);
        Assert.Equal(2, scale.Status.Replicas);
        Assert.Equal("app=web,tier in (a,b)", scale.Status.Selector);

        var patched = await scope.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":5}}""", V1Patch.PatchType.MergePatch), "web", "default");
        var afterPatch = await scope.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default");
        Assert.Equal(5, patched.Spec.Replicas);
        Assert.Equal(5, afterPatch.Spec.Replicas);
        Assert.Equal(2, afterPatch.Metadata.Generation);
        Assert.Equal(afterPatch.Metadata.ResourceVersion, patched.Metadata.ResourceVersion);
        Assert.Equal("nginx:1.27", afterPatch.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal(2, afterPatch.Status.Replicas);

        var jsonPatched = await scope.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""[{"op":"replace","path":"/spec/replicas","value":6}]""", V1Patch.PatchType.JsonPatch), "web", "default");
        var strategic = await scope.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":7}}""", V1Patch.PatchType.StrategicMergePatch), "web", "default");
        Assert.Equal(6, jsonPatched.Spec.Replicas);
        Assert.Equal(7, strategic.Spec.Replicas);

        strategic.Spec.Replicas = 1;
        var replaced = await scope.Client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(strategic, "web", "default");
        Assert.Equal(1, replaced.Spec.Replicas);
        Assert.Equal(1, (await scope.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default")).Spec.Replicas);

        var stale = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.AppsV1.ReplaceNamespacedDeploymentScaleAsync(strategic, "web", "default"));
        Assert.Equal(System.Net.HttpStatusCode.Conflict, stale.Response.StatusCode);
        Assert.Contains("Operation cannot be fulfilled on deployments.apps \\\"web\\\": the object has been modified", stale.Response.Content, StringComparison.Ordinal);
        Assert.Equal(1, (await scope.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default")).Spec.Replicas);
    }

    [Fact]
    public async Task A_scale_write_is_a_modified_event_on_the_deployment_and_a_missing_one_is_404()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var created = await scope.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 1), "default");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var events = new List<(WatchEventType Type, int? Replicas)>();
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, item) in scope.Client.AppsV1.WatchListNamespacedDeploymentAsync("default", resourceVersion: created.Metadata.ResourceVersion, onError: e => throw e, cancellationToken: cancel.Token))
            {
                events.Add((type, item.Spec.Replicas));
                return;
            }
        });
        await Eventually.ReturnsAsync(() => Task.FromResult(scope.Api.Store.OpenWatchCount), n => n == 1, "the watch to open");

        await scope.Client.AppsV1.PatchNamespacedDeploymentScaleAsync(new V1Patch("""{"spec":{"replicas":3}}""", V1Patch.PatchType.MergePatch), "web", "default");
        await watching;

        Assert.Equal([(WatchEventType.Modified, 3)], events);
        var missing = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.AppsV1.ReadNamespacedDeploymentScaleAsync("nope", "default"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.Response.StatusCode);
        var config = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.ReadNamespacedConfigMapAsync("x", "default"));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, config.Response.StatusCode);
    }

    [Fact]
    public async Task Statefulset_and_replicaset_scale_and_discovery_lists_the_subresources()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await scope.Client.AppsV1.CreateNamespacedStatefulSetAsync(new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "db" },
            Spec = new V1StatefulSetSpec { Replicas = 3, ServiceName = "db", Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "db" } }, Template = Template("db") },
        }, "default");

        var scaled = await scope.Client.AppsV1.PatchNamespacedStatefulSetScaleAsync(new V1Patch("""{"spec":{"replicas":0}}""", V1Patch.PatchType.MergePatch), "db", "default");
        var resources = await scope.Client.AppsV1.GetAPIResourcesAsync();

        Assert.Equal(0, scaled.Spec.Replicas);
        Assert.Equal(0, (await scope.Client.AppsV1.ReadNamespacedStatefulSetAsync("db", "default")).Spec.Replicas);
        foreach (var name in new[] { "deployments/scale", "statefulsets/scale", "replicasets/scale" })
        {
            var scale = Assert.Single(resources.Resources, r => r.Name == name);
            Assert.Equal(("autoscaling", "v1", "Scale"), (scale.Group, scale.Version, scale.Kind));
            Assert.Equal(["get", "patch", "update"], scale.Verbs);
        }

        Assert.DoesNotContain(resources.Resources, r => r.Name == "daemonsets/scale");
    }

    private static V1Deployment Deployment(string name, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec
        {
            Replicas = replicas,
            Selector = new V1LabelSelector
            {
                MatchLabels = new Dictionary<string, string> { ["app"] = name },
                MatchExpressions = [new V1LabelSelectorRequirement { Key = "tier", OperatorProperty = "In", Values = ["b", "a"] }],
            },
            Template = Template(name),
        },
    };

    private static V1PodTemplateSpec Template(string name) => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name, ["tier"] = "a" } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx:1.27" }] },
    };
}
