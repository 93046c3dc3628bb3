using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>How a WaddleService's policy was found. <see cref="Service"/> is null only when resolution failed (PolicyNotFound).</summary>
public sealed record PolicyResolution(ResolvedService? Service, ObservabilityPolicy? Policy, ConditionOutcome Outcome)
{
    public bool Succeeded => Service is not null;
}

/// <summary>A policy whose own spec is unusable in part (a selector that cannot be evaluated). Reported on the policy.</summary>
public sealed record PolicyProblem(string Namespace, string Name, string Reason, string Message);

/// <summary>
/// Picks the policy of each WaddleService: spec.policyRef if set (it must exist), otherwise the selecting
/// policies of its namespace by priority, then name; none gives the built-in defaults. Selectors are compiled
/// and policies ordered once, so resolving n services against p policies costs O(n x p) at worst.
/// One instance serves one render pass on one thread (it caches the built-in defaults per namespace).
/// </summary>
public sealed class PolicyResolver
{
    private sealed record Candidate(ObservabilityPolicy Policy, EffectivePolicy Effective, LabelSelection Selector, HashSet<ServiceLayer>? Layers);

    // Per namespace, ordered by priority (highest first), then name (ordinal).
    private readonly Dictionary<string, Candidate[]> _byNamespace = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Namespace, string Name), Candidate> _byName = [];
    private readonly Dictionary<string, EffectivePolicy> _builtIn = new(StringComparer.Ordinal);
    private readonly List<PolicyProblem> _problems = [];

    public PolicyResolver(IEnumerable<ObservabilityPolicy> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        foreach (var group in policies.GroupBy(p => p.Metadata.NamespaceProperty ?? "", StringComparer.Ordinal))
        {
            var candidates = new List<Candidate>();
            foreach (var policy in group.OrderBy(p => p.Metadata.Name, StringComparer.Ordinal))
            {
                var selector = LabelSelection.Compile(policy.Spec.Selector, out var error);
                if (error is not null)
                {
                    _problems.Add(new PolicyProblem(group.Key, policy.Metadata.Name, Reasons.InvalidSelector, $"spec.selector: {error}; the policy selects no WaddleService until it is fixed"));
                }

                var layers = policy.Spec.Layers is { Count: > 0 } l ? new HashSet<ServiceLayer>(l) : null;
                var candidate = new Candidate(policy, WaddleBotDefaults.Apply(policy), selector, layers);
                _byName[(group.Key, policy.Metadata.Name)] = candidate;
                if (error is null)
                {
                    candidates.Add(candidate);
                }
            }

            _byNamespace[group.Key] = [.. candidates
                .OrderByDescending(c => c.Effective.Priority)
                .ThenBy(c => c.Policy.Metadata.Name, StringComparer.Ordinal)];
        }
    }

    /// <summary>Problems found in the policies themselves, in namespace and name order.</summary>
    public IReadOnlyList<PolicyProblem> Problems => _problems;

    /// <summary>The effective settings of a named policy, or null if it is not known.</summary>
    public EffectivePolicy? Effective(string @namespace, string name) =>
        _byName.TryGetValue((@namespace, name), out var c) ? c.Effective : null;

    public PolicyResolution Resolve(WaddleService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        var ns = service.Metadata.NamespaceProperty ?? "";
        var refName = service.Spec.PolicyRef?.Name;
        if (!string.IsNullOrEmpty(refName))
        {
            if (!_byName.TryGetValue((ns, refName), out var referenced))
            {
                return new PolicyResolution(null, null, Condition(false, Reasons.PolicyNotFound,
                    $"spec.policyRef names ObservabilityPolicy \"{refName}\", which does not exist in namespace \"{ns}\""));
            }

            return new PolicyResolution(Combine(service, referenced.Effective), referenced.Policy,
                Condition(true, Reasons.PolicyRef, $"ObservabilityPolicy \"{refName}\" from spec.policyRef"));
        }

        Candidate? winner = null;
        List<string>? tied = null;
        foreach (var candidate in _byNamespace.GetValueOrDefault(ns) ?? [])
        {
            if (winner is not null && candidate.Effective.Priority < winner.Effective.Priority)
            {
                break;
            }

            if (!Selects(candidate, service))
            {
                continue;
            }

            if (winner is null)
            {
                winner = candidate;
            }
            else
            {
                (tied ??= []).Add(candidate.Policy.Metadata.Name);
            }
        }

        if (winner is null)
        {
            if (!_builtIn.TryGetValue(ns, out var builtIn))
            {
                _builtIn[ns] = builtIn = WaddleBotDefaults.BuiltIn(ns);
            }

            return new PolicyResolution(Combine(service, builtIn), null, Condition(true, Reasons.BuiltInDefaults,
                "no ObservabilityPolicy selects this service; the built-in WaddleBot defaults apply"));
        }

        var name = winner.Policy.Metadata.Name;
        if (tied is not null)
        {
            return new PolicyResolution(Combine(service, winner.Effective), winner.Policy, Condition(true, Reasons.PolicyConflict,
                $"ObservabilityPolicies \"{name}\" and \"{string.Join("\", \"", tied)}\" select this service with the same priority {winner.Effective.Priority}; \"{name}\" applies (first by name). Give one a higher spec.priority or narrow its selector"));
        }

        return new PolicyResolution(Combine(service, winner.Effective), winner.Policy, Condition(true, Reasons.Selected,
            $"ObservabilityPolicy \"{name}\" (priority {winner.Effective.Priority}) selects this service"));
    }

    private static bool Selects(Candidate candidate, WaddleService service) =>
        (candidate.Layers is null || candidate.Layers.Contains(service.Spec.Layer)) && candidate.Selector.Matches(service.Metadata.Labels);

    private static ConditionOutcome Condition(bool status, string reason, string message) =>
        new(ConditionTypes.PolicyResolved, status, reason, message);

    /// <summary>A WaddleService with its policy: service overrides win, unset fields inherit.</summary>
    public static ResolvedService Combine(WaddleService service, EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(policy);
        var spec = service.Spec;
        var serviceName = WaddleBotDefaults.ServiceName(service);
        var selector = WaddleBotDefaults.MetricsSelector(service);
        return new ResolvedService(
            service,
            policy,
            serviceName,
            spec.Tracing?.Enabled ?? policy.Tracing.Enabled,
            spec.Tracing?.SamplingRatio ?? policy.Tracing.DefaultRatio,
            WaddleBotDefaults.SortedOperations(spec.Tracing?.Operations),
            spec.Metrics?.Enabled ?? policy.Metrics.Enabled,
            string.IsNullOrEmpty(spec.Metrics?.Port) ? WaddleBotDefaults.MetricsPort : spec.Metrics.Port,
            string.IsNullOrEmpty(spec.Metrics?.Path) ? WaddleBotDefaults.MetricsPath : spec.Metrics.Path,
            string.IsNullOrEmpty(spec.Metrics?.Interval) ? policy.Metrics.ScrapeInterval : spec.Metrics.Interval,
            selector)
        {
            SdkRemote = spec.Tracing?.SdkRemote ?? policy.Tracing.SdkRemote,
        };
    }
}
