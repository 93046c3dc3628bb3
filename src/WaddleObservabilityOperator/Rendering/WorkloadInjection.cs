using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Json;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// A workload after an injection was applied or removed, and the strategic merge patch that makes that change on the
/// server (<see cref="WorkloadPatch"/>; null when nothing changed).
/// </summary>
public sealed record InjectionResult(
    IKubernetesObject<V1ObjectMeta> Workload,
    bool Changed,
    string ConfigHash,
    IReadOnlyList<string> OverriddenEnv)
{
    public JsonObject? Patch { get; init; }
}

/// <summary>
/// Applies an <see cref="EnvInjectionPlan"/> to a copy of a Deployment, StatefulSet or DaemonSet, and removes one.
/// <para>
/// Which entries are the operator's: the pod-template annotation <see cref="WellKnown.InjectedEnvAnnotation"/>
/// records, per container, each injected name with a fingerprint of the entry. An entry counts as injected only
/// if its name and fingerprint match (the last such entry, since injected ones are appended); anything else,
/// including an injected entry the user edited in place or a second entry of the same name, is the user's and is
/// never changed. A wanted name the user already sets is not injected and is reported in overriddenEnv.
/// Re-applying an applied plan gives a byte-identical object; removing restores the user's entries exactly.
/// </para>
/// </summary>
public static class WorkloadInjection
{
    public static InjectionResult Apply(IKubernetesObject<V1ObjectMeta> workload, EnvInjectionPlan plan)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(plan);
        var copy = Copy(workload);
        var template = PodTemplate(copy);
        var recorded = ReadRecord(template);
        var record = new SortedDictionary<string, SortedDictionary<string, string>>(StringComparer.Ordinal);
        var overridden = new SortedSet<string>(StringComparer.Ordinal);
        var wanted = plan.Containers.ToDictionary(c => c.Container, StringComparer.Ordinal);

        foreach (var container in template.Spec?.Containers ?? [])
        {
            var user = UserEntries(container.Env, recorded.GetValueOrDefault(container.Name));
            if (!wanted.TryGetValue(container.Name, out var containerPlan))
            {
                // No longer selected: take back what was injected before, touch nothing else.
                if (recorded.ContainsKey(container.Name))
                {
                    container.Env = user.Count == 0 ? null : user;
                }

                continue;
            }

            var userNames = user.Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
            var injected = new SortedDictionary<string, string>(StringComparer.Ordinal);
            var env = new List<V1EnvVar>(user);
            foreach (var variable in containerPlan.Variables)
            {
                if (userNames.Contains(variable.Name))
                {
                    overridden.Add(variable.Name);
                    continue;
                }

                var entry = CopyEnv(variable);
                env.Add(entry);
                injected[entry.Name] = Fingerprint(entry);
            }

            container.Env = env;
            record[container.Name] = injected;
        }

        var recordJson = OperatorJson.Serialize(record);
        var hash = ConfigHash.Of(recordJson);
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Annotations ??= new Dictionary<string, string>();
        template.Metadata.Annotations[WellKnown.InjectedEnvAnnotation] = recordJson;
        template.Metadata.Annotations[WellKnown.ConfigHashAnnotation] = hash;
        copy.Metadata.Labels ??= new Dictionary<string, string>();
        copy.Metadata.Labels[WellKnown.InjectedByLabel] = plan.WaddleService;
        var patch = WorkloadPatch.Between(workload, copy);
        return new InjectionResult(copy, patch is not null, hash, [.. overridden]) { Patch = patch };
    }

    /// <summary>Removes everything the operator injected: its env entries, both annotations and the injected-by label.</summary>
    public static InjectionResult Remove(IKubernetesObject<V1ObjectMeta> workload)
    {
        ArgumentNullException.ThrowIfNull(workload);
        var copy = Copy(workload);
        var template = PodTemplate(copy);
        var recorded = ReadRecord(template);
        foreach (var container in template.Spec?.Containers ?? [])
        {
            if (recorded.TryGetValue(container.Name, out var mine))
            {
                var user = UserEntries(container.Env, mine);
                container.Env = user.Count == 0 ? null : user;
            }
        }

        if (template.Metadata?.Annotations is { } annotations)
        {
            annotations.Remove(WellKnown.InjectedEnvAnnotation);
            annotations.Remove(WellKnown.ConfigHashAnnotation);
            if (annotations.Count == 0)
            {
                template.Metadata.Annotations = null;
            }
        }

        if (copy.Metadata.Labels is { } labels)
        {
            labels.Remove(WellKnown.InjectedByLabel);
            if (labels.Count == 0)
            {
                copy.Metadata.Labels = null;
            }
        }

        var patch = WorkloadPatch.Between(workload, copy);
        return new InjectionResult(copy, patch is not null, "", []) { Patch = patch };
    }

    /// <summary>The WaddleService that injected this workload, from its label; null if none.</summary>
    public static string? InjectedBy(IKubernetesObject<V1ObjectMeta> workload) =>
        workload?.Metadata?.Labels?.TryGetValue(WellKnown.InjectedByLabel, out var name) == true ? name : null;

    /// <summary>The pod template of a Deployment, StatefulSet or DaemonSet.</summary>
    public static V1PodTemplateSpec PodTemplate(IKubernetesObject<V1ObjectMeta> workload) => workload switch
    {
        V1Deployment d => (d.Spec ??= new V1DeploymentSpec()).Template ??= new V1PodTemplateSpec(),
        V1StatefulSet s => (s.Spec ??= new V1StatefulSetSpec()).Template ??= new V1PodTemplateSpec(),
        V1DaemonSet ds => (ds.Spec ??= new V1DaemonSetSpec()).Template ??= new V1PodTemplateSpec(),
        _ => throw new ArgumentException($"{workload?.Kind ?? "null"} is not a Deployment, StatefulSet or DaemonSet", nameof(workload)),
    };

    /// <summary>The pod template of a Deployment, StatefulSet or DaemonSet as it is (null when it has none); the object is not changed.</summary>
    public static V1PodTemplateSpec? PodTemplateOrNull(IKubernetesObject<V1ObjectMeta> workload) => workload switch
    {
        V1Deployment d => d.Spec?.Template,
        V1StatefulSet s => s.Spec?.Template,
        V1DaemonSet ds => ds.Spec?.Template,
        _ => throw new ArgumentException($"{workload?.Kind ?? "null"} is not a Deployment, StatefulSet or DaemonSet", nameof(workload)),
    };

    /// <summary>The WorkloadKind of a workload object.</summary>
    public static WorkloadKind KindOf(IKubernetesObject<V1ObjectMeta> workload) => workload switch
    {
        V1Deployment => WorkloadKind.Deployment,
        V1StatefulSet => WorkloadKind.StatefulSet,
        V1DaemonSet => WorkloadKind.DaemonSet,
        _ => throw new ArgumentException($"{workload?.Kind ?? "null"} is not a Deployment, StatefulSet or DaemonSet", nameof(workload)),
    };

    /// <summary>Entries that are not the operator's, in their order.</summary>
    private static List<V1EnvVar> UserEntries(IList<V1EnvVar>? env, SortedDictionary<string, string>? mine)
    {
        if (env is null)
        {
            return [];
        }

        if (mine is null || mine.Count == 0)
        {
            return [.. env];
        }

        // Fingerprint each entry at most once: a steady-state re-apply touches every injected name.
        var fingerprints = new string?[env.Count];
        var ours = new HashSet<int>();
        foreach (var (name, fingerprint) in mine)
        {
            for (var i = env.Count - 1; i >= 0; i--)
            {
                if (env[i].Name == name && (fingerprints[i] ??= Fingerprint(env[i])) == fingerprint)
                {
                    ours.Add(i);
                    break;
                }
            }
        }

        return [.. env.Where((_, i) => !ours.Contains(i))];
    }

    private static Dictionary<string, SortedDictionary<string, string>> ReadRecord(V1PodTemplateSpec template)
    {
        if (template.Metadata?.Annotations?.TryGetValue(WellKnown.InjectedEnvAnnotation, out var json) != true || string.IsNullOrEmpty(json))
        {
            return [];
        }

        try
        {
            var parsed = OperatorJson.Deserialize<Dictionary<string, SortedDictionary<string, string>>>(json!);
            return parsed ?? [];
        }
        catch (JsonException)
        {
            // A damaged record: treat every entry as the user's. Losing track of ours is safe; deleting theirs is not.
            return [];
        }
    }

    /// <summary>A short hash of the entry's canonical JSON (name, value or valueFrom).</summary>
    private static string Fingerprint(V1EnvVar entry) => ConfigHash.Of(OperatorJson.Serialize(entry));

    private static V1EnvVar CopyEnv(V1EnvVar entry) => OperatorJson.Clone(entry);

    private static IKubernetesObject<V1ObjectMeta> Copy(IKubernetesObject<V1ObjectMeta> workload) => workload switch
    {
        V1Deployment d => OperatorJson.Clone(d),
        V1StatefulSet s => OperatorJson.Clone(s),
        V1DaemonSet ds => OperatorJson.Clone(ds),
        _ => throw new ArgumentException($"{workload.Kind} is not a Deployment, StatefulSet or DaemonSet", nameof(workload)),
    };
}
