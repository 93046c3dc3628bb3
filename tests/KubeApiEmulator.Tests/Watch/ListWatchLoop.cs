using System.Collections.Concurrent;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeApiEmulator.Tests.Watch;

/// <summary>
/// A client-go style reflector over config maps, written the way the operator's informer must be: list, watch from the
/// list's resourceVersion, re-watch from the last seen one after a broken stream, relist after 410.
/// </summary>
internal sealed class ListWatchLoop(IKubernetes client, string ns)
{
    private readonly ConcurrentDictionary<string, V1ConfigMap> _cache = new();

    public ConcurrentQueue<(WatchEventType Type, string Name, string Version)> Events { get; } = new();

    public int Relists { get; private set; }
    public int Reconnects { get; private set; }
    public string LastVersion { get; private set; } = "";

    public IReadOnlyDictionary<string, V1ConfigMap> Cache => _cache;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var needList = true;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (needList)
                {
                    await ListAsync(cancellationToken);
                    needList = false;
                }

                await foreach (var (type, item) in client.CoreV1.WatchListNamespacedConfigMapAsync(
                    ns, resourceVersion: LastVersion, allowWatchBookmarks: true, timeoutSeconds: 30, onError: e => throw e, cancellationToken: cancellationToken))
                {
                    Apply(type, item);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (IsGone(e))
            {
                Relists++;
                needList = true;
            }
            catch (Exception e) when (e is IOException or HttpRequestException or HttpOperationException)
            {
                Reconnects++;
                await Task.Delay(20, cancellationToken);
            }
        }
    }

    private async Task ListAsync(CancellationToken cancellationToken)
    {
        var list = await client.CoreV1.ListNamespacedConfigMapAsync(ns, cancellationToken: cancellationToken);
        var names = list.Items.Select(i => i.Metadata.Name).ToHashSet();
        foreach (var gone in _cache.Keys.Where(k => !names.Contains(k)).ToList())
        {
            _cache.TryRemove(gone, out _);
        }

        foreach (var item in list.Items)
        {
            _cache[item.Metadata.Name] = item;
        }

        LastVersion = list.Metadata.ResourceVersion;
    }

    private void Apply(WatchEventType type, V1ConfigMap item)
    {
        LastVersion = item.Metadata.ResourceVersion;
        if (type == WatchEventType.Bookmark)
        {
            return;
        }

        Events.Enqueue((type, item.Metadata.Name, item.Metadata.ResourceVersion));
        if (type == WatchEventType.Deleted)
        {
            _cache.TryRemove(item.Metadata.Name, out _);
        }
        else
        {
            _cache[item.Metadata.Name] = item;
        }
    }

    private static bool IsGone(Exception e) => e switch
    {
        KubernetesException k => k.Status?.Code == 410,
        HttpOperationException h => (int)h.Response.StatusCode == 410,
        _ => false,
    };
}
