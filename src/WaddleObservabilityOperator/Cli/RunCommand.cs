using System.Runtime.InteropServices;
using k8s;
using k8s.Exceptions;
using WaddleObservabilityOperator.Controllers;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Telemetry;

namespace WaddleObservabilityOperator.Cli;

/// <summary>
/// <c>run</c>: the operator against a cluster, until SIGTERM (or Ctrl+C). Configuration: --kubeconfig, else the
/// in-cluster service account, else KUBECONFIG or ~/.kube/config. Leader election is on by default in a cluster.
/// </summary>
public static class RunCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        if (args.Any(a => a is "-h" or "--help"))
        {
            await stdout.WriteLineAsync(RunOptions.Usage).ConfigureAwait(false);
            return ExitCodes.Success;
        }

        RunOptions options;
        try
        {
            options = RunOptions.Parse(args);
        }
        catch (FormatException e)
        {
            await stderr.WriteLineAsync($"run: {e.Message}\n{RunOptions.Usage}").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        KubernetesClientConfiguration config;
        bool inCluster;
        try
        {
            (config, inCluster) = ClusterConfiguration(options.Kubeconfig);
        }
        catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException)
        {
            await stderr.WriteLineAsync($"run: cannot load the cluster configuration: {e.Message}").ConfigureAwait(false);
            return ExitCodes.InvalidInput;
        }

        using var loggers = LoggerFactory.Create(l => OperatorLogging.Configure(l, options.LogFormat, options.LogLevel));
        using var tracing = OperatorTracing.StartExporter(Environment.GetEnvironmentVariable);
        var logger = loggers.CreateLogger(typeof(RunCommand));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Kubernetes stops a pod with SIGTERM: stop reconciling, release the lease, exit 0.
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            logger.LogInformation("SIGTERM received; shutting down");
            stop.Cancel();
        });

        var operatorOptions = ToOperatorOptions(options, inCluster, config.Namespace);
        var metrics = new OperatorMetrics();
        await using var waddle = new WaddleOperator(config, operatorOptions, metrics, loggers);
        try
        {
            using var reviewClient = options.MetricsSecure ? KubernetesClientFactory.Create(config, new ApiClientOptions { Qps = options.Qps, Burst = options.Burst }, TimeProvider.System) : null;
            using var certificate = options.MetricsSecure ? MetricsCertificate.Load(options.MetricsCertDirectory, TimeProvider.System) : null;
            var secure = reviewClient is null ? null : new SecureMetrics(certificate!, new MetricsAuthorizer(reviewClient, TimeProvider.System));
            await using var endpoints = await ProbeEndpoints.StartAsync(options.MetricsBindAddress, options.HealthProbeBindAddress, metrics, () => waddle.IsReady, stop.Token, secure).ConfigureAwait(false);
            logger.LogInformation("Serving metrics on {MetricsUrl} and probes on {HealthUrl}", endpoints.MetricsUrl?.ToString() ?? "(off)", endpoints.HealthUrl?.ToString() ?? "(off)");
            await waddle.RunAsync(stop.Token).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            // Kestrel reports a port in use this way.
            logger.LogCritical("Cannot listen: {Error}", e.Message);
            return ExitCodes.InvalidInput;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }

        return ExitCodes.Success;
    }

    /// <summary>The flags as the operator takes them, with the defaults that depend on where it runs.</summary>
    public static OperatorOptions ToOperatorOptions(RunOptions options, bool inCluster, string? ownNamespace)
    {
        ArgumentNullException.ThrowIfNull(options);
        var identity = Environment.GetEnvironmentVariable("POD_NAME") is { Length: > 0 } pod ? pod : new OperatorOptions().Identity;
        return new OperatorOptions
        {
            Namespaces = options.Namespaces,
            Concurrency = options.Concurrency,
            MaxConcurrency = options.MaxConcurrency,
            ResyncPeriod = options.ResyncPeriod,
            MaxRetryDelay = options.MaxRetryDelay,
            Qps = options.Qps,
            Burst = options.Burst,
            LeaderElect = options.LeaderElect ?? inCluster,
            LeaseNamespace = options.LeaderElectionNamespace ?? (inCluster && !string.IsNullOrEmpty(ownNamespace) ? ownNamespace : "default"),
            LeaseName = options.LeaderElectionId,
            Identity = identity,
        };
    }

    private static (KubernetesClientConfiguration Config, bool InCluster) ClusterConfiguration(string? kubeconfig)
    {
        if (kubeconfig is not null)
        {
            return File.Exists(kubeconfig)
                ? (KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig), false)
                : throw new FileNotFoundException($"--kubeconfig {kubeconfig}: no such file");
        }

        return KubernetesClientConfiguration.IsInCluster()
            ? (KubernetesClientConfiguration.InClusterConfig(), true)
            : (KubernetesClientConfiguration.BuildDefaultConfig(), false);
    }
}
