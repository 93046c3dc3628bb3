using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Models;
using WaddleObservabilityOperator.Rendering.Slos;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// What rendering found for one WaddleService: its outcome, the workload changes that are its own (its injection, and
/// the removal of stale injections it made), its ServiceMonitor, and its policy's sampling ConfigMap as rendered from the
/// members in the input (to check that the published one holds this service's strategy).
/// </summary>
public sealed record ServiceRender(
    ServiceOutcome Outcome,
    IReadOnlyList<WorkloadChange> Workloads,
    IReadOnlyList<ServiceChild> Children,
    V1ConfigMap? SamplingConfigMap)
{
    /// <summary>Its ServiceMonitor, when one is rendered.</summary>
    public ServiceMonitor? ServiceMonitor => Children.Select(c => c.Object).OfType<ServiceMonitor>().SingleOrDefault();
}

/// <summary>
/// An object a WaddleService owns, and the condition that fails (with reason Conflict) when a foreign object already
/// holds its name. The service reconciler writes every child of each kind its controller declares it owns.
/// </summary>
public sealed record ServiceChild(IKubernetesObject<V1ObjectMeta> Object, string ConditionType);

/// <summary>
/// Renders one WaddleService with its resolved policy: the injection plan into its workload, its ServiceMonitor and its
/// outcome. Never the policy's managed components (they are the <see cref="PolicyRenderer"/>'s). Pure and deterministic.
/// </summary>
public static class ServiceRenderer
{
    /// <summary>The message of a WaddleService's True Ready.</summary>
    public const string ReadyMessage = "environment injected, monitoring and sampling configured";

    /// <summary>
    /// Renders the WaddleService <paramref name="namespace"/>/<paramref name="name"/> of <paramref name="input"/>. The
    /// input is its neighbourhood: the policies of its namespace, the services naming the same workload (who injects
    /// it), the workloads involved and the Services its selector can match.
    /// </summary>
    public static ServiceRender Render(RenderInput input, string @namespace, string name)
    {
        ArgumentNullException.ThrowIfNull(input);
        var resolution = Resolution.Resolve(input.Policies, input.Services);
        var workloads = new WorkloadIndex(input.Workloads);
        var claims = resolution.Claims(workloads);
        var services = ServiceIndex.Of(input.KubernetesServices);
        var changes = new List<WorkloadChange>();
        ServiceDraft? target = null;
        IReadOnlyList<ServiceChild> children = [];
        foreach (var (service, serviceResolution) in resolution.Services)
        {
            var draft = new ServiceDraft(service, serviceResolution);
            if ((service.Metadata.NamespaceProperty ?? "") == (@namespace ?? "") && service.Metadata.Name == name)
            {
                target = draft;
                children = RenderChildren(draft, workloads, claims, services, input.Capabilities, changes);
            }
            else if (serviceResolution.Service is { } other)
            {
                // Another claimant of the workload: only what it patches matters here (a workload it injects is not stale).
                Inject(draft, other, workloads, claims, changes);
            }
        }

        if (target is null)
        {
            throw new InvalidOperationException($"WaddleService {@namespace}/{name} is not in the render input");
        }

        RemoveStaleInjections(input.Workloads, [.. resolution.Services.Select(s => s.Service)], changes);

        V1ConfigMap? samplingConfigMap = null;
        if (target.Resolution.Policy is { } policy)
        {
            var policyNamespace = policy.Metadata.NamespaceProperty ?? "";
            var members = resolution.MembersOf(policyNamespace, policy.Metadata.Name).Select(m => m.Resolution.Service!).ToList();
            var sampling = SamplingStrategiesDocument.Render(policy, resolution.Resolver.Effective(policyNamespace, policy.Metadata.Name)!, members);
            target.SamplingPublished = sampling.ServiceOutcomes.GetValueOrDefault(name);
            samplingConfigMap = sampling.ConfigMap;
        }
        else if (target.Resolution.Service is { } resolved)
        {
            target.SamplingPublished ??= DefaultSampling(resolved);
        }

        return new ServiceRender(
            target.ToOutcome(),
            [.. Ordered(changes.Where(c => c.WaddleService == name))],
            children,
            samplingConfigMap);
    }

    /// <summary>Workload changes by namespace, kind, name.</summary>
    internal static IEnumerable<WorkloadChange> Ordered(IEnumerable<WorkloadChange> changes) => changes
        .OrderBy(w => w.Workload.Metadata.NamespaceProperty ?? "", StringComparer.Ordinal)
        .ThenBy(w => w.Workload.Kind, StringComparer.Ordinal)
        .ThenBy(w => w.Workload.Metadata.Name, StringComparer.Ordinal);

    /// <summary>SamplingPublished of a service without a policy.</summary>
    internal static ConditionOutcome DefaultSampling(ResolvedService resolved) => resolved.TracingEnabled
        ? new(ConditionTypes.SamplingPublished, true, Reasons.NoPolicyDocument,
            "built-in defaults: the sampling ratio is set in the environment; no strategies document is published")
        : new(ConditionTypes.SamplingPublished, true, Reasons.TracingDisabled, "tracing is off for this service");

    /// <summary>The service's injection (added to <paramref name="changes"/>), its ServiceMonitor and its SLOs' PrometheusRule; the conditions go to the draft.</summary>
    internal static IReadOnlyList<ServiceChild> RenderChildren(
        ServiceDraft draft,
        WorkloadIndex workloads,
        Dictionary<(string Namespace, WorkloadKind Kind, string Name), string> claims,
        ServiceIndex? services,
        RenderCapabilities capabilities,
        List<WorkloadChange> changes)
    {
        if (draft.Resolution.Service is not { } resolved)
        {
            return [];
        }

        Inject(draft, resolved, workloads, claims, changes);
        var children = new List<ServiceChild>();
        var monitor = ServiceMonitorRenderer.Render(resolved, capabilities.ServiceMonitorApi, services?.Candidates(resolved));
        draft.MonitoringConfigured = monitor.Outcome;
        if (monitor.ServiceMonitor is { } serviceMonitor)
        {
            children.Add(new ServiceChild(serviceMonitor, ConditionTypes.MonitoringConfigured));
        }

        // The SLOs are rendered on their own: a bad SLO fails SLOsConfigured and leaves the injection and the ServiceMonitor be.
        var slos = SloRenderer.Render(resolved, capabilities.PrometheusRuleApi);
        draft.SlosConfigured = slos.Outcome;
        draft.Slos = slos.Names;
        if (slos.PrometheusRule is { } rule)
        {
            children.Add(new ServiceChild(rule, ConditionTypes.SlosConfigured));
        }

        return children;
    }

    private static void Inject(
        ServiceDraft draft,
        ResolvedService resolved,
        WorkloadIndex workloads,
        Dictionary<(string Namespace, WorkloadKind Kind, string Name), string> claims,
        List<WorkloadChange> changes)
    {
        var reference = resolved.Source.Spec.Workload;
        var kind = reference.Kind ?? WaddleBotDefaults.Workload;
        var ns = resolved.Namespace ?? "";
        var sameName = workloads.Named(ns, reference.Name);
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
        changes.Add(new WorkloadChange(result.Workload, result.Changed, false, resolved.Name, result.Patch));
        draft.OverriddenEnv = result.OverriddenEnv;
        draft.ConfigHash = result.ConfigHash;
        var containers = string.Join(", ", plan.Plan.Containers.Select(c => c.Container));
        var overridden = result.OverriddenEnv.Count == 0
            ? ""
            : $"; left as the user set them: {string.Join(", ", result.OverriddenEnv)}";
        draft.WorkloadInjected = new(ConditionTypes.WorkloadInjected, true, Reasons.Injected,
            $"{kind} \"{reference.Name}\" containers {containers} (config hash {result.ConfigHash}){overridden}");
    }

    /// <summary>Workloads still labelled as injected by a WaddleService that no longer exists or no longer names them get the injection taken out.</summary>
    internal static void RemoveStaleInjections(
        IReadOnlyList<IKubernetesObject<V1ObjectMeta>> observed,
        IReadOnlyList<WaddleService> services,
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
            changes.Add(new WorkloadChange(removed.Workload, removed.Changed, true, by, removed.Patch));
        }
    }
}

/// <summary>
/// Services by namespace and each of their labels, so that finding a WaddleService's Services costs one lookup
/// instead of a scan of every Service: rendering stays O(services) with thousands of both.
/// </summary>
internal sealed class ServiceIndex
{
    private readonly Dictionary<(string Namespace, string Key, string Value), List<V1Service>> _index = [];

    private ServiceIndex(IReadOnlyList<V1Service> services)
    {
        foreach (var service in services)
        {
            foreach (var (key, value) in service.Metadata?.Labels ?? new Dictionary<string, string>())
            {
                var entry = (service.Metadata!.NamespaceProperty ?? "", key, value);
                if (!_index.TryGetValue(entry, out var list))
                {
                    _index[entry] = list = [];
                }

                list.Add(service);
            }
        }
    }

    /// <summary>Null when the Services are not known (the checks that need them are skipped).</summary>
    public static ServiceIndex? Of(IReadOnlyList<V1Service>? services) => services is null ? null : new ServiceIndex(services);

    /// <summary>Services carrying the first label of the selector: a superset of the matches, which the ServiceMonitor renderer narrows.</summary>
    public IReadOnlyList<V1Service> Candidates(ResolvedService service)
    {
        var (key, value) = service.ServiceSelector[0];
        return _index.GetValueOrDefault((service.Namespace ?? "", key, value)) ?? [];
    }
}

/// <summary>One WaddleService's conditions, gathered in a fixed order; SamplingPublished filled in once its policy's document exists.</summary>
internal sealed class ServiceDraft
{
    public ServiceDraft(WaddleService service, PolicyResolution resolution)
    {
        Service = service;
        Resolution = resolution;
        if (!resolution.Succeeded)
        {
            var waiting = resolution.Outcome.Message;
            WorkloadInjected = new(ConditionTypes.WorkloadInjected, false, resolution.Outcome.Reason, waiting);
            MonitoringConfigured = new(ConditionTypes.MonitoringConfigured, false, resolution.Outcome.Reason, waiting);
            SamplingPublished = new(ConditionTypes.SamplingPublished, false, resolution.Outcome.Reason, waiting);
            if (service.Spec.Slos is { Count: > 0 })
            {
                SlosConfigured = new(ConditionTypes.SlosConfigured, false, resolution.Outcome.Reason, waiting);
            }
        }
    }

    public WaddleService Service { get; }
    public PolicyResolution Resolution { get; }
    public ConditionOutcome? WorkloadInjected { get; set; }
    public ConditionOutcome? MonitoringConfigured { get; set; }
    public ConditionOutcome? SamplingPublished { get; set; }

    /// <summary>Null when the service declares no SLO: the condition is then absent.</summary>
    public ConditionOutcome? SlosConfigured { get; set; }

    public IReadOnlyList<string> Slos { get; set; } = [];
    public IReadOnlyList<string> OverriddenEnv { get; set; } = [];
    public string? ConfigHash { get; set; }

    public ServiceOutcome ToOutcome()
    {
        var steps = new List<ConditionOutcome>
        {
            Resolution.Outcome,
            WorkloadInjected!,
            MonitoringConfigured!,
            SamplingPublished ?? new(ConditionTypes.SamplingPublished, false, Reasons.PolicyNotFound, "the policy was not rendered"),
        };
        if (SlosConfigured is not null)
        {
            steps.Add(SlosConfigured);
        }

        var conditions = ReadySummary.WithReady(steps, ServiceRenderer.ReadyMessage);
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
                SamplingAppliedBy = EnvInjectionPlanner.AppliedBy(resolved, OverriddenEnv),
                ScrapeInterval = resolved.MetricsEnabled ? resolved.ScrapeInterval : null,
                Slos = Slos.Count > 0 ? [.. Slos] : null,
            },
            OverriddenEnv,
            ConfigHash);
    }
}
