using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Kube;

namespace WaddleObservabilityOperator.Bench.Scale;

/// <summary>
/// The API's write limit as a client with the operator's settings sees it: ConfigMap creates of about the size of a
/// workload, from <c>parallelism</c> writers (the operator's reconcile concurrency) through the operator's own token
/// bucket (same QPS and burst), for a fixed time. The operator's throughput is reported as a ratio of this. Under a
/// rate limit the burst is spent before the clock starts: the limit is the sustained rate (QPS), and a short measurement
/// that counted the burst would overstate it (30 extra writes in 5 s at the defaults).
/// </summary>
public static class RawWriteThroughput
{
    public const string Namespace = "bench-raw-writes";

    public static async Task<double> MeasureAsync(KubernetesClientConfiguration config, double qps, int burst, int parallelism, TimeSpan duration, CancellationToken cancellationToken)
    {
        using var client = new Kubernetes(config, new ClientRateLimitHandler(new TokenBucket(qps, Math.Max(1, burst), TimeProvider.System)));
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } }, cancellationToken: cancellationToken).ConfigureAwait(false);
        var payload = new string('x', 1500);
        var written = 0;
        var next = -1;
        if (qps < ScaleOptions.UnlimitedQps)
        {
            for (var i = 0; i < burst; i++)
            {
                await client.CoreV1.CreateNamespacedConfigMapAsync(Map(Interlocked.Increment(ref next), payload), Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        var clock = Stopwatch.StartNew();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        stop.CancelAfter(duration);
        var writers = Enumerable.Range(0, parallelism).Select(_ => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await client.CoreV1.CreateNamespacedConfigMapAsync(Map(Interlocked.Increment(ref next), payload), Namespace, cancellationToken: stop.Token).ConfigureAwait(false);
                    Interlocked.Increment(ref written);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }, CancellationToken.None)).ToList();
        await Task.WhenAll(writers).ConfigureAwait(false);
        var seconds = clock.Elapsed.TotalSeconds;

        // Out of the way before the operator starts, so its caches hold only the scenario.
        await client.CoreV1.DeleteCollectionNamespacedConfigMapAsync(Namespace, cancellationToken: cancellationToken).ConfigureAwait(false);
        return written / seconds;
    }

    private static V1ConfigMap Map(int i, string payload) => new()
    {
        Metadata = new V1ObjectMeta { Name = $"raw-{i.ToString(CultureInfo.InvariantCulture)}", NamespaceProperty = Namespace },
        Data = new Dictionary<string, string> { ["payload"] = payload },
    };
}
