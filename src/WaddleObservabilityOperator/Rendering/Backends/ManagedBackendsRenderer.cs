using System.Globalization;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// Renders the managed components a policy asks the operator to run (spec.backends.*.managed), by looping over
/// <see cref="ManagedComponents.All"/>. Pure: the same input gives the same objects in the same order.
/// </summary>
public static class ManagedBackendsRenderer
{
    /// <summary>
    /// Every object of the policy's managed components, component by component in <see cref="ManagedComponents.All"/>'s
    /// order, each in its own fixed order. Empty when none is managed. Components that read the services (Prometheus
    /// scrapes them) use only the <paramref name="services"/> that resolved to this policy.
    /// </summary>
    /// <exception cref="BackendSettingsException">The settings cannot give valid objects; <see cref="Validate"/> lists why.</exception>
    public static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(services);
        var problems = Validate(policy, services);
        if (problems.Count > 0)
        {
            throw new BackendSettingsException(problems);
        }

        return [.. ManagedComponents.Running(policy).SelectMany(component => component.Render(policy, services))];
    }

    /// <summary>What prevents <see cref="Render"/> from producing valid objects, each message naming the field; empty when nothing does.</summary>
    public static IReadOnlyList<string> Validate(EffectivePolicy policy, IReadOnlyList<ResolvedService> services)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(services);
        var problems = new List<string>();
        var managed = ManagedComponents.Managed(policy).ToList();
        if (managed.Count == 0)
        {
            return problems;
        }

        if (policy.Name is null)
        {
            problems.Add("Managed backends need an ObservabilityPolicy to own them; the built-in defaults cannot run one.");
            return problems;
        }

        foreach (var component in managed)
        {
            component.Validate(policy, services, problems);
        }

        return problems;
    }

    /// <summary>
    /// A policy's managed components for its own render: their objects, the BackendsReady outcome (null when none is
    /// managed) and, once rendered, each one's status address; then what each component publishes whether or not it runs
    /// (its objects follow the managed ones, its outcome is in <see cref="ManagedBackendsResult.Publications"/>).
    /// </summary>
    /// <remarks>
    /// With <paramref name="observed"/> (the operator's caches: the workloads in the namespace labelled with this policy),
    /// BackendsReady says whether the components run: each workload's status read as <c>kubectl rollout status</c> does
    /// (<see cref="WorkloadStatus"/>), and each component's status entry says ready or not and why. Without it (render
    /// from files, where nothing runs yet) BackendsReady says the objects are rendered.
    /// </remarks>
    public static ManagedBackendsResult RenderForPolicy(EffectivePolicy policy, IReadOnlyList<ResolvedService> services, IReadOnlyList<IKubernetesObject<V1ObjectMeta>>? observed = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(services);
        var publications = policy.Name is null
            ? []
            : ManagedComponents.All.Select(c => c.Publish(policy, services)).OfType<ComponentPublication>().ToList();
        var published = publications.SelectMany(p => p.Objects).ToList();
        var outcomes = publications.Select(p => p.Outcome).ToList();
        var publishedConditions = publications
            .SelectMany(p => p.Objects.Select(o => (Key: ManagedBackendsResult.ObjectKey(o), p.Outcome.Type)))
            .ToDictionary(x => x.Key, x => x.Type, StringComparer.Ordinal);
        var managed = ManagedComponents.Managed(policy).ToList();
        if (managed.Count == 0)
        {
            return new ManagedBackendsResult(null, published, [], outcomes, publishedConditions);
        }

        var tooLong = managed
            .SelectMany(c => c.ServiceNames(policy))
            .Where(name => name.Length > BackendValidation.MaxServiceNameLength)
            .Select(name => $"the managed backend Service \"{name}\" is {name.Length.ToString(CultureInfo.InvariantCulture)} characters, over the {BackendValidation.MaxServiceNameLength.ToString(CultureInfo.InvariantCulture)} of a DNS label; use a shorter policy name")
            .ToList();
        var problems = Validate(policy, services);
        if (tooLong.Count > 0 || problems.Count > 0)
        {
            return new ManagedBackendsResult(
                new ConditionOutcome(ConditionTypes.BackendsReady, false,
                    tooLong.Count > 0 ? Reasons.BackendNameTooLong : Reasons.InvalidBackendSettings,
                    string.Join(" ", tooLong.Concat(problems)) + " What runs is kept as it is until the settings are fixed."),
                published,
                [],
                outcomes,
                publishedConditions)
            {
                KeptInstances = managed.SelectMany(c => c.ServiceNames(policy)).ToHashSet(StringComparer.Ordinal),
            };
        }

        var running = ManagedComponents.Running(policy).ToList();
        var perComponent = running.Select(c => (Component: c, Objects: c.Render(policy, services).ToList())).ToList();
        var rendered = perComponent.SelectMany(c => c.Objects).ToList();
        var names = running.Select(c => c.DisplayName).ToList();
        var which = names.Count switch
        {
            0 => "no component",
            1 => names[0],
            _ => $"{string.Join(", ", names.SkipLast(1))} and {names[^1]}",
        };
        // What changes against the running objects (a storage type) is said first, while it lasts, and becomes an Event.
        var changes = observed is null ? [] : running.SelectMany(c => c.Changes(policy, observed)).ToList();
        var notes = string.Concat(changes.Select(c => c.Message).Concat(running.Select(c => c.StatusNote(policy)).OfType<string>()).Select(note => "; " + note));

        // Without an observation (render from files) the objects are rendered; with one, each running component's
        // workloads say whether it runs.
        var readiness = observed is null ? null
            : perComponent.Select(c => (c.Component, Workloads: c.Objects.Where(IsWorkload).Select(w => WorkloadStatus.Of(w, Observed(observed, w))).ToList())).ToList();
        var waiting = readiness?.SelectMany(r => r.Workloads).Where(w => !w.Ready).ToList() ?? [];
        var summary = readiness is null ? $"managed {which}: {rendered.Count.ToString(CultureInfo.InvariantCulture)} objects rendered{notes}"
            : waiting.Count == 0 ? $"managed {which} running: {string.Join("; ", readiness.SelectMany(r => r.Workloads).Select(w => w.Message))}{notes}"
            : $"waiting for managed {which}: {string.Join("; ", waiting.Select(w => w.Message))}{notes}";

        // A component the cluster does not admit is left out; the others run, and the condition says what is missing.
        var refusals = managed.Select(c => c.Refusal(policy)).OfType<ComponentRefusal>().ToList();
        var refused = string.Join(" ", refusals.Select(r => r.Message));
        var outcome = refusals.Count > 0
            ? new ConditionOutcome(ConditionTypes.BackendsReady, false, refusals[0].Reason,
                running.Count == 0 ? refused : $"{refused} The others: {summary}.")
            : readiness is null ? new ConditionOutcome(ConditionTypes.BackendsReady, true, Reasons.BackendsRendered, summary)
            : waiting.Count == 0 ? new ConditionOutcome(ConditionTypes.BackendsReady, true, Reasons.BackendsAvailable, summary)
            : new ConditionOutcome(ConditionTypes.BackendsReady, false, waiting.Any(w => w.Stuck) ? Reasons.BackendProgressDeadlineExceeded : Reasons.BackendsProgressing, summary);
        return new ManagedBackendsResult(
            outcome,
            [.. rendered, .. published],
            [.. perComponent.Select(c => (c.Component, Endpoint: c.Component.StatusEndpoint(policy), Workloads: readiness?.Single(r => r.Component == c.Component).Workloads))
                .Where(e => e.Endpoint is not null)
                .Select(e => new ComponentEndpoint(e.Component, e.Endpoint!,
                    e.Workloads?.All(w => w.Ready), e.Workloads is null ? null : string.Join("; ", e.Workloads.Select(w => w.Message))))],
            outcomes,
            publishedConditions)
        {
            Changes = changes,
        };
    }

    private static bool IsWorkload(IKubernetesObject<V1ObjectMeta> obj) => obj is V1Deployment or V1StatefulSet or V1DaemonSet;

    /// <summary>The observed object of the same kind and name.</summary>
    private static IKubernetesObject<V1ObjectMeta>? Observed(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> observed, IKubernetesObject<V1ObjectMeta> desired) =>
        observed.FirstOrDefault(o => o.GetType() == desired.GetType() && o.Metadata.Name == desired.Metadata.Name);
}

/// <summary>
/// What a policy's managed components gave: the BackendsReady outcome (null: none managed), their objects and what
/// they publish, their status addresses, and the outcome of each publication (DashboardsPublished).
/// </summary>
public sealed record ManagedBackendsResult(
    ConditionOutcome? Outcome,
    IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects,
    IReadOnlyList<ComponentEndpoint> Endpoints,
    IReadOnlyList<ConditionOutcome> Publications,
    IReadOnlyDictionary<string, string>? PublishedConditions = null)
{
    /// <summary>The condition each published object belongs to, by <see cref="ObjectKey"/>: a foreign object in its way fails that condition, not BackendsReady.</summary>
    public IReadOnlyDictionary<string, string> ConditionOfPublished => PublishedConditions ?? new Dictionary<string, string>();

    /// <summary>
    /// The settings are invalid, so nothing new is rendered: the instances (<c>app.kubernetes.io/instance</c>) of the
    /// components the policy still manages, whose objects already in the cluster are kept as they are until the settings
    /// are fixed (an invalid edit must not take down a running Jaeger or Prometheus). Empty when the settings are valid.
    /// A component the policy no longer manages is removed all the same.
    /// </summary>
    public IReadOnlySet<string> KeptInstances { get; init; } = new HashSet<string>();

    /// <summary>What changes against the running objects that the policy's Events must say (<see cref="IManagedComponent.Changes"/>).</summary>
    public IReadOnlyList<ComponentChange> Changes { get; init; } = [];

    /// <summary>"Kind/name": how an object is told apart among a policy's children.</summary>
    public static string ObjectKey(IKubernetesObject<V1ObjectMeta> obj) => $"{(obj ?? throw new ArgumentNullException(nameof(obj))).Kind}/{obj.Metadata.Name}";

    public static ManagedBackendsResult None { get; } = new(null, [], [], []);
}

/// <summary>The address a managed component reports in its policy's status and, when its workloads were observed, whether it runs and what they say.</summary>
public sealed record ComponentEndpoint(IManagedComponent Component, string Endpoint, bool? Ready = null, string? Message = null);

/// <summary>Managed backend settings that cannot give valid objects; <see cref="Problems"/> names each field and what is wrong.</summary>
public sealed class BackendSettingsException : Exception
{
    public BackendSettingsException(IReadOnlyList<string> problems)
        : base("Invalid managed backend settings: " + string.Join(" ", problems))
    {
        Problems = problems;
    }

    public BackendSettingsException()
        : this([])
    {
    }

    public BackendSettingsException(string message)
        : this([message])
    {
    }

    public BackendSettingsException(string message, Exception innerException)
        : base(message, innerException)
    {
        Problems = [message];
    }

    public IReadOnlyList<string> Problems { get; }
}
