namespace KubeApiEmulator.Http;

/// <summary>
/// One answered request, as tests inspect it: <see cref="Time"/> when it arrived, <see cref="Elapsed"/> until it was
/// answered (a watch: until it ended). <see cref="Name"/> is the object's name: from the path, or for a create that
/// succeeded, the name of the object it made.
/// </summary>
public sealed record RequestRecord(
    DateTimeOffset Time,
    string Method,
    string Path,
    string Query,
    string? ContentType,
    string? UserAgent,
    int Status,
    string Verb,
    string Group,
    string Version,
    string Resource,
    string? Subresource,
    string? Namespace,
    string? Name,
    TimeSpan Elapsed = default)
{
    /// <summary>The request body as text (create, update, patch), when the emulator records bodies (<see cref="ApiEmulatorOptions.RecordRequestBodies"/>).</summary>
    public string? Body { get; init; }

    internal const string BodyItem = "emulator.request-body";

    // A create names its object in the body, not the path; the log names it as the API server's audit log does.
    internal const string CreatedNameItem = "emulator.created-name";
}

/// <summary>Every request the emulator answered, oldest first (bounded so long runs stay small).</summary>
public sealed class RequestLog(int capacity = 100_000)
{
    private readonly Lock _gate = new();
    private readonly Queue<RequestRecord> _records = new();

    public IReadOnlyList<RequestRecord> Snapshot()
    {
        lock (_gate)
        {
            return [.. _records];
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _records.Clear();
        }
    }

    internal void Add(RequestRecord record)
    {
        lock (_gate)
        {
            _records.Enqueue(record);
            while (_records.Count > capacity)
            {
                _records.Dequeue();
            }
        }
    }
}
