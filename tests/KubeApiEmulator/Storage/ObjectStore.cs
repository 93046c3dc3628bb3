using System.Text.Json.Nodes;
using KubeApiEmulator.Selectors;
using KubeApiEmulator.Watch;

namespace KubeApiEmulator.Storage;

/// <summary>
/// All objects of all resources, one global resourceVersion counter, the event log and the open watches.
/// One lock orders every commit, so watchers see changes in resourceVersion order with no gaps.
/// </summary>
public sealed class ObjectStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<StorageKey, ResourceTable> _tables = [];
    private readonly Dictionary<StorageKey, List<WatchSubscription>> _watchers = [];
    private readonly Dictionary<string, (StorageKey Resource, ObjectKey Key)> _byUid = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<(StorageKey Resource, ObjectKey Key)>> _dependents = new(StringComparer.Ordinal);
    private long _resourceVersion;

    internal ObjectStore(int history) => Log = new EventLog(history);

    public EventLog Log { get; }

    /// <summary>Raised inside the commit lock after every change; handlers must be quick and must not write.</summary>
    internal event Action<LoggedChange>? Committed;

    /// <summary>Held by callers that read, decide and write as one step (update, patch, delete).</summary>
    internal Lock Gate => _gate;

    public long ResourceVersion
    {
        get
        {
            lock (_gate)
            {
                return _resourceVersion;
            }
        }
    }

    public StoredObject? Get(StorageKey resource, ObjectKey key)
    {
        lock (_gate)
        {
            return _tables.GetValueOrDefault(resource)?.Get(key);
        }
    }

    public StoredObject? FindByUid(string uid)
    {
        lock (_gate)
        {
            return _byUid.TryGetValue(uid, out var at) ? Get(at.Resource, at.Key) : null;
        }
    }

    /// <summary>Objects whose ownerReferences name <paramref name="ownerUid"/>.</summary>
    public IReadOnlyList<StoredObject> DependentsOf(string ownerUid)
    {
        lock (_gate)
        {
            return _dependents.TryGetValue(ownerUid, out var keys)
                ? [.. keys.Select(k => Get(k.Resource, k.Key)).OfType<StoredObject>()]
                : [];
        }
    }

    /// <summary>A page of matching objects in key order after <paramref name="after"/>, and the resourceVersion it was read at.</summary>
    public (IReadOnlyList<StoredObject> Items, bool More, long ResourceVersion) List(StorageKey resource, ObjectFilter filter, ObjectKey? after = null, int limit = 0)
    {
        lock (_gate)
        {
            var items = new List<StoredObject>();
            var more = false;
            if (_tables.TryGetValue(resource, out var table))
            {
                foreach (var obj in table.Scan(filter.Namespace, after))
                {
                    if (!filter.Matches(obj))
                    {
                        continue;
                    }

                    if (limit > 0 && items.Count == limit)
                    {
                        more = true;
                        break;
                    }

                    items.Add(obj);
                }
            }

            return (items, more, _resourceVersion);
        }
    }

    /// <summary>Every object in one namespace, of every resource (namespace deletion).</summary>
    public IReadOnlyList<StoredObject> InNamespace(string ns)
    {
        lock (_gate)
        {
            return [.. _tables.Values.SelectMany(t => t.Scan(ns, null))];
        }
    }

    /// <summary>Assigns the next resourceVersion, stores the object and tells the watchers.</summary>
    internal StoredObject Put(ResourceType type, JsonObject obj)
    {
        lock (_gate)
        {
            var metadata = obj["metadata"]!.AsObject();
            metadata["resourceVersion"] = (++_resourceVersion).ToString();
            var stored = StoredObject.From(type, obj);
            var table = TableFor(type.StorageKey);
            var previous = table.Get(stored.Key);
            table.Set(stored);
            Index(type.StorageKey, previous, stored);
            Publish(new LoggedChange(_resourceVersion, type.StorageKey, previous is null ? WatchEvent.Added : WatchEvent.Modified, stored, previous));
            return stored;
        }
    }

    /// <summary>Removes the object; its last state gets a new resourceVersion, which the DELETED event carries.</summary>
    internal StoredObject Remove(StoredObject current, JsonObject? finalState = null)
    {
        lock (_gate)
        {
            var obj = finalState ?? current.ToJsonObject();
            obj["metadata"]!["resourceVersion"] = (++_resourceVersion).ToString();
            var final = StoredObject.From(current.Type, obj);
            var resource = current.Type.StorageKey;
            TableFor(resource).Remove(current.Key);
            Index(resource, current, null);
            Publish(new LoggedChange(_resourceVersion, resource, WatchEvent.Deleted, final, current));
            return final;
        }
    }

    /// <summary>
    /// Opens a watch. Without a resourceVersion the watcher first gets ADDED for every current match; with one it gets
    /// every logged change after it, then live changes. Throws 410 Expired when that history is compacted away.
    /// </summary>
    public WatchSubscription Watch(StorageKey resource, ObjectFilter filter, long? fromResourceVersion, bool bookmarks)
    {
        lock (_gate)
        {
            if (fromResourceVersion is { } from && from < Log.CompactedThrough)
            {
                throw ApiException.Expired($"too old resource version: {from} ({Log.CompactedThrough})");
            }

            var subscription = new WatchSubscription(resource, filter, bookmarks, Unsubscribe);
            if (fromResourceVersion is { } since)
            {
                foreach (var change in Log.After(resource, since))
                {
                    subscription.Offer(change);
                }
            }
            else if (_tables.TryGetValue(resource, out var table))
            {
                foreach (var obj in table.Scan(filter.Namespace, null))
                {
                    if (filter.Matches(obj))
                    {
                        subscription.Enqueue(new WatchEvent(WatchEvent.Added, obj));
                    }
                }
            }

            if (!_watchers.TryGetValue(resource, out var list))
            {
                _watchers[resource] = list = [];
            }

            list.Add(subscription);
            return subscription;
        }
    }

    /// <summary>Number of open watches not yet dropped (for tests that wait for a watcher to connect).</summary>
    public int OpenWatchCount
    {
        get
        {
            lock (_gate)
            {
                return _watchers.Values.Sum(l => l.Count(s => !s.IsDropped));
            }
        }
    }

    /// <summary>Ends every open watch, or those of one resource, as a dropped connection would; returns how many it ended.</summary>
    public int DropWatches(StorageKey? resource = null)
    {
        List<WatchSubscription> dropped;
        lock (_gate)
        {
            dropped = [.. _watchers.Where(w => resource is null || w.Key == resource).SelectMany(w => w.Value).Where(s => !s.IsDropped)];
        }

        foreach (var subscription in dropped)
        {
            subscription.Drop();
        }

        return dropped.Count;
    }

    /// <summary>Sends a BOOKMARK at the current resourceVersion to every watch that asked for bookmarks.</summary>
    public void SendBookmarks()
    {
        lock (_gate)
        {
            foreach (var subscription in _watchers.Values.SelectMany(l => l).Where(s => s.Bookmarks))
            {
                subscription.Enqueue(new WatchEvent(WatchEvent.Bookmark, null, _resourceVersion));
            }
        }
    }

    /// <summary>Compacts the event log up to the current resourceVersion: any watch from an older one now gets 410.</summary>
    public void Compact()
    {
        lock (_gate)
        {
            Log.CompactThrough(_resourceVersion);
        }
    }

    private ResourceTable TableFor(StorageKey resource)
    {
        if (!_tables.TryGetValue(resource, out var table))
        {
            _tables[resource] = table = new ResourceTable();
        }

        return table;
    }

    private void Index(StorageKey resource, StoredObject? previous, StoredObject? next)
    {
        if (previous is not null)
        {
            _byUid.Remove(previous.Uid);
            foreach (var owner in previous.Owners)
            {
                if (_dependents.TryGetValue(owner.Uid, out var set) && set.Remove((resource, previous.Key)) && set.Count == 0)
                {
                    _dependents.Remove(owner.Uid);
                }
            }
        }

        if (next is not null)
        {
            _byUid[next.Uid] = (resource, next.Key);
            foreach (var owner in next.Owners)
            {
                if (!_dependents.TryGetValue(owner.Uid, out var set))
                {
                    _dependents[owner.Uid] = set = [];
                }

                set.Add((resource, next.Key));
            }
        }
    }

    private void Publish(LoggedChange change)
    {
        Log.Append(change);
        if (_watchers.TryGetValue(change.Resource, out var list))
        {
            foreach (var subscription in list)
            {
                subscription.Offer(change);
            }
        }

        Committed?.Invoke(change);
    }

    private void Unsubscribe(WatchSubscription subscription)
    {
        lock (_gate)
        {
            if (_watchers.TryGetValue(subscription.Resource, out var list))
            {
                list.Remove(subscription);
            }
        }
    }

    /// <summary>One resource's objects, ordered by namespace and name, so pages and namespaces are range scans.</summary>
    private sealed class ResourceTable
    {
        private readonly SortedSet<ObjectKey> _keys = [];
        private readonly Dictionary<ObjectKey, StoredObject> _objects = [];

        public StoredObject? Get(ObjectKey key) => _objects.GetValueOrDefault(key);

        public void Set(StoredObject obj)
        {
            if (_objects.TryAdd(obj.Key, obj))
            {
                _keys.Add(obj.Key);
            }
            else
            {
                _objects[obj.Key] = obj;
            }
        }

        public void Remove(ObjectKey key)
        {
            if (_objects.Remove(key))
            {
                _keys.Remove(key);
            }
        }

        public IEnumerable<StoredObject> Scan(string? ns, ObjectKey? after)
        {
            if (_keys.Count == 0)
            {
                return [];
            }

            var low = ns is null ? _keys.Min : new ObjectKey(ns, "");
            var high = ns is null ? _keys.Max : new ObjectKey(ns, "\uffff");
            if (after is { } start && start.CompareTo(low) > 0)
            {
                low = start;
            }

            if (low.CompareTo(high) > 0)
            {
                return [];
            }

            return _keys.GetViewBetween(low, high)
                .Where(k => after is null || k.CompareTo(after.Value) > 0)
                .Select(k => _objects[k])
                .ToList();
        }
    }
}
