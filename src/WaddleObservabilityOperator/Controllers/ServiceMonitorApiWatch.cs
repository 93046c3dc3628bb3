using k8s.Models;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// Follows whether the cluster serves prometheus-operator's ServiceMonitor (through the runtime's optional API
/// discovery), starting and stopping the ServiceMonitor informer with it, so installing prometheus-operator later makes
/// ServiceMonitors appear without a restart. Discovery runs periodically and, through a watch on that one
/// CustomResourceDefinition, at once when it is created, established or deleted. <see cref="Changed"/> tells the
/// operator to reconcile every service again.
/// </summary>
public sealed class ServiceMonitorApiWatch
{
    public static readonly GroupVersionResource Resource = new(ServiceMonitor.Group, ServiceMonitor.Version, ServiceMonitor.Plural);

    /// <summary>The CustomResourceDefinition that serves ServiceMonitors.</summary>
    public static readonly string CrdName = $"{ServiceMonitor.Plural}.{ServiceMonitor.Group}";

    private readonly OptionalApiDiscovery _discovery;
    private readonly ResourceInformer<V1CustomResourceDefinition> _crd;
    private readonly OperatorCaches _caches;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _present;
    private CancellationToken _stopping;

    /// <summary>Tracks the ServiceMonitor API with <paramref name="discovery"/>; events of <paramref name="crd"/>, an informer limited to <see cref="CrdName"/> (see <see cref="CrdInformerOptions"/>), trigger a check at once.</summary>
    public ServiceMonitorApiWatch(OptionalApiDiscovery discovery, ResourceInformer<V1CustomResourceDefinition> crd, OperatorCaches caches, ILogger<ServiceMonitorApiWatch> logger)
    {
        ArgumentNullException.ThrowIfNull(discovery);
        ArgumentNullException.ThrowIfNull(crd);
        _discovery = discovery;
        _crd = crd;
        _caches = caches;
        _logger = logger;
        discovery.Track(Resource);
        discovery.Changed += OnChanged;
        crd.AddHandler(new ResourceEventHandler<V1CustomResourceDefinition>(_ => discovery.RequestRefresh(), (_, _) => discovery.RequestRefresh(), _ => discovery.RequestRefresh()));

        // A failing ServiceMonitor list/watch (404 once the API is gone) asks for a check too, so nothing needs to poll while it is served.
        caches.ServiceMonitorInformerStarted += informer => informer.Failed += _ => discovery.RequestRefresh();
    }

    /// <summary>
    /// The CRD informer's options: cluster-wide, only the ServiceMonitor CRD (a field selector, so other CRDs' large
    /// schemas are never cached), no resync (a missed event is covered by the periodic probe while the API is absent and
    /// by the ServiceMonitor informer's failures while it is served).
    /// </summary>
    public static InformerOptions CrdInformerOptions(InformerOptions operatorInformers)
    {
        ArgumentNullException.ThrowIfNull(operatorInformers);
        return operatorInformers with { Namespaces = null, LabelSelector = null, FieldSelector = $"metadata.name={CrdName}", ResyncPeriod = null };
    }

    /// <summary>Served, and its cache synced: ServiceMonitors can be written.</summary>
    public bool Present => _present;

    public event Action? Changed;

    /// <summary>Completes after the first check and, when the API is served, the ServiceMonitor cache's first sync.</summary>
    public Task FirstCheck => _ready.Task;

    /// <summary>Runs discovery until cancelled. Its first check always reports a change (from unknown), which settles <see cref="FirstCheck"/>.</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        return Task.WhenAll(_discovery.RunAsync(cancellationToken), _crd.RunAsync(cancellationToken));
    }

    private void OnChanged(ApiAvailabilityChange change)
    {
        if (change.Resource != Resource)
        {
            return;
        }

        if (change.Served)
        {
            _ = StartAsync();
        }
        else
        {
            _present = false;
            _caches.StopServiceMonitors();
            _ready.TrySetResult();
            Changed?.Invoke();
        }
    }

    private async Task StartAsync()
    {
        try
        {
            await _caches.StartServiceMonitorsAsync(_stopping).ConfigureAwait(false);
            _present = true;
            _ready.TrySetResult();
            Changed?.Invoke();
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Could not start watching ServiceMonitors");
        }
    }
}
