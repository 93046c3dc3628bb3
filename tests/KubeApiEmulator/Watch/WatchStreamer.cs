using System.Text.Json.Nodes;
using KubeApiEmulator.Discovery;
using KubeApiEmulator.Http;
using KubeApiEmulator.Selectors;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Watch;

/// <summary>
/// Serves a watch as newline-delimited JSON, one flushed line per event, until timeoutSeconds, the client leaves or the
/// emulator drops it. A resourceVersion older than the event log answers 200 with one ERROR (410 Expired) line, as the
/// real server does once the stream has started.
/// </summary>
internal sealed class WatchStreamer(ObjectStore store, TableConverter tables)
{
    public async Task StreamAsync(HttpContext context, ResourceType type, ObjectFilter filter, long? fromResourceVersion, bool bookmarks, TimeSpan? timeout, bool asTable)
    {
        var response = context.Response;
        WatchSubscription subscription;
        try
        {
            subscription = store.Watch(type.StorageKey, filter, fromResourceVersion, bookmarks);
        }
        catch (ApiException expired) when (expired.Code == 410)
        {
            response.StatusCode = 200;
            response.ContentType = "application/json";
            var status = WireJson.Bytes(expired.ToStatus());
            await response.Body.WriteAsync(ApiResponses.WatchLine(WatchEvent.Error, status), context.RequestAborted);
            return;
        }

        using (subscription)
        {
            response.StatusCode = 200;
            response.ContentType = "application/json";
            response.Headers.CacheControl = "no-cache, private";
            await response.StartAsync(context.RequestAborted);
            await response.Body.FlushAsync(context.RequestAborted);

            using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, subscription.Dropped);
            if (timeout is { } limit)
            {
                lifetime.CancelAfter(limit);
            }

            try
            {
                await foreach (var watchEvent in subscription.Events.ReadAllAsync(lifetime.Token))
                {
                    var line = ApiResponses.WatchLine(watchEvent.Type, Payload(type, watchEvent, asTable));
                    await response.Body.WriteAsync(line, lifetime.Token);
                    await response.Body.FlushAsync(lifetime.Token);
                }
            }
            catch (OperationCanceledException)
            {
                // Timeout or client gone: the stream simply ends.
            }

            if (subscription.Dropped.IsCancellationRequested && !context.RequestAborted.IsCancellationRequested)
            {
                // A dropped watch is a broken connection, not a clean end of stream.
                context.Abort();
            }
        }
    }

    private byte[] Payload(ResourceType type, WatchEvent watchEvent, bool asTable)
    {
        if (watchEvent.Type == WatchEvent.Bookmark)
        {
            return WireJson.Bytes(new JsonObject
            {
                ["kind"] = type.Kind,
                ["apiVersion"] = type.ApiVersion,
                ["metadata"] = new JsonObject { ["resourceVersion"] = watchEvent.BookmarkResourceVersion.ToString(), ["creationTimestamp"] = null },
            });
        }

        if (watchEvent.Status is not null)
        {
            return WireJson.Bytes(watchEvent.Status);
        }

        if (asTable)
        {
            var table = tables.Convert(type, [watchEvent.Object!], watchEvent.Object!.ResourceVersion, null, "Metadata");
            return WireJson.Bytes(table);
        }

        return ApiResponses.Bytes(type, watchEvent.Object!);
    }
}
