namespace KubeApiEmulator.Protobuf.Messages;

/// <summary>k8s.io/api rbac/v1 generated.proto (every field).</summary>
internal static class RbacV1
{
    private static readonly ProtoMessage PolicyRule = new(
        "PolicyRule",
        (1, F.Strs("verbs")),
        (2, F.Strs("apiGroups")),
        (3, F.Strs("resources")),
        (4, F.Strs("resourceNames")),
        (5, F.Strs("nonResourceURLs")));

    private static readonly ProtoMessage Subject = new("Subject", (1, F.Str("kind")), (2, F.Str("apiGroup")), (3, F.Str("name")), (4, F.Str("namespace")));

    private static readonly ProtoMessage RoleRef = new("RoleRef", (1, F.OptStr("apiGroup")), (2, F.Str("kind")), (3, F.Str("name")));

    public static readonly ProtoMessage Role = new("Role", (1, F.Obj("metadata", MetaV1.ObjectMeta)), (2, F.Objs("rules", PolicyRule)));

    public static readonly ProtoMessage ClusterRole = new(
        "ClusterRole",
        (1, F.Obj("metadata", MetaV1.ObjectMeta)),
        (2, F.Objs("rules", PolicyRule)),
        (3, F.Obj("aggregationRule", new ProtoMessage("AggregationRule", (1, F.Objs("clusterRoleSelectors", MetaV1.LabelSelector))))));

    public static readonly ProtoMessage RoleBinding = new(
        "RoleBinding",
        (1, F.Obj("metadata", MetaV1.ObjectMeta)),
        (2, F.Objs("subjects", Subject)),
        (3, F.Obj("roleRef", RoleRef)));

    public static readonly ProtoMessage ClusterRoleBinding = RoleBinding with { Name = "ClusterRoleBinding" };
}
