using k8s.Models;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>The managed Jaeger's settings with defaults applied (<see cref="JaegerComponent.Resolve"/>); in the Rendering namespace with the other effective settings.</summary>
public sealed record EffectiveJaeger(bool Managed, string Image, int MaxTraces, V1ResourceRequirements? Resources) : IComponentSettings;
