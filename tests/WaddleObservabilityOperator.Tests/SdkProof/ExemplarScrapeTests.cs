using System.Globalization;
using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Tests.RealPrograms;
using WaddleObservabilityOperator.Tests.Rendering;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.SdkProof;

/// <summary>
/// Issue 17 part 5, the scrape side: the real Prometheus 2.42 (Debian) with <c>--enable-feature=exemplar-storage</c>
/// scrapes the reference service (it asks for OpenMetrics first, the only format with exemplars) and serves the latency
/// histogram's exemplars back through <c>/api/v1/query_exemplars</c>, each carrying a trace id the service exported.
/// The service runs with the env the operator renders for it (static sampling at 1.0, so every request has a trace).
/// </summary>
public sealed class ExemplarScrapeTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Prometheus_keeps_the_latency_exemplars_and_each_leads_to_an_exported_trace()
    {
        var policy = Sample.Policy("waddlebot", p => p.Tracing = new TracingPolicy
        {
            Exporter = TraceExporter.Otlp,
            Endpoint = "http://otel-collector.observability.svc:4318",
            Protocol = OtlpProtocol.HttpProtobuf,
            Sampling = new SamplingPolicy { Mode = SamplingMode.Static, DefaultRatio = 1.0 },
        });
        var resolved = Sample.Resolve(Sample.Service("reference-service", ServiceLayer.Action), policy);
        var pod = new PodFacts("reference-service-5d8f7c9b4-h2kfm", Sample.Namespace, Guid.NewGuid().ToString(), "node-a", "10.244.1.17");
        var env = KubeletEnvironment.Expand(EnvInjectionPlanner.Variables(resolved, "reference-service"), pod);
        await using var receiver = await OtlpTraceReceiver.StartAsync();
        env["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint;
        using var service = await ReferenceServiceProcess.StartAsync("reference-service", env);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        var requests = await service.DriveAsync(http, ["GET /api/v1/status", "POST /commands/ping?platform=discord"], 100, "X-Correlation-ID", "exemplar");
        Assert.All(requests, r => Assert.True(r.Sampled));

        using var directory = new TemporaryDirectory();
        var target = new Uri(service.Url).Authority;
        var config = Path.Combine(directory.Path, "prometheus.yml");
        // Plain scrape config: no scrape_protocols (promtool 2.42 rejects it); 2.42 asks for OpenMetrics first anyway.
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: reference-service
                static_configs:
                  - targets: ["{target}"]
            """);
        var check = await LocalProcess.RunAsync(ProgramPaths.Find("promtool"), ["check", "config", config], TimeSpan.FromMinutes(1));
        Assert.True(check.ExitCode == 0, check.Output);
        var (prometheus, ports) = await LocalProcess.StartListeningAsync(1, ports => LocalProcess.Start("prometheus", ProgramPaths.Find("prometheus"),
        [
            $"--config.file={config}", $"--storage.tsdb.path={Path.Combine(directory.Path, "data")}",
            $"--web.listen-address=127.0.0.1:{ports[0].ToString(CultureInfo.InvariantCulture)}", "--enable-feature=exemplar-storage",
        ]));
        using (prometheus)
        {
            var api = $"http://127.0.0.1:{ports[0].ToString(CultureInfo.InvariantCulture)}";
            Assert.Contains("exemplar", prometheus.Output, StringComparison.OrdinalIgnoreCase);
            var query = Uri.EscapeDataString("waddlebot_http_request_duration_seconds_bucket{job=\"reference-service\"}");
            var deadline = DateTime.UtcNow + Patience;
            List<(string Endpoint, string TraceId)> exemplars = [];
            while (exemplars.Count == 0)
            {
                Assert.True(DateTime.UtcNow < deadline, $"no exemplars after {Patience.TotalSeconds} s\n{prometheus.Describe()}");
                await Task.Delay(500);
                var end = DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds();
                var answer = JsonNode.Parse(await http.GetStringAsync(new Uri($"{api}/api/v1/query_exemplars?query={query}&start={end - 3600}&end={end}")))!;
                Assert.Equal("success", (string?)answer["status"]);
                exemplars = [.. answer["data"]!.AsArray().SelectMany(series => series!["exemplars"]!.AsArray().Select(e =>
                    ((string)series["seriesLabels"]!["endpoint"]!, (string)e!["labels"]!["trace_id"]!)))];
            }

            var exported = requests.Select(r => r.TraceId).ToHashSet();
            await OperatorClusterWait(() => exemplars.All(e => receiver.Spans.Any(s => s.TraceId == e.TraceId)), "every exemplar's trace exported");
            foreach (var (endpoint, traceId) in exemplars)
            {
                output.WriteLine($"exemplar of {endpoint}: trace_id {traceId}");
                Assert.Contains(traceId, exported);
            }

            Assert.Contains(exemplars, e => e.Endpoint == "/commands/{name}");
            Assert.Contains(exemplars, e => e.Endpoint == "/api/v1/status");
        }
    }

    private static async Task OperatorClusterWait(Func<bool> done, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{what}: not reached within {Patience.TotalSeconds} s");
            await Task.Delay(250);
        }
    }

    private sealed class TemporaryDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("exemplars-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
