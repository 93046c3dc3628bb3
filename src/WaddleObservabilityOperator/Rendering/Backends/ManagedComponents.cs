using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>The registry of managed components: the one list the defaults, the renderer and the status loop over.</summary>
public static class ManagedComponents
{
    /// <summary>Every managed component, in the order their objects, problems and messages are listed.</summary>
    public static IReadOnlyList<IManagedComponent> All { get; } =
    [
        JaegerComponent.Instance,
        PrometheusComponent.Instance,
        GrafanaComponent.Instance,
        AlertmanagerComponent.Instance,
        PostgresExporterComponent.Instance,
        RedisExporterComponent.Instance,
        NodeExporterComponent.Instance,
        KubeletComponent.Instance,
    ];

    /// <summary>The effective settings of every component for a policy spec (null: the built-in defaults).</summary>
    public static ComponentSettings Resolve(ObservabilityPolicySpec? spec, bool owned) =>
        All.Aggregate(ComponentSettings.Empty, (settings, component) => settings.With(component.Resolve(spec, owned)));

    /// <summary>The components the policy asks the operator to run, in <see cref="All"/>'s order.</summary>
    public static IEnumerable<IManagedComponent> Managed(EffectivePolicy policy) => All.Where(c => c.IsManaged(policy));

    /// <summary>The components the policy asks for that the cluster admits (no <see cref="IManagedComponent.Refusal"/>): the ones rendered.</summary>
    public static IEnumerable<IManagedComponent> Running(EffectivePolicy policy) => Managed(policy).Where(c => c.Refusal(policy) is null);
}
