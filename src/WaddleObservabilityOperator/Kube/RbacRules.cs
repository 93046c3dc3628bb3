namespace WaddleObservabilityOperator.Kube;

/// <summary>One RBAC rule the operator needs, with why: a line of the generated ClusterRole, Role or chart template.</summary>
public sealed record RbacRule(PermissionScope Scope, string Group, IReadOnlyList<string> Resources, IReadOnlyList<string> Verbs, IReadOnlyList<string> ResourceNames, IReadOnlyList<string> Reasons);

/// <summary>
/// The RBAC the operator needs, derived from its controllers' declarations (the kubebuilder RBAC markers' job): per
/// declared kind, list and watch plus what the declared <see cref="Access"/> adds; the <c>/status</c> updates; for an
/// optional API, list and watch of its one CustomResourceDefinition by name; and the permission rules declared beside
/// the kinds. Kinds are in the order first declared, then the extra rules, so the output is stable.
/// </summary>
public static class RbacRules
{
    private static readonly string[] VerbOrder = ["get", "list", "watch", "create", "update", "patch", "delete"];

    public static IReadOnlyList<RbacRule> From(IEnumerable<ControllerDeclaration> controllers, IEnumerable<PermissionRule> operatorPermissions, ResourceTypeRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(controllers);
        ArgumentNullException.ThrowIfNull(operatorPermissions);
        ArgumentNullException.ThrowIfNull(registry);
        var declared = controllers.ToList();
        var rules = new List<RbacRule>();
        foreach (var kind in declared.SelectMany(c => c.Watches.Select(w => (Controller: c.Name, Watch: w))).GroupBy(x => x.Watch.ClrType))
        {
            var type = kind.First().Watch.ResourceType(registry);
            var access = kind.Aggregate(Access.Read, (a, x) => a | x.Watch.Access);
            var scope = type.Namespaced ? PermissionScope.Watched
                : type.Kind == InformerFactory.NamespaceKind ? PermissionScope.WatchedNamespaceObjects
                : PermissionScope.Cluster;
            var reasons = kind.Select(x => $"{x.Controller}: {x.Watch.Reason}").Distinct(StringComparer.Ordinal).ToList();
            var verbs = new List<string> { "list", "watch" };
            if (access.HasFlag(Access.Create))
            {
                verbs.Add("create");
            }

            if (access.HasFlag(Access.Update))
            {
                verbs.Add("update");
            }

            if (access.HasFlag(Access.Patch))
            {
                verbs.Add("patch");
            }

            if (access.HasFlag(Access.Delete))
            {
                verbs.Add("delete");
            }

            rules.Add(new RbacRule(scope, type.Group, [type.Plural], verbs, [], reasons));
            if (access.HasFlag(Access.UpdateStatus))
            {
                rules.Add(new RbacRule(scope, type.Group, [$"{type.Plural}/status"], ["update"], [], [$"the conditions of each {type.Kind}, written by {string.Join(" and ", kind.Where(x => x.Watch.Access.HasFlag(Access.UpdateStatus)).Select(x => x.Controller).Distinct())}"]));
            }

            if (kind.Any(x => x.Watch.Optional))
            {
                rules.Add(new RbacRule(PermissionScope.Cluster, "apiextensions.k8s.io", ["customresourcedefinitions"], ["list", "watch"], [OptionalApis.CrdName(type)],
                    [$"{type.Kind} is an optional API: only its CustomResourceDefinition, watched by name, so installing or removing it takes effect at once"]));
            }
        }

        foreach (var rule in declared.SelectMany(c => c.Permissions).Concat(operatorPermissions)
            .GroupBy(r => (r.Scope, r.Group, Resources: string.Join(",", r.Resources), Verbs: string.Join(",", r.Verbs), Names: string.Join(",", r.ResourceNames ?? []))))
        {
            var first = rule.First();
            rules.Add(new RbacRule(first.Scope, first.Group, first.Resources, Ordered(first.Verbs), first.ResourceNames ?? [], rule.Select(r => r.Reason).Distinct(StringComparer.Ordinal).ToList()));
        }

        return rules;
    }

    private static List<string> Ordered(IEnumerable<string> verbs) =>
        [.. verbs.Distinct(StringComparer.Ordinal).OrderBy(v => Array.IndexOf(VerbOrder, v) is var i && i < 0 ? int.MaxValue : i).ThenBy(v => v, StringComparer.Ordinal)];
}
