namespace WaddleObservabilityOperator.Kube;

/// <summary>Whether this process may write now; the leader elector says no as soon as it cannot be sure it still leads.</summary>
public interface IWritePermit
{
    bool CanWrite { get; }
}

/// <summary>For a single instance run without leader election.</summary>
public sealed class AlwaysWritePermit : IWritePermit
{
    public static AlwaysWritePermit Instance { get; } = new();

    public bool CanWrite => true;
}

/// <summary>
/// A permit decided after the client is built: the API client's pipeline holds this, and the leader elector, which
/// itself needs the client, is plugged in once it exists. Until then (and without leader election) writes are allowed.
/// </summary>
public sealed class DeferredWritePermit : IWritePermit
{
    public IWritePermit Permit { get; set; } = AlwaysWritePermit.Instance;

    public bool CanWrite => Permit.CanWrite;
}

/// <summary>
/// Thrown by <see cref="WritePermitHandler"/> instead of sending a write while this process does not hold the write
/// permit (leadership lost or not yet won). The controller treats it as it treats a reconcile cut short by lost
/// leadership: no error, no backoff; the key is left to whoever leads next.
/// </summary>
public sealed class WriteRefusedException(string message) : InvalidOperationException(message);
