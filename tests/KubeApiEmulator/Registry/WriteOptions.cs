namespace KubeApiEmulator.Registry;

/// <summary>
/// Query options every write takes. fieldValidation defaults to Warn as on a real server (v1.27+): unknown fields are
/// pruned, and only an explicit Strict rejects them.
/// </summary>
public sealed record WriteOptions(bool DryRun = false, string? FieldManager = null, string FieldValidation = "Warn")
{
    public static readonly WriteOptions Default = new();

    /// <summary>Who sent the request (self reviews answer for them); the emulator's admin when unknown.</summary>
    public RequestUser User { get; init; } = RequestUser.Admin;

    public bool StrictFields => string.Equals(FieldValidation, "Strict", StringComparison.OrdinalIgnoreCase);
}

/// <summary>DELETE options from the query and the DeleteOptions body.</summary>
public sealed record DeleteOptions(string? PropagationPolicy = null, string? PreconditionUid = null, string? PreconditionResourceVersion = null, bool DryRun = false)
{
    public static readonly DeleteOptions Default = new();
}

/// <summary>What a delete did: removed the object now, or marked it for deletion while finalizers remain.</summary>
public sealed record DeleteOutcome(Storage.StoredObject Object, bool Removed);
