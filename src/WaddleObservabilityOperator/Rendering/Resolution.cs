using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>One WaddleService and how its policy was found.</summary>
public sealed record ServiceResolution(WaddleService Service, PolicyResolution Resolution);

/// <summary>
/// The step the service and the policy renderers share: each WaddleService's policy (<see cref="PolicyResolver"/>),
/// in namespace and name order, and which WaddleService injects each workload (the claims).
/// </summary>
public sealed class Resolution
{
    private Resolution(PolicyResolver resolver, IReadOnlyList<ServiceResolution> services)
    {
        Resolver = resolver;
        Services = services;
    }

    public PolicyResolver Resolver { get; }

    /// <summary>Every WaddleService with its resolution, by namespace, then name (ordinal).</summary>
    public IReadOnlyList<ServiceResolution> Services { get; }

    public static Resolution Resolve(IReadOnlyList<ObservabilityPolicy> policies, IReadOnlyList<WaddleService> services)
    {
        ArgumentNullException.ThrowIfNull(policies);
        ArgumentNullException.ThrowIfNull(services);
        var resolver = new PolicyResolver(policies);
        var resolutions = services
            .OrderBy(s => s.Metadata.NamespaceProperty ?? "", StringComparer.Ordinal)
            .ThenBy(s => s.Metadata.Name, StringComparer.Ordinal)
            .Select(s => new ServiceResolution(s, resolver.Resolve(s)))
            .ToList();
        return new Resolution(resolver, resolutions);
    }

    /// <summary>The members of a policy: the services it resolved for, in namespace and name order.</summary>
    public IEnumerable<ServiceResolution> MembersOf(string @namespace, string name) =>
        Services.Where(s => s.Resolution.Policy is { } p && (p.Metadata.NamespaceProperty ?? "") == @namespace && p.Metadata.Name == name);

    /// <summary>
    /// Which WaddleService injects each workload, over the services whose resolution succeeded: the one its injected-by
    /// label names while that one still points at it, otherwise the first by name. Keeps an existing injection stable
    /// when a second service names the workload.
    /// </summary>
    public Dictionary<(string Namespace, WorkloadKind Kind, string Name), string> Claims(WorkloadIndex workloads)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        var claims = new Dictionary<(string, WorkloadKind, string), string>();
        foreach (var group in Services.Where(r => r.Resolution.Succeeded).Select(r => r.Service)
            .GroupBy(s => (s.Metadata.NamespaceProperty ?? "", s.Spec.Workload.Kind ?? WaddleBotDefaults.Workload, s.Spec.Workload.Name)))
        {
            var names = group.Select(s => s.Metadata.Name).Order(StringComparer.Ordinal).ToList();
            var (ns, kind, name) = group.Key;
            var labelled = workloads.Named(ns, name).FirstOrDefault(w => WorkloadInjection.KindOf(w) == kind) is { } w
                ? WorkloadInjection.InjectedBy(w)
                : null;
            claims[group.Key] = labelled is not null && names.Contains(labelled) ? labelled : names[0];
        }

        return claims;
    }
}

/// <summary>The observed workloads (Deployment, StatefulSet, DaemonSet) by namespace and name.</summary>
public sealed class WorkloadIndex
{
    private readonly Dictionary<(string Namespace, string Name), List<IKubernetesObject<V1ObjectMeta>>> _index = [];

    public WorkloadIndex(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> workloads)
    {
        ArgumentNullException.ThrowIfNull(workloads);
        All = workloads;
        foreach (var workload in workloads.Where(w => w is V1Deployment or V1StatefulSet or V1DaemonSet))
        {
            var key = (workload.Metadata.NamespaceProperty ?? "", workload.Metadata.Name);
            if (!_index.TryGetValue(key, out var list))
            {
                _index[key] = list = [];
            }

            list.Add(workload);
        }
    }

    /// <summary>Every observed workload, as given.</summary>
    public IReadOnlyList<IKubernetesObject<V1ObjectMeta>> All { get; }

    /// <summary>The workloads of every kind under one name.</summary>
    public IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Named(string @namespace, string name) =>
        _index.GetValueOrDefault((@namespace, name)) ?? [];
}
