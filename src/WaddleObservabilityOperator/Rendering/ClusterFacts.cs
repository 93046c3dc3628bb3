namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// What the cluster around a policy offers that the rendering of its components depends on: whether prometheus-operator's
/// ServiceMonitor API is served, and the policy's namespace as observed. Observed, never assumed: a render from files
/// without a Namespace object knows nothing of it (<see cref="Namespace"/> null).
/// </summary>
public sealed record ClusterFacts(bool ServiceMonitorApi, NamespaceFacts? Namespace)
{
    /// <summary>Nothing observed: no ServiceMonitor API, namespace unknown.</summary>
    public static ClusterFacts Unknown { get; } = new(false, null);
}

/// <summary>A namespace as observed: its name and the Pod Security level it enforces (its <c>pod-security.kubernetes.io/enforce</c> label; null without one).</summary>
public sealed record NamespaceFacts(string Name, string? PodSecurityEnforce)
{
    /// <summary>The label the Pod Security admission reads the enforced level from.</summary>
    public const string EnforceLabel = "pod-security.kubernetes.io/enforce";

    /// <summary>The facts of a Namespace object.</summary>
    public static NamespaceFacts Of(k8s.Models.V1Namespace ns)
    {
        ArgumentNullException.ThrowIfNull(ns);
        return new NamespaceFacts(ns.Metadata.Name, ns.Metadata.Labels is { } labels && labels.TryGetValue(EnforceLabel, out var level) ? level : null);
    }
}
