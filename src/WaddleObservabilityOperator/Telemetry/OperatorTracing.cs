using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace WaddleObservabilityOperator.Telemetry;

/// <summary>The operator's traces: one span per reconcile, API calls as child spans, exported over OTLP when configured.</summary>
public static class OperatorTracing
{
    public const string SourceName = "WaddleObservabilityOperator";

    /// <summary>The source of every span the operator creates. Activity sources are process-wide by design (listeners subscribe by name).</summary>
    public static readonly ActivitySource Source = new(SourceName, typeof(OperatorTracing).Assembly.GetName().Version?.ToString());

    /// <summary>
    /// Builds the OTLP trace pipeline when OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set;
    /// the exporter reads the other standard OTEL_* variables (protocol, headers, timeout) itself. Returns null when off.
    /// </summary>
    public static TracerProvider? StartExporter(Func<string, string?> environment)
    {
        if (string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_ENDPOINT"))
            && string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")))
        {
            return null;
        }

        // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES are honoured by the default resource detectors; this is the fallback name.
        return Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(r => r.AddService(serviceName: "waddle-observability-operator", serviceVersion: Source.Version))
            .AddSource(SourceName)
            .AddOtlpExporter()
            .Build();
    }

    /// <summary>Starts the span of one reconcile; tagged with the controller and the object's key.</summary>
    public static Activity? StartReconcile(string controller, string @namespace, string name)
    {
        var activity = Source.StartActivity($"reconcile {controller}", ActivityKind.Internal, parentContext: default);
        activity?.SetTag("controller", controller);
        activity?.SetTag("k8s.namespace.name", @namespace);
        activity?.SetTag("k8s.object.name", name);
        activity?.SetTag("k8s.object.key", $"{@namespace}/{name}");
        return activity;
    }

    /// <summary>Records the reconcile's outcome on its span (and the error status when it failed).</summary>
    public static void SetOutcome(Activity? activity, string outcome, Exception? error = null)
    {
        if (activity is null)
        {
            return;
        }

        activity.SetTag("reconcile.result", outcome);
        if (error is not null)
        {
            activity.AddException(error);
            activity.SetStatus(ActivityStatusCode.Error, error.Message);
        }
    }
}
