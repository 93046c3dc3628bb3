using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeApiEmulator.Tests.Core;

namespace KubeApiEmulator.Tests.Controls;

public sealed class RequestLogTests
{
    [Fact]
    public async Task Every_request_is_logged_with_what_the_server_parsed()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "m" } }, "default");
        await scope.Client.CoreV1.PatchNamespacedConfigMapAsync(new V1Patch("{\"data\":{\"a\":\"b\"}}", V1Patch.PatchType.MergePatch), "m", "default");
        try
        {
            await scope.Client.AppsV1.ReadNamespacedDeploymentAsync("missing", "default");
        }
        catch (k8s.Autorest.HttpOperationException)
        {
            // Logged with its status.
        }

        try
        {
            await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "m" } }, "default");
        }
        catch (k8s.Autorest.HttpOperationException)
        {
            // AlreadyExists: it made nothing, so it names nothing.
        }

        var log = scope.Api.Requests.Snapshot();

        var create = log.First(r => r.Verb == "create");
        Assert.Equal(("POST", "/api/v1/namespaces/default/configmaps", "configmaps", "default", 201), (create.Method, create.Path, create.Resource, create.Namespace, create.Status));
        Assert.Equal("m", create.Name);
        var refused = log.Last(r => r.Verb == "create");
        Assert.Equal((409, null), (refused.Status, refused.Name));
        Assert.StartsWith("application/json", create.ContentType);
        Assert.False(string.IsNullOrEmpty(create.UserAgent));
        var patch = log.Single(r => r.Verb == "patch");
        Assert.Equal(("m", "application/merge-patch+json; charset=utf-8"), (patch.Name, patch.ContentType));
        var get = log.Single(r => r.Verb == "get");
        Assert.Equal(("apps", "v1", "deployments", 404), (get.Group, get.Version, get.Resource, get.Status));
    }

    [Fact]
    public async Task The_log_is_readable_and_clearable_over_http()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await scope.Client.CoreV1.ListNamespacedPodAsync("default", labelSelector: "app=x");
        using var http = new HttpClient();

        var entries = JsonNode.Parse(await http.GetStringAsync($"{scope.Api.Url}/emulator/requests"))!.AsArray();
        var list = entries.Single(e => e!["verb"]!.GetValue<string>() == "list")!;
        Assert.Equal("pods", list["resource"]!.GetValue<string>());
        Assert.Contains("labelSelector=app%3Dx", list["query"]!.GetValue<string>());
        Assert.Equal(200, list["status"]!.GetValue<int>());

        await http.DeleteAsync($"{scope.Api.Url}/emulator/requests");
        Assert.Empty(scope.Api.Requests.Snapshot());
    }

    [Fact]
    public async Task A_watch_is_logged_when_it_ends()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "m" } }, "default");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var _ in scope.Client.CoreV1.WatchListNamespacedConfigMapAsync("default", timeoutSeconds: 1, onError: e => throw e, cancellationToken: cancel.Token))
        {
        }

        var watch = await Eventually.ReturnsAsync(
            () => Task.FromResult(scope.Api.Requests.Snapshot().SingleOrDefault(r => r.Verb == "watch")), r => r is not null, "the watch in the log");
        Assert.Equal(("configmaps", "default", 200), (watch!.Resource, watch.Namespace, watch.Status));
        Assert.Contains("timeoutSeconds=1", watch.Query);
    }
}
