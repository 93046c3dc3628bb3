namespace KubeApiEmulator.Patching;

/// <summary>
/// A patch that cannot be applied to its target. The server answers 422 Invalid with <see cref="Exception.Message"/>
/// (a real API server does so for a failed JSON patch <c>test</c> since kubernetes PR #68346).
/// </summary>
public sealed class PatchException : Exception
{
    public PatchException(string message)
        : base(message)
    {
    }

    public PatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public PatchException()
    {
    }
}
