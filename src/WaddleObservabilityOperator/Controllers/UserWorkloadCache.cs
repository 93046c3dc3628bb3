using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// The cache transforms of the Deployment, StatefulSet and DaemonSet informers (declared with the kinds in
/// <see cref="OperatorControllers"/>): what the operator keeps of a user's workload. The injection is written as a
/// patch of the operator's own fields (<see cref="WorkloadPatch"/>), so the cache needs only what rendering reads:
/// <list type="bullet">
/// <item>metadata without annotations: name, namespace, uid, resourceVersion, generation, labels (injected-by, the
/// policy label the indexes read), owner references (the owner index), finalizers and the timestamps;</item>
/// <item>the pod template's annotations the operator owns (its injected-env record and config hash), nothing else of
/// the template's metadata;</item>
/// <item>the pod spec's containers with their name and env (the injection's plan and the user's own entries, which it
/// must see to leave alone), and the init containers' names (a message names one the user listed by mistake).</item>
/// </list>
/// Dropped: the rest of the spec (image, ports, probes, resources, volumes, replicas, selector, strategy), the status,
/// and the workload's own annotations (kubectl's last-applied-configuration is a second copy of the object). The
/// operator's own workloads (its managed backends, which it compares whole and writes with a full update) are kept
/// whole: those carrying its managed-by label, or an owner reference to one of its custom resources.
/// </summary>
public static class UserWorkloadCache
{
    public static V1Deployment Deployment(V1Deployment deployment) =>
        Trimmed(deployment, d => d.Spec?.Template, t => new V1Deployment { Spec = new V1DeploymentSpec { Template = t } });

    public static V1StatefulSet StatefulSet(V1StatefulSet statefulSet) =>
        Trimmed(statefulSet, s => s.Spec?.Template, t => new V1StatefulSet { Spec = new V1StatefulSetSpec { Template = t } });

    public static V1DaemonSet DaemonSet(V1DaemonSet daemonSet) =>
        Trimmed(daemonSet, d => d.Spec?.Template, t => new V1DaemonSet { Spec = new V1DaemonSetSpec { Template = t } });

    /// <summary>
    /// The workload as cached: itself when it is the operator's, otherwise a new one (<paramref name="withTemplate"/>:
    /// the kind's spec holding only the trimmed pod template) with its type, kind and trimmed metadata. The three kinds'
    /// specs share no type, so each names where its template is.
    /// </summary>
    private static T Trimmed<T>(T workload, Func<T, V1PodTemplateSpec?> template, Func<V1PodTemplateSpec?, T> withTemplate)
        where T : class, IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(workload);
        if (IsOperators(workload.Metadata))
        {
            return workload;
        }

        var trimmed = withTemplate(Template(template(workload)));
        trimmed.ApiVersion = workload.ApiVersion;
        trimmed.Kind = workload.Kind;
        trimmed.Metadata = Metadata(workload.Metadata);
        return trimmed;
    }

    /// <summary>A workload the operator may write whole: its managed-by label, or an owner reference to its own kinds.</summary>
    public static bool IsOperators(V1ObjectMeta? metadata) =>
        OperatorControllers.Ownership.IsManaged(metadata)
        || metadata?.OwnerReferences?.Any(o => o.ApiVersion?.StartsWith(ApiGroup.Group + "/", StringComparison.Ordinal) == true) == true;

    private static V1ObjectMeta Metadata(V1ObjectMeta? metadata) => metadata is null ? new V1ObjectMeta() : new V1ObjectMeta
    {
        Name = metadata.Name,
        NamespaceProperty = metadata.NamespaceProperty,
        Uid = metadata.Uid,
        ResourceVersion = metadata.ResourceVersion,
        Generation = metadata.Generation,
        CreationTimestamp = metadata.CreationTimestamp,
        DeletionTimestamp = metadata.DeletionTimestamp,
        Labels = metadata.Labels,
        OwnerReferences = metadata.OwnerReferences,
        Finalizers = metadata.Finalizers,
    };

    private static V1PodTemplateSpec? Template(V1PodTemplateSpec? template)
    {
        if (template is null)
        {
            return null;
        }

        var annotations = template.Metadata?.Annotations?
            .Where(a => WorkloadPatch.OwnedTemplateAnnotations.Contains(a.Key, StringComparer.Ordinal))
            .ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        return new V1PodTemplateSpec
        {
            Metadata = annotations is { Count: > 0 } ? new V1ObjectMeta { Annotations = annotations } : null,
            Spec = template.Spec is not { } spec ? null : new V1PodSpec
            {
                Containers = spec.Containers?.Select(c => new V1Container { Name = c.Name, Env = c.Env }).ToList(),
                InitContainers = spec.InitContainers?.Select(c => new V1Container { Name = c.Name }).ToList(),
            },
        };
    }
}
