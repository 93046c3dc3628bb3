using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Manifests;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Tests.Api;
using WaddleObservabilityOperator.Tests.Integration;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.SdkProof;

/// <summary>
/// Issue 17: what the operator injects, read by a real OpenTelemetry SDK. The operator runs against the API emulator
/// with the reference service's sample (config/samples/reference-service) under a policy of this test; the injected
/// container env is expanded as the kubelet would (<see cref="KubeletEnvironment"/>) and samples/reference-service runs
/// as a process with it. The only changes to the rendered env are addresses, as cluster DNS would resolve them: the
/// OTLP endpoint points at the test's receiver, the remote sampling endpoint at the test's Jaeger endpoint, PORT at a
/// free port and DOWNSTREAM_URL at the second pod. Shares are checked with a 4-sigma binomial bound; waits are patience,
/// never timed assertions.
/// </summary>
[Collection(OperatorScenarios.Collection)]
public sealed class SdkProofTests(ITestOutputHelper output)
{
    private const string Ns = OperatorCluster.Namespace;
    private const string Name = "reference-service";
    private const string HeadersSecret = "otlp-headers";
    private const string Token = "Bearer sdk-proof-token";
    private const int PerOperation = 1000;

    private static readonly string[] StaticOperations = ["GET /health", "GET /api/v1/status", "POST /commands/ping?platform=twitch"];
    private static readonly string[] RemoteOperations = ["GET /health", "GET /api/v1/status"];

    // The user's policy: OTLP over HTTP with a header from a Secret, two resource attributes of their own, static 25 %.
    private const string PolicyYaml = """
        apiVersion: observability.waddlebot.io/v1alpha1
        kind: ObservabilityPolicy
        metadata:
          name: waddlebot
          namespace: waddlebot
        spec:
          selector: {}
          resourceAttributes:
            deployment.environment: sdk-proof
            team: waddlebot
          tracing:
            enabled: true
            exporter: otlp
            endpoint: http://otel-collector.observability.svc:4318
            protocol: http/protobuf
            headersSecretRef:
              name: otlp-headers
              key: headers
            propagators: [tracecontext, baggage]
            sampling:
              mode: static
              defaultRatio: 0.25
          correlation:
            header: X-Correlation-ID
            requestHeader: X-Request-ID
            generateRequestId: true
          metrics:
            enabled: true
            namespace: waddlebot
        """;

    [Fact]
    public async Task The_reference_service_exports_what_the_status_promises_and_follows_a_live_remote_ratio_change()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        var op = await ApplyAsync(cluster);
        var secret = await cluster.User.CoreV1.ReadNamespacedSecretAsync(HeadersSecret, Ns);
        await using var receiver = await OtlpTraceReceiver.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 16 }) { Timeout = TimeSpan.FromSeconds(60) };

        // --- Static mode: parentbased_traceidratio at the policy's 0.25. ---
        var (service, env) = await InjectedAsync(cluster, "parentbased_traceidratio");
        var ratio = service.Status!.Effective!.SamplingRatio!.Value;
        Assert.Equal(0.25, ratio);
        Assert.Equal("http/protobuf", Value(env, "OTEL_EXPORTER_OTLP_PROTOCOL"));
        var downstreamPod = new PodFacts($"{Name}-5d8f7c9b4-qx7vz", Ns, Guid.NewGuid().ToString(), "node-b", "10.244.2.31");
        var upstreamPod = new PodFacts($"{Name}-5d8f7c9b4-h2kfm", Ns, Guid.NewGuid().ToString(), "node-a", "10.244.1.17");
        var downstreamEnv = ProcessEnv(env, downstreamPod, secret, receiver, downstream: null);
        using var downstream = await ReferenceServiceProcess.StartAsync("downstream", downstreamEnv);
        var upstreamEnv = ProcessEnv(env, upstreamPod, secret, receiver, downstream.Url);
        using var upstream = await ReferenceServiceProcess.StartAsync("upstream", upstreamEnv);

        var clock = Stopwatch.StartNew();
        var requests = await upstream.DriveAsync(http, StaticOperations, PerOperation, "X-Correlation-ID", "static");
        output.WriteLine($"driven in {clock.ElapsedMilliseconds} ms");
        Assert.All(requests, r => Assert.Equal(200, r.Status));
        output.WriteLine($"static mode, ratio {Ratio.Format(ratio)}: {requests.Count} requests ({PerOperation} per operation)");
        AssertShare("static, all operations", requests, ratio);
        foreach (var operation in StaticOperations)
        {
            AssertShare($"static, {operation}", [.. requests.Where(r => r.Operation == operation)], ratio);
        }

        // Exactly the sampled traces are exported: a root server span of the upstream pod for each, none for the others.
        var sampled = requests.Where(r => r.Sampled).Select(r => r.TraceId).ToHashSet();
        clock.Restart();
        var spans = await ExportedAsync(receiver, upstreamPod.Name, sampled);
        output.WriteLine($"every sampled trace exported {clock.ElapsedMilliseconds} ms later ({receiver.Spans.Count} spans)");
        var roots = spans.Where(s => s.Resource["k8s.pod.name"] == upstreamPod.Name && s.Kind == ExportedSpan.ServerKind && s.ParentSpanId.Length == 0).ToList();
        Assert.Equal(sampled.Order(), roots.Select(s => s.TraceId).Order());
        // The downstream pod's server span joins the caller's trace (traceparent propagated) exactly for sampled commands.
        var sampledCommands = requests.Where(r => r.Sampled && r.Operation.StartsWith("POST", StringComparison.Ordinal)).Select(r => r.TraceId).ToHashSet();
        await OperatorCluster.WaitUntilAsync("the downstream pod's spans of every sampled command exported", () =>
        {
            var joined = receiver.Spans.Where(s => s.Resource["k8s.pod.name"] == downstreamPod.Name && s.Kind == ExportedSpan.ServerKind).Select(s => s.TraceId).ToHashSet();
            return Task.FromResult((sampledCommands.IsSubsetOf(joined), $"{sampledCommands.Count(joined.Contains)} of {sampledCommands.Count}"));
        });
        var downstreamTraces = receiver.Spans.Where(s => s.Resource["k8s.pod.name"] == downstreamPod.Name).Select(s => s.TraceId).ToHashSet();
        Assert.Subset(sampled, downstreamTraces);

        // Resource attributes: exactly the promise (the rendered OTEL_RESOURCE_ATTRIBUTES as the kubelet expands it,
        // service.name from status.effective), plus the telemetry.sdk.* the SDK always adds.
        foreach (var (pod, podEnv) in new[] { (upstreamPod, upstreamEnv), (downstreamPod, downstreamEnv) })
        {
            var promised = Promised(podEnv, service);
            Assert.Equal(pod.Name, promised["k8s.pod.name"]);
            Assert.Equal(pod.NodeName, promised["k8s.node.name"]);
            Assert.Equal(pod.Uid, promised["k8s.pod.uid"]);
            Assert.Equal([Name, "1.0.0", Ns, Ns, Name, Name, "action", "sdk-proof", "waddlebot", $"{Ns}.{pod.Name}.{Name}"],
                [promised["service.name"], promised["service.version"], promised["service.namespace"], promised["k8s.namespace.name"],
                 promised["k8s.deployment.name"], promised["k8s.container.name"], promised["waddlebot.layer"], promised["deployment.environment"],
                 promised["team"], promised["service.instance.id"]]);
            var resources = receiver.Spans.Where(s => s.Resource.GetValueOrDefault("k8s.pod.name") == pod.Name).Select(s => s.Resource).ToList();
            Assert.NotEmpty(resources);
            foreach (var resource in resources)
            {
                Assert.Equal(promised.OrderBy(p => p.Key, StringComparer.Ordinal), resource.Where(p => !p.Key.StartsWith("telemetry.sdk.", StringComparison.Ordinal)).OrderBy(p => p.Key, StringComparer.Ordinal));
                Assert.Equal(["telemetry.sdk.language", "telemetry.sdk.name", "telemetry.sdk.version"], resource.Keys.Where(k => k.StartsWith("telemetry.sdk.", StringComparison.Ordinal)).Order(StringComparer.Ordinal));
            }
        }

        // The exporter's headers came from the Secret the kubelet read.
        Assert.NotEmpty(receiver.Authorizations);
        Assert.All(receiver.Authorizations, a => Assert.Equal(Token, a));

        // The correlation id of each command reached the downstream call and is in a log line of both.
        var upstreamLogs = upstream.CorrelatedLogLines().Select(l => l.CorrelationId).ToHashSet();
        var downstreamLogs = downstream.CorrelatedLogLines().Select(l => l.CorrelationId).ToHashSet();
        var commands = requests.Where(r => r.Operation.StartsWith("POST", StringComparison.Ordinal)).Select(r => r.CorrelationId).ToList();
        Assert.Equal(PerOperation, commands.Count);
        Assert.All(commands, id => Assert.Contains(id, upstreamLogs));
        Assert.All(commands, id => Assert.Contains(id, downstreamLogs));
        Assert.All(requests.Where(r => !r.Operation.StartsWith("POST", StringComparison.Ordinal)), r => Assert.DoesNotContain(r.CorrelationId, downstreamLogs));
        output.WriteLine($"correlation: {commands.Count} command correlation ids in the log lines of both pods");

        // /metrics in OpenMetrics: latency exemplars lead to exported traces.
        var exemplars = await OpenMetrics.LatencyExemplarsAsync(http, upstream.Url);
        Assert.NotEmpty(exemplars);
        var exported = receiver.Spans.Select(s => s.TraceId).ToHashSet();
        Assert.All(exemplars, e => Assert.Contains(e, exported));
        output.WriteLine($"exemplars: {exemplars.Count} latency exemplars on /metrics, each a trace id the receiver holds");
        upstream.Dispose();
        downstream.Dispose();

        // --- Remote mode: the policy switches (one rollout, the sampler changes), then a ratio change reaches the running process. ---
        await cluster.PatchPolicyAsync(new JsonObject
        {
            ["tracing"] = new JsonObject
            {
                ["sampling"] = new JsonObject
                {
                    ["mode"] = "remote",
                    ["defaultRatio"] = 0.2,
                    ["pollingInterval"] = "1s",
                    ["operations"] = new JsonArray(new JsonObject { ["operation"] = "GET /health", ["ratio"] = 0.5 }),
                },
            },
        });
        (service, env) = await InjectedAsync(cluster, "parentbased_jaeger_remote");
        // The sample declares tracing.sdkRemote: its pods get no TRACING_SAMPLE_RATE, and its status (written after the
        // injection) says a ratio change reaches it through the remote document.
        Assert.DoesNotContain(env, e => e.Name == "TRACING_SAMPLE_RATE");
        await OperatorCluster.WaitUntilAsync("status.effective.samplingAppliedBy RemoteDocument", async () =>
        {
            var appliedBy = (await cluster.WaddleServiceAsync(Name))?.Status?.Effective?.SamplingAppliedBy;
            return (appliedBy == WaddleObservabilityOperator.Api.SamplingApplication.RemoteDocument, $"{appliedBy}");
        });
        var samplerArg = Value(env, "OTEL_TRACES_SAMPLER_ARG");
        var samplingUrl = samplerArg.Split(',').Single(p => p.StartsWith("endpoint=", StringComparison.Ordinal))["endpoint=".Length..];
        Assert.Contains("pollingIntervalMs=1000", samplerArg, StringComparison.Ordinal);
        var configMap = ChildNames.SamplingConfigMap(OperatorCluster.Policy);
        await using var jaeger = await JaegerSamplingEndpoint.StartAsync(async () =>
            (await cluster.ConfigMapAsync(configMap))?.Data?[ChildNames.SamplingFileName] ?? throw new InvalidOperationException($"no ConfigMap {configMap}"));
        var remoteEnv = ProcessEnv(env, upstreamPod, secret, receiver, downstream: null);
        remoteEnv["OTEL_TRACES_SAMPLER_ARG"] = samplerArg.Replace(samplingUrl, jaeger.Url, StringComparison.Ordinal);
        using var remote = await ReferenceServiceProcess.StartAsync("remote", remoteEnv);
        await OperatorCluster.WaitUntilAsync("the sampler's first poll answered", () => Task.FromResult((jaeger.Served.Any(s => s.Service == Name), $"{jaeger.Served.Count} answers")));
        var before = await remote.DriveAsync(http, RemoteOperations, PerOperation, "X-Correlation-ID", "remote-before");
        output.WriteLine($"remote mode before the change: {before.Count} requests");
        AssertShare("remote, GET /api/v1/status (default 0.2)", [.. before.Where(r => r.Operation == "GET /api/v1/status")], 0.2);
        AssertShare("remote, GET /health (operation 0.5)", [.. before.Where(r => r.Operation == "GET /health")], 0.5);

        var (deploymentBefore, _) = await cluster.DeploymentAsync(Name);
        var mark = cluster.WritesBy(op.Identity).Count;
        var pid = remote.Process.Pid;
        var edited = Stopwatch.StartNew();
        var editedAt = DateTimeOffset.UtcNow;
        await cluster.PatchPolicyAsync(new JsonObject { ["tracing"] = new JsonObject { ["sampling"] = new JsonObject { ["defaultRatio"] = 0.6 } } });
        await OperatorCluster.WaitUntilAsync("the sampling ConfigMap carries 0.6", async () =>
        {
            var document = (await cluster.ConfigMapAsync(configMap))?.Data?[ChildNames.SamplingFileName] ?? "";
            return (document.Contains("0.6", StringComparison.Ordinal), document);
        });
        var configMapWritten = edited.Elapsed;
        await OperatorCluster.WaitUntilAsync("the running process polled the new strategy", () =>
        {
            var line = remote.Process.Output.Split('\n').LastOrDefault(l => l.Contains("Sampling strategy of reference-service is now default 0.6", StringComparison.Ordinal));
            return Task.FromResult((line is not null, $"{jaeger.Served.Count} answers served"));
        });
        var strategyInForce = edited.Elapsed;
        var firstServed = jaeger.Served.First(s => s.Answer.Contains("\"defaultSamplingProbability\":0.6", StringComparison.Ordinal)).At - editedAt;
        var after = await remote.DriveAsync(http, RemoteOperations, PerOperation, "X-Correlation-ID", "remote-after");
        output.WriteLine($"remote mode after the change: {after.Count} requests");
        AssertShare("remote after the change, GET /api/v1/status (default 0.6)", [.. after.Where(r => r.Operation == "GET /api/v1/status")], 0.6);
        AssertShare("remote after the change, GET /health (operation 0.5)", [.. after.Where(r => r.Operation == "GET /health")], 0.5);
        output.WriteLine($"policy edit -> ConfigMap written {configMapWritten.TotalMilliseconds:F0} ms; -> first poll served 0.6 {firstServed.TotalMilliseconds:F0} ms; -> new strategy in force in the process {strategyInForce.TotalMilliseconds:F0} ms (polling interval 1 s)");

        // Without a restart and without a rollout.
        Assert.False(remote.Process.HasExited);
        Assert.Equal(pid, remote.Process.Pid);
        var (deploymentAfter, _) = await cluster.DeploymentAsync(Name);
        Assert.Equal(deploymentBefore.Metadata.Generation, deploymentAfter.Metadata.Generation);
        Assert.DoesNotContain(cluster.WritesBy(op.Identity).Skip(mark), w => w.Resource == "deployments");
    }

    /// <summary>The user's day: Secret, policy, then the sample's Deployment, Service and WaddleService; the operator; Ready.</summary>
    private static async Task<Chaos.ChaosOperator> ApplyAsync(OperatorCluster cluster)
    {
        var loaded = ManifestLoader.Load([new ManifestFile("policy.yaml", PolicyYaml),
            new ManifestFile("reference-service.yaml", await File.ReadAllTextAsync(RepositoryLayout.PathOf("config", "samples", "reference-service", "reference-service.yaml")))]);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        var set = loaded.Manifests;
        await cluster.User.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Ns } });
        await cluster.User.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = HeadersSecret },
            StringData = new Dictionary<string, string> { ["headers"] = $"Authorization={Token}" },
        }, Ns);
        await cluster.CreateAsync(set.Policies.Single());
        await cluster.User.AppsV1.CreateNamespacedDeploymentAsync(set.Deployments.Single(), Ns);
        await cluster.User.CoreV1.CreateNamespacedServiceAsync(set.Services.Single(), Ns);
        await cluster.CreateAsync(set.WaddleServices.Single());
        var op = cluster.StartOperator("op-sdk");
        await cluster.WaitForAllReadyAsync(1);
        return op;
    }

    /// <summary>The WaddleService and its container's injected env, once the sampler <paramref name="sampler"/> is injected and the service is Ready.</summary>
    private static async Task<(WaddleService Service, IList<V1EnvVar> Env)> InjectedAsync(OperatorCluster cluster, string sampler)
    {
        await OperatorCluster.WaitUntilAsync($"{sampler} injected and Ready", async () =>
        {
            var (_, env) = await cluster.DeploymentAsync(Name);
            var current = env.TryGetValue("OTEL_TRACES_SAMPLER", out var value) ? value.Value : null;
            var service = await cluster.WaddleServiceAsync(Name);
            return (current == sampler && service is not null && OperatorCluster.IsReady(service), $"sampler {current}, {(service is null ? "no service" : OperatorCluster.Describe(service))}");
        });
        var (deployment, _) = await cluster.DeploymentAsync(Name);
        return ((await cluster.WaddleServiceAsync(Name))!, deployment.Spec.Template.Spec.Containers.Single(c => c.Name == Name).Env);
    }

    private static string Value(IList<V1EnvVar> env, string name) => env.Last(e => e.Name == name).Value;

    /// <summary>The env the kubelet gives the container, with the cluster addresses replaced by the test's stand-ins.</summary>
    private static Dictionary<string, string> ProcessEnv(IList<V1EnvVar> env, PodFacts pod, V1Secret secret, OtlpTraceReceiver receiver, string? downstream)
    {
        var expanded = KubeletEnvironment.Expand(env, pod, [secret]);
        Assert.Equal("http://otel-collector.observability.svc:4318", expanded["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        expanded["OTEL_EXPORTER_OTLP_ENDPOINT"] = receiver.Endpoint;
        if (downstream is null)
        {
            expanded.Remove("DOWNSTREAM_URL");
        }
        else
        {
            expanded["DOWNSTREAM_URL"] = downstream;
        }

        return expanded;
    }

    /// <summary>What the spans' resource should be: OTEL_RESOURCE_ATTRIBUTES decoded (the SDK's reading), service.name from status.effective.</summary>
    private static Dictionary<string, string> Promised(IReadOnlyDictionary<string, string> env, WaddleService service)
    {
        var promised = env["OTEL_RESOURCE_ATTRIBUTES"].Split(',').Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => Uri.UnescapeDataString(p[1]), StringComparer.Ordinal);
        Assert.DoesNotContain(promised.Values, v => v.Contains("$(", StringComparison.Ordinal));
        Assert.Equal(service.Status!.Effective!.ServiceName, env["OTEL_SERVICE_NAME"]);
        promised["service.name"] = service.Status.Effective.ServiceName!;
        return promised;
    }

    /// <summary>The sampled share is within 4 sigma of the binomial mean; prints the measured share.</summary>
    private void AssertShare(string what, IReadOnlyList<DrivenRequest> requests, double ratio)
    {
        var n = requests.Count;
        var k = requests.Count(r => r.Sampled);
        var sigma = Math.Sqrt(n * ratio * (1 - ratio));
        output.WriteLine($"  {what}: {k}/{n} sampled = {((double)k / n).ToString("F3", CultureInfo.InvariantCulture)} (ratio {Ratio.Format(ratio)}, 4 sigma = ±{(4 * sigma / n).ToString("F3", CultureInfo.InvariantCulture)})");
        Assert.InRange(k, (n * ratio) - (4 * sigma), (n * ratio) + (4 * sigma));
    }

    /// <summary>Waits until the receiver holds a span of <paramref name="pod"/> for each trace of <paramref name="traceIds"/> (the batch exporter sends every few seconds).</summary>
    private static async Task<IReadOnlyList<ExportedSpan>> ExportedAsync(OtlpTraceReceiver receiver, string pod, IReadOnlySet<string> traceIds)
    {
        await OperatorCluster.WaitUntilAsync($"{traceIds.Count} sampled traces exported by {pod}", () =>
        {
            var have = receiver.Spans.Where(s => s.Resource.GetValueOrDefault("k8s.pod.name") == pod && s.ParentSpanId.Length == 0).Select(s => s.TraceId).ToHashSet();
            return Task.FromResult((traceIds.IsSubsetOf(have), $"{traceIds.Count(have.Contains)} of {traceIds.Count}"));
        });
        return receiver.Spans;
    }
}
