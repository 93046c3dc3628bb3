using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Telemetry;
using LeaderElector = k8s.LeaderElection.LeaderElector;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// Leader election on a coordination.k8s.io Lease with KubernetesClient's elector. Only the leader reconciles; the
/// write permit is withdrawn as soon as a renewal fails (the renew deadline is shorter than the lease), so a deposed
/// leader stops writing before anyone else can take over. On shutdown the lease is released so a standby takes over
/// at once instead of after the lease duration.
/// </summary>
public sealed class LeaseElection(IKubernetes client, OperatorOptions options, OperatorMetrics metrics, TimeProvider time, ILogger<LeaseElection> logger) : IWritePermit
{
    private volatile LeaderElector? _elector;
    private volatile bool _leading;

    public bool CanWrite => _leading && _elector?.IsLeader() == true;

    /// <summary>Campaigns until <paramref name="cancellationToken"/> fires, running <paramref name="whileLeading"/> for each term.</summary>
    public async Task RunAsync(Func<CancellationToken, Task> whileLeading, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            var elector = new LeaderElector(new LeaderElectionConfig(new LeaseLock(client, options.LeaseNamespace, options.LeaseName, options.Identity))
            {
                LeaseDuration = options.LeaseDuration,
                RenewDeadline = options.RenewDeadline,
                RetryPeriod = options.RetryPeriod,
            });
            _elector = elector;
            using var term = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var work = Task.CompletedTask;
            elector.OnStartedLeading += () =>
            {
                _leading = true;
                metrics.SetLeader(options.LeaseName, true);
                logger.LogInformation("{Identity} became the leader (Lease {Namespace}/{Lease})", options.Identity, options.LeaseNamespace, options.LeaseName);
                work = Task.Run(() => whileLeading(term.Token), CancellationToken.None);
            };
            elector.OnStoppedLeading += () =>
            {
                _leading = false;
                metrics.SetLeader(options.LeaseName, false);
                term.Cancel();
            };
            elector.OnNewLeader += leader => logger.LogInformation("The leader is {Leader}", leader);

            try
            {
                await elector.RunUntilLeadershipLostAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            finally
            {
                _leading = false;
                term.Cancel();
                await work.ConfigureAwait(false);
                elector.Dispose();
            }

            if (!cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("{Identity} lost the leadership; campaigning again", options.Identity);
            }
        }

        await ReleaseAsync().ConfigureAwait(false);
    }

    /// <summary>client-go's ReleaseOnCancel: empty holder and a one-second lease, only if we still hold it.</summary>
    private async Task ReleaseAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
        try
        {
            var lease = await client.CoordinationV1.ReadNamespacedLeaseAsync(options.LeaseName, options.LeaseNamespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            if (lease.Spec?.HolderIdentity != options.Identity)
            {
                return;
            }

            lease.Spec.HolderIdentity = null;
            lease.Spec.LeaseDurationSeconds = 1;
            lease.Spec.RenewTime = time.GetUtcNow().UtcDateTime;
            await client.CoordinationV1.ReplaceNamespacedLeaseAsync(lease, options.LeaseName, options.LeaseNamespace, cancellationToken: timeout.Token).ConfigureAwait(false);
            logger.LogInformation("{Identity} released the lease", options.Identity);
        }
        catch (Exception e) when (e is k8s.Autorest.HttpOperationException or HttpRequestException or OperationCanceledException)
        {
            logger.LogWarning("Could not release the lease: {Error}", e.Message);
        }
    }
}
