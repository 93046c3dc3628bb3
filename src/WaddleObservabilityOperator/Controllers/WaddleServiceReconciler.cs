using k8s.Autorest;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Json;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// Reconciles one WaddleService: finalizer first; then, from the caches and the rendering layer, the env injected into
/// its workload, the children of each kind its controller declares it owns (its ServiceMonitor) and its status. Deletion takes out exactly what was injected, then the finalizer.
/// Writes happen only where the cluster differs from what was rendered.
/// </summary>
public sealed class WaddleServiceReconciler(
    OperatorCaches caches,
    IResourceClientProvider clients,
    IReadOnlyList<IOwnedKind> ownedKinds,
    PublishedSampling publishedSampling,
    StatusWriter statusWriter,
    EventRecorder events,
    TimeProvider clock,
    ILogger<WaddleServiceReconciler> logger)
{
    public const string ControllerName = "waddleservice";

    public async Task<ReconcileResult> ReconcileAsync(ObjectKey key, CancellationToken cancellationToken)
    {
        var service = caches.WaddleServices.Cache.Get(key);
        if (service is null)
        {
            // Deleted and finalized: the ServiceMonitor goes with it by owner reference.
            return ReconcileResult.Done;
        }

        if (service.Metadata.DeletionTimestamp is not null)
        {
            return await ReconcileDeleteAsync(service, cancellationToken).ConfigureAwait(false);
        }

        if (!service.HasFinalizer(WellKnown.Finalizer))
        {
            // Before anything is injected, so a deletion can never leave injected env behind.
            var body = Copy(service);
            body.AddFinalizer(WellKnown.Finalizer);
            return await WriteAsync(() => clients.For<WaddleService>().ReplaceAsync(key.Namespace, key.Name, body, cancellationToken), "add the finalizer to", service).ConfigureAwait(false);
        }

        return await ReconcileNormalAsync(service, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ReconcileResult> ReconcileNormalAsync(WaddleService service, CancellationToken cancellationToken)
    {
        var ns = service.Metadata.NamespaceProperty;
        var name = service.Metadata.Name;
        var apiPresent = ownedKinds.Any(k => k.ClrType == typeof(ServiceMonitor) && k.Served);
        // The service's own neighbourhood, not its namespace: a reconcile costs the same with 10 000 services as with 10.
        var prometheusRuleApi = ownedKinds.Any(k => k.ClrType == typeof(PrometheusRule) && k.Served);
        var rendered = ServiceRenderer.Render(caches.RenderInputFor(service, apiPresent, prometheusRuleApi), ns, name);
        var outcome = rendered.Outcome;
        var conditions = outcome.Conditions;
        var retry = false;

        // Every write below is tried even when an earlier one fails on the API server; the reconcile fails after them.
        var failures = new WriteFailures();

        // The workload: ours, and stale injections of ours in workloads this service no longer names.
        foreach (var change in rendered.Workloads.Where(w => w.Changed))
        {
            retry |= !await failures.TryAsync(() => WriteWorkloadAsync(service, change, cancellationToken), failed: true).ConfigureAwait(false);
        }

        // Its children, kind by kind as its controller declares them, only where the kind's API is served; those of its
        // own it no longer renders are deleted.
        foreach (var kind in ownedKinds.Where(k => k.Served))
        {
            var desired = rendered.Children.Where(c => c.Object.GetType() == kind.ClrType).ToList();
            foreach (var child in desired)
            {
                switch (await failures.TryAsync<WriteAction?>(async () => await kind.ApplyAsync(child.Object, cancellationToken).ConfigureAwait(false), failed: null).ConfigureAwait(false))
                {
                    case WriteAction.NotOwned:
                        conditions = ReadySummary.WithStep(conditions, new ConditionOutcome(child.ConditionType, false, Reasons.Conflict,
                            $"{child.Object.Kind} \"{child.Object.Metadata.Name}\" exists and is not managed by the operator; it is left untouched. Delete or rename it to let the operator create its own"), ReadyMessage);
                        break;
                    case WriteAction.Conflict:
                        retry = true;
                        break;
                }
            }

            var wanted = desired.Select(c => c.Object.Metadata.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var stale in kind.OwnedBy(service.Metadata.Uid).Where(o => OperatorControllers.Ownership.IsManaged(o.Metadata) && !wanted.Contains(o.Metadata.Name)))
            {
                await failures.TryAsync(() => kind.DeleteAsync(stale, cancellationToken)).ConfigureAwait(false);
            }
        }

        failures.ThrowIfAny();
        conditions = SamplingAsPublished(rendered, outcome, conditions);

        // A reconcile that retries has not yet made the cluster match this generation: its conditions are reported, its
        // observedGeneration only by a reconcile that needs no retry.
        var status = StatusRenderer.ServiceStatus(outcome with { Conditions = conditions }, clock.GetUtcNow().UtcDateTime, service.Status, settled: !retry);
        var written = await statusWriter.UpdateAsync(service, status, cancellationToken).ConfigureAwait(false);
        if (written.Action == WriteAction.Conflict)
        {
            return ReconcileResult.Retry;
        }

        if (written is { Action: WriteAction.Updated, Object: { } updated })
        {
            caches.WaddleServices.ObserveUpdate(updated, service.Metadata.ResourceVersion);
        }

        if (written.Action == WriteAction.Updated)
        {
            await RecordTransitionsAsync(service, service.Status?.Conditions, status.Conditions, cancellationToken).ConfigureAwait(false);
        }

        return retry ? ReconcileResult.Retry : ReconcileResult.Done;
    }

    private async Task<ReconcileResult> ReconcileDeleteAsync(WaddleService service, CancellationToken cancellationToken)
    {
        if (!service.HasFinalizer(WellKnown.Finalizer))
        {
            return ReconcileResult.Done;
        }

        var ns = service.Metadata.NamespaceProperty;
        foreach (var workload in caches.InjectedBy(ns, service.Metadata.Name).ToList())
        {
            var removed = WorkloadInjection.Remove(workload);
            if (removed.Changed && !await WriteWorkloadAsync(service, new WorkloadChange(removed.Workload, true, true, service.Metadata.Name, removed.Patch), cancellationToken).ConfigureAwait(false))
            {
                // The finalizer stays until the injection is out.
                return ReconcileResult.Retry;
            }
        }

        var body = Copy(service);
        body.RemoveFinalizer(WellKnown.Finalizer);
        return await WriteAsync(() => clients.For<WaddleService>().ReplaceAsync(ns, service.Metadata.Name, body, cancellationToken), "remove the finalizer from", service).ConfigureAwait(false);
    }

    /// <summary>
    /// SamplingPublished is true only once the policy's ConfigMap in the cluster holds this service's strategy as
    /// rendered (the policy controller writes the document, coalesced), false with Conflict when a foreign ConfigMap
    /// holds its name, and false with the policy-wide verdict (document too large, service-name conflict) when the
    /// policy's last render of all its members found one.
    /// </summary>
    private IReadOnlyList<ConditionOutcome> SamplingAsPublished(ServiceRender rendered, ServiceOutcome outcome, IReadOnlyList<ConditionOutcome> conditions)
    {
        var sampling = conditions.FirstOrDefault(c => c.Type == ConditionTypes.SamplingPublished);
        if (sampling is not { Status: true } || outcome.PolicyName is null)
        {
            return conditions;
        }

        if (publishedSampling.Verdict(new ObjectKey(outcome.Namespace, outcome.PolicyName), outcome.Name) is { } verdict)
        {
            return ReadySummary.WithStep(conditions, verdict, ReadyMessage);
        }

        var cmName = ChildNames.SamplingConfigMap(outcome.PolicyName);
        var desired = rendered.SamplingConfigMap;
        if (desired is null)
        {
            return conditions;
        }

        var actual = caches.ConfigMaps.Cache.Get(outcome.Namespace, cmName);
        if (actual is not null && !OperatorControllers.Ownership.IsManaged(actual.Metadata))
        {
            return ReadySummary.WithStep(conditions, new ConditionOutcome(ConditionTypes.SamplingPublished, false, Reasons.Conflict,
                $"ConfigMap \"{cmName}\" exists and is not managed by the operator, so the sampling strategies cannot be published"), ReadyMessage);
        }

        if (actual is null || outcome.Resolved is null || !publishedSampling.Holds(actual, desired, outcome.Resolved.ServiceName))
        {
            return ReadySummary.WithStep(conditions, new ConditionOutcome(ConditionTypes.SamplingPublished, false, Reasons.SamplingPending,
                $"waiting for ConfigMap \"{cmName}\" to hold the strategies of ObservabilityPolicy \"{outcome.PolicyName}\""), ReadyMessage);
        }

        return conditions;
    }

    private const string ReadyMessage = ServiceRenderer.ReadyMessage;

    /// <summary>
    /// Writes a workload's injection (or its removal) as the strategic merge patch rendering made
    /// (<see cref="WorkloadPatch"/>): the operator's label, annotations and env entries only, conditional on the
    /// resourceVersion it was rendered from; false when the cache was stale (409) or the workload is gone.
    /// </summary>
    private async Task<bool> WriteWorkloadAsync(WaddleService service, WorkloadChange change, CancellationToken cancellationToken)
    {
        var workload = change.Workload;
        var ns = workload.Metadata.NamespaceProperty;
        var name = workload.Metadata.Name;
        if (change.Patch is not { } patch)
        {
            return true;
        }

        var body = new V1Patch(patch.ToJsonString(), V1Patch.PatchType.StrategicMergePatch);
        var basedOn = patch["metadata"]?["resourceVersion"]?.GetValue<string>();
        try
        {
            _ = workload switch
            {
                V1Deployment => caches.Deployments.ObserveUpdate(await clients.For<V1Deployment>().PatchAsync(ns, name, body, cancellationToken).ConfigureAwait(false), basedOn),
                V1StatefulSet => caches.StatefulSets.ObserveUpdate(await clients.For<V1StatefulSet>().PatchAsync(ns, name, body, cancellationToken).ConfigureAwait(false), basedOn),
                V1DaemonSet => caches.DaemonSets.ObserveUpdate(await clients.For<V1DaemonSet>().PatchAsync(ns, name, body, cancellationToken).ConfigureAwait(false), basedOn),
                _ => throw new InvalidOperationException($"{workload.Kind} is not a workload kind"),
            };
        }
        catch (HttpOperationException e) when (KubeErrors.IsConflict(e) || KubeErrors.IsNotFound(e))
        {
            logger.LogInformation("{Kind} {Namespace}/{Name} changed or vanished since it was cached; retrying", workload.Kind, ns, name);
            return false;
        }

        if (change.Removal)
        {
            logger.LogInformation("Removed the injected environment of WaddleService {Service} from {Kind} {Namespace}/{Name}", change.WaddleService, workload.Kind, ns, name);
            await events.RecordAsync(service, EventSeverity.Normal, "InjectionRemoved", "Remove",
                $"removed the injected environment, label and annotations from {workload.Kind} {name}", cancellationToken).ConfigureAwait(false);
        }
        else
        {
            string? hash = null;
            _ = WorkloadInjection.PodTemplate(workload).Metadata?.Annotations?.TryGetValue(WellKnown.ConfigHashAnnotation, out hash);
            logger.LogInformation("Injected the environment of WaddleService {Service} into {Kind} {Namespace}/{Name} (config hash {ConfigHash})", change.WaddleService, workload.Kind, ns, name, hash);
            await events.RecordAsync(service, EventSeverity.Normal, "Injected", "Inject",
                $"injected the observability environment into {workload.Kind} {name} (config hash {hash})", cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    private async Task<ReconcileResult> WriteAsync(Func<Task<WaddleService>> write, string what, WaddleService service)
    {
        try
        {
            var written = await write().ConfigureAwait(false);
            caches.WaddleServices.ObserveUpdate(written, service.Metadata.ResourceVersion);
            return ReconcileResult.Done;
        }
        catch (HttpOperationException e) when (KubeErrors.IsConflict(e))
        {
            logger.LogInformation("Could not {What} WaddleService {Namespace}/{Name}: it changed since it was cached; retrying", what, service.Metadata.NamespaceProperty, service.Metadata.Name);
            return ReconcileResult.Retry;
        }
        catch (HttpOperationException e) when (KubeErrors.IsNotFound(e))
        {
            return ReconcileResult.Done;
        }
    }

    /// <summary>A Warning event for each step that newly failed (or failed for a new reason): what a user must act on.</summary>
    private async Task RecordTransitionsAsync(WaddleService service, IList<V1Condition>? before, IList<V1Condition>? after, CancellationToken cancellationToken)
    {
        foreach (var condition in after ?? [])
        {
            if (condition.Type == ConditionTypes.Ready || condition.Status == "True" || condition.Reason == Reasons.SamplingPending)
            {
                continue;
            }

            var previous = before?.FirstOrDefault(c => c.Type == condition.Type);
            if (previous is not null && previous.Status == condition.Status && previous.Reason == condition.Reason)
            {
                continue;
            }

            await events.RecordAsync(service, EventSeverity.Warning, condition.Reason, "Reconcile", $"{condition.Type}: {condition.Message}", cancellationToken).ConfigureAwait(false);
        }
    }

    private static WaddleService Copy(WaddleService service)
    {
        var copy = OperatorJson.Clone(service);
        copy.Metadata.ManagedFields = null;
        return copy;
    }
}
