using System.Collections.Concurrent;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Json;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Models;
using WaddleObservabilityOperator.Telemetry;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// Reconciles one ObservabilityPolicy: the sampling ConfigMap and the managed Jaeger and Prometheus objects, and the
/// status (matched services, endpoints, conditions). Service changes enqueue the policy's key, and the queue holds a key
/// once however often it is added, so a burst of service changes becomes one ConfigMap write. Each policy's render is
/// kept from one reconcile to the next (<see cref="IncrementalPolicyRender"/>): a service's change re-resolves that
/// service only; the start, a change of a policy and a service gone render every member again.
/// </summary>
public sealed class ObservabilityPolicyReconciler(
    OperatorCaches caches,
    IReadOnlyList<IOwnedKind> kinds,
    PublishedSampling publishedSampling,
    Action<ObjectKey> wakeService,
    IResourceClientProvider clients,
    StatusWriter statusWriter,
    EventRecorder events,
    OperatorMetrics metrics,
    TimeProvider clock,
    ILogger<ObservabilityPolicyReconciler> logger,
    IReadOnlyCollection<string>? watchedNamespaces = null,
    PolicyReconcileCosts? costs = null)
{
    public const string ControllerName = "observabilitypolicy";

    private readonly ConcurrentDictionary<ObjectKey, IncrementalPolicyRender> _renders = new();

    /// <summary>How the latest render of the policy <paramref name="key"/> was made (null before its first, or once it is gone).</summary>
    public PolicyRenderStep? LastRender(ObjectKey key) => _renders.TryGetValue(key, out var render) ? render.LastStep : null;

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var ns = key.Namespace ?? "";
        var policy = caches.Policies.Cache.Get(key);
        if (policy is null || policy.Metadata.DeletionTimestamp is not null)
        {
            // Its namespaced children carry its owner reference: garbage collection removes them. Its cluster-scoped ones
            // cannot, so they go here: before its finalizer is removed, or, for a policy gone without it (the finalizer
            // removed by hand), whenever one of them is seen.
            metrics.RemoveSamplingConfigMap(ns, key.Name);
            publishedSampling.Forget(key);
            _renders.TryRemove(key, out _);
            return await ReconcileDeleteAsync(key, policy, cancellationToken).ConfigureAwait(false);
        }

        var started = clock.GetTimestamp();
        var render = _renders.GetOrAdd(key, k => new IncrementalPolicyRender(k.Namespace ?? "", k.Name));
        var previous = render.LastStep;
        try
        {
            return await ReconcileRenderedAsync(key, policy, render, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The debounce of the next service change follows what this reconcile cost, by the path its render took.
            if (render.LastStep is { } step && !ReferenceEquals(step, previous))
            {
                costs?.Record(step, clock.GetElapsedTime(started));
            }
        }
    }

    private async Task<ReconcileResult> ReconcileRenderedAsync(ObjectKey key, ObservabilityPolicy policy, IncrementalPolicyRender render, CancellationToken cancellationToken)
    {
        var ns = key.Namespace ?? "";

        // The policy's own render: its members' resolution and sampling, its objects; never the members' injections and
        // ServiceMonitors (the service reconciler's), nor the workloads and Services they read. Incremental: only the
        // services changed since the last render are resolved again, with the same result as rendering them all.
        var serviceMonitorApi = kinds.Any(k => k.ClrType == typeof(ServiceMonitor) && k.Served);
        var rendered = render.Render(caches.PolicyRenderInput(ns, key.Name, serviceMonitorApi));
        if (render.LastStep is { } step)
        {
            logger.LogDebug("Rendered ObservabilityPolicy {Namespace}/{Name}: {Path} ({Reason}), {Resolved} WaddleServices resolved", ns, key.Name, step.Path, step.Reason, step.Resolved);
        }

        var outcome = rendered.Outcome;
        var desired = rendered.Objects.Where(o => IsChildOf(o, ns, key.Name)).ToList();
        var conditions = outcome.Conditions;
        var retry = false;
        var foreign = new List<IKubernetesObject<V1ObjectMeta>>();

        // Every child is tried even when an earlier one fails on the API server; the reconcile fails after them.
        var failures = new WriteFailures();

        // Garbage collection cannot remove a cluster-scoped child: the finalizer goes on before the first is written.
        if (desired.Any(d => !KindOf(d).Namespaced) && !policy.HasFinalizer(WellKnown.PolicyFinalizer))
        {
            return await WriteFinalizerAsync(policy, add: true, cancellationToken).ConfigureAwait(false);
        }

        foreach (var child in desired)
        {
            var kind = KindOf(child);
            if (!kind.Served)
            {
                // An optional API that went away since the render: the next reconcile renders without it.
                retry = true;
                continue;
            }

            // Rendering leaves owner references out when the policy has no uid (render from files); here it always has
            // one. A cluster-scoped child never gets one: it is found by its labels.
            if (kind.Namespaced)
            {
                child.Metadata.OwnerReferences ??= OwnerReferences.To(policy);
            }

            switch (await failures.TryAsync<WriteAction?>(async () => await kind.ApplyAsync(child, cancellationToken).ConfigureAwait(false), failed: null).ConfigureAwait(false))
            {
                case WriteAction.NotOwned:
                    foreign.Add(child);
                    break;
                case WriteAction.Conflict:
                    retry = true;
                    break;
            }
        }

        // Children of this policy it no longer renders (a backend switched off). While the backends' settings are invalid
        // nothing of them is rendered, but what the components still managed run is kept until the settings are fixed.
        // A namespaced child carries the policy's owner reference: found by the owner index, not by scanning the
        // namespace (whose Deployments, Services and ServiceMonitors are the services', 10 000 each at 10 000 services).
        var wanted = desired.Select(d => (d.GetType(), d.Metadata.Name)).ToHashSet();
        foreach (var kind in kinds)
        {
            var stale = (kind.Namespaced
                    ? kind.OwnedBy(policy.Metadata.Uid).Where(o => o.Metadata.NamespaceProperty == ns && OperatorControllers.Ownership.IsManaged(o.Metadata) && IsChildOf(o, ns, key.Name))
                    : kind.Managed(null).Where(o => IsChildOf(o, ns, key.Name)))
                .Where(o => !Kept(o, rendered.KeptInstances));
            foreach (var child in stale.Where(o => !wanted.Contains((o.GetType(), o.Metadata.Name))).ToList())
            {
                logger.LogInformation("Deleting {Kind} {Namespace}/{Name}: ObservabilityPolicy {Policy} no longer renders it", child.Kind, ns, child.Metadata.Name, key.Name);
                await failures.TryAsync(() => kind.DeleteAsync(child, cancellationToken)).ConfigureAwait(false);
            }
        }

        failures.ThrowIfAny();

        // No cluster-scoped child left to remove: the finalizer has nothing to wait for.
        if (!retry && policy.HasFinalizer(WellKnown.PolicyFinalizer) && !desired.Any(d => !KindOf(d).Namespaced) && !ClusterScopedChildren(key).Any())
        {
            return await WriteFinalizerAsync(policy, add: false, cancellationToken).ConfigureAwait(false);
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
            // Level-based: a change is told once, by the write that first puts its sentence into BackendsReady.
            var before = policy.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.BackendsReady)?.Message ?? "";
            foreach (var change in rendered.Changes.Where(c => !before.Contains(c.Message, StringComparison.Ordinal)))
            {
                await events.RecordAsync(policy, EventSeverity.Normal, change.Reason, "Reconcile", change.Message, cancellationToken).ConfigureAwait(false);
            }

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

    /// <summary>
    /// A policy deleted (or gone): its cluster-scoped children are deleted by their labels, then its finalizer removed.
    /// Only for a namespace this operator watches: with --namespaces, another operator may own the others' policies.
    /// </summary>
    private async Task<ReconcileResult> ReconcileDeleteAsync(ObjectKey key, ObservabilityPolicy? policy, CancellationToken cancellationToken)
    {
        if (watchedNamespaces is { Count: > 0 } && !watchedNamespaces.Contains(key.Namespace ?? ""))
        {
            return ReconcileResult.Done;
        }

        var failures = new WriteFailures();
        foreach (var (kind, child) in ClusterScopedChildren(key).ToList())
        {
            logger.LogInformation("Deleting {Kind} {Name}: its ObservabilityPolicy {Namespace}/{Policy} is {State}", child.Kind, child.Metadata.Name, key.Namespace, key.Name, policy is null ? "gone" : "being deleted");
            await failures.TryAsync(() => kind.DeleteAsync(child, cancellationToken)).ConfigureAwait(false);
        }

        // The finalizer stays until every cluster-scoped child is gone.
        failures.ThrowIfAny();

        return policy is not null && policy.HasFinalizer(WellKnown.PolicyFinalizer)
            ? await WriteFinalizerAsync(policy, add: false, cancellationToken).ConfigureAwait(false)
            : ReconcileResult.Done;
    }

    /// <summary>An object of a component the policy still manages while its settings are invalid: left as it is.</summary>
    private static bool Kept(IKubernetesObject<V1ObjectMeta> child, IReadOnlySet<string> keptInstances) =>
        keptInstances.Count > 0 && child.Metadata.Labels is { } labels && labels.TryGetValue(WellKnown.InstanceLabel, out var instance) && keptInstances.Contains(instance);

    /// <summary>The cluster-scoped objects the operator made for the policy <paramref name="key"/>, by its labels.</summary>
    private IEnumerable<(IOwnedKind Kind, IKubernetesObject<V1ObjectMeta> Child)> ClusterScopedChildren(ObjectKey key) =>
        kinds.Where(k => !k.Namespaced).SelectMany(k => k.Managed(null).Where(o => IsChildOf(o, key.Namespace ?? "", key.Name)).Select(o => (k, o)));

    private async Task<ReconcileResult> WriteFinalizerAsync(ObservabilityPolicy policy, bool add, CancellationToken cancellationToken)
    {
        var body = OperatorJson.Clone(policy);
        if (add)
        {
            body.AddFinalizer(WellKnown.PolicyFinalizer);
        }
        else
        {
            body.RemoveFinalizer(WellKnown.PolicyFinalizer);
        }

        try
        {
            var written = await clients.For<ObservabilityPolicy>().ReplaceAsync(policy.Metadata.NamespaceProperty, policy.Metadata.Name, body, cancellationToken).ConfigureAwait(false);
            caches.Policies.ObserveUpdate(written, policy.Metadata.ResourceVersion);
            logger.LogInformation("{Action} the finalizer {Finalizer} of ObservabilityPolicy {Namespace}/{Name}", add ? "Added" : "Removed", WellKnown.PolicyFinalizer, policy.Metadata.NamespaceProperty, policy.Metadata.Name);
            // Added: the policy's update (its finalizers changed) wakes the reconcile that goes on. Removed: nothing left
            // to do, or the deletion completes.
            return ReconcileResult.Done;
        }
        catch (k8s.Autorest.HttpOperationException e) when (KubeErrors.IsConflict(e))
        {
            return ReconcileResult.Retry;
        }
        catch (k8s.Autorest.HttpOperationException e) when (KubeErrors.IsNotFound(e))
        {
            return ReconcileResult.Done;
        }
    }

    private IOwnedKind KindOf(IKubernetesObject<V1ObjectMeta> child) =>
        kinds.FirstOrDefault(k => k.ClrType == child.GetType())
        ?? throw new InvalidOperationException($"the policy controller does not declare that it owns {child.Kind}, so it cannot manage {child.Kind} \"{child.Metadata.Name}\"");

    /// <summary>
    /// Objects of the policy itself: its label, and not a WaddleService's child (a service's ServiceMonitor carries both
    /// labels, so the policy never takes it for its own nor deletes it); a cluster-scoped one also names the policy's
    /// namespace, since policies of one name in two namespaces share the cluster scope.
    /// </summary>
    private static bool IsChildOf(IKubernetesObject<V1ObjectMeta> obj, string @namespace, string policy) =>
        obj.Metadata.Labels is { } labels
        && labels.TryGetValue(WellKnown.PolicyLabel, out var p) && p == policy
        && !labels.ContainsKey(WellKnown.ServiceLabel)
        && (obj.Metadata.NamespaceProperty is not null
            || (labels.TryGetValue(WellKnown.PolicyNamespaceLabel, out var ns) && ns == @namespace));
}
