using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// Which keys a change of a cached object wakes: the mappers the controllers' declarations
/// (<see cref="OperatorControllers"/>) name. Reconciles are level-based, so a spurious key only costs a render with no
/// write; a missing key would leave the cluster wrong until the next resync, so every dependency is here:
/// <list type="bullet">
/// <item>a WaddleService: itself, unless only its status changed and it is Ready (its own status write); and, when its spec, labels or deletion changed, every policy of its namespace (after the debounce of the render it causes, coalesced);</item>
/// <item>a policy: unless only its status changed, itself and every policy of its namespace (priorities decide who owns a service); on a spec change, exactly the services that resolve to it now or did before;</item>
/// <item>a workload: the WaddleServices naming it (index) or labelled as having injected it; the policy of a managed backend;</item>
/// <item>a Service: the WaddleServices whose metrics selector looks Services up by one of its labels (metrics port checks); the policy of a managed backend;</item>
/// <item>a ConfigMap holding a policy's sampling name or label: that policy, and its services still waiting for it (SamplingPublished not True);</item>
/// <item>other children: the policy or WaddleService their labels (or name) point to.</item>
/// </list>
/// </summary>
public sealed class EventRouting(OperatorCaches caches, Func<PolicyRenderPath, TimeSpan> policyDebounce, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _wakesGate = new();
    private readonly Dictionary<ObjectKey, DateTimeOffset> _lastWake = [];

    /// <summary>The WaddleService itself, unless only its status changed and it is Ready.</summary>
    public static IEnumerable<Wake> ServiceItself(ResourceChange<WaddleService> change)
    {
        // Its own status write of Ready comes back as an update with nothing to do (about one reconcile in four). A
        // status still waiting (e.g. SamplingPending) does wake it: the ConfigMap it waits for may have been written
        // between its render and this status, when the ConfigMap's event skipped it as published.
        if (change is { Type: ChangeType.Updated, Before: { } before } && OnlyStatusChanged(before, change.Object) && Settled(change.Object))
        {
            return [];
        }

        return [ObjectKey.Of(change.Object)];
    }

    /// <summary>
    /// Every policy of the service's namespace when its spec, labels or deletion changed, debounced: which policy it
    /// resolves to, and the sampling document, may change. A service added or changed is rendered incrementally, one
    /// going away makes the next render full (<see cref="IncrementalPolicyRender"/>): the debounce is that render's.
    /// </summary>
    public IEnumerable<Wake> PoliciesOfService(ResourceChange<WaddleService> change) =>
        SpecChanged(change)
            ? PoliciesOf(change.Object.Metadata.NamespaceProperty, policyDebounce(GoesAway(change) ? PolicyRenderPath.Full : PolicyRenderPath.Incremental))
            : [];

    /// <summary>The policy itself unless only its status changed (nothing it renders depends on its status); on a spec change every policy of its namespace too (priorities decide who owns a service).</summary>
    public IEnumerable<Wake> PolicyAndNamespace(ResourceChange<ObservabilityPolicy> change)
    {
        if (change is { Type: ChangeType.Updated, Before: { } before } && OnlyStatusChanged(before, change.Object))
        {
            return [];
        }

        IEnumerable<Wake> self = [ObjectKey.Of(change.Object)];
        return SpecChanged(change) ? self.Concat(PoliciesOf(change.Object.Metadata.NamespaceProperty, TimeSpan.Zero)) : self;
    }

    /// <summary>On a policy's spec change, exactly the services that resolve to it now or did before.</summary>
    public IEnumerable<Wake> ServicesOfPolicy(ResourceChange<ObservabilityPolicy> change)
    {
        if (!SpecChanged(change))
        {
            yield break;
        }

        var policy = change.Object;
        var ns = policy.Metadata.NamespaceProperty;
        var resolver = new PolicyResolver(caches.Policies.Cache.List(ns).Where(p => p.Metadata.DeletionTimestamp is null));
        foreach (var service in caches.WaddleServices.Cache.List(ns))
        {
            var before = service.Status?.Policy;
            var now = resolver.Resolve(service).Policy?.Metadata.Name;
            if (before == policy.Metadata.Name || now == policy.Metadata.Name || service.Spec.PolicyRef?.Name == policy.Metadata.Name
                || (before is null && now is null))
            {
                yield return ObjectKey.Of(service);
            }
        }
    }

    /// <summary>The WaddleServices naming a workload (index), and the one labelled as having injected it: an injection whose WaddleService now names another workload (or is being deleted) is taken out by that service.</summary>
    public IEnumerable<Wake> ServicesOfWorkload<T>(ResourceChange<T> change)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        foreach (var workload in change.Versions)
        {
            foreach (var service in caches.WaddleServices.Cache.ByIndex(OperatorCaches.WorkloadIndex, OperatorCaches.WorkloadKey(workload)))
            {
                yield return ObjectKey.Of(service);
            }

            if (WorkloadInjection.InjectedBy(workload) is { } by)
            {
                yield return new ObjectKey(workload.Metadata.NamespaceProperty, by);
            }
        }
    }

    /// <summary>
    /// The WaddleServices whose metrics selector can match a Service: those looking Services up by one of its labels.
    /// One lookup per label, so n Services arriving cost O(n), not a wake of the whole namespace each.
    /// </summary>
    public IEnumerable<Wake> ServicesSelecting(ResourceChange<V1Service> change)
    {
        foreach (var service in change.Versions)
        {
            foreach (var (key, value) in service.Metadata.Labels ?? new Dictionary<string, string>())
            {
                foreach (var waddleService in caches.WaddleServices.Cache.ByIndex(OperatorCaches.MetricsSelectorIndex, OperatorCaches.LabelKey(service.Metadata.NamespaceProperty, key, value)))
                {
                    yield return ObjectKey.Of(waddleService);
                }
            }
        }
    }

    /// <summary>The policy a ConfigMap belongs to: its label, or the sampling ConfigMap's name.</summary>
    public IEnumerable<Wake> PolicyOfConfigMap(ResourceChange<V1ConfigMap> change) =>
        change.Versions.Select(PolicyOf).OfType<string>().Select(policy => (Wake)new ObjectKey(change.Object.Metadata.NamespaceProperty, policy));

    /// <summary>
    /// The services of a ConfigMap's policy still waiting for it (SamplingPublished not True). Services already Ready on
    /// the published document need nothing from a rewrite of it (a tampered document is the policy's to restore);
    /// waking only those still waiting keeps a ConfigMap write from costing n reconciles.
    /// </summary>
    public IEnumerable<Wake> ServicesWaitingForSampling(ResourceChange<V1ConfigMap> change)
    {
        var ns = change.Object.Metadata.NamespaceProperty;
        foreach (var policy in change.Versions.Select(PolicyOf).OfType<string>().Distinct(StringComparer.Ordinal))
        {
            foreach (var service in caches.WaddleServices.Cache.List(ns).Where(s => (s.Status?.Policy is null || s.Status.Policy == policy || s.Status.Policy.Length == 0) && !SamplingPublished(s)))
            {
                yield return ObjectKey.Of(service);
            }
        }
    }

    /// <summary>The policy a managed backend's object is labelled with (not a WaddleService's child, which carries both labels).</summary>
    public static IEnumerable<Wake> PolicyByLabel<T>(ResourceChange<T> change)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        change.Versions
            .Where(child => child.Metadata.Labels?.ContainsKey(WellKnown.ServiceLabel) != true)
            .Select(child => child.Metadata.Labels?.TryGetValue(WellKnown.PolicyLabel, out var policy) == true ? policy : null)
            .OfType<string>()
            .Select(policy => (Wake)new ObjectKey(change.Object.Metadata.NamespaceProperty, policy));

    /// <summary>
    /// The policy a cluster-scoped child belongs to, by its policy and policy-namespace labels (it can carry no owner
    /// reference): its owner's key, also when that policy is gone, so the reconcile of a missing policy removes it.
    /// </summary>
    public static IEnumerable<Wake> PolicyOfClusterScopedChild<T>(ResourceChange<T> change)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        change.Versions
            .Select(child => child.Metadata.Labels is { } labels
                && labels.TryGetValue(WellKnown.PolicyNamespaceLabel, out var ns)
                && labels.TryGetValue(WellKnown.PolicyLabel, out var policy)
                    ? new ObjectKey(ns, policy)
                    : (ObjectKey?)null)
            .OfType<ObjectKey>()
            .Select(key => (Wake)key);

    /// <summary>Every policy of a namespace whose labels changed (its Pod Security level decides whether the node exporter runs), or that appeared or went.</summary>
    public IEnumerable<Wake> PoliciesOfNamespace(ResourceChange<V1Namespace> change)
    {
        if (change is { Type: ChangeType.Updated, Before: { } before } && SameLabels(before.Metadata.Labels, change.Object.Metadata.Labels))
        {
            return [];
        }

        return caches.Policies.Cache.List(change.Object.Metadata.Name).Select(p => (Wake)ObjectKey.Of(p));
    }

    /// <summary>The WaddleService a child is labelled with, or of the same name (a service's children are named after it): its own child, or a foreign one in the way.</summary>
    public static IEnumerable<Wake> ServiceByLabel<T>(ResourceChange<T> change)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        change.Versions.Select(m => (Wake)new ObjectKey(m.Metadata.NamespaceProperty, m.Metadata.Labels is { } l && l.TryGetValue(WellKnown.ServiceLabel, out var owner) ? owner : m.Metadata.Name));

    private string? PolicyOf(V1ConfigMap configMap) =>
        (configMap.Metadata.Labels is { } l && l.TryGetValue(WellKnown.PolicyLabel, out var labelled) ? labelled : null)
        ?? caches.Policies.Cache.List(configMap.Metadata.NamespaceProperty).FirstOrDefault(p => ChildNames.SamplingConfigMap(p.Metadata.Name) == configMap.Metadata.Name)?.Metadata.Name;

    /// <summary>
    /// Every policy of the namespace: at once when none was woken within <paramref name="debounce"/> (a single
    /// change is applied without waiting), otherwise at the end of that window, so a burst of service changes is one
    /// reconcile (and one sampling ConfigMap write) per window.
    /// </summary>
    private List<Wake> PoliciesOf(string ns, TimeSpan debounce)
    {
        var now = _time.GetUtcNow();
        var wakes = new List<Wake>();
        foreach (var policy in caches.Policies.Cache.List(ns))
        {
            var key = ObjectKey.Of(policy);
            TimeSpan delay;
            lock (_wakesGate)
            {
                // last: when the latest wake fires (or fired). One still ahead covers this change too.
                var last = _lastWake.GetValueOrDefault(key, DateTimeOffset.MinValue);
                delay = last > now ? last - now
                    : now - last >= debounce ? TimeSpan.Zero
                    : last + debounce - now;
                _lastWake[key] = now + delay;
            }

            wakes.Add(new Wake(key, delay));
        }

        return wakes;
    }

    /// <summary>Deleted, or being deleted: a policy's render no longer sees it.</summary>
    private static bool GoesAway(ResourceChange<WaddleService> change) =>
        change.Type == ChangeType.Deleted || change.Object.Metadata.DeletionTimestamp is not null;

    /// <summary>Added, deleted, or an update of the spec, labels or deletion.</summary>
    private static bool SpecChanged<T>(ResourceChange<T> change)
        where T : class, IKubernetesObject<V1ObjectMeta> =>
        change.Type != ChangeType.Updated || change.Before is not { } before || SpecOrLabelsChanged(before, change.Object);

    private static bool Settled(WaddleService service) => ConditionTrue(service, ConditionTypes.Ready);

    private static bool SamplingPublished(WaddleService service) => ConditionTrue(service, ConditionTypes.SamplingPublished);

    /// <summary>The status reports <paramref name="type"/> True for the current generation.</summary>
    private static bool ConditionTrue(WaddleService service, string type)
    {
        // An index loop, neither Any with a lambda nor foreach over the interface (a boxed enumerator): a sampling
        // ConfigMap's change asks this of every WaddleService of the namespace.
        if (service.Status is not { } status || status.ObservedGeneration != service.Metadata.Generation || status.Conditions is not { } conditions)
        {
            return false;
        }

        for (var i = 0; i < conditions.Count; i++)
        {
            if (conditions[i].Type == type && conditions[i].Status == "True")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Only the status (and so the resourceVersion) differs: the spec (generation), labels, annotations, finalizers, uid
    /// and deletion are as before. A resync delivers the same object as before and after, which is never "only status":
    /// it is the safety net that still reconciles everything.
    /// </summary>
    internal static bool OnlyStatusChanged(IKubernetesObject<V1ObjectMeta> before, IKubernetesObject<V1ObjectMeta> after) =>
        !ReferenceEquals(before, after)
        && before.Metadata.ResourceVersion != after.Metadata.ResourceVersion
        && before.Metadata.Uid == after.Metadata.Uid
        && before.Metadata.Generation == after.Metadata.Generation
        && before.Metadata.DeletionTimestamp == after.Metadata.DeletionTimestamp
        && SameLabels(before.Metadata.Labels, after.Metadata.Labels)
        && SameLabels(before.Metadata.Annotations, after.Metadata.Annotations)
        && (before.Metadata.Finalizers ?? []).SequenceEqual(after.Metadata.Finalizers ?? [], StringComparer.Ordinal);

    private static bool SpecOrLabelsChanged(IKubernetesObject<V1ObjectMeta> before, IKubernetesObject<V1ObjectMeta> after) =>
        before.Metadata.Generation != after.Metadata.Generation
        || (before.Metadata.DeletionTimestamp is null) != (after.Metadata.DeletionTimestamp is null)
        || !SameLabels(before.Metadata.Labels, after.Metadata.Labels);

    private static bool SameLabels(IDictionary<string, string>? a, IDictionary<string, string>? b) =>
        (a?.Count ?? 0) == (b?.Count ?? 0) && (a ?? new Dictionary<string, string>()).All(kv => b!.TryGetValue(kv.Key, out var v) && v == kv.Value);
}
