using System.Diagnostics;
using Prometheus;

namespace WaddleBot.ReferenceService;

/// <summary>
/// The metrics of WaddleBot's library (its MetricsManager) under METRICS_NAMESPACE, each labelled with the service:
/// RED metrics of HTTP requests and the command metrics. A latency observation made inside a sampled trace carries the
/// trace id as an exemplar (<c>trace_id</c>), which Prometheus keeps with <c>--enable-feature=exemplar-storage</c> and
/// Grafana links to the trace; exemplars appear only in the OpenMetrics exposition.
/// </summary>
public sealed class WaddleBotMetrics
{
    private readonly Counter _requests;
    private readonly Histogram _requestDuration;
    private readonly Counter _commands;
    private readonly Histogram _commandDuration;
    private readonly Counter _errors;
    private readonly string _service;

    // The library's latency buckets (the SLOs' latencyBuckets).
    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

    public WaddleBotMetrics(ServiceEnvironment environment, CollectorRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var factory = Metrics.WithCustomRegistry(registry);
        var prefix = environment.MetricsNamespace;
        _service = environment.ServiceName;
        _requests = factory.CreateCounter($"{prefix}_http_requests_total", "HTTP requests", ["service", "method", "endpoint", "status"]);
        _requestDuration = factory.CreateHistogram($"{prefix}_http_request_duration_seconds", "HTTP request duration in seconds",
            ["service", "method", "endpoint"], new HistogramConfiguration { Buckets = Buckets });
        _commands = factory.CreateCounter($"{prefix}_commands_total", "Commands executed", ["service", "command", "platform", "status"]);
        _commandDuration = factory.CreateHistogram($"{prefix}_command_duration_seconds", "Command duration in seconds",
            ["service", "command", "platform"], new HistogramConfiguration { Buckets = Buckets });
        _errors = factory.CreateCounter($"{prefix}_errors_total", "Errors", ["service", "error_type", "severity"]);
    }

    public void Request(string method, string endpoint, int status, double seconds)
    {
        _requests.WithLabels(_service, method, endpoint, status.ToString(System.Globalization.CultureInfo.InvariantCulture)).Inc();
        _requestDuration.WithLabels(_service, method, endpoint).Observe(seconds, TraceExemplar());
    }

    public void Command(string command, string platform, string status, double seconds)
    {
        _commands.WithLabels(_service, command, platform, status).Inc();
        _commandDuration.WithLabels(_service, command, platform).Observe(seconds, TraceExemplar());
    }

    public void Error(string errorType, string severity) => _errors.WithLabels(_service, errorType, severity).Inc();

    /// <summary>
    /// The trace id of a sampled trace; none otherwise, since an exemplar should lead to a trace that was kept
    /// (<see cref="Exemplar.None"/>, not null: with null prometheus-net attaches the current trace, sampled or not).
    /// </summary>
    private static Exemplar TraceExemplar() =>
        Activity.Current is { Recorded: true } activity
            ? Exemplar.From(Exemplar.Pair("trace_id", activity.TraceId.ToHexString()), Exemplar.Pair("span_id", activity.SpanId.ToHexString()))
            : Exemplar.None;
}
