using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>The policy's PostgreSQL exporters with defaults applied (<see cref="PostgresExporterComponent.Resolve"/>), in the order declared.</summary>
public sealed record EffectivePostgresExporters(bool Managed, IReadOnlyList<EffectivePostgresExporter> Instances) : INamedExporters<EffectivePostgresExporter>;

/// <summary>One PostgreSQL exporter: the server, the Secret keys of its credentials, its image and resources.</summary>
public sealed record EffectivePostgresExporter(
    string Name,
    string Host,
    int Port,
    string Database,
    PostgresSslMode SslMode,
    SecretKeyReference UserSecret,
    SecretKeyReference PasswordSecret,
    string Image,
    V1ResourceRequirements? Resources) : INamedExporter;
