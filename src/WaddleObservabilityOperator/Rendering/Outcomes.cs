namespace WaddleObservabilityOperator.Rendering;

/// <summary>One condition the renderer reports: status true when the step did what was asked, a CamelCase reason and a message for people.</summary>
public sealed record ConditionOutcome(string Type, bool Status, string Reason, string Message);

/// <summary>Condition reasons. Stable strings: users alert on them.</summary>
public static class Reasons
{
    // PolicyResolved
    public const string PolicyRef = "PolicyRef";
    public const string Selected = "Selected";
    public const string BuiltInDefaults = "BuiltInDefaults";
    public const string PolicyConflict = "PolicyConflict";
    public const string PolicyNotFound = "PolicyNotFound";
    public const string InvalidPolicy = "InvalidPolicy";

    // WorkloadInjected
    public const string Injected = "Injected";
    public const string WorkloadNotFound = "WorkloadNotFound";
    public const string WorkloadKindMismatch = "WorkloadKindMismatch";
    public const string WorkloadClaimed = "WorkloadClaimed";
    public const string ContainerNotFound = "ContainerNotFound";
    public const string NoContainers = "NoContainers";
    public const string InvalidHeadersSecretRef = "InvalidHeadersSecretRef";
    public const string InvalidRatio = "InvalidRatio";
    public const string InvalidDuration = "InvalidDuration";

    // MonitoringConfigured
    public const string ServiceMonitorRendered = "ServiceMonitorRendered";
    public const string MetricsDisabled = "MetricsDisabled";
    public const string ServiceMonitorDisabled = "ServiceMonitorDisabled";
    public const string ServiceMonitorApiAbsent = "ServiceMonitorApiAbsent";
    public const string ServiceMonitorApiMissing = "ServiceMonitorApiMissing";
    public const string ScrapeTimeoutExceedsInterval = "ScrapeTimeoutExceedsInterval";
    public const string ServiceNotFound = "ServiceNotFound";
    public const string MetricsPortNotFound = "MetricsPortNotFound";

    // SamplingPublished
    public const string Published = "Published";
    public const string DefaultSampling = "DefaultSampling";
    public const string NoPolicyDocument = "NoPolicyDocument";
    public const string TracingDisabled = "TracingDisabled";
    public const string ServiceNameConflict = "ServiceNameConflict";
    public const string SamplingDocumentTooLarge = "SamplingDocumentTooLarge";

    // Policy-level
    public const string InvalidSelector = "InvalidSelector";
    public const string BackendNameTooLong = "BackendNameTooLong";
    public const string BackendsRendered = "BackendsRendered";
    public const string InvalidBackendSettings = "InvalidBackendSettings";

    // A step a policies-only render leaves out (RenderInput.ServiceChildren off); never written to a status.
    public const string NotRendered = "NotRendered";

    // Ready
    public const string Ready = "Ready";
    public const string NotReady = "NotReady";
}
