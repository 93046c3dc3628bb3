namespace KubeApiEmulator.Protobuf.Messages;

/// <summary>k8s.io/apimachinery pkg/apis/meta/v1 generated.proto.</summary>
internal static class MetaV1
{
    public static readonly ProtoMessage OwnerReference = new(
        "OwnerReference",
        (1, F.Str("kind")),
        (3, F.Str("name")),
        (4, F.Str("uid")),
        (5, F.Str("apiVersion")),
        (6, F.OptBool("controller")),
        (7, F.OptBool("blockOwnerDeletion")));

    public static readonly ProtoMessage ObjectMeta = new(
        "ObjectMeta",
        (1, F.Str("name")),
        (2, F.Str("generateName")),
        (3, F.Str("namespace")),
        (4, F.Str("selfLink")),
        (5, F.Str("uid")),
        (6, F.Str("resourceVersion")),
        (7, F.Long("generation")),
        (8, F.Time("creationTimestamp")),
        (9, F.Time("deletionTimestamp")),
        (10, F.OptLong("deletionGracePeriodSeconds")),
        (11, F.Map("labels")),
        (12, F.Map("annotations")),
        (13, F.Objs("ownerReferences", OwnerReference)),
        (14, F.Strs("finalizers")));

    public static readonly ProtoMessage LabelSelectorRequirement = new(
        "LabelSelectorRequirement",
        (1, F.Str("key")),
        (2, F.Str("operator")),
        (3, F.Strs("values")));

    public static readonly ProtoMessage LabelSelector = new(
        "LabelSelector",
        (1, F.Map("matchLabels")),
        (2, F.Objs("matchExpressions", LabelSelectorRequirement)));

    public static readonly ProtoMessage DeleteOptions = new(
        "DeleteOptions",
        (1, F.OptLong("gracePeriodSeconds")),
        (2, F.Obj("preconditions", new ProtoMessage("Preconditions", (1, F.OptStr("uid")), (2, F.OptStr("resourceVersion"))))),
        (3, F.OptBool("orphanDependents")),
        (4, F.OptStr("propagationPolicy")),
        (5, F.Strs("dryRun")));
}
