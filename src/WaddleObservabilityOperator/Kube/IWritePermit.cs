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

/// <summary>Thrown instead of writing when this process no longer holds the write permit (leadership lost).</summary>
public sealed class WriteRefusedException(string message) : InvalidOperationException(message);
