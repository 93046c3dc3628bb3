using k8s.Models;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// The managed Jaeger's settings with defaults applied (<see cref="JaegerComponent.Resolve"/>); in the Rendering namespace
/// with the other effective settings. <see cref="Store"/> null is the in-memory store of <see cref="MaxTraces"/>;
/// <see cref="StorageMismatch"/> says which store settings the policy gives beside another type's.
/// </summary>
public sealed record EffectiveJaeger(
    bool Managed,
    string Image,
    int MaxTraces,
    V1ResourceRequirements? Resources,
    int Replicas = 1,
    JaegerTraceStore? Store = null,
    string? StorageMismatch = null) : IComponentSettings
{
    /// <summary>Where Jaeger keeps the traces: <see cref="Store"/>, or memory.</summary>
    public JaegerTraceStore TraceStore => Store ?? new InMemoryTraceStore(MaxTraces);
}
