using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeApiEmulator.Tests.Core;

public sealed class GarbageCollectionTests
{
    [Fact]
    public async Task Background_deletion_collects_dependents_after_the_owner_is_gone()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var owner = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(Map("owner"), "default");
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(Map("child", owner), "default");
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(Map("bystander"), "default");

        await scope.Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default", propagationPolicy: "Background");
        await scope.SettleAsync();

        Assert.Equal(["bystander"], await Names(scope));
    }

    [Fact]
    public async Task Foreground_deletion_keeps_the_owner_until_blocking_dependents_are_gone()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var owner = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(Map("owner"), "default");
        var child = Map("child", owner);
        child.Metadata.Finalizers = ["test.io/hold"];
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(child, "default");

        var marked = await scope.Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default", propagationPolicy: "Foreground");
        await scope.SettleAsync();

        var waiting = await scope.Client.CoreV1.ReadNamespacedConfigMapAsync("owner", "default");
        Assert.Contains("foregroundDeletion", waiting.Metadata.Finalizers);
        Assert.NotNull(waiting.Metadata.DeletionTimestamp);
        var held = await scope.Client.CoreV1.ReadNamespacedConfigMapAsync("child", "default");
        Assert.NotNull(held.Metadata.DeletionTimestamp);

        held.Metadata.Finalizers = [];
        await scope.Client.CoreV1.ReplaceNamespacedConfigMapAsync(held, "child", "default");
        await scope.SettleAsync();

        Assert.Empty(await Names(scope));
    }

    [Fact]
    public async Task Orphan_deletion_keeps_dependents_and_strips_their_owner_reference()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var owner = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(Map("owner"), "default");
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(Map("child", owner), "default");

        await scope.Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default", propagationPolicy: "Orphan");
        await scope.SettleAsync();

        Assert.Equal(["child"], await Names(scope));
        var orphan = await scope.Client.CoreV1.ReadNamespacedConfigMapAsync("child", "default");
        Assert.Null(orphan.Metadata.OwnerReferences);
    }

    [Fact]
    public async Task A_remaining_owner_keeps_the_dependent_and_the_dangling_reference_is_dropped()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var first = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(Map("first"), "default");
        var second = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(Map("second"), "default");
        var child = Map("child", first);
        child.Metadata.OwnerReferences.Add(Reference(second));
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(child, "default");

        await scope.Client.CoreV1.DeleteNamespacedConfigMapAsync("first", "default");
        await scope.SettleAsync();

        var kept = await scope.Client.CoreV1.ReadNamespacedConfigMapAsync("child", "default");
        Assert.Equal(second.Metadata.Uid, Assert.Single(kept.Metadata.OwnerReferences).Uid);
    }

    [Fact]
    public async Task Custom_resource_owners_collect_built_in_children()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var widgets = await WidgetDefinition.InstallAsync(scope);
        var widget = await widgets.CreateNamespacedAsync(Widget.Named("w"), "default");
        var child = Map("child");
        child.Metadata.OwnerReferences = [new V1OwnerReference { ApiVersion = "test.io/v1", Kind = "Widget", Name = "w", Uid = widget.Metadata.Uid, BlockOwnerDeletion = true, Controller = true }];
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(child, "default");

        await widgets.DeleteNamespacedAsync<Widget>("default", "w");
        await scope.SettleAsync();

        Assert.Empty(await Names(scope));
    }

    [Fact]
    public async Task With_garbage_collection_off_dependents_stay()
    {
        await using var scope = await EmulatorScope.StartAsync(new ApiEmulatorOptions { GarbageCollection = false });
        var owner = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(Map("owner"), "default");
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(Map("child", owner), "default");

        await scope.Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default");
        await scope.SettleAsync();

        Assert.Equal(["child"], await Names(scope));
    }

    [Fact]
    public async Task Foreground_without_garbage_collection_leaves_the_owner_terminating_like_envtest()
    {
        await using var scope = await EmulatorScope.StartAsync(new ApiEmulatorOptions { GarbageCollection = false });
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(Map("owner"), "default");

        await scope.Client.CoreV1.DeleteNamespacedConfigMapAsync("owner", "default", propagationPolicy: "Foreground");
        await scope.SettleAsync();

        var stuck = await scope.Client.CoreV1.ReadNamespacedConfigMapAsync("owner", "default");
        Assert.Equal(["foregroundDeletion"], stuck.Metadata.Finalizers);
    }

    [Fact]
    public async Task Unknown_propagation_policy_is_rejected()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(Map("o"), "default");
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.DeleteNamespacedConfigMapAsync("o", "default", propagationPolicy: "Sideways"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
    }

    private static async Task<List<string>> Names(EmulatorScope scope) =>
        [.. (await scope.Client.CoreV1.ListNamespacedConfigMapAsync("default")).Items.Select(i => i.Metadata.Name)];

    private static V1ConfigMap Map(string name, V1ConfigMap? owner = null) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, OwnerReferences = owner is null ? null : [Reference(owner)] },
    };

    private static V1OwnerReference Reference(V1ConfigMap owner) =>
        new() { ApiVersion = "v1", Kind = "ConfigMap", Name = owner.Metadata.Name, Uid = owner.Metadata.Uid, BlockOwnerDeletion = true };
}
