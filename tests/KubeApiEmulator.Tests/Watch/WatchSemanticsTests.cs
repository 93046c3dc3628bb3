using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeApiEmulator.Tests.Core;

namespace KubeApiEmulator.Tests.Watch;

public sealed class WatchSemanticsTests
{
    [Fact]
    public async Task Watch_from_a_compacted_resourceVersion_gets_an_ERROR_410_Expired_event()
    {
        await using var scope = await EmulatorScope.StartAsync(new ApiEmulatorOptions { History = 1 });
        var first = await Create(scope, "a");
        await Create(scope, "b");
        await Create(scope, "c");

        var error = await Assert.ThrowsAsync<KubernetesException>(() => Collect(scope, first.Metadata.ResourceVersion, count: 1));

        Assert.Equal(410, error.Status.Code);
        Assert.Equal("Expired", error.Status.Reason);
        Assert.Matches(@"^too old resource version: \d+ \(\d+\)$", error.Status.Message);
    }

    [Fact]
    public async Task Compacting_now_expires_every_earlier_resourceVersion()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var first = await Create(scope, "a");
        await Create(scope, "b");
        Assert.Single(await Collect(scope, first.Metadata.ResourceVersion, count: 1));

        scope.Api.CompactEventLog();

        var error = await Assert.ThrowsAsync<KubernetesException>(() => Collect(scope, first.Metadata.ResourceVersion, count: 1));
        Assert.Equal(410, error.Status.Code);
    }

    [Fact]
    public async Task Bookmarks_carry_the_current_resourceVersion_when_allowed()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var created = await Create(scope, "a");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<(WatchEventType Type, string? Version)>();
        var watching = Task.Run(async () =>
        {
            await foreach (var (type, item) in scope.Client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: created.Metadata.ResourceVersion, allowWatchBookmarks: true, onError: e => throw e, cancellationToken: cancel.Token))
            {
                events.Add((type, item.Metadata.ResourceVersion));
                if (type == WatchEventType.Bookmark)
                {
                    return;
                }
            }
        });
        await Eventually.ReturnsAsync(() => Task.FromResult(scope.Api.Store.OpenWatchCount), n => n == 1, "the watch to open");
        var later = await Create(scope, "b");

        await Eventually.ReturnsAsync(() => Task.FromResult(events.Count), n => n == 1, "the ADDED event");
        scope.Api.SendBookmarks();
        await watching;

        Assert.Equal([(WatchEventType.Added, later.Metadata.ResourceVersion), (WatchEventType.Bookmark, later.Metadata.ResourceVersion)], events);
    }

    [Fact]
    public async Task TimeoutSeconds_ends_the_stream()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await Create(scope, "a");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var seen = 0;

        await foreach (var _ in scope.Client.CoreV1.WatchListNamespacedConfigMapAsync("default", timeoutSeconds: 1, onError: e => throw e, cancellationToken: cancel.Token))
        {
            seen++;
        }

        Assert.Equal(1, seen);
        Assert.False(cancel.IsCancellationRequested);
    }

    [Fact]
    public async Task Label_selector_enter_and_leave_are_ADDED_and_DELETED()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var map = await Create(scope, "m");
        var from = map.Metadata.ResourceVersion;
        map.Metadata.Labels = new Dictionary<string, string> { ["app"] = "x" };
        map = await scope.Client.CoreV1.ReplaceNamespacedConfigMapAsync(map, "m", "default");
        map.Data = new Dictionary<string, string> { ["k"] = "v" };
        map = await scope.Client.CoreV1.ReplaceNamespacedConfigMapAsync(map, "m", "default");
        map.Metadata.Labels = new Dictionary<string, string> { ["app"] = "y" };
        await scope.Client.CoreV1.ReplaceNamespacedConfigMapAsync(map, "m", "default");

        var events = await Collect(scope, from, count: 3, labelSelector: "app=x");

        Assert.Equal([WatchEventType.Added, WatchEventType.Modified, WatchEventType.Deleted], events.Select(e => e.Type));
    }

    [Fact]
    public async Task A_no_op_write_emits_nothing_and_keeps_the_resourceVersion()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var map = await Create(scope, "m");
        var unchanged = await scope.Client.CoreV1.ReplaceNamespacedConfigMapAsync(map, "m", "default");
        Assert.Equal(map.Metadata.ResourceVersion, unchanged.Metadata.ResourceVersion);
        unchanged.Data = new Dictionary<string, string> { ["k"] = "v" };
        var changed = await scope.Client.CoreV1.ReplaceNamespacedConfigMapAsync(unchanged, "m", "default");

        var events = await Collect(scope, map.Metadata.ResourceVersion, count: 1);

        Assert.Equal((WatchEventType.Modified, changed.Metadata.ResourceVersion), events[0]);
        Assert.Equal(long.Parse(map.Metadata.ResourceVersion) + 1, long.Parse(changed.Metadata.ResourceVersion));
    }

    [Fact]
    public async Task Legacy_watch_path_streams_json_lines()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await Create(scope, "legacy");
        using var http = new HttpClient();
        using var response = await http.GetAsync($"{scope.Api.Url}/api/v1/watch/namespaces/default/configmaps?timeoutSeconds=1", HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync();

        var line = Assert.Single(body.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        var parsed = JsonNode.Parse(line)!;
        Assert.Equal("ADDED", parsed["type"]!.GetValue<string>());
        Assert.Equal("legacy", parsed["object"]!["metadata"]!["name"]!.GetValue<string>());
    }

    [Fact]
    public async Task All_namespace_watch_sees_every_namespace_and_cluster_scoped_watch_works()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "other" } });
        var start = (await scope.Client.CoreV1.ListConfigMapForAllNamespacesAsync()).Metadata.ResourceVersion;
        await Create(scope, "a");
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "b" } }, "other");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var names = new List<string>();
        await foreach (var (_, item) in scope.Client.CoreV1.WatchListConfigMapForAllNamespacesAsync(resourceVersion: start, onError: e => throw e, cancellationToken: cancel.Token))
        {
            names.Add($"{item.Metadata.NamespaceProperty}/{item.Metadata.Name}");
            if (names.Count == 2)
            {
                break;
            }
        }

        Assert.Equal(["default/a", "other/b"], names);
        await foreach (var (type, ns) in scope.Client.CoreV1.WatchListNamespaceAsync(timeoutSeconds: 1, onError: e => throw e, cancellationToken: cancel.Token))
        {
            Assert.Equal(WatchEventType.Added, type);
            Assert.Null(ns.Metadata.NamespaceProperty);
        }
    }

    [Fact]
    public async Task Dropping_watches_breaks_the_connection()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await Create(scope, "a");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var watching = Task.Run(async () =>
        {
            await foreach (var _ in scope.Client.CoreV1.WatchListNamespacedConfigMapAsync("default", onError: e => throw e, cancellationToken: cancel.Token))
            {
            }
        });
        await Eventually.ReturnsAsync(() => Task.FromResult(scope.Api.Store.OpenWatchCount), n => n == 1, "the watch to open");

        scope.Api.DropWatches();

        var error = await Record.ExceptionAsync(() => watching);
        Assert.True(error is IOException or HttpRequestException, $"expected a broken connection, got {error?.GetType().Name ?? "a clean end"}");
        Assert.False(cancel.IsCancellationRequested);
    }

    [Fact]
    public async Task Watch_with_a_bad_resourceVersion_is_400()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.ListNamespacedConfigMapWithHttpMessagesAsync("default", watch: true, resourceVersion: "abc"));
        Assert.Equal(HttpStatusCode.BadRequest, error.Response.StatusCode);
    }

    private static Task<V1ConfigMap> Create(EmulatorScope scope, string name) =>
        scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name } }, "default");

    private static async Task<List<(WatchEventType Type, string Version)>> Collect(EmulatorScope scope, string from, int count, string? labelSelector = null)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<(WatchEventType, string)>();
        await foreach (var (type, item) in scope.Client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: from, labelSelector: labelSelector, onError: e => throw e, cancellationToken: cancel.Token))
        {
            events.Add((type, item.Metadata.ResourceVersion));
            if (events.Count == count)
            {
                break;
            }
        }

        return events;
    }
}
