using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Telemetry;

namespace WaddleObservabilityOperator.Tests.Telemetry;

public sealed class TelemetryTests
{
    [Theory]
    [InlineData("GET", "/apis/observability.waddlebot.io/v1alpha1/namespaces/bots/waddleservices?watch=true&resourceVersion=5", "watch", "waddleservices", "bots", null)]
    [InlineData("GET", "/apis/observability.waddlebot.io/v1alpha1/waddleservices", "list", "waddleservices", null, null)]
    [InlineData("GET", "/api/v1/namespaces/bots/configmaps/p-sampling", "get", "configmaps", "bots", "p-sampling")]
    [InlineData("POST", "/apis/apps/v1/namespaces/bots/deployments", "create", "deployments", "bots", null)]
    [InlineData("PUT", "/apis/apps/v1/namespaces/bots/deployments/router", "update", "deployments", "bots", "router")]
    [InlineData("PATCH", "/apis/observability.waddlebot.io/v1alpha1/namespaces/bots/waddleservices/router/status", "patch", "waddleservices", "bots", "router")]
    [InlineData("DELETE", "/api/v1/namespaces/bots/configmaps/x", "delete", "configmaps", "bots", "x")]
    [InlineData("GET", "/api/v1/namespaces/bots", "get", "namespaces", null, "bots")]
    [InlineData("GET", "/apis/monitoring.coreos.com/v1", "get", "discovery", null, null)]
    public void Requests_are_classified_by_kubernetes_verb(string method, string path, string verb, string resource, string? ns, string? name)
    {
        var request = KubernetesRequest.Describe(new HttpMethod(method), new Uri("http://api" + path));
        Assert.Equal(verb, request.Verb);
        Assert.Equal(resource, request.Resource);
        Assert.Equal(ns, request.Namespace);
        Assert.Equal(name, request.Name);
    }

    [Fact]
    public async Task Each_operator_instance_has_its_own_registry_with_controller_runtime_names()
    {
        var first = new OperatorMetrics();
        var second = new OperatorMetrics();
        first.Reconciled("waddleservice", ReconcileOutcome.Success, TimeSpan.FromMilliseconds(3));
        first.Added("waddleservice");
        first.SetSamplingConfigMapBytes("bots", "default", 512);
        first.ApiRequest("patch", 200);

        var text = await first.ExportAsync(CancellationToken.None);
        Assert.Contains("controller_runtime_reconcile_total{controller=\"waddleservice\",result=\"success\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("controller_runtime_reconcile_time_seconds_count{controller=\"waddleservice\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("workqueue_adds_total{name=\"waddleservice\"} 1", text, StringComparison.Ordinal);
        Assert.Contains("waddle_sampling_configmap_bytes{namespace=\"bots\",policy=\"default\"} 512", text, StringComparison.Ordinal);
        Assert.Contains("waddle_api_requests_total{verb=\"patch\",code=\"200\"} 1", text, StringComparison.Ordinal);

        GC.Collect();
        var paused = await first.ExportAsync(CancellationToken.None);
        var pauseLine = paused.Split('\n').Single(l => l.StartsWith("dotnet_gc_pause_time_seconds_total ", StringComparison.Ordinal));
        Assert.True(double.Parse(pauseLine.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture) > 0, pauseLine);

        var other = await second.ExportAsync(CancellationToken.None);
        Assert.DoesNotContain("result=\"success\"} 1", other, StringComparison.Ordinal);
        Assert.Equal(0, second.ApiRequests("patch"));
    }

    [Fact]
    public async Task Api_calls_are_counted_and_become_child_spans_of_the_reconcile()
    {
        var spans = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == OperatorTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a => { lock (spans) { spans.Add(a); } },
        };
        ActivitySource.AddActivityListener(listener);

        var metrics = new OperatorMetrics();
        using var inner = new StatusHandler(HttpStatusCode.Conflict);
        using var handler = new ApiRequestTelemetryHandler(metrics, "pod-a") { InnerHandler = inner };
        using var client = new HttpClient(handler);
        ActivityTraceId trace;
        using (var reconcile = OperatorTracing.StartReconcile("waddleservice", "bots", "router"))
        {
            trace = reconcile!.TraceId;
            using var response = await client.PutAsync(new Uri("http://api/apis/apps/v1/namespaces/bots/deployments/router"), null);
            OperatorTracing.SetOutcome(reconcile, ReconcileOutcome.Error, new InvalidOperationException("conflict"));
        }

        Assert.Equal(1, metrics.ApiRequests("update"));
        Assert.Contains("(pod-a)", inner.LastUserAgent, StringComparison.Ordinal);
        Assert.Contains("waddle_api_requests_total{verb=\"update\",code=\"409\"} 1", await metrics.ExportAsync(CancellationToken.None), StringComparison.Ordinal);
        // The listener is process-wide and other tests run in parallel: look only at this trace.
        List<Activity> mine;
        lock (spans)
        {
            mine = spans.Where(s => s.TraceId == trace).ToList();
        }

        var call = Assert.Single(mine, s => s.Kind == ActivityKind.Client);
        var parent = Assert.Single(mine, s => s.DisplayName == "reconcile waddleservice");
        Assert.Equal("update deployments", call.DisplayName);
        Assert.Equal(parent.SpanId, call.ParentSpanId);
        Assert.Equal(ActivityStatusCode.Error, call.Status);
        Assert.Equal("bots/router", parent.GetTagItem("k8s.object.key"));
        Assert.Equal("error", parent.GetTagItem("reconcile.result"));
    }

    [Fact]
    public void Json_log_lines_carry_the_trace_and_span_of_the_current_activity()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name == OperatorTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var output = new StringWriter();
        var formatter = new JsonLogFormatter(TimeProvider.System);

        using (var activity = OperatorTracing.StartReconcile("waddleservice", "bots", "router"))
        {
            var state = new Dictionary<string, object?> { ["Namespace"] = "bots", ["Written"] = 3, ["{OriginalFormat}"] = "x" };
            formatter.Write(
                new Microsoft.Extensions.Logging.Abstractions.LogEntry<IReadOnlyDictionary<string, object?>>(
                    LogLevel.Information, "Waddle", new EventId(0), state, null, (_, _) => "Reconciled bots/router"),
                null, output);

            using var line = JsonDocument.Parse(output.ToString());
            var root = line.RootElement;
            Assert.Equal(activity!.TraceId.ToHexString(), root.GetProperty("trace_id").GetString());
            Assert.Equal(activity.SpanId.ToHexString(), root.GetProperty("span_id").GetString());
            Assert.Equal("info", root.GetProperty("level").GetString());
            Assert.Equal("Reconciled bots/router", root.GetProperty("msg").GetString());
            Assert.Equal("bots", root.GetProperty("Namespace").GetString());
            Assert.Equal(3, root.GetProperty("Written").GetInt32());
            Assert.False(root.TryGetProperty("{OriginalFormat}", out _));
        }
    }

    [Fact]
    public void The_json_logger_is_what_the_logging_setup_installs()
    {
        var services = new ServiceCollection();
        services.AddLogging(l => OperatorLogging.Configure(l, LogFormat.Json, LogLevel.Debug));
        using var provider = services.BuildServiceProvider();
        var formatters = provider.GetServices<Microsoft.Extensions.Logging.Console.ConsoleFormatter>();
        Assert.Contains(formatters, f => f is JsonLogFormatter);
        Assert.True(provider.GetRequiredService<ILoggerFactory>().CreateLogger("x").IsEnabled(LogLevel.Debug));
    }

    [Fact]
    public async Task Probes_report_ready_only_after_caches_sync_and_metrics_are_served_on_their_own_port()
    {
        var metrics = new OperatorMetrics();
        metrics.Added("observabilitypolicy");
        var synced = false;
        await using var endpoints = await ProbeEndpoints.StartAsync("127.0.0.1:0", "127.0.0.1:0", metrics, () => synced, CancellationToken.None);
        using var http = new HttpClient();

        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(endpoints.HealthUrl!, "/healthz"))).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync(new Uri(endpoints.HealthUrl!, "/readyz"))).StatusCode);
        synced = true;
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(new Uri(endpoints.HealthUrl!, "/readyz"))).StatusCode);

        var text = await http.GetStringAsync(new Uri(endpoints.MetricsUrl!, "/metrics"));
        Assert.Contains("workqueue_adds_total{name=\"observabilitypolicy\"} 1", text, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(new Uri(endpoints.HealthUrl!, "/metrics"))).StatusCode);
    }

    [Fact]
    public void A_zero_bind_address_disables_the_listener_and_garbage_is_rejected()
    {
        Assert.Null(ProbeEndpoints.ParseBindAddress("0"));
        Assert.Equal(new IPEndPoint(IPAddress.Any, 8080), ProbeEndpoints.ParseBindAddress(":8080"));
        Assert.Equal(new IPEndPoint(IPAddress.IPv6Loopback, 9), ProbeEndpoints.ParseBindAddress("[::1]:9"));
        Assert.Throws<FormatException>(() => ProbeEndpoints.ParseBindAddress("example.com:80"));
    }

    [Fact]
    public void Tracing_export_is_off_without_an_otlp_endpoint()
    {
        Assert.Null(OperatorTracing.StartExporter(_ => null));
        using var provider = OperatorTracing.StartExporter(n => n == "OTEL_EXPORTER_OTLP_ENDPOINT" ? "http://127.0.0.1:4317" : null);
        Assert.NotNull(provider);
    }

    private sealed class StatusHandler(HttpStatusCode code) : HttpMessageHandler
    {
        public string LastUserAgent { get; private set; } = "";

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            LastUserAgent = request.Headers.UserAgent.ToString();
            return Task.FromResult(new HttpResponseMessage(code) { RequestMessage = request });
        }
    }
}
