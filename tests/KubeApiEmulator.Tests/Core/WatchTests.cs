using k8s;
using k8s.Models;

namespace KubeApiEmulator.Tests.Core;

public sealed class WatchTests
{
    [Fact]
    public async Task Watch_without_resourceVersion_sends_synthetic_ADDED_then_live_events()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "before" } }, "default");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<(WatchEventType, string)>();

        var watching = Task.Run(async () =>
        {
            await foreach (var (type, item) in scope.Client.CoreV1.WatchListNamespacedConfigMapAsync("default", onError: e => throw e, cancellationToken: cancel.Token))
            {
                events.Add((type, item.Metadata.Name));
                if (events.Count == 4)
                {
                    return;
                }
            }
        });
        await Eventually.ReturnsAsync(() => Task.FromResult(scope.Api.Store.OpenWatchCount), n => n == 1, "the watch to open");

        var after = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "after" } }, "default");
        after.Data = new Dictionary<string, string> { ["k"] = "v" };
        await scope.Client.CoreV1.ReplaceNamespacedConfigMapAsync(after, "after", "default");
        await scope.Client.CoreV1.DeleteNamespacedConfigMapAsync("before", "default");
        await watching;

        Assert.Equal(
            [(WatchEventType.Added, "before"), (WatchEventType.Added, "after"), (WatchEventType.Modified, "after"), (WatchEventType.Deleted, "before")],
            events);
    }

    [Fact]
    public async Task Watch_from_a_resourceVersion_replays_later_changes()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var first = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "one" } }, "default");
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "two" } }, "default");
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        var names = new List<string>();
        await foreach (var (type, item) in scope.Client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: first.Metadata.ResourceVersion, onError: e => throw e, cancellationToken: cancel.Token))
        {
            Assert.Equal(WatchEventType.Added, type);
            names.Add(item.Metadata.Name);
            break;
        }

        Assert.Equal(["two"], names);
    }
}
