namespace KubeApiEmulator.Storage;

/// <summary>The built-in kinds an operator and kubectl/helm touch.</summary>
internal static class BuiltInResources
{
    public static IEnumerable<ResourceType> All()
    {
        yield return Cluster("", "v1", "namespaces", "Namespace", ["ns"]) with { HasStatus = true };
        yield return Cluster("", "v1", "nodes", "Node", ["no"]) with { HasStatus = true };
        yield return Namespaced("", "v1", "configmaps", "ConfigMap", ["cm"]);
        yield return Namespaced("", "v1", "secrets", "Secret", []);
        yield return Namespaced("", "v1", "services", "Service", ["svc"]) with { HasStatus = true, Categories = ["all"] };
        yield return Namespaced("", "v1", "serviceaccounts", "ServiceAccount", ["sa"]);
        yield return Namespaced("", "v1", "pods", "Pod", ["po"]) with { HasStatus = true, Categories = ["all"], ReturnsDeletedObject = true };
        yield return Namespaced("", "v1", "endpoints", "Endpoints", ["ep"]) with { Singular = "endpoints" };
        yield return Namespaced("", "v1", "events", "Event", ["ev"]);
        yield return Namespaced("", "v1", "resourcequotas", "ResourceQuota", ["quota"]) with { HasStatus = true };
        yield return Namespaced("events.k8s.io", "v1", "events", "Event", ["ev"]);
        foreach (var (plural, kind, shortName) in new[]
        {
            ("deployments", "Deployment", "deploy"), ("statefulsets", "StatefulSet", "sts"),
            ("daemonsets", "DaemonSet", "ds"), ("replicasets", "ReplicaSet", "rs"),
        })
        {
            yield return Namespaced("apps", "v1", plural, kind, [shortName]) with
            {
                HasStatus = true,
                TracksGeneration = true,
                Categories = ["all"],
                HasScale = kind is "Deployment" or "StatefulSet" or "ReplicaSet",
            };
        }

        yield return Namespaced("batch", "v1", "jobs", "Job", []) with { HasStatus = true, TracksGeneration = true, Categories = ["all"] };
        yield return Namespaced("batch", "v1", "cronjobs", "CronJob", ["cj"]) with { HasStatus = true, TracksGeneration = true, Categories = ["all"] };

        yield return Namespaced("discovery.k8s.io", "v1", "endpointslices", "EndpointSlice", []);
        yield return Namespaced("rbac.authorization.k8s.io", "v1", "roles", "Role", []);
        yield return Namespaced("rbac.authorization.k8s.io", "v1", "rolebindings", "RoleBinding", []);
        yield return Cluster("rbac.authorization.k8s.io", "v1", "clusterroles", "ClusterRole", []);
        yield return Cluster("rbac.authorization.k8s.io", "v1", "clusterrolebindings", "ClusterRoleBinding", []);
        yield return Namespaced("coordination.k8s.io", "v1", "leases", "Lease", []);
        yield return Cluster("apiextensions.k8s.io", "v1", "customresourcedefinitions", "CustomResourceDefinition", ["crd", "crds"]) with
        {
            HasStatus = true,
            TracksGeneration = true,
            Categories = ["api-extensions"],
        };
        yield return Namespaced("networking.k8s.io", "v1", "ingresses", "Ingress", ["ing"]) with { HasStatus = true, TracksGeneration = true };
        yield return Namespaced("networking.k8s.io", "v1", "networkpolicies", "NetworkPolicy", ["netpol"]) with { TracksGeneration = true };
        yield return Namespaced("policy", "v1", "poddisruptionbudgets", "PodDisruptionBudget", ["pdb"]) with
        {
            HasStatus = true,
            TracksGeneration = true,
        };
        yield return Cluster("scheduling.k8s.io", "v1", "priorityclasses", "PriorityClass", ["pc"]);
        yield return Review("authentication.k8s.io", "tokenreviews", "TokenReview");
        yield return Review("authorization.k8s.io", "subjectaccessreviews", "SubjectAccessReview");
        yield return Review("authorization.k8s.io", "selfsubjectaccessreviews", "SelfSubjectAccessReview");
        yield return Review("authorization.k8s.io", "selfsubjectrulesreviews", "SelfSubjectRulesReview");
    }

    private static ResourceType Namespaced(string group, string version, string plural, string kind, IReadOnlyList<string> shortNames) =>
        new(group, version, plural, kind.ToLowerInvariant(), kind, Namespaced: true) { ShortNames = shortNames };

    private static ResourceType Cluster(string group, string version, string plural, string kind, IReadOnlyList<string> shortNames) =>
        new(group, version, plural, kind.ToLowerInvariant(), kind, Namespaced: false) { ShortNames = shortNames };

    private static ResourceType Review(string group, string plural, string kind) =>
        Cluster(group, "v1", plural, kind, []) with { Verbs = ["create"], IsReview = true };
}
