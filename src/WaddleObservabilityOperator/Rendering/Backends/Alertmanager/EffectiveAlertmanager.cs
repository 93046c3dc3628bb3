using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>The alerting settings with defaults applied (<see cref="AlertmanagerComponent.Resolve"/>): the managed Alertmanager and the external ones.</summary>
public sealed record EffectiveAlertmanager(
    bool Managed,
    string Image,
    SecretKeyReference? ConfigSecret,
    V1ResourceRequirements? Resources,
    IReadOnlyList<string> Urls) : IComponentSettings;
