using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// Every informer the operator reads from, so reconciles never GET: one per kind the controllers declare
/// (<see cref="OperatorControllers"/>), with the indexes the reconciles and the event routing look objects up by.
/// Every workload, Service and object of the kinds the operator creates is cached (not only the labelled ones): a
/// workload must be seen when it appears to be injected, and a foreign object holding a child's name must be seen to be
/// left alone. Users' Deployments, StatefulSets and DaemonSets are cached trimmed to what rendering reads (their
/// declared transform, <see cref="UserWorkloadCache"/>: the injection is written as a patch, so nothing else of them is
/// needed); the operator's own workloads and every other kind are cached whole, managedFields apart. ServiceMonitors
/// are an optional API, watched only while served.
/// </summary>
public sealed class OperatorCaches
{
    public OperatorCaches(InformerSet informers)
    {
        Informers = informers ?? throw new ArgumentNullException(nameof(informers));
        WaddleServices = informers.Get<WaddleService>();
        Policies = informers.Get<ObservabilityPolicy>();
        Deployments = informers.Get<V1Deployment>();
        StatefulSets = informers.Get<V1StatefulSet>();
        DaemonSets = informers.Get<V1DaemonSet>();
        Services = informers.Get<V1Service>();
        ConfigMaps = informers.Get<V1ConfigMap>();
        ServiceMonitors = informers.GetOptional<ServiceMonitor>();
        Namespaces = informers.Get<V1Namespace>();

        // A WaddleService is found from its workload through this index: "namespace/Kind/name"; and from a Service
        // through the one label of its metrics selector that its reconcile looks Services up by.
        WaddleServices.Cache.AddIndex(WorkloadIndex, s => [WorkloadKey(s.Metadata.NamespaceProperty, s.Spec.Workload.Kind ?? WaddleBotDefaults.Workload, s.Spec.Workload.Name)]);
        WaddleServices.Cache.AddIndex(MetricsSelectorIndex, s => [MetricsSelectorKey(s)]);

        // A reconcile of one service reads only its own neighbourhood through these, so it costs the same at 10 000 services as at 10.
        Deployments.Cache.AddIndex(InjectedByIndex, InjectedByKey);
        StatefulSets.Cache.AddIndex(InjectedByIndex, InjectedByKey);
        DaemonSets.Cache.AddIndex(InjectedByIndex, InjectedByKey);
        Services.Cache.AddIndex(LabelIndex, s => s.Metadata.Labels?.Select(l => LabelKey(s.Metadata.NamespaceProperty, l.Key, l.Value)) ?? []);

        // A policy's render reads its managed components' workloads (their rollout status) through this.
        Deployments.Cache.AddIndex(PolicyIndex, PolicyKey);
        StatefulSets.Cache.AddIndex(PolicyIndex, PolicyKey);
        DaemonSets.Cache.AddIndex(PolicyIndex, PolicyKey);
    }

    public const string PolicyIndex = "policy";

    private static IEnumerable<string> PolicyKey<T>(T workload)
        where T : IKubernetesObject<V1ObjectMeta> =>
        workload.Metadata.Labels?.TryGetValue(WellKnown.PolicyLabel, out var policy) == true
            ? [LabelKey(workload.Metadata.NamespaceProperty, WellKnown.PolicyLabel, policy)]
            : [];

    /// <summary>Every declared kind's informer.</summary>
    public InformerSet Informers { get; }

    public const string InjectedByIndex = "injected-by";

    public const string LabelIndex = "namespace-label";

    public const string MetricsSelectorIndex = "metrics-selector";

    private static IEnumerable<string> InjectedByKey<T>(T workload)
        where T : IKubernetesObject<V1ObjectMeta> =>
        WorkloadInjection.InjectedBy(workload) is { } by ? [$"{workload.Metadata.NamespaceProperty}/{by}"] : [];

    public static string LabelKey(string? ns, string key, string value) => $"{ns}/{key}={value}";

    /// <summary>
    /// The label a WaddleService's reconcile finds its candidate Services by (the first of its metrics selector, as
    /// rendering takes it): every Service its selector matches carries it, so a Service event wakes exactly the
    /// WaddleServices it can concern.
    /// </summary>
    public static string MetricsSelectorKey(WaddleService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var (key, value) = WaddleBotDefaults.MetricsSelector(service)[0];
        return LabelKey(service.Metadata.NamespaceProperty, key, value);
    }

    public const string WorkloadIndex = "workload";

    public ResourceInformer<WaddleService> WaddleServices { get; }

    public ResourceInformer<ObservabilityPolicy> Policies { get; }

    public ResourceInformer<V1Deployment> Deployments { get; }

    public ResourceInformer<V1StatefulSet> StatefulSets { get; }

    public ResourceInformer<V1DaemonSet> DaemonSets { get; }

    public ResourceInformer<V1Service> Services { get; }

    public ResourceInformer<V1ConfigMap> ConfigMaps { get; }

    /// <summary>ServiceMonitors, while prometheus-operator's CRD is installed (<see cref="OptionalInformer{T}.Current"/> is null otherwise).</summary>
    public OptionalInformer<ServiceMonitor> ServiceMonitors { get; }

    /// <summary>The Namespace objects: every one, or with --namespaces those watched, by name.</summary>
    public ResourceInformer<V1Namespace> Namespaces { get; }

    /// <summary>Every cache has its first list (ready to reconcile without a partial view).</summary>
    public bool HasSynced => Informers.HasSynced;

    public static string WorkloadKey(string? ns, WorkloadKind kind, string name) => $"{ns}/{kind}/{name}";

    public static string WorkloadKey(IKubernetesObject<V1ObjectMeta> workload) =>
        WorkloadKey(workload.Metadata.NamespaceProperty, WorkloadInjection.KindOf(workload), workload.Metadata.Name);

    /// <summary>Runs every informer until <paramref name="cancellationToken"/> fires.</summary>
    public Task RunAsync(CancellationToken cancellationToken) => Informers.RunAsync(cancellationToken);

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => Informers.WaitForSyncAsync(cancellationToken);

    /// <summary>
    /// What the render of policy <paramref name="policy"/> reads, from the caches: the policies and WaddleServices of
    /// its namespace (those being deleted left out), what the cluster offers its components (the ServiceMonitor API, the
    /// namespace itself), and the workloads labelled as its managed components', whose status says whether they run.
    /// </summary>
    public PolicyRenderInput PolicyRenderInput(string ns, string policy, bool serviceMonitorApi = false)
    {
        var key = LabelKey(ns, WellKnown.PolicyLabel, policy);
        return new(
            Live(Policies.Cache.List(ns)),
            Live(WaddleServices.Cache.List(ns)),
            new ClusterFacts(serviceMonitorApi, Namespaces.Cache.Get(null, ns) is { } observed ? NamespaceFacts.Of(observed) : null),
            [.. Deployments.Cache.ByIndex(PolicyIndex, key), .. StatefulSets.Cache.ByIndex(PolicyIndex, key), .. DaemonSets.Cache.ByIndex(PolicyIndex, key)]);
    }

    /// <summary>The objects not being deleted: the list itself when none is (the usual case, and no second list of 10 000).</summary>
    private static IReadOnlyList<T> Live<T>(IReadOnlyList<T> objects)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        foreach (var o in objects)
        {
            if (o.Metadata.DeletionTimestamp is not null)
            {
                return [.. objects.Where(o => o.Metadata.DeletionTimestamp is null)];
            }
        }

        return objects;
    }

    /// <summary>
    /// What rendering reads for one WaddleService: the policies of its namespace, the services naming the same
    /// workload (who injects it), that workload and the workloads it injected before, and the Services its metrics
    /// selector can match. Rendering this gives the service the same outcome as rendering its whole namespace, except
    /// for the policy-wide sampling verdicts (document size, service-name conflicts), which the policy reconciler keeps.
    /// The policies' managed backends are not rendered from it: <see cref="ServiceRenderer"/> leaves them to the policy's render.
    /// </summary>
    public RenderInput RenderInputFor(WaddleService service, bool serviceMonitorApi, bool prometheusRuleApi = false)
    {
        ArgumentNullException.ThrowIfNull(service);
        var ns = service.Metadata.NamespaceProperty;
        var kind = service.Spec.Workload.Kind ?? WaddleBotDefaults.Workload;
        var claimants = WaddleServices.Cache.ByIndex(WorkloadIndex, WorkloadKey(ns, kind, service.Spec.Workload.Name))
            .Where(s => s.Metadata.DeletionTimestamp is null)
            .ToList();
        if (!claimants.Any(s => s.Metadata.Name == service.Metadata.Name))
        {
            claimants.Add(service);
        }

        var workloads = new Dictionary<(string, string), IKubernetesObject<V1ObjectMeta>>();
        void Add(IKubernetesObject<V1ObjectMeta>? w)
        {
            if (w is not null)
            {
                workloads[(w.Kind, w.Metadata.Name)] = w;
            }
        }

        // Every kind under the name, so a kind mismatch is reported as rendering the namespace would.
        Add(Deployments.Cache.Get(ns, service.Spec.Workload.Name));
        Add(StatefulSets.Cache.Get(ns, service.Spec.Workload.Name));
        Add(DaemonSets.Cache.Get(ns, service.Spec.Workload.Name));
        foreach (var w in InjectedBy(ns, service.Metadata.Name))
        {
            Add(w);
        }

        return new RenderInput(
            Policies.Cache.List(ns).Where(p => p.Metadata.DeletionTimestamp is null).ToList(),
            claimants,
            [.. workloads.Values],
            Services.Cache.ByIndex(LabelIndex, MetricsSelectorKey(service)),
            new RenderCapabilities(serviceMonitorApi, prometheusRuleApi));
    }

    /// <summary>The cached workload a WaddleService names, if it exists with that kind.</summary>
    public IKubernetesObject<V1ObjectMeta>? Workload(string ns, WorkloadKind kind, string name) => kind switch
    {
        WorkloadKind.StatefulSet => StatefulSets.Cache.Get(ns, name),
        WorkloadKind.DaemonSet => DaemonSets.Cache.Get(ns, name),
        _ => Deployments.Cache.Get(ns, name),
    };

    /// <summary>Cached workloads of a namespace that carry the injected-by label of <paramref name="waddleService"/>.</summary>
    public IEnumerable<IKubernetesObject<V1ObjectMeta>> InjectedBy(string ns, string waddleService)
    {
        var key = $"{ns}/{waddleService}";
        return Deployments.Cache.ByIndex(InjectedByIndex, key).Cast<IKubernetesObject<V1ObjectMeta>>()
            .Concat(StatefulSets.Cache.ByIndex(InjectedByIndex, key))
            .Concat(DaemonSets.Cache.ByIndex(InjectedByIndex, key));
    }

    /// <summary>Every cached workload carrying the injected-by label (for the waddle_injected_workloads gauge).</summary>
    public int InjectedWorkloadCount() =>
        Deployments.Cache.List().Count(w => WorkloadInjection.InjectedBy(w) is not null)
        + StatefulSets.Cache.List().Count(w => WorkloadInjection.InjectedBy(w) is not null)
        + DaemonSets.Cache.List().Count(w => WorkloadInjection.InjectedBy(w) is not null);
}
