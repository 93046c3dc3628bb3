using System.Collections.Frozen;

namespace KubeApiEmulator.Patching;

/// <summary>How a field takes part in a strategic merge patch or a server-side apply.</summary>
/// <param name="Type">The struct type of the field (of its elements for a list), or null when it has no tagged fields.</param>
/// <param name="Merge">Lists: <c>patchStrategy:"merge"</c> (by <paramref name="MergeKey"/>, or a set of primitives).</param>
/// <param name="RetainKeys"><c>patchStrategy:"retainKeys"</c>: the patch's <c>$retainKeys</c> clears the other keys.</param>
/// <param name="MergeKey"><c>patchMergeKey</c> of a list of objects.</param>
internal sealed record FieldPatchMeta(string? Type, bool Merge = false, bool RetainKeys = false, string? MergeKey = null);

/// <summary>
/// The <c>patchStrategy</c> and <c>patchMergeKey</c> struct tags of k8s.io/api (core/v1, apps/v1, batch/v1, meta/v1)
/// for the built-in kinds the emulator serves. Fields absent here have no tag: maps are merged, lists are replaced.
/// </summary>
internal static class PatchMetadata
{
    private static readonly FrozenDictionary<string, FrozenDictionary<string, FieldPatchMeta>> Types =
        new Dictionary<string, FrozenDictionary<string, FieldPatchMeta>>
        {
            ["ObjectMeta"] = Fields(
                ("finalizers", new(null, Merge: true)),
                ("ownerReferences", new(null, Merge: true, MergeKey: "uid"))),
            ["PodTemplateSpec"] = Fields(("metadata", new("ObjectMeta")), ("spec", new("PodSpec"))),
            ["PodSpec"] = Fields(
                ("volumes", new(null, Merge: true, RetainKeys: true, MergeKey: "name")),
                ("initContainers", new("Container", Merge: true, MergeKey: "name")),
                ("containers", new("Container", Merge: true, MergeKey: "name")),
                ("ephemeralContainers", new("Container", Merge: true, MergeKey: "name")),
                ("imagePullSecrets", new(null, Merge: true, MergeKey: "name")),
                ("hostAliases", new(null, Merge: true, MergeKey: "ip")),
                ("topologySpreadConstraints", new(null, Merge: true, MergeKey: "topologyKey")),
                ("schedulingGates", new(null, Merge: true, MergeKey: "name")),
                ("resourceClaims", new(null, Merge: true, RetainKeys: true, MergeKey: "name"))),
            ["Container"] = Fields(
                ("ports", new(null, Merge: true, MergeKey: "containerPort")),
                ("env", new(null, Merge: true, MergeKey: "name")),
                ("volumeMounts", new(null, Merge: true, MergeKey: "mountPath")),
                ("volumeDevices", new(null, Merge: true, MergeKey: "devicePath"))),
            ["PodStatus"] = Fields(
                ("conditions", new(null, Merge: true, MergeKey: "type")),
                ("podIPs", new(null, Merge: true, MergeKey: "ip")),
                ("hostIPs", new(null, Merge: true, MergeKey: "ip"))),
            ["ConditionsStatus"] = Fields(("conditions", new(null, Merge: true, MergeKey: "type"))),
            ["ServiceSpec"] = Fields(("ports", new(null, Merge: true, MergeKey: "port"))),
            ["ServiceAccount"] = Fields(("secrets", new(null, Merge: true, MergeKey: "name"))),
            ["DeploymentSpec"] = Fields(
                ("template", new("PodTemplateSpec")),
                ("strategy", new(null, RetainKeys: true))),
            ["TemplateSpec"] = Fields(("template", new("PodTemplateSpec"))),
            ["CronJobSpec"] = Fields(("jobTemplate", new("JobTemplateSpec"))),
            ["JobTemplateSpec"] = Fields(("metadata", new("ObjectMeta")), ("spec", new("TemplateSpec"))),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, FrozenDictionary<string, FieldPatchMeta>> Kinds =
        new Dictionary<string, FrozenDictionary<string, FieldPatchMeta>>
        {
            ["/Pod"] = Root("PodSpec", "PodStatus"),
            ["/Service"] = Root("ServiceSpec", "ConditionsStatus"),
            ["/Namespace"] = Root(null, "ConditionsStatus"),
            ["/PersistentVolumeClaim"] = Root(null, "ConditionsStatus"),
            ["/ReplicationController"] = Root("TemplateSpec", "ConditionsStatus"),
            ["/PodTemplate"] = Fields(("metadata", new("ObjectMeta")), ("template", new("PodTemplateSpec"))),
            ["apps/Deployment"] = Root("DeploymentSpec", "ConditionsStatus"),
            ["apps/StatefulSet"] = Root("TemplateSpec", "ConditionsStatus"),
            ["apps/DaemonSet"] = Root("TemplateSpec", "ConditionsStatus"),
            ["apps/ReplicaSet"] = Root("TemplateSpec", "ConditionsStatus"),
            ["batch/Job"] = Root("TemplateSpec", "ConditionsStatus"),
            ["batch/CronJob"] = Root("CronJobSpec", null),
        }.ToFrozenDictionary(StringComparer.Ordinal);

    private static readonly FrozenDictionary<string, FieldPatchMeta> MetadataOnly = Root(null, null);

    private static readonly FrozenDictionary<string, FieldPatchMeta> ServiceAccountRoot =
        Fields(("metadata", new("ObjectMeta")), ("secrets", new(null, Merge: true, MergeKey: "name")));

    private static readonly FrozenDictionary<string, FieldPatchMeta> NoFields = Fields();

    /// <summary>The fields of the top level of an object of <paramref name="group"/>/<paramref name="kind"/>.</summary>
    public static FrozenDictionary<string, FieldPatchMeta> ForKind(string group, string kind)
    {
        if (group.Length == 0 && kind == "ServiceAccount")
        {
            return ServiceAccountRoot;
        }

        return Kinds.TryGetValue(group + "/" + kind, out var fields) ? fields : MetadataOnly;
    }

    /// <summary>The fields of a struct type named in <see cref="FieldPatchMeta.Type"/>; none for null or an unknown type.</summary>
    public static FrozenDictionary<string, FieldPatchMeta> ForType(string? type) =>
        type is not null && Types.TryGetValue(type, out var fields) ? fields : NoFields;

    private static FrozenDictionary<string, FieldPatchMeta> Root(string? spec, string? status)
    {
        var fields = new List<(string, FieldPatchMeta)> { ("metadata", new("ObjectMeta")) };
        if (spec is not null)
        {
            fields.Add(("spec", new(spec)));
        }

        if (status is not null)
        {
            fields.Add(("status", new(status)));
        }

        return Fields([.. fields]);
    }

    private static FrozenDictionary<string, FieldPatchMeta> Fields(params (string Name, FieldPatchMeta Meta)[] fields) =>
        fields.ToFrozenDictionary(f => f.Name, f => f.Meta, StringComparer.Ordinal);
}
