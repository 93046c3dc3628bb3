using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// A backend the operator can run for a policy (<c>spec.backends.&lt;Name&gt;.managed</c>): one folder under
/// Rendering/Backends/ holds everything that is the component's own (its settings and their defaults, its
/// validation, its objects and config documents, its addresses), and one line in <see cref="ManagedComponents.All"/>
/// registers it. The renderer, the status and the validation loop over that list; nothing else names a component.
/// </summary>
public interface IManagedComponent
{
    /// <summary>Its field under <c>spec.backends</c> and <c>status</c>, e.g. <c>jaeger</c>.</summary>
    string Name { get; }

    /// <summary>Its name in condition messages, e.g. <c>Jaeger</c>.</summary>
    string DisplayName { get; }

    /// <summary>
    /// Its effective settings: the policy's <c>spec.backends.&lt;Name&gt;</c> with every unset field defaulted.
    /// <paramref name="owned"/> is false for the built-in defaults, which have no policy to own a backend, so the
    /// component is never managed then.
    /// </summary>
    IComponentSettings Resolve(ObservabilityPolicySpec? spec, bool owned);

    /// <summary>Whether the policy asks the operator to run it.</summary>
    bool IsManaged(EffectivePolicy policy);

    /// <summary>Where the policy declares it, e.g. <c>spec.backends.jaeger</c> or <c>spec.exporters.postgres</c>.</summary>
    string SpecPath { get; }

    /// <summary>Names of its Services (one per instance): names that must be DNS-1035 labels, and that its addresses are built from.</summary>
    IReadOnlyList<string> ServiceNames(EffectivePolicy policy);

    /// <summary>Adds to <paramref name="problems"/> what would give invalid objects, each message naming the field.</summary>
    void Validate(EffectivePolicy policy, IReadOnlyList<ResolvedService> services, List<string> problems);

    /// <summary>Its objects, in a fixed order; called only when it is managed and <see cref="Validate"/> found nothing.</summary>
    IEnumerable<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services);

    /// <summary>The address the policy's status reports (<c>status.&lt;Name&gt;.endpoint</c>); null for a component without one (the exporters).</summary>
    string? StatusEndpoint(EffectivePolicy policy);

    /// <summary>Puts its entry into the policy's status: the API field <c>status.&lt;Name&gt;</c>. Called only when <see cref="StatusEndpoint"/> gives one.</summary>
    void SetStatus(ObservabilityPolicyStatus status, BackendStatus entry);

    /// <summary>
    /// What it adds to the BackendsReady message once its objects are rendered (null: nothing), e.g. what a setting
    /// means that the objects alone do not say.
    /// </summary>
    string? StatusNote(EffectivePolicy policy);

    /// <summary>
    /// What it publishes for the policy whether or not the operator runs it, with the condition that reports it; null
    /// when it publishes nothing (and always for the built-in defaults, which cannot own objects). Grafana publishes the
    /// policy's dashboards (DashboardsPublished): a Grafana the user runs loads them through its dashboard sidecar, the
    /// managed one from a volume.
    /// </summary>
    ComponentPublication? Publish(EffectivePolicy policy, IReadOnlyList<ResolvedService> services);

    /// <summary>
    /// Why the cluster does not admit it although its settings are valid (null: it does), e.g. the node exporter in a
    /// namespace whose Pod Security level forbids host access (<see cref="EffectivePolicy.Cluster"/>). A refused component
    /// renders nothing and BackendsReady says why; the policy's other components are rendered all the same.
    /// </summary>
    ComponentRefusal? Refusal(EffectivePolicy policy);

    /// <summary>
    /// What changes, against the running objects <paramref name="observed"/> (the policy's workloads from the caches),
    /// that a user must hear of beyond the rollout itself: each is an Event on the policy and a sentence of BackendsReady
    /// while it lasts (Jaeger: a change of storage type, whose traces are not migrated). None for most.
    /// </summary>
    IReadOnlyList<ComponentChange> Changes(EffectivePolicy policy, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> observed);

    /// <summary>What the policy's managed Prometheus scrapes for it (none unless it runs, and is not refused).</summary>
    IReadOnlyList<ScrapeJob> ScrapeJobs(EffectivePolicy policy);

    /// <summary>The alerting rules the policy's managed Prometheus evaluates for it.</summary>
    IReadOnlyList<AlertRule> AlertRules(EffectivePolicy policy);

    /// <summary>The Alertmanagers the policy's managed Prometheus sends alerts to for it.</summary>
    IReadOnlyList<AlertmanagerAddress> AlertmanagerAddresses(EffectivePolicy policy);

    /// <summary>
    /// Every rule a Role it renders grants. RBAC's escalation rule lets the operator create such a Role only if it holds
    /// the rules itself, so the operator's generated RBAC includes them; a test checks every rendered Role against this.
    /// </summary>
    IReadOnlyList<V1PolicyRule> GrantedRules { get; }

    /// <summary>Every rule a ClusterRole it renders grants, which the operator must hold cluster-wide for the same reason.</summary>
    IReadOnlyList<V1PolicyRule> GrantedClusterRules { get; }
}

/// <summary>A change of a component worth an Event (its reason) and a sentence in the status (its message).</summary>
public sealed record ComponentChange(string Reason, string Message);

/// <summary>Objects a component publishes for a policy besides the backend it runs, and the condition that reports them.</summary>
public sealed record ComponentPublication(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects, ConditionOutcome Outcome);

/// <summary>The effective settings of one managed component; each component has its own record.</summary>
public interface IComponentSettings
{
    /// <summary>Whether the operator runs the component for the policy.</summary>
    bool Managed { get; }
}

/// <summary>The part of <see cref="IManagedComponent"/> every component implements alike: its settings are a <typeparamref name="TSettings"/> in <see cref="EffectivePolicy.Components"/>.</summary>
public abstract class ManagedComponent<TSettings> : IManagedComponent
    where TSettings : class, IComponentSettings
{
    public abstract string Name { get; }

    public abstract string DisplayName { get; }

    /// <summary>The component's effective settings in <paramref name="policy"/>.</summary>
    public static TSettings Settings(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return policy.Components.Get<TSettings>();
    }

    public abstract TSettings Resolve(ObservabilityPolicySpec? spec, bool owned);

    IComponentSettings IManagedComponent.Resolve(ObservabilityPolicySpec? spec, bool owned) => Resolve(spec, owned);

    public bool IsManaged(EffectivePolicy policy) => Settings(policy).Managed;

    /// <summary><c>spec.backends.&lt;Name&gt;</c> unless the component lives elsewhere in the spec.</summary>
    public virtual string SpecPath => $"spec.backends.{Name}";

    public abstract IReadOnlyList<string> ServiceNames(EffectivePolicy policy);

    public abstract void Validate(EffectivePolicy policy, IReadOnlyList<ResolvedService> services, List<string> problems);

    public abstract IEnumerable<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services);

    /// <summary>None, unless the component has a status field.</summary>
    public virtual string? StatusEndpoint(EffectivePolicy policy) => null;

    public virtual void SetStatus(ObservabilityPolicyStatus status, BackendStatus entry) =>
        throw new InvalidOperationException($"{DisplayName} has no status field; it reports no endpoint");

    public virtual ComponentRefusal? Refusal(EffectivePolicy policy) => null;

    public virtual IReadOnlyList<ComponentChange> Changes(EffectivePolicy policy, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> observed) => [];

    public virtual IReadOnlyList<ScrapeJob> ScrapeJobs(EffectivePolicy policy) => [];

    public virtual IReadOnlyList<AlertRule> AlertRules(EffectivePolicy policy) => [];

    public virtual IReadOnlyList<AlertmanagerAddress> AlertmanagerAddresses(EffectivePolicy policy) => [];

    public virtual string? StatusNote(EffectivePolicy policy) => null;

    public virtual ComponentPublication? Publish(EffectivePolicy policy, IReadOnlyList<ResolvedService> services) => null;

    /// <summary>None, unless the component renders a Role.</summary>
    public virtual IReadOnlyList<V1PolicyRule> GrantedRules => [];

    /// <summary>None, unless the component renders a ClusterRole.</summary>
    public virtual IReadOnlyList<V1PolicyRule> GrantedClusterRules => [];
}
