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
    public static ManagedBackendsResult RenderForPolicy(EffectivePolicy policy, IReadOnlyList<ResolvedService> services)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(services);
        var publications = policy.Name is null
            ? []
            : ManagedComponents.All.Select(c => c.Publish(policy, services)).OfType<ComponentPublication>().ToList();
        var published = publications.SelectMany(p => p.Objects).ToList();
        var outcomes = publications.Select(p => p.Outcome).ToList();
        var managed = ManagedComponents.Managed(policy).ToList();
        if (managed.Count == 0)
        {
            return new ManagedBackendsResult(null, published, [], outcomes);
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
                    string.Join(" ", tooLong.Concat(problems))),
                published,
                [],
                outcomes);
        }

        var rendered = Render(policy, services);
        var running = ManagedComponents.Running(policy).ToList();
        var names = running.Select(c => c.DisplayName).ToList();
        var which = names.Count switch
        {
            0 => "nothing",
            1 => names[0],
            _ => $"{string.Join(", ", names.SkipLast(1))} and {names[^1]}",
        };
        var notes = string.Concat(running.Select(c => c.StatusNote(policy)).OfType<string>().Select(note => "; " + note));
        var summary = $"managed {which}: {rendered.Count.ToString(CultureInfo.InvariantCulture)} objects rendered{notes}";
        // A component the cluster does not admit is left out; the others run, and the condition says what is missing.
        var refusals = managed.Select(c => c.Refusal(policy)).OfType<ComponentRefusal>().ToList();
        var refused = string.Join(" ", refusals.Select(r => r.Message));
        var outcome = refusals.Count == 0
            ? new ConditionOutcome(ConditionTypes.BackendsReady, true, Reasons.BackendsRendered, summary)
            : new ConditionOutcome(ConditionTypes.BackendsReady, false, refusals[0].Reason,
                running.Count == 0 ? refused : $"{refused} The others are rendered: {summary}.");
        return new ManagedBackendsResult(
            outcome,
            [.. rendered, .. published],
            [.. running.Select(c => (Component: c, Endpoint: c.StatusEndpoint(policy)))
                .Where(e => e.Endpoint is not null)
                .Select(e => new ComponentEndpoint(e.Component, e.Endpoint!))],
            outcomes);
    }
}

/// <summary>
/// What a policy's managed components gave: the BackendsReady outcome (null: none managed), their objects and what
/// they publish, their status addresses, and the outcome of each publication (DashboardsPublished).
/// </summary>
public sealed record ManagedBackendsResult(
    ConditionOutcome? Outcome,
    IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects,
    IReadOnlyList<ComponentEndpoint> Endpoints,
    IReadOnlyList<ConditionOutcome> Publications)
{
    public static ManagedBackendsResult None { get; } = new(null, [], [], []);
}

/// <summary>The address a managed component reports in its policy's status.</summary>
public sealed record ComponentEndpoint(IManagedComponent Component, string Endpoint);

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
