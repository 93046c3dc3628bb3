using k8s;
using k8s.Autorest;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// Whether the cluster serves monitoring.coreos.com/v1 (prometheus-operator's ServiceMonitor), checked at start and
/// then periodically, so installing prometheus-operator later makes ServiceMonitors appear without a restart. Starts
/// and stops the ServiceMonitor informer with the API and tells the operator to reconcile every service again.
/// </summary>
public sealed class ServiceMonitorApiWatch(IKubernetes client, OperatorCaches caches, TimeSpan interval, TimeProvider time, ILogger<ServiceMonitorApiWatch> logger)
{
    private readonly TaskCompletionSource _firstCheck = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _present;

    public bool Present => _present;

    /// <summary>Completes after the first check (and the ServiceMonitor cache's sync when the API exists).</summary>
    public Task FirstCheck => _firstCheck.Task;

    public event Action? Changed;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var present = await IsServedAsync(cancellationToken).ConfigureAwait(false);
                if (present != _present || !_firstCheck.Task.IsCompleted)
                {
                    if (present)
                    {
                        await caches.StartServiceMonitorsAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        caches.StopServiceMonitors();
                    }

                    var changed = present != _present;
                    _present = present;
                    _firstCheck.TrySetResult();
                    if (changed)
                    {
                        logger.LogInformation("The ServiceMonitor API ({Group}/{Version}) is {State}", ServiceMonitor.Group, ServiceMonitor.Version, present ? "served" : "not served");
                        Changed?.Invoke();
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is HttpOperationException or HttpRequestException)
            {
                // Keep the last answer; a flaky discovery call must not make ServiceMonitors look absent.
                logger.LogWarning("Could not check for the ServiceMonitor API: {Error}", e.Message);
            }

            try
            {
                await Task.Delay(interval, time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<bool> IsServedAsync(CancellationToken cancellationToken)
    {
        var groups = await client.Apis.GetAPIVersionsAsync(cancellationToken).ConfigureAwait(false);
        return groups.Groups?.Any(g => g.Name == ServiceMonitor.Group && g.Versions?.Any(v => v.Version == ServiceMonitor.Version) == true) == true;
    }
}
