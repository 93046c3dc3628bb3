namespace KubeApiEmulator.Protobuf.Messages;

/// <summary>k8s.io/api batch/v1 (field numbers from the protobuf struct tags of types.go).</summary>
internal static class BatchV1
{
    private static readonly ProtoMessage PodFailurePolicy = new(
        "PodFailurePolicy",
        (1, F.Objs("rules", new ProtoMessage(
            "PodFailurePolicyRule",
            (1, F.Str("action")),
            (2, F.Obj("onExitCodes", new ProtoMessage("PodFailurePolicyOnExitCodesRequirement", (1, F.OptStr("containerName")), (2, F.Str("operator")), (3, F.Ints("values"))))),
            (3, F.Objs("onPodConditions", new ProtoMessage("PodFailurePolicyOnPodConditionsPattern", (1, F.Str("type")), (2, F.Str("status")))))))));

    private static readonly ProtoMessage JobSpec = new(
        "JobSpec",
        (1, F.OptInt("parallelism")),
        (2, F.OptInt("completions")),
        (3, F.OptLong("activeDeadlineSeconds")),
        (4, F.Obj("selector", MetaV1.LabelSelector)),
        (5, F.OptBool("manualSelector")),
        (6, F.Obj("template", CoreV1.PodTemplateSpec)),
        (7, F.OptInt("backoffLimit")),
        (8, F.OptInt("ttlSecondsAfterFinished")),
        (9, F.OptStr("completionMode")),
        (10, F.OptBool("suspend")),
        (11, F.Obj("podFailurePolicy", PodFailurePolicy)));

    private static readonly ProtoMessage JobStatus = new(
        "JobStatus",
        (1, F.Objs("conditions", new ProtoMessage(
            "JobCondition",
            (1, F.Str("type")),
            (2, F.Str("status")),
            (3, F.Time("lastProbeTime")),
            (4, F.Time("lastTransitionTime")),
            (5, F.Str("reason")),
            (6, F.Str("message"))))),
        (2, F.Time("startTime")),
        (3, F.Time("completionTime")),
        (4, F.Int("active")),
        (5, F.Int("succeeded")),
        (6, F.Int("failed")),
        (7, F.Str("completedIndexes")),
        (8, F.Obj("uncountedTerminatedPods", new ProtoMessage("UncountedTerminatedPods", (1, F.Strs("succeeded")), (2, F.Strs("failed"))))),
        (9, F.OptInt("ready")));

    public static readonly ProtoMessage Job = new(
        "Job",
        (1, F.Obj("metadata", MetaV1.ObjectMeta)),
        (2, F.Obj("spec", JobSpec)),
        (3, F.Obj("status", JobStatus)));

    public static readonly ProtoMessage CronJob = new(
        "CronJob",
        (1, F.Obj("metadata", MetaV1.ObjectMeta)),
        (2, F.Obj("spec", new ProtoMessage(
            "CronJobSpec",
            (1, F.OptStr("schedule")),
            (2, F.OptLong("startingDeadlineSeconds")),
            (3, F.Str("concurrencyPolicy")),
            (4, F.OptBool("suspend")),
            (5, F.Obj("jobTemplate", new ProtoMessage("JobTemplateSpec", (1, F.Obj("metadata", MetaV1.ObjectMeta)), (2, F.Obj("spec", JobSpec))))),
            (6, F.OptInt("successfulJobsHistoryLimit")),
            (7, F.OptInt("failedJobsHistoryLimit")),
            (8, F.OptStr("timeZone"))))),
        (3, F.Obj("status", new ProtoMessage(
            "CronJobStatus",
            (1, F.Objs("active", CoreV1.ObjectReference)),
            (4, F.Time("lastScheduleTime")),
            (5, F.Time("lastSuccessfulTime"))))));
}
