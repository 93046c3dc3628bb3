using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>What a controller does to objects of a kind; each right is one or more RBAC verbs.</summary>
[Flags]
public enum Access
{
    /// <summary>list and watch: what its informer reads. Every declared kind has it.</summary>
    Read = 0,

    /// <summary>update (PUT).</summary>
    Update = 1,

    /// <summary>create (POST).</summary>
    Create = 2,

    /// <summary>delete.</summary>
    Delete = 4,

    /// <summary>update of the <c>/status</c> subresource.</summary>
    UpdateStatus = 8,

    /// <summary>patch: a change to some fields only (the injection's strategic merge patch).</summary>
    Patch = 16,

    /// <summary>What an owner does to its children: create, put back, delete.</summary>
    Manage = Create | Update | Delete,
}

/// <summary>How a controller relates to a kind it declares (controller-runtime's <c>For</c>, <c>Owns</c>, <c>Watches</c>).</summary>
public enum WatchRole
{
    /// <summary>The kind it reconciles: its queue holds keys of this kind.</summary>
    For,

    /// <summary>A kind it creates and deletes; events wake the owner.</summary>
    Owns,

    /// <summary>A kind it reads (and may update, e.g. to inject); events wake whoever depends on the object.</summary>
    Watches,
}

public enum ChangeType
{
    Added,
    Updated,
    Deleted,
}

/// <summary>One change an informer applied: the object, and on an update the version it replaced.</summary>
public readonly record struct ResourceChange<T>(ChangeType Type, T Object, T? Before)
    where T : class
{
    /// <summary>The object and, on an update, the version before it: both may matter (a label that moved away).</summary>
    public IEnumerable<T> Versions => Before is null || ReferenceEquals(Before, Object) ? [Object] : [Before, Object];
}

/// <summary>A key to add to a controller's queue, at once or after a delay (a debounce).</summary>
public readonly record struct Wake(ObjectKey Key, TimeSpan After)
{
    public static implicit operator Wake(ObjectKey key) => new(key, TimeSpan.Zero);
}

/// <summary>Where a permission is granted: in the watched namespaces, cluster-wide, or in the operator's own namespace (its Lease).</summary>
public enum PermissionScope
{
    /// <summary>On namespaced resources of the watched namespaces (a ClusterRole, or a Role in each watched namespace).</summary>
    Watched,

    /// <summary>On cluster-scoped resources: always a ClusterRole.</summary>
    Cluster,

    /// <summary>
    /// On the Namespace objects of the watched namespaces: a ClusterRole on every namespace when all are watched, limited
    /// by resourceNames to the watched ones otherwise (the informer then lists and watches each by name).
    /// </summary>
    WatchedNamespaceObjects,

    /// <summary>In the namespace the operator runs in (leader election's Lease).</summary>
    OperatorNamespace,
}

/// <summary>One permission the operator needs that is not a declared kind's (events, reviews, the Lease, what a Role it creates grants), with the reason shipped next to it.</summary>
public sealed record PermissionRule(string Group, IReadOnlyList<string> Resources, IReadOnlyList<string> Verbs, string Reason, PermissionScope Scope = PermissionScope.Watched, IReadOnlyList<string>? ResourceNames = null);

/// <summary>One kind a controller declares: how it relates to it, what it does to it, and which keys its events wake.</summary>
public abstract class WatchDeclaration(WatchRole role, Access access, bool optional, string reason)
{
    public WatchRole Role { get; } = role;

    public Access Access { get; } = access;

    /// <summary>Its API may be missing (a CRD installed later): watched only while served, and creating it is never required.</summary>
    public bool Optional { get; } = optional;

    /// <summary>Why the controller needs it: the comment next to its RBAC rule.</summary>
    public string Reason { get; } = reason;

    public abstract Type ClrType { get; }

    /// <summary>
    /// What the informer keeps of each object it decodes (a <c>Func&lt;T, T&gt;</c>, controller-runtime's
    /// <c>cache.TransformFunc</c>), or null to keep it whole. A kind's informer is shared by every controller that
    /// declares it, so at most one of its declarations may name one.
    /// </summary>
    public abstract Delegate? CacheTransform { get; }

    /// <summary>Where the kind is served.</summary>
    public ResourceType ResourceType(ResourceTypeRegistry registry) => (registry ?? throw new ArgumentNullException(nameof(registry))).Get(ClrType);

    /// <summary>An informer for the kind: a plain one, or an <see cref="OptionalInformer{T}"/> for an optional API; an owned kind's cache is indexed by owner; <paramref name="transform"/> is the kind's <see cref="CacheTransform"/>.</summary>
    internal abstract IInformer CreateInformer(InformerFactory factory, bool ownerIndex, Delegate? transform);

    /// <summary>Routes the informer's events through the declared mapper into <paramref name="queue"/>.</summary>
    internal abstract void Attach(IInformer informer, WorkQueue<ObjectKey> queue);

    /// <summary>The writes of an owned kind, over its informer's cache.</summary>
    internal abstract IOwnedKind OwnedKind(IInformer informer, OwnedObjectWriter writer, IResourceClientProvider clients);
}

/// <inheritdoc />
public sealed class WatchDeclaration<T>(WatchRole role, Access access, bool optional, string reason, Func<ResourceChange<T>, IEnumerable<Wake>> map, Func<T, T>? cacheTransform = null)
    : WatchDeclaration(role, access, optional, reason)
    where T : class, IKubernetesObject<V1ObjectMeta>
{
    public override Type ClrType => typeof(T);

    public override Delegate? CacheTransform => cacheTransform;

    /// <summary>The keys a change wakes.</summary>
    public Func<ResourceChange<T>, IEnumerable<Wake>> Map { get; } = map ?? throw new ArgumentNullException(nameof(map));

    internal override IInformer CreateInformer(InformerFactory factory, bool ownerIndex, Delegate? transform) =>
        Optional ? factory.CreateOptional(ownerIndex, (Func<T, T>?)transform) : factory.Create(ownerIndex: ownerIndex, transform: (Func<T, T>?)transform);

    internal override IOwnedKind OwnedKind(IInformer informer, OwnedObjectWriter writer, IResourceClientProvider clients) =>
        new OwnedKind<T>((IInformer<T>)informer, writer, clients.For<T>());

    internal override void Attach(IInformer informer, WorkQueue<ObjectKey> queue)
    {
        void Enqueue(ResourceChange<T> change)
        {
            foreach (var wake in Map(change))
            {
                if (wake.After > TimeSpan.Zero)
                {
                    queue.AddAfter(wake.Key, wake.After);
                }
                else
                {
                    queue.Add(wake.Key);
                }
            }
        }

        ((IInformer<T>)informer).AddHandler(new ResourceEventHandler<T>(
            obj => Enqueue(new ResourceChange<T>(ChangeType.Added, obj, null)),
            (before, after) => Enqueue(new ResourceChange<T>(ChangeType.Updated, after, before)),
            obj => Enqueue(new ResourceChange<T>(ChangeType.Deleted, obj, null))));
    }
}

/// <summary>
/// What one controller reconciles, owns and watches, in the manner of controller-runtime's builder: the operator's
/// informers, their sync tracking, the routing of their events into the controller's queue and the RBAC the operator
/// ships all follow from these declarations.
/// </summary>
public sealed class ControllerDeclaration
{
    private ControllerDeclaration(string name, IReadOnlyList<WatchDeclaration> watches, IReadOnlyList<PermissionRule> permissions)
    {
        Name = name;
        Watches = watches;
        Permissions = permissions;
    }

    public string Name { get; }

    /// <summary>The kind it reconciles first, then the kinds it owns and watches, in declaration order.</summary>
    public IReadOnlyList<WatchDeclaration> Watches { get; }

    /// <summary>Requests it makes beyond its kinds (e.g. events).</summary>
    public IReadOnlyList<PermissionRule> Permissions { get; }

    /// <summary>The kind it reconciles.</summary>
    public Type Primary => Watches[0].ClrType;

    /// <summary>The kinds it creates and deletes.</summary>
    public IEnumerable<WatchDeclaration> Owned => Watches.Where(w => w.Role == WatchRole.Owns);

    /// <summary>Starts a declaration of the controller <paramref name="name"/> that reconciles <typeparamref name="T"/>.</summary>
    public static Builder<T> For<T>(string name, Access access, string reason, Func<ResourceChange<T>, IEnumerable<Wake>>? map = null)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        new(name, new WatchDeclaration<T>(WatchRole.For, access, optional: false, reason, map ?? (c => [ObjectKey.Of(c.Object)])));

    /// <summary>The builder: <c>For</c>, then any number of <c>Owns</c>, <c>Watches</c> and <c>Permits</c>, then <see cref="Build"/>.</summary>
    public sealed class Builder<TFor>
        where TFor : class, IKubernetesObject<V1ObjectMeta>
    {
        private readonly string _name;
        private readonly List<WatchDeclaration> _watches = [];
        private readonly List<PermissionRule> _permissions = [];

        internal Builder(string name, WatchDeclaration primary)
        {
            _name = string.IsNullOrWhiteSpace(name) ? throw new ArgumentException("a controller needs a name", nameof(name)) : name;
            _watches.Add(primary);
        }

        /// <summary>A kind the controller creates, puts back and deletes; <paramref name="owner"/> maps a change to the owner's key.</summary>
        public Builder<TFor> Owns<T>(string reason, Func<ResourceChange<T>, IEnumerable<Wake>> owner, bool optional = false)
            where T : class, IKubernetesObject<V1ObjectMeta> =>
            Add(new WatchDeclaration<T>(WatchRole.Owns, Access.Manage, optional, reason, owner));

        /// <summary>
        /// A kind the controller reads (with <paramref name="access"/>, e.g. <see cref="Access.Patch"/> to inject); <paramref name="map"/> says whom a
        /// change wakes; <paramref name="cacheTransform"/>, what its cache keeps of each object (<see cref="WatchDeclaration.CacheTransform"/>).
        /// </summary>
        public Builder<TFor> Watches<T>(string reason, Func<ResourceChange<T>, IEnumerable<Wake>> map, Access access = Access.Read, bool optional = false, Func<T, T>? cacheTransform = null)
            where T : class, IKubernetesObject<V1ObjectMeta> =>
            Add(new WatchDeclaration<T>(WatchRole.Watches, access, optional, reason, map, cacheTransform));

        /// <summary>A request the controller makes that is not about a declared kind (events, reviews).</summary>
        public Builder<TFor> Permits(PermissionRule rule)
        {
            _permissions.Add(rule ?? throw new ArgumentNullException(nameof(rule)));
            return this;
        }

        public ControllerDeclaration Build() => new(_name, [.. _watches], [.. _permissions]);

        private Builder<TFor> Add(WatchDeclaration watch)
        {
            if (watch.ClrType == typeof(TFor) && watch.Role == WatchRole.Owns)
            {
                throw new ArgumentException($"{_name} reconciles {typeof(TFor).Name}; it cannot own it too");
            }

            _watches.Add(watch);
            return this;
        }
    }
}
