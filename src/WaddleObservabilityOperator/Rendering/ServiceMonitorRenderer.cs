using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>The ServiceMonitor of a service (null when none is wanted or possible) and the MonitoringConfigured outcome.</summary>
public sealed record ServiceMonitorResult(ServiceMonitor? ServiceMonitor, ConditionOutcome Outcome);

/// <summary>Renders the monitoring.coreos.com/v1 ServiceMonitor of one WaddleService.</summary>
public static class ServiceMonitorRenderer
{
    /// <param name="service">The resolved service.</param>
    /// <param name="serviceMonitorApiAvailable">Whether the cluster serves monitoring.coreos.com/v1 ServiceMonitors.</param>
    /// <param name="services">The Services of the namespace when known, to check the selector and port; null skips those checks.</param>
    public static ServiceMonitorResult Render(ResolvedService service, bool serviceMonitorApiAvailable, IReadOnlyList<V1Service>? services)
    {
        ArgumentNullException.ThrowIfNull(service);
        var metrics = service.Policy.Metrics;
        if (!service.MetricsEnabled)
        {
            return Result(null, true, Reasons.MetricsDisabled, "metrics are disabled for this service; no ServiceMonitor");
        }

        if (metrics.ServiceMonitorMode == ServiceMonitorMode.Disabled)
        {
            return Result(null, true, Reasons.ServiceMonitorDisabled, "the policy's metrics.serviceMonitor.mode is disabled; no ServiceMonitor");
        }

        if (!PrometheusDuration.TryParseMilliseconds(service.ScrapeInterval, out var intervalMs) || intervalMs == 0)
        {
            return Result(null, false, Reasons.InvalidDuration, $"scrape interval \"{service.ScrapeInterval}\" is not a positive Prometheus duration such as 15s or 1m");
        }

        if (!PrometheusDuration.TryParseMilliseconds(metrics.ScrapeTimeout, out var timeoutMs))
        {
            return Result(null, false, Reasons.InvalidDuration, $"spec.metrics.scrapeTimeout \"{metrics.ScrapeTimeout}\" is not a Prometheus duration such as 10s");
        }

        if (timeoutMs > intervalMs)
        {
            return Result(null, false, Reasons.ScrapeTimeoutExceedsInterval,
                $"scrape timeout {metrics.ScrapeTimeout} exceeds the scrape interval {service.ScrapeInterval}; Prometheus rejects such a target. Lower spec.metrics.scrapeTimeout or raise the interval");
        }

        if (!serviceMonitorApiAvailable)
        {
            return metrics.ServiceMonitorMode == ServiceMonitorMode.Enabled
                ? Result(null, false, Reasons.ServiceMonitorApiMissing, "metrics.serviceMonitor.mode is enabled but the cluster has no monitoring.coreos.com/v1 ServiceMonitor API; install the prometheus-operator CRDs")
                : Result(null, true, Reasons.ServiceMonitorApiAbsent, "the cluster has no monitoring.coreos.com/v1 ServiceMonitor API; none is created (mode auto)");
        }

        var selection = LabelSelection.Compile(new V1LabelSelector { MatchLabels = ToDictionary(service.ServiceSelector) }, out var selectorError);
        if (selectorError is not null)
        {
            var which = service.Source.Spec.Metrics?.Selector is { Count: > 0 }
                ? "spec.metrics.selector"
                : $"the default Service selector {WellKnown.NameLabel}=<serviceName>";
            return Result(null, false, Reasons.InvalidSelector,
                $"{which}: {selectorError}; no ServiceMonitor until it is fixed (set spec.metrics.selector to your Service's labels)");
        }

        var monitor = Build(service);
        if (services is not null)
        {
            var matching = services
                .Where(s => (s.Metadata?.NamespaceProperty ?? "") == (service.Namespace ?? "") && selection.Matches(s.Metadata?.Labels))
                .OrderBy(s => s.Metadata.Name, StringComparer.Ordinal)
                .ToList();
            var selectorText = string.Join(",", service.ServiceSelector.Select(kv => $"{kv.Key}={kv.Value}"));
            if (matching.Count == 0)
            {
                return Result(monitor, false, Reasons.ServiceNotFound,
                    $"no Service in namespace \"{service.Namespace}\" has the labels {selectorText}; the ServiceMonitor scrapes nothing until one does (set spec.metrics.selector to match your Service)");
            }

            var lacking = matching.Where(s => s.Spec?.Ports?.Any(p => p.Name == service.MetricsPort) != true).Select(s => s.Metadata.Name).ToList();
            if (lacking.Count > 0)
            {
                return Result(monitor, false, Reasons.MetricsPortNotFound,
                    $"Service {string.Join(", ", lacking.Select(n => $"\"{n}\""))} has no port named \"{service.MetricsPort}\"; name the metrics port so or set spec.metrics.port");
            }
        }

        return Result(monitor, true, Reasons.ServiceMonitorRendered,
            $"ServiceMonitor \"{monitor.Metadata.Name}\" scrapes port {service.MetricsPort} path {service.MetricsPath} every {service.ScrapeInterval}");
    }

    private static ServiceMonitor Build(ResolvedService service)
    {
        var metrics = service.Policy.Metrics;
        return new ServiceMonitor
        {
            Metadata = ServiceChildMetadata.For(service, ChildNames.ServiceMonitor(service.Name), metrics.ServiceMonitorLabels),
            Spec = new ServiceMonitorSpec
            {
                Selector = new V1LabelSelector { MatchLabels = ToDictionary(service.ServiceSelector) },
                NamespaceSelector = new NamespaceSelector { MatchNames = [service.Namespace ?? ""] },
                SampleLimit = metrics.SampleLimit > 0 ? metrics.SampleLimit : null,
                Endpoints =
                [
                    new ServiceMonitorEndpoint
                    {
                        Port = service.MetricsPort,
                        Path = service.MetricsPath,
                        Interval = service.ScrapeInterval,
                        ScrapeTimeout = metrics.ScrapeTimeout,
                        Relabelings =
                        [
                            new RelabelConfig { Action = "replace", TargetLabel = WellKnown.ServiceMetricLabel, Replacement = service.ServiceName },
                            new RelabelConfig { Action = "replace", TargetLabel = WellKnown.LayerMetricLabel, Replacement = EnvInjectionPlanner.LayerName(service.Source.Spec.Layer) },
                        ],
                    },
                ],
            },
        };
    }

    private static Dictionary<string, string> ToDictionary(IReadOnlyList<KeyValuePair<string, string>> pairs) =>
        new(pairs, StringComparer.Ordinal);

    private static ServiceMonitorResult Result(ServiceMonitor? monitor, bool status, string reason, string message) =>
        new(monitor, new ConditionOutcome(ConditionTypes.MonitoringConfigured, status, reason, message));
}
