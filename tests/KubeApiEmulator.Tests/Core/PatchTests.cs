using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeApiEmulator.Tests.Core;

public sealed class PatchTests
{
    [Fact]
    public async Task Merge_patch_on_a_custom_resource_and_its_status()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var widgets = await WidgetDefinition.InstallAsync(scope);
        await widgets.CreateNamespacedAsync(Widget.Named("w"), "default");

        var patched = await widgets.PatchNamespacedAsync<Widget>(new V1Patch("{\"spec\":{\"size\":4}}", V1Patch.PatchType.MergePatch), "default", "w");
        Assert.Equal(4, patched.Spec!.Size);
        Assert.Equal(2, patched.Metadata.Generation);

        var status = await scope.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync<Widget>(
            new V1Patch("{\"status\":{\"phase\":\"Ready\"},\"spec\":{\"size\":9}}", V1Patch.PatchType.MergePatch), "test.io", "v1", "default", "widgets", "w");
        Assert.Equal("Ready", status.Status!.Phase);
        Assert.Equal(4, status.Spec!.Size);
    }

    [Fact]
    public async Task Merge_patch_carrying_a_stale_resourceVersion_is_409()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var map = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "m" } }, "default");
        await scope.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"a\":\"1\"}}", V1Patch.PatchType.MergePatch), "m", "default");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch($"{{\"metadata\":{{\"resourceVersion\":\"{map.Metadata.ResourceVersion}\"}},\"data\":{{\"a\":\"2\"}}}}", V1Patch.PatchType.MergePatch), "m", "default"));
        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
    }

    [Fact]
    public async Task Json_patch_failed_test_is_422()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "m", Finalizers = ["a/b"] } }, "default");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch("[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"1\"},{\"op\":\"remove\",\"path\":\"/metadata/finalizers/0\"}]", V1Patch.PatchType.JsonPatch), "m", "default"));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);

        var current = await scope.Client.CoreV1.ReadNamespacedConfigMapAsync("m", "default");
        var removed = await scope.Client.CoreV1.PatchNamespacedConfigMapAsync(
            new V1Patch($"[{{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":\"{current.Metadata.ResourceVersion}\"}},{{\"op\":\"remove\",\"path\":\"/metadata/finalizers/0\"}}]", V1Patch.PatchType.JsonPatch), "m", "default");
        Assert.Null(removed.Metadata.Finalizers);
    }

    [Fact]
    public async Task Strategic_merge_patch_merges_containers_by_name_and_is_415_on_custom_resources()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var deployment = CrudTests.Deployment("web");
        deployment.Spec.Template.Spec.Containers.Add(new V1Container { Name = "sidecar", Image = "busybox" });
        await scope.Client.AppsV1.CreateNamespacedDeploymentAsync(deployment, "default");

        var patched = await scope.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"env\":[{\"name\":\"OTEL_SERVICE_NAME\",\"value\":\"web\"}]}]}}}}",
            V1Patch.PatchType.StrategicMergePatch), "web", "default");

        Assert.Equal(["app", "sidecar"], patched.Spec.Template.Spec.Containers.Select(c => c.Name));
        Assert.Equal("web", patched.Spec.Template.Spec.Containers[0].Env.Single().Value);
        Assert.Equal("nginx", patched.Spec.Template.Spec.Containers[0].Image);

        using var widgets = await WidgetDefinition.InstallAsync(scope);
        await widgets.CreateNamespacedAsync(Widget.Named("w"), "default");
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            widgets.PatchNamespacedAsync<Widget>(new V1Patch("{\"spec\":{\"size\":2}}", V1Patch.PatchType.StrategicMergePatch), "default", "w"));
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, error.Response.StatusCode);
        Assert.Equal("UnsupportedMediaType", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Reason);
    }

    [Fact]
    public async Task Strategic_merge_patch_carrying_a_stale_resourceVersion_is_409_and_changes_nothing()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var created = await scope.Client.AppsV1.CreateNamespacedDeploymentAsync(CrudTests.Deployment("web"), "default");
        var edited = await scope.Client.AppsV1.PatchNamespacedDeploymentAsync(new V1Patch(
            "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"nginx:2\"}]}}}}", V1Patch.PatchType.StrategicMergePatch), "web", "default");
        var env = "\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"app\",\"env\":[{\"name\":\"A\",\"value\":\"1\"}]}]}}}";

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch($"{{\"metadata\":{{\"resourceVersion\":\"{created.Metadata.ResourceVersion}\"}},{env}}}", V1Patch.PatchType.StrategicMergePatch), "web", "default"));
        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        var unchanged = await scope.Client.AppsV1.ReadNamespacedDeploymentAsync("web", "default");
        Assert.Equal(edited.Metadata.ResourceVersion, unchanged.Metadata.ResourceVersion);
        Assert.Null(unchanged.Spec.Template.Spec.Containers[0].Env);

        // From the version now stored it applies, and the other writer's image stays.
        var patched = await scope.Client.AppsV1.PatchNamespacedDeploymentAsync(
            new V1Patch($"{{\"metadata\":{{\"resourceVersion\":\"{edited.Metadata.ResourceVersion}\"}},{env}}}", V1Patch.PatchType.StrategicMergePatch), "web", "default");
        Assert.Equal("nginx:2", patched.Spec.Template.Spec.Containers[0].Image);
        Assert.Equal("1", patched.Spec.Template.Spec.Containers[0].Env.Single().Value);
    }

    [Fact]
    public async Task Server_side_apply_creates_then_merges_with_a_field_manager()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var widgets = await WidgetDefinition.InstallAsync(scope);
        var applied = await scope.Client.CustomObjects.PatchNamespacedCustomObjectAsync<Widget>(
            new V1Patch("{\"apiVersion\":\"test.io/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},\"spec\":{\"size\":2}}", V1Patch.PatchType.ApplyPatch),
            "test.io", "v1", "default", "widgets", "w", fieldManager: "tests", force: true);
        Assert.Equal(2, applied.Spec!.Size);
        Assert.Equal(1, applied.Metadata.Generation);

        var again = await scope.Client.CustomObjects.PatchNamespacedCustomObjectAsync<Widget>(
            new V1Patch("{\"apiVersion\":\"test.io/v1\",\"kind\":\"Widget\",\"metadata\":{\"name\":\"w\"},\"spec\":{\"size\":3}}", V1Patch.PatchType.ApplyPatch),
            "test.io", "v1", "default", "widgets", "w", fieldManager: "tests", force: true);
        Assert.Equal(3, again.Spec!.Size);
        Assert.Equal(applied.Metadata.Uid, again.Metadata.Uid);
    }

    [Fact]
    public async Task Unknown_patch_content_type_is_415()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "m" } }, "default");
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Patch, $"{scope.Api.Url}/api/v1/namespaces/default/configmaps/m")
        {
            Content = new StringContent("{}", System.Text.Encoding.UTF8, "text/plain"),
        };

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }
}
