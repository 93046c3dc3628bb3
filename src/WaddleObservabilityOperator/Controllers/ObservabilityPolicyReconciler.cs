using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Telemetry;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// Reconciles one ObservabilityPolicy: the sampling ConfigMap and the managed Jaeger and Prometheus objects, and the
/// status (matched services, endpoints, conditions). Service changes enqueue the policy's key, and the queue holds a key
/// once however often it is added, so a burst of service changes becomes one ConfigMap write.
/// </summary>
public sealed class ObservabilityPolicyReconciler(
    OperatorCaches caches,
    IReadOnlyList<IOwnedKind> kinds,
    PublishedSampling publishedSampling,
    Action<ObjectKey> wakeService,
    StatusWriter statusWriter,
    EventRecorder events,
    OperatorMetrics metrics,
    TimeProvider clock,
    ILogger<ObservabilityPolicyReconciler> logger)
{
    public const string ControllerName = "observabilitypolicy";

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var ns = key.Namespace ?? "";
        var policy = caches.Policies.Cache.Get(key);
        if (policy is null || policy.Metadata.DeletionTimestamp is not null)
        {
            // Its children carry its owner reference: garbage collection removes them.
            metrics.RemoveSamplingConfigMap(ns, key.Name);
            publishedSampling.Forget(key);
            return ReconcileResult.Done;
        }

        // The policy's own render: its members' resolution and sampling, its objects; never the members' injections and
        // ServiceMonitors (the service reconciler's), nor the workloads and Services they read.
        var rendered = PolicyRenderer.Render(caches.PolicyRenderInput(ns, key.Name), ns, key.Name);
        var outcome = rendered.Outcome;
        var desired = rendered.Objects.Where(o => IsChildOf(o, key.Name)).ToList();
        var conditions = outcome.Conditions;
        var retry = false;
        var foreign = new List<IKubernetesObject<V1ObjectMeta>>();

        foreach (var child in desired)
        {
            // Rendering leaves owner references out when the policy has no uid (render from files); here it always has one.
            child.Metadata.OwnerReferences ??= OwnerReferences.To(policy);
            switch (await KindOf(child).ApplyAsync(child, cancellationToken).ConfigureAwait(false))
            {
                case WriteAction.NotOwned:
                    foreign.Add(child);
                    break;
                case WriteAction.Conflict:
                    retry = true;
                    break;
            }
        }

        // Children of this policy it no longer renders (a backend switched off).
        var wanted = desired.Select(d => (d.GetType(), d.Metadata.Name)).ToHashSet();
        foreach (var kind in kinds)
        {
            foreach (var stale in kind.Managed(ns).Where(o => IsChildOf(o, key.Name) && IsOwnedBy(o, policy) && !wanted.Contains((o.GetType(), o.Metadata.Name))).ToList())
            {
                logger.LogInformation("Deleting {Kind} {Namespace}/{Name}: ObservabilityPolicy {Policy} no longer renders it", stale.Kind, ns, stale.Metadata.Name, key.Name);
                await kind.DeleteAsync(stale, cancellationToken).ConfigureAwait(false);
            }
        }

        // Verdicts only a render of every member reaches; the services read them in their own (narrow) reconciles.
        var verdicts = rendered.MemberSampling
            .Where(s => s.Value is { Status: false, Reason: Reasons.SamplingDocumentTooLarge or Reasons.ServiceNameConflict })
            .ToDictionary(s => s.Key, s => s.Value, StringComparer.Ordinal);
        foreach (var changed in publishedSampling.SetVerdicts(key, verdicts))
        {
            wakeService(new ObjectKey(ns, changed));
        }

        conditions = WithConflicts(conditions, foreign, rendered);
        metrics.SetSamplingConfigMapBytes(ns, key.Name, (int)outcome.SamplingDocumentBytes);

        // As for a service: observedGeneration moves only on a reconcile that needs no retry.
        var status = StatusRenderer.PolicyStatus(outcome with { Conditions = conditions }, clock.GetUtcNow().UtcDateTime, policy.Status, settled: !retry);
        var written = await statusWriter.UpdateAsync(policy, status, cancellationToken).ConfigureAwait(false);
        if (written.Action == WriteAction.Conflict)
        {
            return ReconcileResult.Retry;
        }

        if (written is { Action: WriteAction.Updated, Object: { } updated })
        {
            caches.Policies.ObserveUpdate(updated, policy.Metadata.ResourceVersion);
        }

        if (written.Action == WriteAction.Updated)
        {
            foreach (var child in foreign.Where(f => policy.Status?.Conditions?.Any(c => c.Reason == Reasons.Conflict) != true))
            {
                await events.RecordAsync(policy, EventSeverity.Warning, Reasons.Conflict, "Reconcile",
                    $"{child.Kind} \"{child.Metadata.Name}\" exists and is not managed by the operator; it is left untouched", cancellationToken).ConfigureAwait(false);
            }
        }

        return retry ? ReconcileResult.Retry : ReconcileResult.Done;
    }

    /// <summary>
    /// A foreign object in the way of a child fails the child's condition (<see cref="PolicyRender.ConditionOf"/>): the
    /// sampling ConfigMap SamplingPublished, a published dashboard DashboardsPublished, a backend object BackendsReady.
    /// </summary>
    private static IReadOnlyList<ConditionOutcome> WithConflicts(IReadOnlyList<ConditionOutcome> conditions, List<IKubernetesObject<V1ObjectMeta>> foreign, PolicyRender rendered)
    {
        foreach (var group in foreign.GroupBy(rendered.ConditionOf))
        {
            var message = group.Key == ConditionTypes.SamplingPublished
                ? $"ConfigMap \"{group.First().Metadata.Name}\" exists and is not managed by the operator; it is left untouched. Delete or rename it to let the operator publish the sampling strategies"
                : $"not managed by the operator, left untouched: {string.Join(", ", group.Select(b => $"{b.Kind} \"{b.Metadata.Name}\""))}";
            conditions = ReadySummary.WithStep(conditions, new ConditionOutcome(group.Key, false, Reasons.Conflict, message), "");
        }

        return conditions;
    }

    private IOwnedKind KindOf(IKubernetesObject<V1ObjectMeta> child) =>
        kinds.FirstOrDefault(k => k.ClrType == child.GetType())
        ?? throw new InvalidOperationException($"the policy controller does not declare that it owns {child.Kind}, so it cannot manage {child.Kind} \"{child.Metadata.Name}\"");

    /// <summary>Objects of the policy itself: its label, and not a WaddleService's child (ServiceMonitors carry both labels).</summary>
    private static bool IsChildOf(IKubernetesObject<V1ObjectMeta> obj, string policy) =>
        obj.Metadata.Labels is { } labels
        && labels.TryGetValue(WellKnown.PolicyLabel, out var p) && p == policy
        && !labels.ContainsKey(WellKnown.ServiceLabel);

    private static bool IsOwnedBy(IKubernetesObject<V1ObjectMeta> child, ObservabilityPolicy owner) =>
        child.Metadata.OwnerReferences?.Any(o => o.Uid == owner.Metadata.Uid) == true;
}
