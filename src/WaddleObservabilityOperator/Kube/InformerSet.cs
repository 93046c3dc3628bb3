using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// One informer per kind the controllers declare (shared when several declare it), run, synced and routed together:
/// what controller-runtime's manager cache does for its controllers. A kind every controller declares optional gets
/// an <see cref="OptionalInformer{T}"/>, started by <see cref="OptionalApis"/>.
/// </summary>
public sealed class InformerSet
{
    private readonly Dictionary<Type, IInformer> _informers = [];
    private readonly IReadOnlyList<ControllerDeclaration> _controllers;

    public InformerSet(IReadOnlyList<ControllerDeclaration> controllers, InformerFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        _controllers = controllers ?? throw new ArgumentNullException(nameof(controllers));
        foreach (var kind in controllers.SelectMany(c => c.Watches).GroupBy(w => w.ClrType))
        {
            var optional = kind.Select(w => w.Optional).Distinct().ToList();
            if (optional.Count > 1)
            {
                throw new ArgumentException($"{kind.Key.Name} is declared both optional and required; an API is either always there or not");
            }

            var transforms = kind.Select(w => w.CacheTransform).OfType<Delegate>().Distinct().ToList();
            if (transforms.Count > 1)
            {
                throw new ArgumentException($"{kind.Key.Name} is declared with {transforms.Count} cache transforms; its informer is shared, so it takes one");
            }

            _informers[kind.Key] = kind.First().CreateInformer(factory, ownerIndex: kind.Any(w => w.Role == WatchRole.Owns), transforms.SingleOrDefault());
        }
    }

    public IReadOnlyCollection<IInformer> All => _informers.Values;

    /// <summary>The informers of optional APIs, for <see cref="OptionalApis"/>.</summary>
    public IEnumerable<IOptionalInformer> Optional => _informers.Values.OfType<IOptionalInformer>();

    /// <summary>The informer of a declared kind that is always served.</summary>
    public ResourceInformer<T> Get<T>()
        where T : IKubernetesObject<V1ObjectMeta> =>
        Find<T>() as ResourceInformer<T> ?? throw new InvalidOperationException($"{typeof(T).Name} is an optional API; use {nameof(GetOptional)}");

    /// <summary>The informer of a declared optional kind.</summary>
    public OptionalInformer<T> GetOptional<T>()
        where T : IKubernetesObject<V1ObjectMeta> =>
        Find<T>() as OptionalInformer<T> ?? throw new InvalidOperationException($"{typeof(T).Name} is not declared optional; use {nameof(Get)}");

    /// <summary>The informer of any declared kind.</summary>
    public IInformer<T> Find<T>()
        where T : IKubernetesObject<V1ObjectMeta> =>
        _informers.TryGetValue(typeof(T), out var informer) ? (IInformer<T>)informer
            : throw new InvalidOperationException($"no controller declares {typeof(T).Name}, so it is not watched");

    /// <summary>Every cached key of the kind <paramref name="controller"/> reconciles: what a full resync enqueues.</summary>
    public IReadOnlyList<ObjectKey> KeysOf(ControllerDeclaration controller) =>
        _informers[(controller ?? throw new ArgumentNullException(nameof(controller))).Primary].CachedKeys();

    public bool HasSynced => _informers.Values.All(i => i.HasSynced);

    public Task RunAsync(CancellationToken cancellationToken) => Task.WhenAll(_informers.Values.Select(i => i.RunAsync(cancellationToken)));

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => Task.WhenAll(_informers.Values.Select(i => i.WaitForSyncAsync(cancellationToken)));

    /// <summary>The kinds <paramref name="controller"/> owns, for its reconciler to write.</summary>
    public IReadOnlyList<IOwnedKind> OwnedKinds(ControllerDeclaration controller, OwnedObjectWriter writer, IResourceClientProvider clients)
    {
        ArgumentNullException.ThrowIfNull(controller);
        return [.. controller.Owned.Select(w => w.OwnedKind(_informers[w.ClrType], writer, clients))];
    }

    /// <summary>Routes every kind <paramref name="controller"/> declares into its queue, through the declared mappers.</summary>
    public void Route(ControllerDeclaration controller, WorkQueue<ObjectKey> queue)
    {
        ArgumentNullException.ThrowIfNull(controller);
        if (!_controllers.Contains(controller))
        {
            throw new ArgumentException($"controller {controller.Name} is not one this set was built for", nameof(controller));
        }

        foreach (var watch in controller.Watches)
        {
            watch.Attach(_informers[watch.ClrType], queue);
        }
    }
}
