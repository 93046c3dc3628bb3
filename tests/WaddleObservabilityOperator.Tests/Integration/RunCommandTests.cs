using System.Net;
using System.Net.Sockets;
using WaddleObservabilityOperator.Cli;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

/// <summary>
/// The `run` command as a user starts it: a kubeconfig file, bind addresses for metrics and probes, then SIGTERM
/// (here: its cancellation). The command is the product's main job, so it is driven whole, not through its parts.
/// </summary>
[Collection(OperatorScenarios.Collection)]
public sealed class RunCommandTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("waddle-run-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task Run_converges_the_samples_serves_probes_and_metrics_and_exits_0_on_shutdown()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync();
        var kubeconfig = Path.Combine(_directory, "kubeconfig");
        cluster.Api.WriteKubeconfig(kubeconfig);
        using var http = new HttpClient();
        using var shutdown = new CancellationTokenSource();
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Task<int> run;
        int metricsPort;
        Uri health;
        for (var attempt = 1; ; attempt++)
        {
            // Ports found free a moment before the command binds them: another process may take one meanwhile. The
            // command then exits with "Cannot listen" (exit code 1), and the test starts it again on other ports.
            (metricsPort, var healthPort) = (FreePort(), FreePort());
            health = new Uri($"http://127.0.0.1:{healthPort}");
            run = Task.Run(() => RunCommand.RunAsync(
                ["--kubeconfig", kubeconfig, "--metrics-bind-address", $"127.0.0.1:{metricsPort}", "--health-probe-bind-address", $"127.0.0.1:{healthPort}",
                 "--leader-elect=false", "--log-format", "text", "--log-level", "warning"],
                stdout, stderr, shutdown.Token));
            var probe = health;
            await OperatorCluster.WaitUntilAsync("/healthz and /readyz answer 200", async () =>
            {
                if (run.IsCompleted)
                {
                    return (true, "run ended");
                }

                var live = await StatusAsync(http, new Uri(probe, "/healthz"));
                var ready = await StatusAsync(http, new Uri(probe, "/readyz"));
                return (live == HttpStatusCode.OK && ready == HttpStatusCode.OK, $"healthz {live}, readyz {ready}");
            });
            if (!run.IsCompleted)
            {
                break;
            }

            var exitCode = await run;
            Assert.True(exitCode == ExitCodes.InvalidInput && attempt < 3, $"run ended early with exit code {exitCode}: {stderr}");
        }

        await cluster.WaitForAllReadyAsync(19);
        await OperatorCluster.WaitUntilAsync("waddle_services{ready=\"true\"} 19 on /metrics", async () =>
        {
            var text = await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"));
            return (text.Contains("waddle_services{ready=\"true\"} 19", StringComparison.Ordinal), text.Length + " bytes of metrics");
        });
        var metrics = await http.GetStringAsync(new Uri($"http://127.0.0.1:{metricsPort}/metrics"));
        Assert.Contains("controller_runtime_reconcile_total{controller=\"waddleservice\",result=\"success\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("workqueue_adds_total{name=\"observabilitypolicy\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("waddle_api_requests_total{verb=\"create\",code=\"201\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("waddle_injected_workloads 19", metrics, StringComparison.Ordinal);

        // SIGTERM: the command stops reconciling and exits 0; the listeners close with it.
        await shutdown.CancelAsync();
        Assert.Equal(ExitCodes.Success, await run.WaitAsync(OperatorCluster.Patience));
        Assert.Equal("", stderr.ToString());
        Assert.Null(await StatusAsync(http, new Uri(health, "/healthz")));
    }

    [Fact]
    public async Task Run_with_a_missing_kubeconfig_or_a_bad_flag_exits_with_a_message_and_starts_nothing()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var missing = Path.Combine(_directory, "absent");
        Assert.Equal(ExitCodes.InvalidInput, await RunCommand.RunAsync(["--kubeconfig", missing], stdout, stderr, CancellationToken.None));
        Assert.Contains($"--kubeconfig {missing}: no such file", stderr.ToString(), StringComparison.Ordinal);

        stderr.GetStringBuilder().Clear();
        Assert.Equal(ExitCodes.Usage, await RunCommand.RunAsync(["--concurrency", "zero"], stdout, stderr, CancellationToken.None));
        Assert.Contains("--concurrency", stderr.ToString(), StringComparison.Ordinal);
    }

    private static async Task<HttpStatusCode?> StatusAsync(HttpClient http, Uri uri)
    {
        try
        {
            using var response = await http.GetAsync(uri);
            return response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return null;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
