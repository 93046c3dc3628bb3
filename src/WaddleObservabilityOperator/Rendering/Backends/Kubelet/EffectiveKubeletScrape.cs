using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>The kubelet (cAdvisor) scrape's settings with defaults applied (<see cref="KubeletComponent.Resolve"/>).</summary>
public sealed record EffectiveKubeletScrape(bool Managed, bool TlsVerify) : IComponentSettings;
