using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Tests.Packaging;

/// <summary>One permission as the API server authorizes a request: API group, resource (with "/subresource"), verb.</summary>
public sealed record RbacPermission(string Group, string Resource, string Verb) : IComparable<RbacPermission>
{
    public int CompareTo(RbacPermission? other) =>
        other is null ? 1 : string.CompareOrdinal(ToString(), other.ToString());

    public override string ToString() => $"{(Group.Length == 0 ? "core" : Group)} {Resource} {Verb}";
}

/// <summary>The RBAC objects of a set of manifests (config/rbac, or the chart's rendered output).</summary>
internal sealed record RbacManifests(
    IReadOnlyList<V1ClusterRole> ClusterRoles,
    IReadOnlyList<V1ClusterRoleBinding> ClusterRoleBindings,
    IReadOnlyList<V1Role> Roles,
    IReadOnlyList<V1RoleBinding> RoleBindings,
    IReadOnlyList<V1ServiceAccount> ServiceAccounts)
{
    /// <summary>Every *.yaml file of <paramref name="directory"/>.</summary>
    public static RbacManifests Load(string directory) =>
        Parse(string.Join("\n---\n", Directory.GetFiles(directory, "*.yaml").Order(StringComparer.Ordinal).Select(File.ReadAllText)));

    public static RbacManifests Parse(string yaml)
    {
        var objects = KubernetesYaml.LoadAllFromString(yaml);
        return new RbacManifests(
            objects.OfType<V1ClusterRole>().ToList(),
            objects.OfType<V1ClusterRoleBinding>().ToList(),
            objects.OfType<V1Role>().ToList(),
            objects.OfType<V1RoleBinding>().ToList(),
            objects.OfType<V1ServiceAccount>().ToList());
    }

    /// <summary>Every (group, resource, verb) the ClusterRoles and Roles grant, expanded rule by rule.</summary>
    public IReadOnlySet<RbacPermission> Permissions() =>
        ClusterRoles.SelectMany(r => r.Rules ?? []).Concat(Roles.SelectMany(r => r.Rules ?? [])).SelectMany(Expand).ToHashSet();

    public static IEnumerable<RbacPermission> Expand(V1PolicyRule rule) =>
        from g in rule.ApiGroups ?? []
        from r in rule.Resources ?? []
        from v in rule.Verbs ?? []
        select new RbacPermission(g, r, v);

    /// <summary>Rules as sorted permission lists, so two renderings of the same grants compare equal whatever their order.</summary>
    public static IReadOnlyList<string> Canonical(IEnumerable<V1PolicyRule> rules) =>
        rules.SelectMany(Expand).Select(p => p.ToString()).Distinct().Order(StringComparer.Ordinal).ToList();
}
