using k8s;
using k8s.Autorest;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>What a lease says: who holds it, for how long, since when (client-go's LeaderElectionRecord).</summary>
public sealed record LeaseRecord
{
    public string? HolderIdentity { get; init; }

    public int LeaseDurationSeconds { get; init; }

    public DateTime? AcquireTime { get; init; }

    public DateTime? RenewTime { get; init; }

    public int LeaderTransitions { get; init; }
}

/// <summary>
/// The lock <see cref="LeaderElector"/> runs on. <see cref="GetAsync"/> throws the API's error (404 when there is no
/// lease yet); <see cref="CreateAsync"/> and <see cref="UpdateAsync"/> answer false when another writer got there first.
/// </summary>
public interface ILeaseLock
{
    string Identity { get; }

    Task<LeaseRecord> GetAsync(CancellationToken cancellationToken);

    Task<bool> CreateAsync(LeaseRecord record, CancellationToken cancellationToken);

    /// <summary>Writes over the lease last read or written, guarded by its resourceVersion.</summary>
    Task<bool> UpdateAsync(LeaseRecord record, CancellationToken cancellationToken);
}

/// <summary>
/// A coordination.k8s.io/v1 Lease as the lock, as client-go's LeaseLock: every update is a PUT of the last lease seen,
/// so the server refuses it (409) when someone else wrote in between. KubernetesClient has the same lock, but not in
/// its AOT build; this one is used by both builds.
/// </summary>
public sealed class LeaseLock(Kubernetes client, string @namespace, string name, string identity) : ILeaseLock
{
    private readonly IResourceClient<V1Lease> _leases = new ResourceClients(client, new ResourceTypeRegistry()).For<V1Lease>();

    private V1Lease? _last;

    public string Identity { get; } = identity;

    public async Task<LeaseRecord> GetAsync(CancellationToken cancellationToken)
    {
        var lease = await _leases.GetAsync(@namespace, name, cancellationToken).ConfigureAwait(false)
            ?? throw new HttpOperationException($"lease {@namespace}/{name} not found")
            {
                Response = new HttpResponseMessageWrapper(new HttpResponseMessage(System.Net.HttpStatusCode.NotFound), ""),
            };
        Interlocked.Exchange(ref _last, lease);
        var spec = lease.Spec ?? new V1LeaseSpec();
        return new LeaseRecord
        {
            HolderIdentity = spec.HolderIdentity,
            LeaseDurationSeconds = spec.LeaseDurationSeconds ?? 0,
            AcquireTime = spec.AcquireTime,
            RenewTime = spec.RenewTime,
            LeaderTransitions = spec.LeaseTransitions ?? 0,
        };
    }

    public async Task<bool> CreateAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        try
        {
            var lease = new V1Lease { Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace }, Spec = Spec(record) };
            var created = await _leases.CreateAsync(@namespace, lease, cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _last, created);
            return true;
        }
        catch (HttpOperationException)
        {
            return false;
        }
    }

    public async Task<bool> UpdateAsync(LeaseRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var last = Volatile.Read(ref _last) ?? throw new InvalidOperationException("Read or create the lease before updating it.");
        try
        {
            var lease = new V1Lease { Metadata = last.Metadata, Spec = Spec(record) };
            var replaced = await _leases.ReplaceAsync(@namespace, name, lease, cancellationToken).ConfigureAwait(false);
            Interlocked.Exchange(ref _last, replaced);
            return true;
        }
        catch (HttpOperationException)
        {
            return false;
        }
    }

    private static V1LeaseSpec Spec(LeaseRecord record) => new()
    {
        HolderIdentity = record.HolderIdentity,
        LeaseDurationSeconds = record.LeaseDurationSeconds,
        AcquireTime = record.AcquireTime,
        RenewTime = record.RenewTime,
        LeaseTransitions = record.LeaderTransitions,
    };
}
