using k8s.Models;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>The node exporter's settings with defaults applied (<see cref="NodeExporterComponent.Resolve"/>).</summary>
public sealed record EffectiveNodeExporter(bool Managed, int Port, string Image, V1ResourceRequirements? Resources) : IComponentSettings;
