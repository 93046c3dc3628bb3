using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeApiEmulator.Tests.Core;

public sealed class FinalizerTests
{
    [Fact]
    public async Task Delete_with_finalizers_marks_the_object_and_removing_the_last_finalizer_removes_it()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var widgets = await WidgetDefinition.InstallAsync(scope);
        var widget = Widget.Named("held");
        widget.Metadata.Finalizers = ["test.io/cleanup", "test.io/second"];
        await widgets.CreateNamespacedAsync(widget, "default");

        var marked = await widgets.DeleteNamespacedAsync<Widget>("default", "held");
        Assert.NotNull(marked.Metadata.DeletionTimestamp);
        Assert.Equal(0, marked.Metadata.DeletionGracePeriodSeconds);
        Assert.Equal(2, marked.Metadata.Generation);

        marked.Metadata.Finalizers = ["test.io/cleanup", "test.io/second", "test.io/late"];
        var refused = await Assert.ThrowsAsync<HttpOperationException>(() => widgets.ReplaceNamespacedAsync(marked, "default", "held"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, refused.Response.StatusCode);
        Assert.Equal(
            "Widget.test.io \"held\" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{\"test.io/late\"}",
            KubernetesJson.Deserialize<V1Status>(refused.Response.Content).Message);

        marked.Metadata.Finalizers = ["test.io/second"];
        var still = await widgets.ReplaceNamespacedAsync(marked, "default", "held");
        Assert.NotNull(still.Metadata.DeletionTimestamp);

        still.Metadata.Finalizers = [];
        await widgets.ReplaceNamespacedAsync(still, "default", "held");
        var gone = await Assert.ThrowsAsync<HttpOperationException>(() => widgets.ReadNamespacedAsync<Widget>("default", "held"));
        Assert.Equal(HttpStatusCode.NotFound, gone.Response.StatusCode);
    }

    [Fact]
    public async Task Delete_preconditions_on_uid_and_resourceVersion()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var map = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "p" } }, "default");

        var wrongUid = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.DeleteNamespacedConfigMapAsync("p", "default", new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = "other" } }));
        Assert.Equal(HttpStatusCode.Conflict, wrongUid.Response.StatusCode);
        Assert.Contains($"Precondition failed: UID in precondition: other, UID in object meta: {map.Metadata.Uid}", wrongUid.Response.Content);

        var wrongVersion = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.DeleteNamespacedConfigMapAsync("p", "default", new V1DeleteOptions { Preconditions = new V1Preconditions { ResourceVersion = "1" } }));
        Assert.Equal(HttpStatusCode.Conflict, wrongVersion.Response.StatusCode);

        await scope.Client.CoreV1.DeleteNamespacedConfigMapAsync("p", "default", new V1DeleteOptions { Preconditions = new V1Preconditions { Uid = map.Metadata.Uid, ResourceVersion = map.Metadata.ResourceVersion } });
        Assert.Empty((await scope.Client.CoreV1.ListNamespacedConfigMapAsync("default")).Items);
    }

    [Fact]
    public async Task Recreated_object_gets_a_new_uid()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var first = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "r" } }, "default");
        await scope.Client.CoreV1.DeleteNamespacedConfigMapAsync("r", "default");
        var second = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "r" } }, "default");

        Assert.NotEqual(first.Metadata.Uid, second.Metadata.Uid);
    }

    [Fact]
    public async Task Deletecollection_deletes_what_the_selector_matches()
    {
        await using var scope = await EmulatorScope.StartAsync();
        foreach (var (name, app) in new[] { ("a", "x"), ("b", "x"), ("c", "y") })
        {
            await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = app } } }, "default");
        }

        await scope.Client.CoreV1.DeleteCollectionNamespacedConfigMapAsync("default", labelSelector: "app=x");

        Assert.Equal("c", Assert.Single((await scope.Client.CoreV1.ListNamespacedConfigMapAsync("default")).Items).Metadata.Name);
    }

    [Fact]
    public async Task Deleting_a_namespace_deletes_its_content()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "doomed" } });
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "c" } }, "doomed");

        var terminating = await scope.Client.CoreV1.DeleteNamespaceAsync("doomed");
        await scope.SettleAsync();

        Assert.Empty((await scope.Client.CoreV1.ListNamespacedConfigMapAsync("doomed")).Items);
        Assert.DoesNotContain((await scope.Client.CoreV1.ListNamespaceAsync()).Items, n => n.Metadata.Name == "doomed");
    }

    [Fact]
    public async Task The_default_namespace_may_not_be_deleted()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.DeleteNamespaceAsync("default"));

        Assert.Equal(HttpStatusCode.Forbidden, error.Response.StatusCode);
        Assert.Equal("namespaces \"default\" is forbidden: this namespace may not be deleted", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message);
    }
}
