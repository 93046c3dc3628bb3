namespace KubeApiEmulator.Patching;

/// <summary>One field another manager owns with a different value.</summary>
/// <param name="Manager">The other manager as the API server prints it, e.g. <c>"kubectl"</c> or
/// <c>"kubectl-client-side-apply" using v1</c>.</param>
/// <param name="Field">The field path, e.g. <c>.spec.replicas</c>.</param>
public sealed record ApplyConflict(string Manager, string Field);

/// <summary>
/// A server-side apply that would take fields other managers own, without <c>force</c>. The server answers
/// 409 Conflict with <see cref="Exception.Message"/> and one <c>FieldManagerConflict</c> cause per conflict
/// (message <c>conflict with {Manager}</c>, field <see cref="ApplyConflict.Field"/>).
/// </summary>
public sealed class ApplyConflictException : Exception
{
    public ApplyConflictException(IReadOnlyList<ApplyConflict> conflicts)
        : base(FormatMessage(conflicts))
    {
        Conflicts = conflicts;
    }

    public ApplyConflictException()
        : this([])
    {
    }

    public ApplyConflictException(string message)
        : base(message)
    {
        Conflicts = [];
    }

    public ApplyConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
        Conflicts = [];
    }

    public IReadOnlyList<ApplyConflict> Conflicts { get; }

    // k8s.io/apiserver fieldmanager getConflictMessage.
    private static string FormatMessage(IReadOnlyList<ApplyConflict> conflicts)
    {
        ArgumentNullException.ThrowIfNull(conflicts);
        if (conflicts.Count == 1)
        {
            return $"Apply failed with 1 conflict: conflict with {conflicts[0].Manager}: {conflicts[0].Field}";
        }

        var lines = conflicts.GroupBy(c => c.Manager).OrderBy(g => g.Key, StringComparer.Ordinal)
            .SelectMany(g => g.Select(c => $"- {c.Field}").Prepend($"conflicts with {g.Key}:"));
        return $"Apply failed with {conflicts.Count} conflicts: {string.Join("\n", lines)}";
    }
}
