using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>The policy's Redis exporters with defaults applied (<see cref="RedisExporterComponent.Resolve"/>), in the order declared.</summary>
public sealed record EffectiveRedisExporters(bool Managed, IReadOnlyList<EffectiveRedisExporter> Instances) : INamedExporters<EffectiveRedisExporter>;

/// <summary>One Redis exporter: the server's address, the Secret keys of its credentials (none without authentication), its image and resources.</summary>
public sealed record EffectiveRedisExporter(
    string Name,
    string Address,
    SecretKeyReference? UserSecret,
    SecretKeyReference? PasswordSecret,
    string Image,
    V1ResourceRequirements? Resources) : INamedExporter;
