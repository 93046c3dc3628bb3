using System.Runtime.InteropServices;
using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// The informer's thread-safe store: namespace/name -> object, plus secondary indexes (e.g. by a label's value or by
/// owner uid). Reads never call the API. Objects returned are the cached instances: treat them as read-only.
/// </summary>
public sealed class ResourceCache<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ObjectKey, T> _items = [];

    // Objects per namespace ("" for cluster-scoped ones), so a namespace's list is allocated once at its size.
    private readonly Dictionary<string, int> _namespaceCounts = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<T, IEnumerable<string>>> _indexers = [];
    private readonly Dictionary<string, Dictionary<string, HashSet<ObjectKey>>> _indexes = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _items.Count;
            }
        }
    }

    /// <summary>Adds an index; existing objects are indexed at once. Names must be unique.</summary>
    public void AddIndex(string name, Func<T, IEnumerable<string>> indexer)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(indexer);
        lock (_gate)
        {
            if (!_indexers.TryAdd(name, indexer))
            {
                throw new InvalidOperationException($"the cache already has an index named '{name}'");
            }

            _indexes[name] = [];
            foreach (var (key, obj) in _items)
            {
                IndexOne(name, indexer, key, obj);
            }
        }
    }

    public T? Get(ObjectKey key)
    {
        lock (_gate)
        {
            return _items.GetValueOrDefault(key);
        }
    }

    public T? Get(string? ns, string name) => Get(new ObjectKey(ns, name));

    /// <summary>Every cached object, or those of one namespace.</summary>
    public IReadOnlyList<T> List(string? ns = null)
    {
        lock (_gate)
        {
            if (ns is null)
            {
                return [.. _items.Values];
            }

            var items = new List<T>(_namespaceCounts.GetValueOrDefault(ns));
            foreach (var (key, obj) in _items)
            {
                if (key.Namespace == ns)
                {
                    items.Add(obj);
                }
            }

            return items;
        }
    }

    public IReadOnlyList<ObjectKey> Keys()
    {
        lock (_gate)
        {
            return [.. _items.Keys];
        }
    }

    /// <summary>Objects whose index <paramref name="index"/> yields <paramref name="value"/>.</summary>
    public IReadOnlyList<T> ByIndex(string index, string value)
    {
        lock (_gate)
        {
            if (!_indexes.TryGetValue(index, out var byValue))
            {
                throw new InvalidOperationException($"the cache has no index named '{index}'");
            }

            return byValue.TryGetValue(value, out var keys) ? [.. keys.Select(k => _items[k])] : [];
        }
    }

    /// <summary>Stores <paramref name="obj"/>; returns the object it replaced, if any.</summary>
    internal T? Upsert(T obj)
    {
        var key = ObjectKey.Of(obj);
        lock (_gate)
        {
            _items.TryGetValue(key, out var old);
            if (old is not null)
            {
                Unindex(key, old);
            }
            else
            {
                CollectionsMarshal.GetValueRefOrAddDefault(_namespaceCounts, key.Namespace ?? "", out _)++;
            }

            _items[key] = obj;
            foreach (var (name, indexer) in _indexers)
            {
                IndexOne(name, indexer, key, obj);
            }

            return old;
        }
    }

    internal T? Remove(ObjectKey key)
    {
        lock (_gate)
        {
            if (!_items.Remove(key, out var old))
            {
                return default;
            }

            if (--CollectionsMarshal.GetValueRefOrNullRef(_namespaceCounts, key.Namespace ?? "") == 0)
            {
                _namespaceCounts.Remove(key.Namespace ?? "");
            }

            Unindex(key, old);
            return old;
        }
    }

    private void IndexOne(string name, Func<T, IEnumerable<string>> indexer, ObjectKey key, T obj)
    {
        var byValue = _indexes[name];
        foreach (var value in indexer(obj))
        {
            if (!byValue.TryGetValue(value, out var keys))
            {
                byValue[value] = keys = [];
            }

            keys.Add(key);
        }
    }

    private void Unindex(ObjectKey key, T obj)
    {
        foreach (var (name, indexer) in _indexers)
        {
            var byValue = _indexes[name];
            foreach (var value in indexer(obj))
            {
                if (byValue.TryGetValue(value, out var keys) && keys.Remove(key) && keys.Count == 0)
                {
                    byValue.Remove(value);
                }
            }
        }
    }
}

/// <summary>Common cache indexes.</summary>
public static class CacheIndexes
{
    public const string OwnerUid = "owner-uid";

    public static string LabelIndexName(string labelKey) => "label:" + labelKey;

    /// <summary>Indexes an object by the value of label <paramref name="labelKey"/> (objects without it are not indexed).</summary>
    public static void AddLabelIndex<T>(this ResourceCache<T> cache, string labelKey)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(cache);
        cache.AddIndex(LabelIndexName(labelKey), obj =>
            obj.Metadata?.Labels is { } labels && labels.TryGetValue(labelKey, out var value) ? [value] : []);
    }

    public static IReadOnlyList<T> ByLabel<T>(this ResourceCache<T> cache, string labelKey, string value)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.ByIndex(LabelIndexName(labelKey), value);
    }

    /// <summary>Indexes an object by the uid of each of its owner references.</summary>
    public static void AddOwnerIndex<T>(this ResourceCache<T> cache)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(cache);
        cache.AddIndex(OwnerUid, obj => obj.Metadata?.OwnerReferences?.Select(o => o.Uid).Where(u => !string.IsNullOrEmpty(u)) ?? []);
    }

    public static IReadOnlyList<T> ByOwner<T>(this ResourceCache<T> cache, string ownerUid)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(cache);
        return cache.ByIndex(OwnerUid, ownerUid);
    }
}
