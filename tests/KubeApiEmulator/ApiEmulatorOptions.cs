namespace KubeApiEmulator;

/// <summary>How an emulator instance starts.</summary>
public sealed record ApiEmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Owner-reference garbage collection (off matches envtest).</summary>
    public bool GarbageCollection { get; init; } = true;

    /// <summary>
    /// Write Deployments', StatefulSets' and DaemonSets' status as their controllers would once the pods are ready
    /// (<see cref="ApiEmulator.Workloads"/> steers it: rollout time, stuck workloads). Off matches envtest.
    /// </summary>
    public bool SimulateWorkloads { get; init; }

    /// <summary>How many changes the event log keeps for watch replay before older ones are compacted.</summary>
    public int History { get; init; } = 10_000;

    /// <summary>How often watches that allow bookmarks get one; null sends them only on request.</summary>
    public TimeSpan? BookmarkInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Seed for fault-injection rates, so a run can be repeated.</summary>
    public int FaultSeed { get; init; } = 1;

    /// <summary>Clock for timestamps (creation, deletion) and ages.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Keep each write's body in the request log (<see cref="Http.RequestRecord.Body"/>), e.g. to prove a value was never written; off by default to keep long runs small.</summary>
    public bool RecordRequestBodies { get; init; }

    /// <summary>Receives the emulator's own warnings and errors; null logs nothing.</summary>
    public Microsoft.Extensions.Logging.ILoggerProvider? LoggerProvider { get; init; }
}
