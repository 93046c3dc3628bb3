using System.Globalization;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// The whole rendering step: policies, WaddleServices and what was observed in, every desired object, the patched
/// workloads and the outcomes out. Pure and deterministic: the same input gives the same output, in the same order.
/// </summary>
public static class SystemRenderer
{
    private const string NotRenderedMessage = "not rendered: this render was of the policies only";

    /// <summary>The message of a WaddleService's True Ready.</summary>
    public const string ServiceReadyMessage = "environment injected, monitoring and sampling configured";

    // Helm's install order, so that a listing reads (and applies) dependencies first.
    private static readonly string[] KindOrder =
    [
        "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodDisruptionBudget", "ServiceAccount", "Secret",
        "ConfigMap", "StorageClass", "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole",
        "ClusterRoleBinding", "Role", "RoleBinding", "Service", "DaemonSet", "Pod", "ReplicaSet", "Deployment",
        "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "Ingress",
    ];

    public static RenderOutput Render(RenderInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var resolver = new PolicyResolver(input.Policies);
        var objects = new List<IKubernetesObject<V1ObjectMeta>>();
        var workloadChanges = new List<WorkloadChange>();
        var workloads = Index(input.Workloads);
        var services = input.Services
            .OrderBy(s => s.Metadata.NamespaceProperty ?? "", StringComparer.Ordinal)
            .ThenBy(s => s.Metadata.Name, StringComparer.Ordinal)
            .ToList();
        var servicesByLabel = IndexByLabel(input.KubernetesServices);

        var resolutions = services.Select(s => (Service: s, Resolution: resolver.Resolve(s))).ToList();
        var claims = input.ServiceChildren ? Claims(resolutions.Where(r => r.Resolution.Succeeded).Select(r => r.Service), workloads) : [];

        // Per service: conditions gathered in a fixed order, sampling filled in once the policy documents exist.
        var drafts = new List<ServiceDraft>(resolutions.Count);
        foreach (var (service, resolution) in resolutions)
        {
            var draft = new ServiceDraft(service, resolution);
            drafts.Add(draft);
            if (resolution.Service is not { } resolved)
            {
                var waiting = resolution.Outcome.Message;
                draft.WorkloadInjected = new(ConditionTypes.WorkloadInjected, false, resolution.Outcome.Reason, waiting);
                draft.MonitoringConfigured = new(ConditionTypes.MonitoringConfigured, false, resolution.Outcome.Reason, waiting);
                draft.SamplingPublished = new(ConditionTypes.SamplingPublished, false, resolution.Outcome.Reason, waiting);
                continue;
            }

            if (!input.ServiceChildren)
            {
                draft.WorkloadInjected = new(ConditionTypes.WorkloadInjected, false, Reasons.NotRendered, NotRenderedMessage);
                draft.MonitoringConfigured = new(ConditionTypes.MonitoringConfigured, false, Reasons.NotRendered, NotRenderedMessage);
                continue;
            }

            Inject(draft, resolved, workloads, claims, workloadChanges);
            var monitor = ServiceMonitorRenderer.Render(resolved, input.Capabilities.ServiceMonitorApi,
                servicesByLabel is null ? null : Candidates(servicesByLabel, resolved));
            draft.MonitoringConfigured = monitor.Outcome;
            if (monitor.ServiceMonitor is not null)
            {
                objects.Add(monitor.ServiceMonitor);
            }
        }

        if (input.ServiceChildren)
        {
            RemoveStaleInjections(input.Workloads, services, workloadChanges);
        }

        var policyOutcomes = new List<PolicyOutcome>();
        var byPolicy = drafts
            .Where(d => d.Resolution.Policy is not null)
            .GroupBy(d => (Namespace: d.Resolution.Policy!.Metadata.NamespaceProperty ?? "", Name: d.Resolution.Policy!.Metadata.Name))
            .ToDictionary(g => g.Key, g => g.ToList());
        foreach (var policy in input.Policies
            .OrderBy(p => p.Metadata.NamespaceProperty ?? "", StringComparer.Ordinal)
            .ThenBy(p => p.Metadata.Name, StringComparer.Ordinal))
        {
            var key = (Namespace: policy.Metadata.NamespaceProperty ?? "", Name: policy.Metadata.Name);
            var members = byPolicy.GetValueOrDefault(key) ?? [];
            policyOutcomes.Add(RenderPolicy(policy, resolver, members, resolver.Problems, objects, input.ManagedBackends));
        }

        foreach (var draft in drafts.Where(d => d.Resolution.Succeeded && d.Resolution.Policy is null))
        {
            draft.SamplingPublished ??= draft.Resolution.Service!.TracingEnabled
                ? new(ConditionTypes.SamplingPublished, true, Reasons.NoPolicyDocument,
                    "built-in defaults: the sampling ratio is set in the environment; no strategies document is published")
                : new(ConditionTypes.SamplingPublished, true, Reasons.TracingDisabled, "tracing is off for this service");
        }

        return new RenderOutput(
            [.. objects.OrderBy(KindRank).ThenBy(o => o.Metadata.NamespaceProperty ?? "", StringComparer.Ordinal).ThenBy(o => o.Metadata.Name, StringComparer.Ordinal)],
            [.. workloadChanges
                .OrderBy(w => w.Workload.Metadata.NamespaceProperty ?? "", StringComparer.Ordinal)
                .ThenBy(w => w.Workload.Kind, StringComparer.Ordinal)
                .ThenBy(w => w.Workload.Metadata.Name, StringComparer.Ordinal)],
            [.. drafts.Select(d => d.ToOutcome(readyMessage: input.ServiceChildren))],
            policyOutcomes);
    }

    private static void Inject(
        ServiceDraft draft,
        ResolvedService resolved,
        Dictionary<(string Namespace, string Name), List<IKubernetesObject<V1ObjectMeta>>> workloads,
        Dictionary<(string Namespace, WorkloadKind Kind, string Name), string> claims,
        List<WorkloadChange> changes)
    {
        var reference = resolved.Source.Spec.Workload;
        var kind = reference.Kind ?? WaddleBotDefaults.Workload;
        var ns = resolved.Namespace ?? "";
        var sameName = workloads.GetValueOrDefault((ns, reference.Name)) ?? [];
        var workload = sameName.FirstOrDefault(w => WorkloadInjection.KindOf(w) == kind);
        if (workload is null)
        {
            draft.WorkloadInjected = sameName.Count > 0
                ? new(ConditionTypes.WorkloadInjected, false, Reasons.WorkloadKindMismatch,
                    $"spec.workload names {kind} \"{reference.Name}\", but \"{reference.Name}\" in namespace \"{ns}\" is a {string.Join(" and a ", sameName.Select(w => WorkloadInjection.KindOf(w)).Distinct())}; set spec.workload.kind")
                : new(ConditionTypes.WorkloadInjected, false, Reasons.WorkloadNotFound,
                    $"{kind} \"{reference.Name}\" does not exist in namespace \"{ns}\"; the environment is injected once it does");
            return;
        }

        if (claims.TryGetValue((ns, kind, reference.Name), out var owner) && owner != resolved.Name)
        {
            draft.WorkloadInjected = new(ConditionTypes.WorkloadInjected, false, Reasons.WorkloadClaimed,
                $"{kind} \"{reference.Name}\" is injected by WaddleService \"{owner}\"; one workload takes one WaddleService");
            return;
        }

        var plan = EnvInjectionPlanner.Plan(resolved, WorkloadInjection.PodTemplate(workload).Spec ?? new V1PodSpec());
        if (plan.Plan is null)
        {
            draft.WorkloadInjected = plan.Failure;
            return;
        }

        var result = WorkloadInjection.Apply(workload, plan.Plan);
        changes.Add(new WorkloadChange(result.Workload, result.Changed, false, resolved.Name));
        draft.OverriddenEnv = result.OverriddenEnv;
        draft.ConfigHash = result.ConfigHash;
        var containers = string.Join(", ", plan.Plan.Containers.Select(c => c.Container));
        var overridden = result.OverriddenEnv.Count == 0
            ? ""
            : $"; left as the user set them: {string.Join(", ", result.OverriddenEnv)}";
        draft.WorkloadInjected = new(ConditionTypes.WorkloadInjected, true, Reasons.Injected,
            $"{kind} \"{reference.Name}\" containers {containers} (config hash {result.ConfigHash}){overridden}");
    }

    /// <summary>
    /// Which WaddleService injects each workload: the one its injected-by label names while that one still points at
    /// it, otherwise the first by name. Keeps an existing injection stable when a second service names the workload.
    /// </summary>
    private static Dictionary<(string Namespace, WorkloadKind Kind, string Name), string> Claims(
        IEnumerable<WaddleService> services,
        Dictionary<(string Namespace, string Name), List<IKubernetesObject<V1ObjectMeta>>> workloads)
    {
        var claims = new Dictionary<(string, WorkloadKind, string), string>();
        foreach (var group in services.GroupBy(s => (s.Metadata.NamespaceProperty ?? "", s.Spec.Workload.Kind ?? WaddleBotDefaults.Workload, s.Spec.Workload.Name)))
        {
            var names = group.Select(s => s.Metadata.Name).Order(StringComparer.Ordinal).ToList();
            var (ns, kind, name) = group.Key;
            var labelled = workloads.GetValueOrDefault((ns, name))?.FirstOrDefault(w => WorkloadInjection.KindOf(w) == kind) is { } w
                ? WorkloadInjection.InjectedBy(w)
                : null;
            claims[group.Key] = labelled is not null && names.Contains(labelled) ? labelled : names[0];
        }

        return claims;
    }

    /// <summary>Workloads still labelled as injected by a WaddleService that no longer exists or no longer names them get the injection taken out.</summary>
    private static void RemoveStaleInjections(
        IReadOnlyList<IKubernetesObject<V1ObjectMeta>> observed,
        List<WaddleService> services,
        List<WorkloadChange> changes)
    {
        var targets = services
            .Select(s => (s.Metadata.NamespaceProperty ?? "", s.Metadata.Name, s.Spec.Workload.Kind ?? WaddleBotDefaults.Workload, s.Spec.Workload.Name))
            .ToHashSet();
        var patched = changes.Select(c => (c.Workload.Metadata.NamespaceProperty ?? "", c.Workload.Kind, c.Workload.Metadata.Name)).ToHashSet();
        foreach (var workload in observed)
        {
            if (WorkloadInjection.InjectedBy(workload) is not { } by)
            {
                continue;
            }

            var ns = workload.Metadata.NamespaceProperty ?? "";
            if (targets.Contains((ns, by, WorkloadInjection.KindOf(workload), workload.Metadata.Name))
                || patched.Contains((ns, workload.Kind, workload.Metadata.Name)))
            {
                continue;
            }

            var removed = WorkloadInjection.Remove(workload);
            changes.Add(new WorkloadChange(removed.Workload, removed.Changed, true, by));
        }
    }

    private static PolicyOutcome RenderPolicy(
        ObservabilityPolicy policy,
        PolicyResolver resolver,
        List<ServiceDraft> members,
        IReadOnlyList<PolicyProblem> problems,
        List<IKubernetesObject<V1ObjectMeta>> objects,
        bool managedBackends)
    {
        var ns = policy.Metadata.NamespaceProperty ?? "";
        var name = policy.Metadata.Name;
        var effective = resolver.Effective(ns, name)!;
        var resolved = members.Select(m => m.Resolution.Service!).ToList();
        var errors = new List<ReadyProblem>();
        var notes = new List<string>();
        foreach (var problem in problems.Where(p => p.Namespace == ns && p.Name == name))
        {
            errors.Add(new(problem.Reason, problem.Message));
        }

        if (effective.Tracing.HeadersSecret is { } secret && (string.IsNullOrEmpty(secret.Name) || string.IsNullOrEmpty(secret.Key)))
        {
            errors.Add(new(Reasons.InvalidHeadersSecretRef, "spec.tracing.headersSecretRef needs both name and key"));
        }

        if (PrometheusDuration.TryParseMilliseconds(effective.Metrics.ScrapeInterval, out var interval)
            && PrometheusDuration.TryParseMilliseconds(effective.Metrics.ScrapeTimeout, out var timeout)
            && timeout > interval)
        {
            errors.Add(new(Reasons.ScrapeTimeoutExceedsInterval,
                $"spec.metrics.scrapeTimeout {effective.Metrics.ScrapeTimeout} exceeds spec.metrics.scrapeInterval {effective.Metrics.ScrapeInterval}"));
        }

        var backends = managedBackends ? ManagedBackendsRenderer.RenderForPolicy(effective, resolved) : ManagedBackendsResult.None;
        objects.AddRange(backends.Objects);
        foreach (var conflict in members.Where(m => m.Resolution.Outcome.Reason == Reasons.PolicyConflict))
        {
            notes.Add($"WaddleService \"{conflict.Service.Metadata.Name}\": {conflict.Resolution.Outcome.Message}");
        }

        var sampling = SamplingStrategiesDocument.Render(policy, effective, resolved);
        if (sampling.ConfigMap is not null)
        {
            objects.Add(sampling.ConfigMap);
        }

        foreach (var member in members)
        {
            member.SamplingPublished = sampling.ServiceOutcomes.GetValueOrDefault(member.Service.Metadata.Name);
        }

        var steps = new List<ConditionOutcome> { sampling.Outcome };
        if (backends.Outcome is not null)
        {
            steps.Add(backends.Outcome);
        }

        var conditions = ReadySummary.WithReady(steps, $"{members.Count.ToString(CultureInfo.InvariantCulture)} WaddleServices use this policy",
            new ReadySummaryOptions { Problems = errors, NameSteps = false, Notes = notes });

        return new PolicyOutcome(
            ns,
            name,
            policy.Metadata.Generation,
            members.Count,
            conditions,
            backends.Endpoints,
            sampling.SizeBytes);
    }

    /// <summary>
    /// Services by namespace and each of their labels, so that finding a WaddleService's Services costs one lookup
    /// instead of a scan of every Service: rendering stays O(services) with thousands of both.
    /// </summary>
    private static Dictionary<(string Namespace, string Key, string Value), List<V1Service>>? IndexByLabel(IReadOnlyList<V1Service>? services)
    {
        if (services is null)
        {
            return null;
        }

        var index = new Dictionary<(string, string, string), List<V1Service>>();
        foreach (var service in services)
        {
            foreach (var (key, value) in service.Metadata?.Labels ?? new Dictionary<string, string>())
            {
                var entry = (service.Metadata!.NamespaceProperty ?? "", key, value);
                if (!index.TryGetValue(entry, out var list))
                {
                    index[entry] = list = [];
                }

                list.Add(service);
            }
        }

        return index;
    }

    /// <summary>Services carrying the first label of the selector: a superset of the matches, which the ServiceMonitor renderer narrows.</summary>
    private static IReadOnlyList<V1Service> Candidates(Dictionary<(string Namespace, string Key, string Value), List<V1Service>> index, ResolvedService service)
    {
        var (key, value) = service.ServiceSelector[0];
        return index.GetValueOrDefault((service.Namespace ?? "", key, value)) ?? [];
    }

    private static Dictionary<(string Namespace, string Name), List<IKubernetesObject<V1ObjectMeta>>> Index(IReadOnlyList<IKubernetesObject<V1ObjectMeta>> workloads)
    {
        var index = new Dictionary<(string, string), List<IKubernetesObject<V1ObjectMeta>>>();
        foreach (var workload in workloads.Where(w => w is V1Deployment or V1StatefulSet or V1DaemonSet))
        {
            var key = (workload.Metadata.NamespaceProperty ?? "", workload.Metadata.Name);
            if (!index.TryGetValue(key, out var list))
            {
                index[key] = list = [];
            }

            list.Add(workload);
        }

        return index;
    }

    private static int KindRank(IKubernetesObject<V1ObjectMeta> o)
    {
        var rank = Array.IndexOf(KindOrder, o.Kind);
        return rank < 0 ? KindOrder.Length : rank;
    }

    private sealed class ServiceDraft(WaddleService service, PolicyResolution resolution)
    {
        public WaddleService Service { get; } = service;
        public PolicyResolution Resolution { get; } = resolution;
        public ConditionOutcome? WorkloadInjected { get; set; }
        public ConditionOutcome? MonitoringConfigured { get; set; }
        public ConditionOutcome? SamplingPublished { get; set; }
        public IReadOnlyList<string> OverriddenEnv { get; set; } = [];
        public string? ConfigHash { get; set; }

        /// <summary>The outcome; without <paramref name="readyMessage"/> a failing Ready carries a fixed message instead of its steps' messages joined (a policies-only render, whose services' Ready nobody reads).</summary>
        public ServiceOutcome ToOutcome(bool readyMessage = true)
        {
            var steps = new List<ConditionOutcome>
            {
                Resolution.Outcome,
                WorkloadInjected!,
                MonitoringConfigured!,
                SamplingPublished ?? new(ConditionTypes.SamplingPublished, false, Reasons.PolicyNotFound, "the policy was not rendered"),
            };
            var conditions = ReadySummary.WithReady(steps, ServiceReadyMessage, readyMessage ? null : new ReadySummaryOptions { FailureMessage = NotRenderedMessage });
            var resolved = Resolution.Service;
            return new ServiceOutcome(
                Service.Metadata.NamespaceProperty ?? "",
                Service.Metadata.Name,
                Service.Metadata.Generation,
                Resolution.Policy?.Metadata.Name,
                resolved,
                conditions,
                resolved is null ? null : new EffectiveSettings
                {
                    ServiceName = resolved.ServiceName,
                    Exporter = resolved.TracingEnabled ? EnvInjectionPlanner.ExporterName(resolved.Policy.Tracing.Exporter) : "none",
                    Endpoint = resolved.TracingEnabled ? resolved.Policy.Tracing.Endpoint : "",
                    SamplingRatio = resolved.SamplingRatio,
                    ScrapeInterval = resolved.MetricsEnabled ? resolved.ScrapeInterval : null,
                },
                OverriddenEnv,
                ConfigHash);
        }
    }
}
