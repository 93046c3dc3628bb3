using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Watch;

/// <summary>
/// The bounded history watches replay from, like etcd's compacted revision window. Changes older than the window
/// are compacted; a watch from before the compaction point gets 410 Expired.
/// </summary>
public sealed class EventLog(int capacity)
{
    private readonly Queue<LoggedChange> _changes = new();

    /// <summary>Every change with a resourceVersion at or below this is gone.</summary>
    public long CompactedThrough { get; private set; }

    public int Capacity { get; set; } = capacity;

    public int Count => _changes.Count;

    internal void Append(LoggedChange change)
    {
        _changes.Enqueue(change);
        while (_changes.Count > Math.Max(Capacity, 0))
        {
            CompactedThrough = _changes.Dequeue().ResourceVersion;
        }
    }

    /// <summary>Forgets everything up to and including <paramref name="resourceVersion"/>.</summary>
    internal void CompactThrough(long resourceVersion)
    {
        while (_changes.Count > 0 && _changes.Peek().ResourceVersion <= resourceVersion)
        {
            _changes.Dequeue();
        }

        CompactedThrough = Math.Max(CompactedThrough, resourceVersion);
    }

    /// <summary>Changes to one resource after <paramref name="resourceVersion"/>, oldest first.</summary>
    internal IEnumerable<LoggedChange> After(StorageKey resource, long resourceVersion) =>
        _changes.Where(c => c.ResourceVersion > resourceVersion && c.Resource == resource);
}
