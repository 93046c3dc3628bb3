using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// Which keys a change of a cached object wakes. Reconciles are level-based, so a spurious key only costs a render
/// with no write; a missing key would leave the cluster wrong until the next resync, so every dependency is here:
/// <list type="bullet">
/// <item>a WaddleService: itself, unless only its status changed and it is Ready (its own status write); and, when its spec, labels or deletion changed, every policy of its namespace (after the debounce, coalesced);</item>
/// <item>a policy: unless only its status changed, itself and every policy of its namespace (priorities decide who owns a service); on a spec change, exactly the services that resolve to it now or did before;</item>
/// <item>a workload: the WaddleServices naming it (index) or labelled as having injected it; the policy of a managed backend;</item>
/// <item>a Service: the WaddleServices whose metrics selector looks Services up by one of its labels (metrics port checks); the policy of a managed backend;</item>
/// <item>a ConfigMap holding a policy's sampling name or label: that policy, and its services still waiting for it (SamplingPublished not True);</item>
/// <item>other children: the policy or WaddleService their labels (or name) point to.</item>
/// </list>
/// </summary>
public sealed class EventRouting(OperatorCaches caches, WorkQueue<ObjectKey> services, WorkQueue<ObjectKey> policies, Func<TimeSpan> policyDebounce, TimeProvider? time = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly Lock _wakesGate = new();
    private readonly Dictionary<ObjectKey, DateTimeOffset> _lastWake = [];

    public void Attach()
    {
        caches.WaddleServices.AddHandler(new ResourceEventHandler<WaddleService>(
            added: s => OnService(s, specChanged: true),
            updated: (before, after) =>
            {
                // Its own status write of Ready comes back as an update with nothing to do (about one reconcile in four).
                // A status still waiting (e.g. SamplingPending) does wake it: the ConfigMap it waits for may have been
                // written between its render and this status, when the ConfigMap's event skipped it as published.
                if (!(OnlyStatusChanged(before, after) && Settled(after)))
                {
                    OnService(after, SpecOrLabelsChanged(before, after));
                }
            },
            deleted: s => OnService(s, specChanged: true)));

        caches.Policies.AddHandler(new ResourceEventHandler<ObservabilityPolicy>(
            added: p => OnPolicy(p, specChanged: true),
            updated: (before, after) =>
            {
                // Its own status write: nothing it renders depends on its status, so no render of every member again.
                if (!OnlyStatusChanged(before, after))
                {
                    OnPolicy(after, SpecOrLabelsChanged(before, after));
                }
            },
            deleted: p => OnPolicy(p, specChanged: true)));

        AttachWorkload(caches.Deployments);
        AttachWorkload(caches.StatefulSets);
        AttachWorkload(caches.DaemonSets);

        caches.Services.AddHandler(Each<V1Service>(s =>
        {
            WakeServicesSelecting(s);
            WakePolicyByLabel(s);
        }));

        caches.ConfigMaps.AddHandler(Each<V1ConfigMap>(OnConfigMap));
        caches.ServiceAccounts.AddHandler(Each<V1ServiceAccount>(WakePolicyByLabel));
        caches.Roles.AddHandler(Each<V1Role>(WakePolicyByLabel));
        caches.RoleBindings.AddHandler(Each<V1RoleBinding>(WakePolicyByLabel));
        caches.NetworkPolicies.AddHandler(Each<V1NetworkPolicy>(WakePolicyByLabel));
        caches.ServiceMonitorInformerStarted += informer => informer.AddHandler(Each<ServiceMonitor>(m =>
        {
            // The WaddleService of the same name: its own monitor, or a foreign one in the way.
            services.Add(new ObjectKey(m.Metadata.NamespaceProperty, (m.Metadata.Labels is { } l && l.TryGetValue(WellKnown.ServiceLabel, out var owner) ? owner : m.Metadata.Name)));
        }));
    }

    private void OnService(WaddleService service, bool specChanged)
    {
        services.Add(ObjectKey.Of(service));
        if (specChanged)
        {
            WakePoliciesOf(service.Metadata.NamespaceProperty, policyDebounce());
        }
    }

    private void OnPolicy(ObservabilityPolicy policy, bool specChanged)
    {
        var ns = policy.Metadata.NamespaceProperty;
        policies.Add(ObjectKey.Of(policy));
        if (!specChanged)
        {
            return;
        }

        WakePoliciesOf(ns, TimeSpan.Zero);
        var resolver = new PolicyResolver(caches.Policies.Cache.List(ns).Where(p => p.Metadata.DeletionTimestamp is null));
        foreach (var service in caches.WaddleServices.Cache.List(ns))
        {
            var before = service.Status?.Policy;
            var now = resolver.Resolve(service).Policy?.Metadata.Name;
            if (before == policy.Metadata.Name || now == policy.Metadata.Name || service.Spec.PolicyRef?.Name == policy.Metadata.Name
                || (before is null && now is null))
            {
                services.Add(ObjectKey.Of(service));
            }
        }
    }

    private void AttachWorkload<T>(ResourceInformer<T> informer)
        where T : IKubernetesObject<V1ObjectMeta> =>
        informer.AddHandler(Each<T>(workload =>
        {
            var ns = workload.Metadata.NamespaceProperty;
            foreach (var service in caches.WaddleServices.Cache.ByIndex(OperatorCaches.WorkloadIndex, OperatorCaches.WorkloadKey(workload)))
            {
                services.Add(ObjectKey.Of(service));
            }

            // An injection whose WaddleService now names another workload (or is being deleted) is taken out by that service.
            if (WorkloadInjection.InjectedBy(workload) is { } by)
            {
                services.Add(new ObjectKey(ns, by));
            }

            WakePolicyByLabel(workload);
        }));

    private void OnConfigMap(V1ConfigMap configMap)
    {
        var ns = configMap.Metadata.NamespaceProperty;
        var policy = (configMap.Metadata.Labels is { } l && l.TryGetValue(WellKnown.PolicyLabel, out var labelled) ? labelled : null)
            ?? caches.Policies.Cache.List(ns).FirstOrDefault(p => ChildNames.SamplingConfigMap(p.Metadata.Name) == configMap.Metadata.Name)?.Metadata.Name;
        if (policy is null)
        {
            return;
        }

        policies.Add(new ObjectKey(ns, policy));

        // Services already Ready on the published document need nothing from a rewrite of it (a tampered document is
        // the policy's to restore); waking only those still waiting keeps a ConfigMap write from costing n reconciles.
        foreach (var service in caches.WaddleServices.Cache.List(ns).Where(s => (s.Status?.Policy is null || s.Status.Policy == policy || s.Status.Policy.Length == 0) && !SamplingPublished(s)))
        {
            services.Add(ObjectKey.Of(service));
        }
    }

    private void WakePolicyByLabel(IKubernetesObject<V1ObjectMeta> child)
    {
        if (child.Metadata.Labels?.TryGetValue(WellKnown.PolicyLabel, out var policy) == true && !child.Metadata.Labels.ContainsKey(WellKnown.ServiceLabel))
        {
            policies.Add(new ObjectKey(child.Metadata.NamespaceProperty, policy));
        }
    }

    /// <summary>
    /// The WaddleServices whose metrics selector can match <paramref name="service"/>: those looking Services up by one
    /// of its labels. One lookup per label, so n Services arriving cost O(n), not a wake of the whole namespace each.
    /// </summary>
    private void WakeServicesSelecting(V1Service service)
    {
        foreach (var (key, value) in service.Metadata.Labels ?? new Dictionary<string, string>())
        {
            foreach (var waddleService in caches.WaddleServices.Cache.ByIndex(OperatorCaches.MetricsSelectorIndex, OperatorCaches.LabelKey(service.Metadata.NamespaceProperty, key, value)))
            {
                services.Add(ObjectKey.Of(waddleService));
            }
        }
    }

    /// <summary>
    /// Wakes every policy of the namespace: at once when none was woken within <paramref name="debounce"/> (a single
    /// change is applied without waiting), otherwise at the end of that window, so a burst of service changes is one
    /// reconcile (and one sampling ConfigMap write) per window.
    /// </summary>
    private void WakePoliciesOf(string ns, TimeSpan debounce)
    {
        var now = _time.GetUtcNow();
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

            policies.AddAfter(key, delay);
        }
    }

    private static bool Settled(WaddleService service) => ConditionTrue(service, ConditionTypes.Ready);

    private static bool SamplingPublished(WaddleService service) => ConditionTrue(service, ConditionTypes.SamplingPublished);

    /// <summary>The status reports <paramref name="type"/> True for the current generation.</summary>
    private static bool ConditionTrue(WaddleService service, string type) =>
        service.Status?.ObservedGeneration == service.Metadata.Generation
        && service.Status?.Conditions?.Any(c => c.Type == type && c.Status == "True") == true;

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

    private static ResourceEventHandler<T> Each<T>(Action<T> wake)
        where T : IKubernetesObject<V1ObjectMeta> =>
        new(wake, (before, after) =>
        {
            wake(before);
            wake(after);
        }, wake);
}
