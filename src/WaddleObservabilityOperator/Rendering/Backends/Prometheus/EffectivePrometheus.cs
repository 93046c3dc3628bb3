using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>The managed Prometheus's settings with defaults applied (<see cref="PrometheusComponent.Resolve"/>); in the Rendering namespace with the other effective settings.</summary>
public sealed record EffectivePrometheus(
    bool Managed,
    string Image,
    string Retention,
    PersistentStorage? Storage,
    IReadOnlyList<KeyValuePair<string, string>> ExternalLabels,
    V1ResourceRequirements? Resources,
    string ConfigReloaderImage,
    int Replicas = 1,
    IReadOnlyList<RemoteWriteSpec>? RemoteWrite = null) : IComponentSettings
{
    /// <summary>The remote stores samples are sent to, in the policy's order; none without remoteWrite.</summary>
    public IReadOnlyList<RemoteWriteSpec> RemoteWrites => RemoteWrite ?? [];

    /// <summary>Two or more pods scraping the same targets, each with its own replica external label.</summary>
    public bool HighlyAvailable => Replicas > 1;
}
