using System.Globalization;

namespace WaddleBot.ReferenceService;

/// <summary>
/// Everything the service is configured by: its environment only, with WaddleBot's defaults where a variable is unset.
/// The OpenTelemetry variables (OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES, OTEL_EXPORTER_OTLP_*, OTEL_BSP_*) are read by
/// the SDK itself; the ones the .NET SDK does not read (OTEL_TRACES_EXPORTER, OTEL_PROPAGATORS, OTEL_TRACES_SAMPLER for
/// jaeger_remote) are read here.
/// </summary>
public sealed record ServiceEnvironment(
    string ServiceName,
    bool TracingEnabled,
    string TracesExporter,
    IReadOnlyList<string> Propagators,
    string CorrelationHeader,
    string RequestHeader,
    bool GenerateRequestId,
    bool MetricsEnabled,
    string MetricsNamespace,
    int Port,
    Uri? DownstreamUrl)
{
    public static ServiceEnvironment Read(Func<string, string?> env)
    {
        string Or(string name, string fallback) => env(name) is { Length: > 0 } value ? value : fallback;
        bool Flag(string name, bool fallback) => env(name) is { Length: > 0 } value ? value.Equals("true", StringComparison.OrdinalIgnoreCase) || value == "1" : fallback;
        var downstream = env("DOWNSTREAM_URL");
        return new ServiceEnvironment(
            ServiceName: Or("OTEL_SERVICE_NAME", "reference-service"),
            TracingEnabled: Flag("TRACING_ENABLED", true),
            TracesExporter: Or("OTEL_TRACES_EXPORTER", "otlp"),
            Propagators: [.. Or("OTEL_PROPAGATORS", "tracecontext,baggage").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
            CorrelationHeader: Or("CORRELATION_HEADER", "X-Correlation-ID"),
            RequestHeader: Or("REQUEST_HEADER", "X-Request-ID"),
            GenerateRequestId: Flag("GENERATE_REQUEST_ID", true),
            MetricsEnabled: Flag("METRICS_ENABLED", true),
            MetricsNamespace: Or("METRICS_NAMESPACE", "waddlebot"),
            Port: int.Parse(Or("PORT", "8000"), NumberStyles.None, CultureInfo.InvariantCulture),
            DownstreamUrl: string.IsNullOrEmpty(downstream) ? null : new Uri(downstream, UriKind.Absolute));
    }
}
