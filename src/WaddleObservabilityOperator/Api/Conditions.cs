namespace WaddleObservabilityOperator.Api;

// The whole condition vocabulary of the operator, in the manner of Cluster API's util/conditions: every condition type
// and every reason it reports, in one place. Conditions have the standard metav1.Condition shape. The string values
// are API: users alert and `kubectl wait` on them, so a value never changes; a new one is added here first.

/// <summary>The condition types the operator reports in <c>status.conditions</c>.</summary>
public static class ConditionTypes
{
    /// <summary>Both kinds: the summary of every other condition of the object (and, for a policy, of its own validity).</summary>
    public const string Ready = "Ready";

    /// <summary>WaddleService: a policy (or the built-in defaults) applies to it.</summary>
    public const string PolicyResolved = "PolicyResolved";

    /// <summary>WaddleService: the observability environment is in its workload's pod template.</summary>
    public const string WorkloadInjected = "WorkloadInjected";

    /// <summary>WaddleService: its ServiceMonitor is rendered and written, or not wanted.</summary>
    public const string MonitoringConfigured = "MonitoringConfigured";

    /// <summary>WaddleService: its sampling is in its policy's strategies document. ObservabilityPolicy: that document's ConfigMap is rendered and written.</summary>
    public const string SamplingPublished = "SamplingPublished";

    /// <summary>ObservabilityPolicy: its managed Jaeger, Prometheus and Grafana (when on) are written and running: their workloads rolled out, every replica available.</summary>
    public const string BackendsReady = "BackendsReady";

    /// <summary>WaddleService, only when it declares SLOs: their recording rules and alerts are rendered into its PrometheusRule and the managed Prometheus's rules.</summary>
    public const string SlosConfigured = "SLOsConfigured";

    /// <summary>ObservabilityPolicy: its Grafana dashboards (when on) are rendered into ConfigMaps and written.</summary>
    public const string DashboardsPublished = "DashboardsPublished";
}

/// <summary>The reasons of the conditions, grouped by the condition that reports them. Stable strings: users alert on them.</summary>
public static class Reasons
{
    // Ready (the reason of a False Ready is the reason of the first failing condition or policy problem).

    /// <summary>Ready True: every other condition is True.</summary>
    public const string Ready = "Ready";

    // PolicyResolved

    /// <summary>PolicyResolved True: the policy named in spec.policyRef applies.</summary>
    public const string PolicyRef = "PolicyRef";

    /// <summary>PolicyResolved True: the one highest-priority policy whose selector and layers match applies.</summary>
    public const string Selected = "Selected";

    /// <summary>PolicyResolved True: no policy applies; WaddleBot's built-in defaults do.</summary>
    public const string BuiltInDefaults = "BuiltInDefaults";

    /// <summary>PolicyResolved True: several policies of the same priority match; the first by name applies (also a note in that policy's Ready).</summary>
    public const string PolicyConflict = "PolicyConflict";

    /// <summary>PolicyResolved False (and the other steps wait): the policy named in spec.policyRef does not exist.</summary>
    public const string PolicyNotFound = "PolicyNotFound";

    // WorkloadInjected

    /// <summary>WorkloadInjected True: the environment is in the workload's pod template.</summary>
    public const string Injected = "Injected";

    /// <summary>WorkloadInjected False: the workload named in spec.workload does not exist (yet).</summary>
    public const string WorkloadNotFound = "WorkloadNotFound";

    /// <summary>WorkloadInjected False: an object of spec.workload's name exists, but of another workload kind.</summary>
    public const string WorkloadKindMismatch = "WorkloadKindMismatch";

    /// <summary>WorkloadInjected False: another WaddleService already injects the workload.</summary>
    public const string WorkloadClaimed = "WorkloadClaimed";

    /// <summary>WorkloadInjected False: a container named in spec.workload.containers is not an app container of the pod template.</summary>
    public const string ContainerNotFound = "ContainerNotFound";

    /// <summary>WorkloadInjected False: the pod template has no app containers to inject.</summary>
    public const string NoContainers = "NoContainers";

    /// <summary>WorkloadInjected False, and a policy's Ready False: spec.tracing.headersSecretRef lacks its name or key.</summary>
    public const string InvalidHeadersSecretRef = "InvalidHeadersSecretRef";

    /// <summary>WorkloadInjected and SamplingPublished False: a sampling ratio outside 0..1.</summary>
    public const string InvalidRatio = "InvalidRatio";

    /// <summary>WorkloadInjected or MonitoringConfigured False: a polling interval, scrape interval or timeout that is not a Prometheus duration.</summary>
    public const string InvalidDuration = "InvalidDuration";

    // MonitoringConfigured

    /// <summary>MonitoringConfigured True: the ServiceMonitor is rendered (and, by the controller, written).</summary>
    public const string ServiceMonitorRendered = "ServiceMonitorRendered";

    /// <summary>MonitoringConfigured True: metrics are off for the service, so no ServiceMonitor is wanted.</summary>
    public const string MetricsDisabled = "MetricsDisabled";

    /// <summary>MonitoringConfigured True: spec.metrics.serviceMonitor.mode is disabled.</summary>
    public const string ServiceMonitorDisabled = "ServiceMonitorDisabled";

    /// <summary>MonitoringConfigured True: mode auto and the ServiceMonitor API is not installed, so none is created.</summary>
    public const string ServiceMonitorApiAbsent = "ServiceMonitorApiAbsent";

    /// <summary>MonitoringConfigured False: mode enabled and the ServiceMonitor API is not installed.</summary>
    public const string ServiceMonitorApiMissing = "ServiceMonitorApiMissing";

    /// <summary>MonitoringConfigured False, and a policy's Ready False: the scrape timeout exceeds the scrape interval.</summary>
    public const string ScrapeTimeoutExceedsInterval = "ScrapeTimeoutExceedsInterval";

    /// <summary>MonitoringConfigured False: no Service matches the service's selector.</summary>
    public const string ServiceNotFound = "ServiceNotFound";

    /// <summary>MonitoringConfigured False: a matching Service has no port named as the metrics port.</summary>
    public const string MetricsPortNotFound = "MetricsPortNotFound";

    // SLOsConfigured

    /// <summary>SLOsConfigured True: every SLO's rules are rendered (and, by the controller, written).</summary>
    public const string SlosRendered = "SLOsRendered";

    /// <summary>SLOsConfigured False: an SLO is invalid (a duplicate name, an objective outside 0..100, an events query without {{.window}} or equal to the other, a label name Prometheus refuses); it is left out, the others are written.</summary>
    public const string InvalidSlo = "InvalidSLO";

    /// <summary>SLOsConfigured False: a latency SLO's threshold is not one of the policy's spec.slos.latencyBuckets; it is left out.</summary>
    public const string LatencyThresholdNotABucket = "LatencyThresholdNotABucket";

    /// <summary>SLOsConfigured False: the cluster serves no monitoring.coreos.com/v1 PrometheusRule API and the policy runs no managed Prometheus, so no Prometheus would load the rules.</summary>
    public const string NoRuleDestination = "NoRuleDestination";

    // SamplingPublished

    /// <summary>SamplingPublished True: the service's own strategy (or, for a policy, the document) is in the sampling ConfigMap.</summary>
    public const string Published = "Published";

    /// <summary>SamplingPublished True: the service samples as the policy default, which the document's default_strategy covers.</summary>
    public const string DefaultSampling = "DefaultSampling";

    /// <summary>SamplingPublished True: built-in defaults, whose ratio is in the environment; no document is published.</summary>
    public const string NoPolicyDocument = "NoPolicyDocument";

    /// <summary>SamplingPublished True: tracing is off for the service.</summary>
    public const string TracingDisabled = "TracingDisabled";

    /// <summary>SamplingPublished of a WaddleService False: it shares its OTEL service name with another service of the policy, with different sampling (True on the policy, which names them).</summary>
    public const string ServiceNameConflict = "ServiceNameConflict";

    /// <summary>SamplingPublished False: the strategies document exceeds the 1 MiB object limit.</summary>
    public const string SamplingDocumentTooLarge = "SamplingDocumentTooLarge";

    /// <summary>SamplingPublished False (the controller's view): the sampling ConfigMap in the cluster does not yet hold the service's strategy; no event is recorded for it.</summary>
    public const string SamplingPending = "SamplingPending";

    // BackendsReady and the policy's own problems (which fail its Ready without a condition of their own)

    /// <summary>BackendsReady True: the managed Jaeger, Prometheus and Grafana objects are rendered.</summary>
    public const string BackendsRendered = "BackendsRendered";

    /// <summary>BackendsReady True: every managed component's workloads have rolled out their current spec with every replica available.</summary>
    public const string BackendsAvailable = "BackendsAvailable";

    /// <summary>BackendsReady False: a managed component's workload is still rolling out (or not created yet); the message says where each one is.</summary>
    public const string BackendsProgressing = "BackendsProgressing";

    /// <summary>BackendsReady False: a managed component's Deployment exceeded its progress deadline (pods that never get ready: an image that cannot be pulled, a missing Secret).</summary>
    public const string BackendProgressDeadlineExceeded = "BackendProgressDeadlineExceeded";

    /// <summary>BackendsReady False: a managed backend's Service name would exceed the 63 characters of a DNS label.</summary>
    public const string BackendNameTooLong = "BackendNameTooLong";

    /// <summary>BackendsReady False: the managed backends' settings are invalid.</summary>
    public const string InvalidBackendSettings = "InvalidBackendSettings";

    /// <summary>An Event: the managed Jaeger's storage type changed; its pods are replaced and no trace is migrated.</summary>
    public const string JaegerStorageChanged = "JaegerStorageChanged";

    // DashboardsPublished

    /// <summary>DashboardsPublished True: the dashboards are rendered into ConfigMaps (and, by the controller, written).</summary>
    public const string DashboardsRendered = "DashboardsRendered";

    /// <summary>DashboardsPublished False: the dashboard settings (labels, folder, RED metrics) cannot give valid ConfigMaps or queries.</summary>
    public const string InvalidDashboardSettings = "InvalidDashboardSettings";

    /// <summary>A policy's Ready False: spec.selector is not a valid label selector; the policy selects nothing.</summary>
    public const string InvalidSelector = "InvalidSelector";

    /// <summary>
    /// BackendsReady False: spec.exporters.node is on, but the policy's namespace does not admit node_exporter (its
    /// pod-security.kubernetes.io/enforce label is baseline or restricted, or the namespace is not known); no node
    /// exporter is run, the other components are.
    /// </summary>
    public const string NodeExporterNotAdmitted = "NodeExporterNotAdmitted";

    // Set by the controllers, from writing

    /// <summary>MonitoringConfigured, SamplingPublished or BackendsReady False: an object with the child's name exists and is not the operator's; it is left untouched (also the Warning event's reason).</summary>
    public const string Conflict = "Conflict";
}
