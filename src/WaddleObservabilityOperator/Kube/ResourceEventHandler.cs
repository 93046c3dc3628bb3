using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>Told of each change the informer applies to its cache. Called on the informer's thread: keep it short (enqueue keys).</summary>
public interface IResourceEventHandler<in T>
{
    void OnAdded(T obj);

    void OnUpdated(T oldObj, T newObj);

    /// <summary>The object's last known state (from the delete event, or from the cache when a relist found it gone).</summary>
    void OnDeleted(T obj);
}

/// <summary>An event handler from delegates; any of them may be null.</summary>
public sealed class ResourceEventHandler<T>(Action<T>? added = null, Action<T, T>? updated = null, Action<T>? deleted = null) : IResourceEventHandler<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    /// <summary>Adds the keys <paramref name="keysOf"/> maps each changed object to (by default its own key) to <paramref name="queue"/>.</summary>
    public static ResourceEventHandler<T> Enqueue(WorkQueue<ObjectKey> queue, Func<T, IEnumerable<ObjectKey>>? keysOf = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        keysOf ??= obj => [ObjectKey.Of(obj)];
        void AddAll(T obj)
        {
            foreach (var key in keysOf(obj))
            {
                queue.Add(key);
            }
        }

        return new ResourceEventHandler<T>(AddAll, (oldObj, newObj) =>
        {
            AddAll(oldObj);
            AddAll(newObj);
        }, AddAll);
    }

    public void OnAdded(T obj) => added?.Invoke(obj);

    public void OnUpdated(T oldObj, T newObj) => updated?.Invoke(oldObj, newObj);

    public void OnDeleted(T obj) => deleted?.Invoke(obj);
}
