using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// Every informer the operator reads from, so reconciles never GET. Workloads, Services and the kinds the operator
/// creates are cached whole (not only the labelled ones): a workload must be seen when it appears to be injected, and
/// a foreign object holding a child's name must be seen to be left alone. ServiceMonitors are watched only while
/// their API exists.
/// </summary>
public sealed class OperatorCaches
{
    private readonly ResourceClients _clients;
    private readonly InformerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly List<Func<bool>> _synced = [];
    private readonly List<Func<CancellationToken, Task>> _runs = [];
    private readonly Lock _monitorGate = new();
    private CancellationTokenSource? _monitorStop;
    private Task _monitorRun = Task.CompletedTask;

    public OperatorCaches(ResourceClients clients, InformerOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        _clients = clients;
        _options = options;
        _time = time;
        _loggers = loggers;
        WaddleServices = Add<WaddleService>();
        Policies = Add<ObservabilityPolicy>();
        Deployments = Add<V1Deployment>();
        StatefulSets = Add<V1StatefulSet>();
        DaemonSets = Add<V1DaemonSet>();
        Services = Add<V1Service>();
        ConfigMaps = Add<V1ConfigMap>();
        ServiceAccounts = Add<V1ServiceAccount>();
        Roles = Add<V1Role>();
        RoleBindings = Add<V1RoleBinding>();
        NetworkPolicies = Add<V1NetworkPolicy>();

        // A WaddleService is found from its workload through this index: "namespace/Kind/name".
        WaddleServices.Cache.AddIndex(WorkloadIndex, s => [WorkloadKey(s.Metadata.NamespaceProperty, s.Spec.Workload.Kind ?? WaddleBotDefaults.Workload, s.Spec.Workload.Name)]);
    }

    public const string WorkloadIndex = "workload";

    public ResourceInformer<WaddleService> WaddleServices { get; }

    public ResourceInformer<ObservabilityPolicy> Policies { get; }

    public ResourceInformer<V1Deployment> Deployments { get; }

    public ResourceInformer<V1StatefulSet> StatefulSets { get; }

    public ResourceInformer<V1DaemonSet> DaemonSets { get; }

    public ResourceInformer<V1Service> Services { get; }

    public ResourceInformer<V1ConfigMap> ConfigMaps { get; }

    public ResourceInformer<V1ServiceAccount> ServiceAccounts { get; }

    public ResourceInformer<V1Role> Roles { get; }

    public ResourceInformer<V1RoleBinding> RoleBindings { get; }

    public ResourceInformer<V1NetworkPolicy> NetworkPolicies { get; }

    /// <summary>The ServiceMonitor informer while the API exists; null otherwise.</summary>
    public ResourceInformer<ServiceMonitor>? ServiceMonitors { get; private set; }

    /// <summary>Called for every new ServiceMonitor informer, to attach event handlers.</summary>
    public event Action<ResourceInformer<ServiceMonitor>>? ServiceMonitorInformerStarted;

    /// <summary>Every cache has its first list (ready to reconcile without a partial view).</summary>
    public bool HasSynced
    {
        get
        {
            lock (_monitorGate)
            {
                return _synced.All(s => s()) && ServiceMonitors?.HasSynced != false;
            }
        }
    }

    public static string WorkloadKey(string? ns, WorkloadKind kind, string name) => $"{ns}/{kind}/{name}";

    public static string WorkloadKey(IKubernetesObject<V1ObjectMeta> workload) =>
        WorkloadKey(workload.Metadata.NamespaceProperty, WorkloadInjection.KindOf(workload), workload.Metadata.Name);

    /// <summary>Runs every informer until <paramref name="cancellationToken"/> fires.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.WhenAll(_runs.Select(run => run(cancellationToken))).ConfigureAwait(false);
        }
        finally
        {
            StopServiceMonitors();
            await _monitorRun.ConfigureAwait(false);
        }
    }

    public Task WaitForSyncAsync(CancellationToken cancellationToken) =>
        Task.WhenAll(new[] { WaddleServices.WaitForSyncAsync(cancellationToken), Policies.WaitForSyncAsync(cancellationToken),
            Deployments.WaitForSyncAsync(cancellationToken), StatefulSets.WaitForSyncAsync(cancellationToken),
            DaemonSets.WaitForSyncAsync(cancellationToken), Services.WaitForSyncAsync(cancellationToken),
            ConfigMaps.WaitForSyncAsync(cancellationToken), ServiceAccounts.WaitForSyncAsync(cancellationToken),
            Roles.WaitForSyncAsync(cancellationToken), RoleBindings.WaitForSyncAsync(cancellationToken),
            NetworkPolicies.WaitForSyncAsync(cancellationToken) });

    /// <summary>Starts watching ServiceMonitors (the API appeared). Returns once the new cache has synced.</summary>
    public async Task StartServiceMonitorsAsync(CancellationToken cancellationToken)
    {
        ResourceInformer<ServiceMonitor> informer;
        lock (_monitorGate)
        {
            if (ServiceMonitors is not null)
            {
                return;
            }

            _monitorStop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            informer = new ResourceInformer<ServiceMonitor>(_clients.For<ServiceMonitor>(), _options, _time, _loggers.CreateLogger("informer.servicemonitors"));
            ServiceMonitors = informer;
            var stop = _monitorStop.Token;
            _monitorRun = Task.Run(() => informer.RunAsync(stop), CancellationToken.None);
        }

        ServiceMonitorInformerStarted?.Invoke(informer);
        await informer.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops watching ServiceMonitors (the API went away).</summary>
    public void StopServiceMonitors()
    {
        lock (_monitorGate)
        {
            _monitorStop?.Cancel();
            _monitorStop?.Dispose();
            _monitorStop = null;
            ServiceMonitors = null;
        }
    }

    /// <summary>What rendering reads for one namespace, from the caches. WaddleServices being deleted are left out, so their injection is rendered as removed.</summary>
    public RenderInput RenderInput(string ns, bool serviceMonitorApi)
    {
        var workloads = new List<IKubernetesObject<V1ObjectMeta>>();
        workloads.AddRange(Deployments.Cache.List(ns));
        workloads.AddRange(StatefulSets.Cache.List(ns));
        workloads.AddRange(DaemonSets.Cache.List(ns));
        return new RenderInput(
            Policies.Cache.List(ns).Where(p => p.Metadata.DeletionTimestamp is null).ToList(),
            WaddleServices.Cache.List(ns).Where(s => s.Metadata.DeletionTimestamp is null).ToList(),
            workloads,
            Services.Cache.List(ns),
            new RenderCapabilities(serviceMonitorApi));
    }

    /// <summary>The cached workload a WaddleService names, if it exists with that kind.</summary>
    public IKubernetesObject<V1ObjectMeta>? Workload(string ns, WorkloadKind kind, string name) => kind switch
    {
        WorkloadKind.StatefulSet => StatefulSets.Cache.Get(ns, name),
        WorkloadKind.DaemonSet => DaemonSets.Cache.Get(ns, name),
        _ => Deployments.Cache.Get(ns, name),
    };

    /// <summary>Cached workloads of a namespace that carry the injected-by label of <paramref name="waddleService"/>.</summary>
    public IEnumerable<IKubernetesObject<V1ObjectMeta>> InjectedBy(string ns, string waddleService) =>
        Deployments.Cache.List(ns).Cast<IKubernetesObject<V1ObjectMeta>>()
            .Concat(StatefulSets.Cache.List(ns))
            .Concat(DaemonSets.Cache.List(ns))
            .Where(w => WorkloadInjection.InjectedBy(w) == waddleService);

    /// <summary>Every cached workload carrying the injected-by label (for the waddle_injected_workloads gauge).</summary>
    public int InjectedWorkloadCount() =>
        Deployments.Cache.List().Count(w => WorkloadInjection.InjectedBy(w) is not null)
        + StatefulSets.Cache.List().Count(w => WorkloadInjection.InjectedBy(w) is not null)
        + DaemonSets.Cache.List().Count(w => WorkloadInjection.InjectedBy(w) is not null);

    private ResourceInformer<T> Add<T>()
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var client = _clients.For<T>();
        var informer = new ResourceInformer<T>(client, _options, _time, _loggers.CreateLogger($"informer.{client.Type.Plural}"));
        _synced.Add(() => informer.HasSynced);
        _runs.Add(informer.RunAsync);
        return informer;
    }
}
