using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>Kit: checks the exporters share; each adds a message naming the field.</summary>
internal static class ExporterValidation
{
    /// <summary>Instance names are unique in their list: each names its objects and the instance label of its series.</summary>
    public static void CheckNames(List<string> problems, string field, IEnumerable<string> names)
    {
        foreach (var duplicate in names.GroupBy(n => n, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key))
        {
            problems.Add($"{field}: the name \"{duplicate}\" is used more than once; each exporter needs its own name (it names its objects and the instance label of its series).");
        }
    }

    /// <summary>A Secret reference names both the Secret and the key.</summary>
    public static void CheckSecret(List<string> problems, SecretKeyReference? secret, string field)
    {
        if (secret is not null && (string.IsNullOrEmpty(secret.Name) || string.IsNullOrEmpty(secret.Key)))
        {
            problems.Add($"{field} needs both name and key.");
        }
    }
}
