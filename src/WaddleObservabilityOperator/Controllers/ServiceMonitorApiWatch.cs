using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// Follows whether the cluster serves prometheus-operator's ServiceMonitor (through the runtime's optional API
/// discovery), starting and stopping the ServiceMonitor informer with it, so installing prometheus-operator later makes
/// ServiceMonitors appear without a restart. <see cref="Changed"/> tells the operator to reconcile every service again.
/// </summary>
public sealed class ServiceMonitorApiWatch
{
    public static readonly GroupVersionResource Resource = new(ServiceMonitor.Group, ServiceMonitor.Version, ServiceMonitor.Plural);

    private readonly OptionalApiDiscovery _discovery;
    private readonly OperatorCaches _caches;
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _present;
    private CancellationToken _stopping;

    public ServiceMonitorApiWatch(OptionalApiDiscovery discovery, OperatorCaches caches, ILogger<ServiceMonitorApiWatch> logger)
    {
        _discovery = discovery;
        _caches = caches;
        _logger = logger;
        discovery.Track(Resource);
        discovery.Changed += OnChanged;
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
        return _discovery.RunAsync(cancellationToken);
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
