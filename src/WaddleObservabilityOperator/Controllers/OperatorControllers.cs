using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// What each controller reconciles, owns and watches: the one place a kind is added. The informers
/// (<see cref="OperatorCaches"/>), their sync tracking, the routing of their events (the <see cref="EventRouting"/>
/// mappers named here), the child kinds the reconcilers write and the shipped RBAC (<c>generate</c>) all follow from
/// these declarations.
/// </summary>
public static class OperatorControllers
{
    private const string EventsReason = "Events about what it did or could not do (injected, conflicts, invalid specs)";

    /// <summary>The two controllers. <paramref name="routing"/> is asked for the mappers' state only when an event arrives.</summary>
    public static IReadOnlyList<ControllerDeclaration> Declare(Func<EventRouting> routing)
    {
        ArgumentNullException.ThrowIfNull(routing);
        return [WaddleServices(routing), Policies(routing)];
    }

    /// <summary>The declarations alone, for what needs no running operator (the RBAC generator).</summary>
    public static IReadOnlyList<ControllerDeclaration> Declarations() =>
        Declare(() => throw new InvalidOperationException("the declarations were built without a running operator, so no event can be routed"));

    private static ControllerDeclaration WaddleServices(Func<EventRouting> routing) =>
        ControllerDeclaration.For<WaddleService>(WaddleServiceReconciler.ControllerName, Access.Update | Access.UpdateStatus,
                "reconciles each WaddleService; updates it only to add and remove its finalizer", EventRouting.ServiceItself)
            .Watches<ObservabilityPolicy>("the policy each service resolves to", c => routing().ServicesOfPolicy(c))
            .Watches<V1Deployment>("injects the environment into the workload a service names (a patch of its own env entries and annotations only: users' workloads are never created, replaced or deleted)",
                c => routing().ServicesOfWorkload(c), Access.Patch, cacheTransform: UserWorkloadCache.Deployment)
            .Watches<V1StatefulSet>("injects the environment into the workload a service names (a patch)", c => routing().ServicesOfWorkload(c), Access.Patch, cacheTransform: UserWorkloadCache.StatefulSet)
            .Watches<V1DaemonSet>("injects the environment into the workload a service names (a patch)", c => routing().ServicesOfWorkload(c), Access.Patch, cacheTransform: UserWorkloadCache.DaemonSet)
            .Watches<V1Service>("checks that a Service matched by the metrics selector has the metrics port", c => routing().ServicesSelecting(c))
            .Watches<V1ConfigMap>("waits for the policy's sampling ConfigMap to hold its strategies", c => routing().ServicesWaitingForSampling(c))
            .Owns<ServiceMonitor>("each service's ServiceMonitor, while prometheus-operator's CRD is installed", EventRouting.ServiceByLabel, optional: true)
            .Owns<PrometheusRule>("each service's SLO recording rules and alerts, while prometheus-operator's PrometheusRule CRD is installed", EventRouting.ServiceByLabel, optional: true)
            .Permits(new PermissionRule("events.k8s.io", ["events"], ["create"], EventsReason))
            .Build();

    private static ControllerDeclaration Policies(Func<EventRouting> routing)
    {
        var builder = ControllerDeclaration.For<ObservabilityPolicy>(ObservabilityPolicyReconciler.ControllerName, Access.Update | Access.UpdateStatus,
                "reconciles each ObservabilityPolicy; updates it only to add and remove the finalizer that removes its cluster-scoped children", c => routing().PolicyAndNamespace(c))
            .Watches<WaddleService>("the members of each policy (sampling document, backends' scrape jobs)", c => routing().PoliciesOfService(c))
            .Owns<V1ConfigMap>("the sampling ConfigMap and the managed components' configuration", c => routing().PolicyOfConfigMap(c))
            .Owns<V1Service>("the managed components' Services", EventRouting.PolicyByLabel)
            .Owns<V1ServiceAccount>("the managed components' identities", EventRouting.PolicyByLabel)
            .Owns<V1Role>("the managed components' Roles (Prometheus's discovery in its namespace)", EventRouting.PolicyByLabel)
            .Owns<V1RoleBinding>("the managed components' RoleBindings", EventRouting.PolicyByLabel)
            .Owns<V1Deployment>("the managed components' Deployments", EventRouting.PolicyByLabel)
            .Owns<V1StatefulSet>("the managed components' StatefulSets", EventRouting.PolicyByLabel)
            .Owns<V1NetworkPolicy>("the managed components' NetworkPolicies, when a policy sets spec.backends.networkPolicy", EventRouting.PolicyByLabel)
            .Owns<V1DaemonSet>("the node exporter's DaemonSet", EventRouting.PolicyByLabel)
            .Owns<V1PodDisruptionBudget>("the PodDisruptionBudgets of managed components that run two or more replicas (Prometheus, Jaeger on a remote store, Grafana on a database)", EventRouting.PolicyByLabel)
            .Owns<ServiceMonitor>("the exporters' and the kubelet scrape's ServiceMonitors, while prometheus-operator's CRD is installed (never a WaddleService's)", EventRouting.PolicyByLabel, optional: true)
            .Owns<V1ClusterRole>("the managed Prometheus's rights to read the kubelets (nodes, nodes/metrics), cluster-scoped: found by the policy's labels", EventRouting.PolicyOfClusterScopedChild)
            .Owns<V1ClusterRoleBinding>("the binding of that ClusterRole to the managed Prometheus's ServiceAccount", EventRouting.PolicyOfClusterScopedChild)
            .Watches<V1Namespace>("the Pod Security level of each policy's namespace, which decides whether the node exporter may run (read only: labels are never changed)", c => routing().PoliciesOfNamespace(c))
            .Permits(new PermissionRule("events.k8s.io", ["events"], ["create"], EventsReason));

        // RBAC's escalation rule: the operator may only create a Role that grants what it holds itself. It never uses these.
        foreach (var component in ManagedComponents.All)
        {
            foreach (var rule in component.GrantedRules)
            {
                foreach (var group in rule.ApiGroups)
                {
                    builder.Permits(new PermissionRule(group, [.. rule.Resources], [.. rule.Verbs],
                        $"escalation: the managed {component.DisplayName}'s Role grants it, so the operator that creates the Role must hold it (it never uses it)"));
                }
            }

            foreach (var rule in component.GrantedClusterRules)
            {
                foreach (var group in rule.ApiGroups)
                {
                    builder.Permits(new PermissionRule(group, [.. rule.Resources], [.. rule.Verbs],
                        $"escalation: the {component.DisplayName}'s ClusterRole grants it, so the operator that creates the ClusterRole must hold it (it never uses it)",
                        PermissionScope.Cluster));
                }
            }
        }

        return builder.Build();
    }

    /// <summary>What makes an object the operator's: its managed-by label, or an owner reference to what it reconciles.</summary>
    public static OwnershipRule Ownership { get; } = new(WellKnown.ManagedByLabel, WellKnown.ManagedByValue, WellKnown.OwnedLabelPrefix);

    /// <summary>What the operator needs beside its controllers.</summary>
    public static IReadOnlyList<PermissionRule> OperatorPermissions { get; } =
    [
        new("authentication.k8s.io", ["tokenreviews"], ["create"], "--metrics-secure: the bearer token of a /metrics request is checked with a TokenReview", PermissionScope.Cluster),
        new("authorization.k8s.io", ["subjectaccessreviews"], ["create"], "--metrics-secure: who may read /metrics is checked with a SubjectAccessReview", PermissionScope.Cluster),
        new("coordination.k8s.io", ["leases"], ["get", "create", "update"], "leader election: the operator's Lease (two replicas, one writes)", PermissionScope.OperatorNamespace),
    ];

    /// <summary>Every rule the operator needs: what <c>generate</c> writes to config/rbac and the chart.</summary>
    public static IReadOnlyList<RbacRule> Rbac() => RbacRules.From(Declarations(), OperatorPermissions, ResourceTypes());

    /// <summary>Where the declared kinds are served; the kinds without <see cref="k8s.Models.KubernetesEntityAttribute"/> are registered here.</summary>
    public static ResourceTypeRegistry ResourceTypes() => new ResourceTypeRegistry()
        .Register<ServiceMonitor>(new Kube.ResourceType(ServiceMonitor.Group, ServiceMonitor.Version, ServiceMonitor.Plural, ServiceMonitor.KindName, Namespaced: true))
        .Register<PrometheusRule>(new Kube.ResourceType(PrometheusRule.Group, PrometheusRule.Version, PrometheusRule.Plural, PrometheusRule.KindName, Namespaced: true));
}
