using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WaddleObservabilityOperator.Telemetry;

namespace WaddleObservabilityOperator.Tests.RealPrograms;

/// <summary>
/// What Prometheus sees of a kubelet, the one part of the stack that cannot run on this machine: HTTPS with a
/// self-signed serving certificate (as most kubelets have), <c>/metrics/cadvisor</c> only for the bearer of the
/// expected service account token (401 otherwise, as the kubelet's authorization of nodes/metrics would refuse it),
/// answering with cAdvisor's series for two containers of WaddleBot.
/// </summary>
internal sealed class FakeKubelet : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeKubelet(WebApplication app, int port)
    {
        _app = app;
        Address = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    public string Address { get; }

    /// <summary>Requests refused for a missing or wrong token.</summary>
    public int Refused => _refused;

    private int _refused;

    /// <summary>
    /// cAdvisor's text for two containers of WaddleBot, with the labels it sets itself (namespace, pod, container, image,
    /// name, id): CPU and CFS throttling, working set and memory limit (only the router has one), and the pods' network,
    /// which belongs to the pod's sandbox (container and image empty), as cAdvisor documents them.
    /// </summary>
    public const string CadvisorMetrics = """
        # HELP container_cpu_usage_seconds_total Cumulative cpu time consumed in seconds.
        # TYPE container_cpu_usage_seconds_total counter
        container_cpu_usage_seconds_total{container="router",cpu="total",id="/kubepods/burstable/pod1/c1",image="ghcr.io/waddlebot/router:1.0.0",name="c1",namespace="waddlebot",pod="router-7d9f8b6c5-x2x4z"} 12.5
        container_cpu_usage_seconds_total{container="ai",cpu="total",id="/kubepods/burstable/pod2/c2",image="ghcr.io/waddlebot/ai:1.0.0",name="c2",namespace="waddlebot",pod="ai-5c6d7e8f9-k8k8k"} 40.25
        # HELP container_cpu_cfs_periods_total Number of elapsed enforcement period intervals.
        # TYPE container_cpu_cfs_periods_total counter
        container_cpu_cfs_periods_total{container="router",id="/kubepods/burstable/pod1/c1",image="ghcr.io/waddlebot/router:1.0.0",name="c1",namespace="waddlebot",pod="router-7d9f8b6c5-x2x4z"} 1200
        # HELP container_cpu_cfs_throttled_periods_total Number of throttled period intervals.
        # TYPE container_cpu_cfs_throttled_periods_total counter
        container_cpu_cfs_throttled_periods_total{container="router",id="/kubepods/burstable/pod1/c1",image="ghcr.io/waddlebot/router:1.0.0",name="c1",namespace="waddlebot",pod="router-7d9f8b6c5-x2x4z"} 30
        # HELP container_memory_working_set_bytes Current working set in bytes.
        # TYPE container_memory_working_set_bytes gauge
        container_memory_working_set_bytes{container="router",id="/kubepods/burstable/pod1/c1",image="ghcr.io/waddlebot/router:1.0.0",name="c1",namespace="waddlebot",pod="router-7d9f8b6c5-x2x4z"} 1.34217728e+08
        container_memory_working_set_bytes{container="ai",id="/kubepods/burstable/pod2/c2",image="ghcr.io/waddlebot/ai:1.0.0",name="c2",namespace="waddlebot",pod="ai-5c6d7e8f9-k8k8k"} 5.36870912e+08
        # HELP container_spec_memory_limit_bytes Memory limit for the container.
        # TYPE container_spec_memory_limit_bytes gauge
        container_spec_memory_limit_bytes{container="router",id="/kubepods/burstable/pod1/c1",image="ghcr.io/waddlebot/router:1.0.0",name="c1",namespace="waddlebot",pod="router-7d9f8b6c5-x2x4z"} 2.68435456e+08
        container_spec_memory_limit_bytes{container="ai",id="/kubepods/burstable/pod2/c2",image="ghcr.io/waddlebot/ai:1.0.0",name="c2",namespace="waddlebot",pod="ai-5c6d7e8f9-k8k8k"} 0
        # HELP container_network_receive_bytes_total Cumulative count of bytes received
        # TYPE container_network_receive_bytes_total counter
        container_network_receive_bytes_total{container="",id="/kubepods/burstable/pod1",image="",interface="eth0",name="",namespace="waddlebot",pod="router-7d9f8b6c5-x2x4z"} 5.24288e+06
        container_network_receive_bytes_total{container="",id="/kubepods/burstable/pod2",image="",interface="eth0",name="",namespace="waddlebot",pod="ai-5c6d7e8f9-k8k8k"} 1.048576e+06
        # HELP container_network_transmit_bytes_total Cumulative count of bytes transmitted
        # TYPE container_network_transmit_bytes_total counter
        container_network_transmit_bytes_total{container="",id="/kubepods/burstable/pod1",image="",interface="eth0",name="",namespace="waddlebot",pod="router-7d9f8b6c5-x2x4z"} 2.097152e+06
        container_network_transmit_bytes_total{container="",id="/kubepods/burstable/pod2",image="",interface="eth0",name="",namespace="waddlebot",pod="ai-5c6d7e8f9-k8k8k"} 524288

        """;

    /// <summary>Starts it on a free port of 127.0.0.1 (another one when the port was taken meanwhile).</summary>
    public static async Task<FakeKubelet> StartAsync(string token)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartAsync(token, LocalProcess.FreePort());
            }
            catch (IOException e) when (attempt < 3 && e.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                // Taken between the check and the bind: try another.
            }
        }
    }

    private static async Task<FakeKubelet> StartAsync(string token, int port)
    {
        var certificate = MetricsCertificate.Load(null, TimeProvider.System);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        FakeKubelet? kubelet = null;
        app.MapGet("/metrics/cadvisor", (HttpContext context) =>
        {
            if (context.Request.Headers.Authorization != $"Bearer {token}")
            {
                Interlocked.Increment(ref kubelet!._refused);
                return Results.StatusCode(StatusCodes.Status401Unauthorized);
            }

            return Results.Text(CadvisorMetrics, "text/plain; version=0.0.4; charset=utf-8");
        });
        kubelet = new FakeKubelet(app, port);
        try
        {
            await app.StartAsync();
        }
        catch (IOException)
        {
            await app.DisposeAsync();
            throw;
        }

        return kubelet;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
