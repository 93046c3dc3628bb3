using System.Globalization;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// What rendering found for one ObservabilityPolicy: its outcome, its objects (the sampling ConfigMap and the managed
/// components, in install order) and each member's SamplingPublished by WaddleService name (the policy-wide verdicts
/// only a render of every member reaches).
/// </summary>
public sealed record PolicyRender(
    PolicyOutcome Outcome,
    IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Objects,
    IReadOnlyDictionary<string, ConditionOutcome> MemberSampling,
    IReadOnlyDictionary<string, string>? ObjectConditions = null)
{
    /// <summary>Changes of the managed components against what runs, each worth an Event (a Jaeger storage type changed).</summary>
    public IReadOnlyList<Backends.ComponentChange> Changes { get; init; } = [];

    /// <summary>
    /// The managed backends' settings are invalid: the instances (<c>app.kubernetes.io/instance</c>) of the components
    /// the policy still manages, whose objects in the cluster are kept, not deleted as no longer rendered.
    /// </summary>
    public IReadOnlySet<string> KeptInstances { get; init; } = new HashSet<string>();

    /// <summary>
    /// The condition a foreign object holding the name of <paramref name="child"/> fails: SamplingPublished for the
    /// sampling ConfigMap, the publication's condition (DashboardsPublished) for what a component publishes,
    /// BackendsReady for the managed components' objects.
    /// </summary>
    public string ConditionOf(IKubernetesObject<V1ObjectMeta> child) =>
        ObjectConditions?.GetValueOrDefault(Backends.ManagedBackendsResult.ObjectKey(child)) ?? ConditionTypes.BackendsReady;
}

/// <summary>
/// Renders one ObservabilityPolicy with its members: which WaddleServices resolve to it, the sampling document, the
/// managed components (<see cref="ManagedBackendsRenderer"/>) and its outcome. Never the members' injection or
/// ServiceMonitors (they are the <see cref="ServiceRenderer"/>'s), so a render of every member costs O(n) lookups,
/// not n plans. Pure and deterministic.
/// </summary>
public static class PolicyRenderer
{
    /// <summary>Renders the policy <paramref name="namespace"/>/<paramref name="name"/> of <paramref name="input"/>: the policies and WaddleServices of its namespace.</summary>
    public static PolicyRender Render(PolicyRenderInput input, string @namespace, string name)
    {
        ArgumentNullException.ThrowIfNull(input);
        var policy = input.Policies.FirstOrDefault(p => (p.Metadata.NamespaceProperty ?? "") == (@namespace ?? "") && p.Metadata.Name == name)
            ?? throw new InvalidOperationException($"ObservabilityPolicy {@namespace}/{name} is not in the render input");
        var resolution = Resolution.Resolve(input.Policies, input.Services);
        return Render(policy, resolution.Resolver, [.. resolution.MembersOf(@namespace ?? "", name)], input.Cluster ?? ClusterFacts.Unknown, input.ObservedWorkloads);
    }

    /// <summary>
    /// Renders <paramref name="policy"/> from a resolver already made and its members in namespace and name order; with
    /// <paramref name="sampling"/>, the sampling document of exactly those members already made (by
    /// <see cref="IncrementalPolicyRender"/>), otherwise it is rendered here.
    /// </summary>
    internal static PolicyRender Render(ObservabilityPolicy policy, PolicyResolver resolver, IReadOnlyList<ServiceResolution> members, ClusterFacts cluster,
        IReadOnlyList<IKubernetesObject<V1ObjectMeta>>? observedWorkloads = null, SamplingDocumentResult? sampling = null)
    {
        var ns = policy.Metadata.NamespaceProperty ?? "";
        var name = policy.Metadata.Name;
        // The components read what the cluster offers from the policy they render (the ServiceMonitor API, the namespace).
        var effective = resolver.Effective(ns, name)! with { Cluster = cluster };
        var resolved = members.Select(m => m.Resolution.Service!).ToList();
        var objects = new List<IKubernetesObject<V1ObjectMeta>>();
        var errors = new List<ReadyProblem>();
        var notes = new List<string>();
        foreach (var problem in resolver.Problems.Where(p => p.Namespace == ns && p.Name == name))
        {
            errors.Add(new(problem.Reason, problem.Message));
        }

        if (effective.Tracing.HeadersSecret is { } secret && (string.IsNullOrEmpty(secret.Name) || string.IsNullOrEmpty(secret.Key)))
        {
            errors.Add(new(Reasons.InvalidHeadersSecretRef, "spec.tracing.headersSecretRef needs both name and key"));
        }

        if (PrometheusDuration.TryParseMilliseconds(effective.Metrics.ScrapeInterval, out var interval)
            && PrometheusDuration.TryParseMilliseconds(effective.Metrics.ScrapeTimeout, out var timeout)
            && timeout > interval)
        {
            errors.Add(new(Reasons.ScrapeTimeoutExceedsInterval,
                $"spec.metrics.scrapeTimeout {effective.Metrics.ScrapeTimeout} exceeds spec.metrics.scrapeInterval {effective.Metrics.ScrapeInterval}"));
        }

        var backends = ManagedBackendsRenderer.RenderForPolicy(effective, resolved, observedWorkloads);
        objects.AddRange(backends.Objects);
        foreach (var conflict in members.Where(m => m.Resolution.Outcome.Reason == Reasons.PolicyConflict))
        {
            notes.Add($"WaddleService \"{conflict.Service.Metadata.Name}\": {conflict.Resolution.Outcome.Message}");
        }

        if (ExemplarsNote(effective) is { } exemplars)
        {
            notes.Add(exemplars);
        }

        sampling ??= SamplingStrategiesDocument.Render(policy, effective, resolved);
        var objectConditions = new Dictionary<string, string>(backends.ConditionOfPublished, StringComparer.Ordinal);
        if (sampling.ConfigMap is not null)
        {
            objects.Add(sampling.ConfigMap);
            objectConditions[Backends.ManagedBackendsResult.ObjectKey(sampling.ConfigMap)] = ConditionTypes.SamplingPublished;
        }

        var memberSampling = OutcomesOf(members, sampling.ServiceOutcomes);

        var steps = new List<ConditionOutcome> { sampling.Outcome };
        if (backends.Outcome is not null)
        {
            steps.Add(backends.Outcome);
        }

        steps.AddRange(backends.Publications);

        var conditions = ReadySummary.WithReady(steps, $"{members.Count.ToString(CultureInfo.InvariantCulture)} WaddleServices use this policy",
            new ReadySummaryOptions { Problems = errors, NameSteps = false, Notes = notes });

        return new PolicyRender(
            new PolicyOutcome(ns, name, policy.Metadata.Generation, members.Count, conditions, backends.Endpoints, sampling.SizeBytes),
            ObjectOrder.Sort(objects),
            memberSampling,
            objectConditions)
        {
            Changes = backends.Changes,
            KeptInstances = backends.KeptInstances,
        };
    }

    /// <summary>
    /// The sampling outcomes of <paramref name="members"/>: the document's own dictionary when it holds exactly them (as
    /// it does when made from them, by a full or an incremental render), otherwise a copy of theirs. At 10 000 members a
    /// copy per render is a large-object allocation of its own.
    /// </summary>
    private static IReadOnlyDictionary<string, ConditionOutcome> OutcomesOf(IReadOnlyList<ServiceResolution> members, IReadOnlyDictionary<string, ConditionOutcome> outcomes)
    {
        var exactly = outcomes.Count == members.Count;
        for (var i = 0; exactly && i < members.Count; i++)
        {
            exactly = outcomes.ContainsKey(members[i].Service.Metadata.Name);
        }

        if (exactly)
        {
            return outcomes;
        }

        var ofMembers = new Dictionary<string, ConditionOutcome>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            if (outcomes.GetValueOrDefault(member.Service.Metadata.Name) is { } outcome)
            {
                ofMembers[member.Service.Metadata.Name] = outcome;
            }
        }

        return ofMembers;
    }

    /// <summary>
    /// Exemplars the policy asked for itself while the operator runs no Prometheus for it: not an error (the dashboards and
    /// the managed Grafana still ask for them), but only the Prometheus they read can store them; a note in Ready says so.
    /// </summary>
    internal static string? ExemplarsNote(EffectivePolicy policy)
    {
        var exemplars = policy.Metrics.Exemplars;
        if (!exemplars.Requested || !exemplars.Enabled || policy.Prometheus.Managed)
        {
            return null;
        }

        return "spec.metrics.exemplars: no managed Prometheus, so the operator cannot turn exemplar storage on; the dashboards "
            + $"ask for exemplars, which the Prometheus they read keeps only when started with {Backends.PrometheusBackend.ExemplarStorageFlag} "
            + "(maxExemplars sizes the managed Prometheus only: set storage.exemplars.max_exemplars in yours)";
    }
}
