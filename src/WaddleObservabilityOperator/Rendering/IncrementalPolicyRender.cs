using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>How a policy render was made: every WaddleService of the namespace resolved, or only those that changed.</summary>
public enum PolicyRenderPath
{
    Full,
    Incremental,
}

/// <summary>One render of an <see cref="IncrementalPolicyRender"/>: its path, why it took it, and how many WaddleServices it resolved.</summary>
public sealed record PolicyRenderStep(PolicyRenderPath Path, string Reason, int Resolved);

/// <summary>
/// One ObservabilityPolicy's render kept from one reconcile to the next, so that a WaddleService's change re-resolves
/// that service only, instead of every service of the namespace. It keeps what a full render
/// (<see cref="PolicyRenderer.Render(PolicyRenderInput, string, string)"/>) computes from the members: the resolver
/// of the namespace's policies, each WaddleService last seen (by resourceVersion) and whether it is a member, the
/// members with their resolution in name order, and the sampling document member by member
/// (<see cref="SamplingDocumentState"/>). The rest of the policy's render (its conditions, its managed components) is
/// made again from these each time, by the same code as a full render, so the result is the same to the byte.
/// <para>
/// A render is full, and the state made again from nothing, on the first render (the operator's start), when a policy
/// of the namespace changed (another uid or generation: the resolver and every resolution may differ), and when a
/// WaddleService went away (a member removed). Otherwise only the WaddleServices added or changed since the last
/// render are resolved; checking which changed is a lookup per WaddleService. Pure apart from its own state; one
/// render at a time.
/// </para>
/// <para>
/// A render in which nothing changed (no WaddleService, the same policy object, cluster facts and observed workloads)
/// returns the last render itself: its objects are then the very instances the writer compared last time.
/// </para>
/// </summary>
public sealed class IncrementalPolicyRender(string @namespace, string name)
{
    private readonly Lock _gate = new();
    private State? _state;

    // The last render and what it was made from besides the members: returned again while none of it changed.
    private (PolicyRender Render, ObservabilityPolicy Policy, ClusterFacts? Cluster, IReadOnlyList<IKubernetesObject<V1ObjectMeta>>? Workloads)? _last;

    public string Namespace { get; } = @namespace ?? "";

    public string Name { get; } = name;

    /// <summary>How the latest render was made (null before the first).</summary>
    public PolicyRenderStep? LastStep { get; private set; }

    /// <summary>Renders the policy from <paramref name="input"/> (the policies and WaddleServices of its namespace), as a full render would.</summary>
    public PolicyRender Render(PolicyRenderInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var policy = input.Policies.FirstOrDefault(p => (p.Metadata.NamespaceProperty ?? "") == Namespace && p.Metadata.Name == Name)
            ?? throw new InvalidOperationException($"ObservabilityPolicy {Namespace}/{Name} is not in the render input");
        lock (_gate)
        {
            try
            {
                var untrusted = _state is null ? "first render"
                    : !_state.SamePolicies(input.Policies) ? "a policy of the namespace changed"
                    : null;
                if (untrusted is null && _state!.Changes(input.Services) is { } changed)
                {
                    return Incremental(policy, input, changed);
                }

                return Full(policy, input, untrusted ?? "a WaddleService went away");
            }
            catch
            {
                // Half updated: the next render starts again from nothing.
                _state = null;
                _last = null;
                throw;
            }
        }
    }

    /// <summary>Forgets the state: the next render is full.</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _state = null;
            _last = null;
        }
    }

    private PolicyRender Full(ObservabilityPolicy policy, PolicyRenderInput input, string reason)
    {
        var resolution = Resolution.Resolve(input.Policies, input.Services);
        var state = new State(Namespace, Name, input.Policies, resolution.Resolver);
        foreach (var resolved in resolution.Services)
        {
            state.Set(resolved.Service, resolved.Resolution);
        }

        _state = state;
        LastStep = new PolicyRenderStep(PolicyRenderPath.Full, reason, resolution.Services.Count);
        return Remember(state.Render(policy, input), policy, input);
    }

    private PolicyRender Incremental(ObservabilityPolicy policy, PolicyRenderInput input, IReadOnlyList<WaddleService> changed)
    {
        var state = _state!;
        if (changed.Count == 0 && _last is { } last && SameObject(last.Policy, policy) && Equals(last.Cluster, input.Cluster) && SameObjects(last.Workloads, input.ObservedWorkloads))
        {
            // Its own ConfigMap or status coming back, a change of the other policy's member: nothing it renders from moved.
            LastStep = new PolicyRenderStep(PolicyRenderPath.Incremental, "nothing changed since the last render", 0);
            return last.Render;
        }

        foreach (var service in changed)
        {
            state.Set(service, state.Resolver.Resolve(service));
        }

        LastStep = new PolicyRenderStep(PolicyRenderPath.Incremental, changed.Count == 0 ? "no WaddleService changed" : $"{changed.Count} WaddleServices added or changed", changed.Count);
        return Remember(state.Render(policy, input), policy, input);
    }

    private PolicyRender Remember(PolicyRender render, ObservabilityPolicy policy, PolicyRenderInput input)
    {
        _last = (render, policy, input.Cluster, input.ObservedWorkloads);
        return render;
    }

    /// <summary>The same object, or the same uid at the same resourceVersion (the cache's copy of an unchanged object).</summary>
    private static bool SameObject(IKubernetesObject<V1ObjectMeta> a, IKubernetesObject<V1ObjectMeta> b) =>
        ReferenceEquals(a, b)
        || (a.Metadata.ResourceVersion is not null && a.Metadata.Uid == b.Metadata.Uid && a.Metadata.ResourceVersion == b.Metadata.ResourceVersion);

    private static bool SameObjects(IReadOnlyList<IKubernetesObject<V1ObjectMeta>>? a, IReadOnlyList<IKubernetesObject<V1ObjectMeta>>? b)
    {
        if (a is null || b is null)
        {
            return a is null && b is null;
        }

        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (!SameObject(a[i], b[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>What the last render resolved, updated service by service.</summary>
    private sealed class State
    {
        private readonly string _namespace;
        private readonly string _name;
        private readonly Dictionary<(string Namespace, string Name), ObservabilityPolicy> _policies = [];
        private readonly Dictionary<(string Namespace, string Name), (WaddleService Service, bool Member)> _services = [];
        private readonly SortedDictionary<string, ServiceResolution> _members = new(StringComparer.Ordinal);
        private readonly SamplingDocumentState _sampling;

        public State(string @namespace, string name, IReadOnlyList<ObservabilityPolicy> policies, PolicyResolver resolver)
        {
            _namespace = @namespace;
            _name = name;
            Resolver = resolver;
            foreach (var policy in policies)
            {
                _policies[Key(policy)] = policy;
            }

            _sampling = new SamplingDocumentState(name, resolver.Effective(@namespace, name)!);
        }

        public PolicyResolver Resolver { get; }

        /// <summary>The same policies, each with the same uid and generation (its spec): the resolver still holds.</summary>
        public bool SamePolicies(IReadOnlyList<ObservabilityPolicy> policies) =>
            policies.Count == _policies.Count
            && policies.All(p => _policies.TryGetValue(Key(p), out var known) && SameSpec(known, p));

        /// <summary>The WaddleServices added or changed since the last render; null when one went away (the state is then untrusted).</summary>
        public List<WaddleService>? Changes(IReadOnlyList<WaddleService> services)
        {
            var changed = new List<WaddleService>();
            var known = 0;
            foreach (var service in services)
            {
                if (!_services.TryGetValue(Key(service), out var last))
                {
                    changed.Add(service);
                    continue;
                }

                known++;
                if (!SameObject(last.Service, service))
                {
                    changed.Add(service);
                }
            }

            return known == _services.Count ? changed : null;
        }

        /// <summary>Records <paramref name="service"/> as resolved now: it joins, stays or leaves the members and the sampling document.</summary>
        public void Set(WaddleService service, PolicyResolution resolution)
        {
            var key = Key(service);
            var member = resolution.Policy is { } p && (p.Metadata.NamespaceProperty ?? "") == _namespace && p.Metadata.Name == _name;
            if (_services.TryGetValue(key, out var last) && last.Member)
            {
                _members.Remove(service.Metadata.Name);
                _sampling.Remove(service.Metadata.Name);
            }

            _services[key] = (service, member);
            if (member)
            {
                _members[service.Metadata.Name] = new ServiceResolution(service, resolution);
                _sampling.Add(resolution.Service!);
            }
        }

        public PolicyRender Render(ObservabilityPolicy policy, PolicyRenderInput input) =>
            PolicyRenderer.Render(policy, Resolver, [.. _members.Values], input.Cluster ?? ClusterFacts.Unknown, input.ObservedWorkloads, _sampling.Result(policy));

        private static (string, string) Key(IKubernetesObject<V1ObjectMeta> o) => (o.Metadata.NamespaceProperty ?? "", o.Metadata.Name);

        /// <summary>The same object, or the same uid at the same generation (a status write changes neither).</summary>
        private static bool SameSpec(ObservabilityPolicy a, ObservabilityPolicy b) =>
            ReferenceEquals(a, b)
            || (a.Metadata.Generation is not null && a.Metadata.Uid is not null
                && a.Metadata.Uid == b.Metadata.Uid && a.Metadata.Generation == b.Metadata.Generation);
    }
}
