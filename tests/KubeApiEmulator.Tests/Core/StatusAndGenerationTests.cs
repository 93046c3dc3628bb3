using k8s;
using k8s.Models;

namespace KubeApiEmulator.Tests.Core;

public sealed class StatusAndGenerationTests
{
    [Fact]
    public async Task Custom_resource_generation_moves_only_with_spec_and_status_goes_through_the_subresource()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var widgets = await WidgetDefinition.InstallAsync(scope);

        var created = Widget.Named("w1");
        created.Status = new WidgetStatus { Phase = "ignored-on-create" };
        created = await widgets.CreateNamespacedAsync(created, "default");
        Assert.Equal(1, created.Metadata.Generation);
        Assert.Null(created.Status);

        created.Metadata.Labels = new Dictionary<string, string> { ["x"] = "y" };
        var relabelled = await widgets.ReplaceNamespacedAsync(created, "default", "w1");
        Assert.Equal(1, relabelled.Metadata.Generation);
        Assert.NotEqual(created.Metadata.ResourceVersion, relabelled.Metadata.ResourceVersion);

        relabelled.Status = new WidgetStatus { Phase = "main-resource-ignores-status" };
        var ignored = await widgets.ReplaceNamespacedAsync(relabelled, "default", "w1");
        Assert.Null(ignored.Status);
        Assert.Equal(relabelled.Metadata.ResourceVersion, ignored.Metadata.ResourceVersion);

        var withStatus = await scope.Client.CustomObjects.ReplaceNamespacedCustomObjectStatusAsync<Widget>(
            new Widget { Metadata = ignored.Metadata, Spec = new WidgetSpec { Size = 9 }, Status = new WidgetStatus { Phase = "Ready" } },
            "test.io", "v1", "default", "widgets", "w1");
        Assert.Equal("Ready", withStatus.Status!.Phase);
        Assert.Equal(1, withStatus.Spec!.Size);
        Assert.Equal(1, withStatus.Metadata.Generation);

        withStatus.Spec.Size = 5;
        var resized = await widgets.ReplaceNamespacedAsync(withStatus, "default", "w1");
        Assert.Equal(2, resized.Metadata.Generation);
        Assert.Equal("Ready", resized.Status!.Phase);
    }

    [Fact]
    public async Task Without_a_status_subresource_status_is_written_with_the_object_and_bumps_generation()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var widgets = await WidgetDefinition.InstallAsync(scope, statusSubresource: false);

        var created = await widgets.CreateNamespacedAsync(Widget.Named("w"), "default");
        created.Status = new WidgetStatus { Phase = "set" };
        var updated = await widgets.ReplaceNamespacedAsync(created, "default", "w");

        Assert.Equal("set", updated.Status!.Phase);
        Assert.Equal(2, updated.Metadata.Generation);
    }

    [Fact]
    public async Task Deployment_status_is_written_only_through_status()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var deployment = await scope.Client.AppsV1.CreateNamespacedDeploymentAsync(CrudTests.Deployment("web"), "default");
        Assert.Equal(1, deployment.Metadata.Generation);

        deployment.Status = new V1DeploymentStatus { ReadyReplicas = 1, Replicas = 1 };
        var ignored = await scope.Client.AppsV1.ReplaceNamespacedDeploymentAsync(deployment, "web", "default");
        Assert.Null(ignored.Status?.ReadyReplicas);

        ignored.Status = new V1DeploymentStatus { ReadyReplicas = 1, Replicas = 1, ObservedGeneration = 1 };
        var written = await scope.Client.AppsV1.ReplaceNamespacedDeploymentStatusAsync(ignored, "web", "default");
        Assert.Equal(1, written.Status.ReadyReplicas);
        Assert.Equal(1, written.Metadata.Generation);

        written.Spec.Template.Spec.Containers[0].Image = "nginx:2";
        var rolled = await scope.Client.AppsV1.ReplaceNamespacedDeploymentAsync(written, "web", "default");
        Assert.Equal(2, rolled.Metadata.Generation);
        Assert.Equal(1, rolled.Status.ReadyReplicas);
    }

    [Fact]
    public async Task ConfigMaps_have_no_generation()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var map = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" } }, "default");
        Assert.Null(map.Metadata.Generation);
    }
}
