using System.Threading.Channels;
using KubeApiEmulator.Selectors;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Watch;

/// <summary>
/// One open watch: the store offers every committed change of its resource; the subscription turns it into the event
/// this watcher sees (label-selector enter and leave become ADDED and DELETED) and queues it for the HTTP stream.
/// </summary>
public sealed class WatchSubscription : IDisposable
{
    private readonly Channel<WatchEvent> _events = Channel.CreateUnbounded<WatchEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Action<WatchSubscription> _unsubscribe;
    private readonly CancellationTokenSource _dropped = new();

    internal WatchSubscription(StorageKey resource, ObjectFilter filter, bool bookmarks, Action<WatchSubscription> unsubscribe)
    {
        Resource = resource;
        Filter = filter;
        Bookmarks = bookmarks;
        _unsubscribe = unsubscribe;
    }

    public StorageKey Resource { get; }
    public ObjectFilter Filter { get; }
    public bool Bookmarks { get; }

    public ChannelReader<WatchEvent> Events => _events.Reader;

    /// <summary>Cancelled when the emulator drops the watch (fault injection, resource removed, shutdown).</summary>
    public CancellationToken Dropped => _dropped.Token;

    internal void Offer(LoggedChange change)
    {
        var now = Filter.Matches(change.Object);
        var before = change.Previous is not null && Filter.Matches(change.Previous);
        var type = change.Type switch
        {
            WatchEvent.Added => now ? WatchEvent.Added : null,
            WatchEvent.Deleted => now ? WatchEvent.Deleted : null,
            _ when now && before => WatchEvent.Modified,
            _ when now => WatchEvent.Added,
            _ when before => WatchEvent.Deleted,
            _ => null,
        };
        if (type is not null)
        {
            _events.Writer.TryWrite(new WatchEvent(type, change.Object));
        }
    }

    internal void Enqueue(WatchEvent watchEvent) => _events.Writer.TryWrite(watchEvent);

    /// <summary>True once the emulator dropped it (its stream is closing).</summary>
    public bool IsDropped { get; private set; }

    internal void Drop()
    {
        IsDropped = true;
        _events.Writer.TryComplete();
        try
        {
            _dropped.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already closed by its own stream.
        }
    }

    public void Dispose()
    {
        _unsubscribe(this);
        _events.Writer.TryComplete();
        _dropped.Dispose();
    }
}
