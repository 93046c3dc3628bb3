namespace KubeApiEmulator.Protobuf.Messages;

/// <summary>k8s.io/api apps/v1 (field numbers from the protobuf struct tags of types.go).</summary>
internal static class AppsV1
{
    private static readonly ProtoMessage DeploymentStrategy = new(
        "DeploymentStrategy",
        (1, F.Str("type")),
        (2, F.Obj("rollingUpdate", new ProtoMessage("RollingUpdateDeployment", (1, F.IntOrString("maxUnavailable")), (2, F.IntOrString("maxSurge"))))));

    private static readonly ProtoMessage DeploymentCondition = new(
        "DeploymentCondition",
        (1, F.Str("type")),
        (2, F.Str("status")),
        (4, F.Str("reason")),
        (5, F.Str("message")),
        (6, F.Time("lastUpdateTime")),
        (7, F.Time("lastTransitionTime")));

    public static readonly ProtoMessage Deployment = new(
        "Deployment",
        (1, F.Obj("metadata", MetaV1.ObjectMeta)),
        (2, F.Obj("spec", new ProtoMessage(
            "DeploymentSpec",
            (1, F.OptInt("replicas")),
            (2, F.Obj("selector", MetaV1.LabelSelector)),
            (3, F.Obj("template", CoreV1.PodTemplateSpec)),
            (4, F.Obj("strategy", DeploymentStrategy)),
            (5, F.Int("minReadySeconds")),
            (6, F.OptInt("revisionHistoryLimit")),
            (7, F.Bool("paused")),
            (9, F.OptInt("progressDeadlineSeconds"))))),
        (3, F.Obj("status", new ProtoMessage(
            "DeploymentStatus",
            (1, F.Long("observedGeneration")),
            (2, F.Int("replicas")),
            (3, F.Int("updatedReplicas")),
            (4, F.Int("availableReplicas")),
            (5, F.Int("unavailableReplicas")),
            (6, F.Objs("conditions", DeploymentCondition)),
            (7, F.Int("readyReplicas")),
            (8, F.OptInt("collisionCount")),
            (9, F.OptInt("terminatingReplicas"))))));
}
