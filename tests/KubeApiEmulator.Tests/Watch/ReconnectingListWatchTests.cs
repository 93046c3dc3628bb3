using k8s;
using k8s.Models;
using KubeApiEmulator.Tests.Core;

namespace KubeApiEmulator.Tests.Watch;

public sealed class ReconnectingListWatchTests
{
    [Fact]
    public async Task Every_event_is_seen_exactly_once_across_dropped_watches_and_a_410_relist()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var loop = new ListWatchLoop(scope.Client, "default");
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => loop.RunAsync(stop.Token));
        await Eventually.ReturnsAsync(() => Task.FromResult(scope.Api.Store.OpenWatchCount), n => n == 1, "the loop to watch");

        // Phase 1: writes interleaved with broken connections; the loop resumes from its last resourceVersion.
        var written = new List<(WatchEventType Type, string Name, string Version)>();
        var drops = 0;
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < 4; i++)
            {
                var name = $"r{round}-{i}";
                var created = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name } }, "default");
                written.Add((WatchEventType.Added, name, created.Metadata.ResourceVersion));
                created.Data = new Dictionary<string, string> { ["round"] = round.ToString() };
                var updated = await scope.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, name, "default");
                written.Add((WatchEventType.Modified, name, updated.Metadata.ResourceVersion));
                if (i == 1)
                {
                    // Drop the loop's live watch (as soon as there is one), then wait until the loop noticed.
                    await Eventually.ReturnsAsync(() => Task.FromResult(scope.Api.DropWatches()), n => n == 1, "a live watch to drop");
                    drops++;
                    await Eventually.ReturnsAsync(() => Task.FromResult(loop.Reconnects), n => n >= drops, "the loop to see the broken connection");
                }
            }

            var deleted = await scope.Client.CoreV1.DeleteNamespacedConfigMapWithHttpMessagesAsync($"r{round}-0", "default");
            var after = (await scope.Client.CoreV1.ListNamespacedConfigMapAsync("default")).Metadata.ResourceVersion;
            written.Add((WatchEventType.Deleted, $"r{round}-0", after));
        }

        await Eventually.ReturnsAsync(() => Task.FromResult(loop.Events.Count), n => n >= written.Count, "the loop to catch up");
        Assert.Equal(written, loop.Events.ToList());
        Assert.Equal(5, drops);
        Assert.Equal(0, loop.Relists);

        // Phase 2: the loop is kept away while history is compacted; it must relist and converge.
        scope.Api.Faults.FailRate("watch", 1.0, 503);
        scope.Api.DropWatches();
        await Eventually.ReturnsAsync(() => Task.FromResult(scope.Api.Store.OpenWatchCount), n => n == 0, "the watch to close");
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "while-away" } }, "default");
        await scope.Client.CoreV1.DeleteNamespacedConfigMapAsync("r1-1", "default");
        scope.Api.CompactEventLog();
        scope.Api.Faults.Clear();

        await Eventually.ReturnsAsync(() => Task.FromResult(loop.Relists), n => n == 1, "the relist");
        await Eventually.ReturnsAsync(() => Task.FromResult(scope.Api.Store.OpenWatchCount), n => n == 1, "the loop to watch again");
        var server = (await scope.Client.CoreV1.ListNamespacedConfigMapAsync("default")).Items.ToDictionary(i => i.Metadata.Name, i => i.Metadata.ResourceVersion);
        Assert.Equal(server.OrderBy(p => p.Key), loop.Cache.ToDictionary(p => p.Key, p => p.Value.Metadata.ResourceVersion).OrderBy(p => p.Key));
        Assert.Contains("while-away", loop.Cache.Keys);
        Assert.DoesNotContain("r1-1", loop.Cache.Keys);

        // Nothing was ever delivered twice.
        var delivered = loop.Events.Select(e => (e.Name, e.Version)).ToList();
        Assert.Equal(delivered.Count, delivered.Distinct().Count());

        await stop.CancelAsync();
        await running;
    }
}
