using System.Globalization;
using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>Whether a workload the operator runs is up, and in words why not (a status message).</summary>
public sealed record WorkloadReadiness(bool Ready, bool Stuck, string Message);

/// <summary>
/// Reads a Deployment's, StatefulSet's or DaemonSet's status the way <c>kubectl rollout status</c> does: the latest
/// generation observed by its controller, every replica updated and available (ready, for a StatefulSet; scheduled and
/// available, for a DaemonSet), and for a Deployment a <c>Progressing</c> condition that has not exceeded its deadline.
/// Pure: from the desired object (for its name and kind) and the observed one.
/// </summary>
public static class WorkloadStatus
{
    public static WorkloadReadiness Of(IKubernetesObject<V1ObjectMeta> desired, IKubernetesObject<V1ObjectMeta>? observed)
    {
        ArgumentNullException.ThrowIfNull(desired);
        var what = $"{desired.Kind} \"{desired.Metadata.Name}\"";
        if (observed is null)
        {
            return new(false, false, $"{what} is not created yet");
        }

        return observed switch
        {
            V1Deployment d => Deployment(what, d),
            V1StatefulSet s => StatefulSet(what, s),
            V1DaemonSet ds => DaemonSet(what, ds),
            _ => throw new ArgumentException($"{observed.Kind} is not a workload kind", nameof(observed)),
        };
    }

    private static WorkloadReadiness Deployment(string what, V1Deployment d)
    {
        if (Unobserved(what, d.Metadata, d.Status?.ObservedGeneration) is { } waiting)
        {
            return waiting;
        }

        if (d.Status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing") is { Status: "False", Reason: "ProgressDeadlineExceeded" } stuck)
        {
            return new(false, true, $"{what} exceeded its progress deadline: {stuck.Message}");
        }

        var want = d.Spec?.Replicas ?? 1;
        var updated = d.Status?.UpdatedReplicas ?? 0;
        var available = d.Status?.AvailableReplicas ?? 0;
        var total = d.Status?.Replicas ?? 0;
        return updated < want ? Waiting(what, updated, want, "updated")
            : total > updated ? new(false, false, $"{what}: {Count(total - updated)} old replicas are pending termination")
            : available < updated ? Waiting(what, available, want, "available")
            : new(true, false, $"{what}: {Count(available)} of {Count(want)} replicas available");
    }

    private static WorkloadReadiness StatefulSet(string what, V1StatefulSet s)
    {
        if (Unobserved(what, s.Metadata, s.Status?.ObservedGeneration) is { } waiting)
        {
            return waiting;
        }

        var want = s.Spec?.Replicas ?? 1;
        var ready = s.Status?.ReadyReplicas ?? 0;
        var updated = s.Status?.UpdatedReplicas ?? 0;
        return updated < want ? Waiting(what, updated, want, "updated")
            : s.Status?.UpdateRevision is { Length: > 0 } update && s.Status.CurrentRevision != update ? new(false, false, $"{what}: rolling out revision {update}")
            : ready < want ? Waiting(what, ready, want, "ready")
            : new(true, false, $"{what}: {Count(ready)} of {Count(want)} replicas ready");
    }

    private static WorkloadReadiness DaemonSet(string what, V1DaemonSet ds)
    {
        if (Unobserved(what, ds.Metadata, ds.Status?.ObservedGeneration) is { } waiting)
        {
            return waiting;
        }

        var want = ds.Status?.DesiredNumberScheduled ?? 0;
        var updated = ds.Status?.UpdatedNumberScheduled ?? 0;
        var available = ds.Status?.NumberAvailable ?? 0;
        return updated < want ? Waiting(what, updated, want, "updated", "pods")
            : available < want ? Waiting(what, available, want, "available", "pods")
            : new(true, false, $"{what}: {Count(available)} of {Count(want)} pods available");
    }

    private static WorkloadReadiness? Unobserved(string what, V1ObjectMeta meta, long? observedGeneration) =>
        (observedGeneration ?? 0) < (meta.Generation ?? 1)
            ? new(false, false, $"{what}: waiting for its controller to observe generation {(meta.Generation ?? 1).ToString(CultureInfo.InvariantCulture)}")
            : null;

    private static WorkloadReadiness Waiting(string what, int have, int want, string state, string noun = "replicas") =>
        new(false, false, $"{what}: {Count(have)} of {Count(want)} {noun} {state}");

    private static string Count(int n) => n.ToString(CultureInfo.InvariantCulture);
}
