using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using Xunit.Abstractions;
using PrometheusBackend = WaddleObservabilityOperator.Rendering.Backends.PrometheusBackend;

namespace WaddleObservabilityOperator.Tests.RealPrograms;

/// <summary>
/// Issue 18's proof with the real programs (Debian's Prometheus 2.42; scripts/install-tools.sh installs it): a policy
/// with two Prometheus replicas and a remote write to a store behind basic auth is rendered as the operator renders
/// it. The remote store is a Prometheus started with <c>--web.enable-remote-write-receiver</c> and a web config that
/// admits only the basic-auth user and password (bcrypt, as Prometheus's web config requires). Each replica runs as
/// its pod would (<see cref="PodLauncher"/>): the StatefulSet's pod template with exactly the rendered arguments, its
/// pod name from the downward API, the Secret's key written where the rendered secret volume puts it, and the rendered
/// prometheus.yml whose password_file names that mount (mapped to the directory standing in for it) and whose
/// remote_write URL, a cluster address, resolves to the store. The test waits, bounded, until the store holds both
/// replicas' series with the external labels (cluster, environment, and replica = each pod's name) and the write
/// relabelling applied, and shows that a replica whose Secret holds a wrong password gets nothing in.
/// </summary>
public sealed class RemoteWriteProgramsTests(ITestOutputHelper output)
{
    private const string Namespace = "waddlebot";
    private const string PolicyName = "waddlebot";
    private const string StoreAddress = "remote-store.monitoring.svc:9090";
    private const string StoreUser = "waddlebot";
    private const string StorePassword = "s3cr3t p@ss:w0rd/with$dollar";
    private const string SecretName = "remote-store";
    private const string SecretKey = "password";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    [Fact]
    public async Task Two_rendered_replicas_write_their_series_with_distinct_replica_labels_to_a_store_behind_basic_auth()
    {
        var rendered = PolicyRenderer.Render(new PolicyRenderInput([Policy()], [], new ClusterFacts(false, new NamespaceFacts(Namespace, "restricted"))), Namespace, PolicyName);
        var backends = Assert.Single(rendered.Outcome.Conditions, c => c.Type == ConditionTypes.BackendsReady);
        Assert.True(backends.Status, backends.Message);
        var statefulSet = Assert.Single(rendered.Objects.OfType<V1StatefulSet>());
        Assert.Equal(2, statefulSet.Spec.Replicas);
        var configMap = rendered.Objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == PrometheusBackend.ConfigMapName(PolicyName));
        // The credential reaches the pod only as a file of the Secret's volume: never in the ConfigMap or the environment.
        Assert.DoesNotContain(rendered.Objects.OfType<V1ConfigMap>(), c => c.Data.Values.Any(v => v.Contains(StorePassword, StringComparison.Ordinal)));

        var root = Directory.CreateTempSubdirectory("waddle-remote-write-").FullName;
        UnixModes.Set(root, "755");
        var processes = new List<LocalProcess>();
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        string Logs() => string.Join("\n", processes.Select(p => p.Describe()));
        try
        {
            // The remote store: a Prometheus receiving remote writes, only for the basic-auth user and password.
            var store = await StartStoreAsync(root);
            processes.Add(store.Process);
            var storeUrl = $"http://127.0.0.1:{store.Port.ToString(CultureInfo.InvariantCulture)}";
            var authorized = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{StoreUser}:{StorePassword}")));
            await EventuallyAsync(() => StatusAsync(http, $"{storeUrl}/-/ready", authorized), status => status == 200, Logs);
            // Control: the store refuses whoever lacks the password, so what arrives below came through the credentials.
            Assert.Equal(401, await StatusAsync(http, $"{storeUrl}/-/ready", null));

            // Both replicas from the one StatefulSet and ConfigMap, with the right password; a third with a wrong one.
            var replicas = new List<LaunchedContainer>();
            foreach (var ordinal in new[] { 0, 1 })
            {
                var replica = await LaunchReplicaAsync(root, statefulSet, configMap, $"{statefulSet.Metadata.Name}-{ordinal.ToString(CultureInfo.InvariantCulture)}", StorePassword, store.Port);
                processes.Add(replica.Process);
                replicas.Add(replica);
            }

            var wrong = await LaunchReplicaAsync(root, statefulSet, configMap, $"{statefulSet.Metadata.Name}-2", "not the password", store.Port);
            processes.Add(wrong.Process);

            // The store holds each good replica's own scrape, with the external labels and the write relabelling.
            var up = await EventuallyAsync(
                () => QueryAsync(http, storeUrl, authorized, "up{job=\"prometheus\"}"),
                series => series.Select(s => s.Labels.GetValueOrDefault("replica")).ToHashSet().SetEquals(["waddlebot-prometheus-0", "waddlebot-prometheus-1"]),
                Logs);
            foreach (var series in up.OrderBy(s => s.ToString(), StringComparer.Ordinal))
            {
                output.WriteLine("in the store: " + series);
                Assert.Equal(("waddle-test", "test", "waddle-remote-write", "1"), (series.Labels["cluster"], series.Labels["environment"], series.Labels["written_by"], series.Value));
            }

            var buildInfo = await EventuallyAsync(() => QueryAsync(http, storeUrl, authorized, "prometheus_build_info"), s => s.Count == 2, Logs);
            Assert.All(buildInfo, s => Assert.StartsWith("2.", s.Labels["version"], StringComparison.Ordinal));
            output.WriteLine($"in the store: {buildInfo.Count} prometheus_build_info series, replicas {string.Join(", ", buildInfo.Select(s => s.Labels["replica"]).Order(StringComparer.Ordinal))}");

            // The drop rule: the go_* series of the same scrapes as prometheus_build_info were not sent (one shard sends
            // a scrape's samples in order, and go_* come first in it).
            Assert.Empty(await QueryAsync(http, storeUrl, authorized, "{__name__=~\"go_.*\"}"));
            // Control: the replicas themselves have them.
            Assert.NotEmpty(await QueryAsync(http, $"http://{replicas[0].Address("web")}", null, "go_goroutines"));

            // The replica with a wrong password: the store refuses its requests (Prometheus counts them as failed and
            // drops them, a 401 not being retried), and none of its series is in the store.
            var failed = await EventuallyAsync(
                () => QueryAsync(http, $"http://{wrong.Address("web")}", null, "prometheus_remote_storage_samples_failed_total{remote_name=\"remote-store\"} > 0"),
                s => s.Count == 1,
                Logs);
            output.WriteLine("the replica with a wrong password: " + failed.Single());
            Assert.Empty(await QueryAsync(http, storeUrl, authorized, "{replica=\"waddlebot-prometheus-2\"}"));
            Assert.All(processes, p => Assert.False(p.HasExited, p.Describe()));
        }
        finally
        {
            foreach (var process in Enumerable.Reverse(processes))
            {
                process.Dispose();
            }

            Directory.Delete(root, recursive: true);
        }
    }

    /// <summary>What a team outgrowing one Prometheus declares: two replicas and a remote store with basic auth, a tenant header, one shard and two write relabellings.</summary>
    private static ObservabilityPolicy Policy() => new()
    {
        Metadata = new V1ObjectMeta { Name = PolicyName, NamespaceProperty = Namespace, Uid = "3d0d2a55-7f0e-4a3c-9b3e-1c2d3e4f5a6b", Generation = 1 },
        Spec = new ObservabilityPolicySpec
        {
            // Quick: a scrape every 2 s.
            Metrics = new MetricsPolicy { ScrapeInterval = "2s", ScrapeTimeout = "2s" },
            Backends = new BackendsPolicy
            {
                Prometheus = new WaddleObservabilityOperator.Api.PrometheusBackend
                {
                    Managed = true,
                    Replicas = 2,
                    ExternalLabels = new Dictionary<string, string>(StringComparer.Ordinal) { ["cluster"] = "waddle-test", ["environment"] = "test" },
                    RemoteWrite =
                    [
                        new RemoteWriteSpec
                        {
                            Name = "remote-store",
                            Url = $"http://{StoreAddress}/api/v1/write",
                            Headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["X-Scope-OrgID"] = "waddlebot" },
                            BasicAuth = new RemoteWriteBasicAuth { Username = StoreUser, Password = new SecretKeyReference { Name = SecretName, Key = SecretKey } },
                            // One shard keeps a scrape's samples in order (the drop rule's check), sent within a second.
                            QueueConfig = new RemoteWriteQueueConfig { MinShards = 1, MaxShards = 1, BatchSendDeadline = "1s", MinBackoff = "100ms", MaxBackoff = "1s" },
                            WriteRelabelConfigs =
                            [
                                new WriteRelabelConfig { Action = RelabelAction.Drop, SourceLabels = ["__name__"], Regex = "go_.*" },
                                new WriteRelabelConfig { TargetLabel = "written_by", Replacement = "waddle-remote-write" },
                            ],
                        },
                    ],
                },
            },
        },
    };

    /// <summary>A replica as its pod would run: the rendered template, its own name, the Secret's key as a file where the rendered volume puts it.</summary>
    private static async Task<LaunchedContainer> LaunchReplicaAsync(string root, V1StatefulSet statefulSet, V1ConfigMap configMap, string podName, string password, int storePort)
    {
        var launcher = new PodLauncher(root);
        launcher.Secrets[(SecretName, SecretKey)] = password;
        launcher.ServiceAddresses[StoreAddress] = $"127.0.0.1:{storePort.ToString(CultureInfo.InvariantCulture)}";
        var pod = statefulSet.Spec.Template.Spec;
        var container = pod.Containers.Single(c => c.Name == "prometheus");
        var secretMounts = container.VolumeMounts.Where(m => pod.Volumes.Single(v => v.Name == m.Name).Secret is not null).ToList();
        Assert.Equal(["/etc/prometheus-secrets/remote-store"], secretMounts.Select(m => m.MountPath));
        return await launcher.LaunchAsync(podName, pod, container, ProgramPaths.Find("prometheus"), ports =>
        {
            // The self-scrape names localhost:9090; here the replica's own port. The store's cluster address resolves
            // to the local store, and password_file to the file the Secret's volume holds.
            launcher.ServiceAddresses["localhost:9090"] = $"127.0.0.1:{ports[9090].ToString(CultureInfo.InvariantCulture)}";
            var config = launcher.MapMounts(launcher.MapAddresses(configMap.Data[PrometheusBackend.ConfigFileName]), podName, secretMounts);
            Assert.Contains(Path.Combine(launcher.VolumePath(podName, secretMounts[0].Name), SecretKey), config, StringComparison.Ordinal);
            launcher.ConfigMaps[configMap.Metadata.Name] = new V1ConfigMap
            {
                Metadata = configMap.Metadata,
                Data = new Dictionary<string, string>(configMap.Data) { [PrometheusBackend.ConfigFileName] = config },
            };
        });
    }

    /// <summary>The receiving Prometheus, with a web config requiring the basic-auth user and password (bcrypt, as the web config demands).</summary>
    private static async Task<(LocalProcess Process, int Port)> StartStoreAsync(string root)
    {
        var directory = Path.Combine(root, "remote-store");
        Directory.CreateDirectory(directory);
        UnixModes.Set(directory, "777");
        var config = Path.Combine(directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  scrape_interval: 15s\n");
        var webConfig = Path.Combine(directory, "web.yml");
        await File.WriteAllTextAsync(webConfig, $"basic_auth_users:\n  {StoreUser}: '{BCrypt.Net.BCrypt.HashPassword(StorePassword, workFactor: 6)}'\n");
        UnixModes.Set(config, "644");
        UnixModes.Set(webConfig, "644");
        var (process, ports) = await LocalProcess.StartListeningAsync(1, ports => LocalProcess.Start(
            "remote-store",
            ProgramPaths.Find("prometheus"),
            [
                $"--config.file={config}",
                $"--storage.tsdb.path={Path.Combine(directory, "data")}",
                "--web.enable-remote-write-receiver",
                $"--web.config.file={webConfig}",
                $"--web.listen-address=127.0.0.1:{ports[0].ToString(CultureInfo.InvariantCulture)}",
            ],
            runAs: "65534"));
        return (process, ports[0]);
    }

    private static async Task<int> StatusAsync(HttpClient http, string url, AuthenticationHeaderValue? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url));
        request.Headers.Authorization = authorization;
        try
        {
            using var response = await http.SendAsync(request);
            return (int)response.StatusCode;
        }
        catch (HttpRequestException)
        {
            return 0;
        }
    }

    /// <summary>An instant query's vector.</summary>
    private static async Task<IReadOnlyList<Sample>> QueryAsync(HttpClient http, string api, AuthenticationHeaderValue? authorization, string query)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{api}/api/v1/query?query={Uri.EscapeDataString(query)}"));
        request.Headers.Authorization = authorization;
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{query}: {(int)response.StatusCode} {body}");
        return [.. JsonNode.Parse(body)!["data"]!["result"]!.AsArray().Select(r => new Sample(
            r!["metric"]!.AsObject().ToDictionary(l => l.Key, l => (string)l.Value!, StringComparer.Ordinal),
            (string)r["value"]![1]!))];
    }

    /// <summary>Polls <paramref name="read"/> until <paramref name="done"/>, for at most <see cref="Patience"/>; fails with the programs' logs.</summary>
    private static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> done, Func<string> logs)
    {
        var deadline = DateTime.UtcNow + Patience;
        T last;
        while (true)
        {
            last = await read();
            if (done(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"not reached within {Patience.TotalSeconds} s; last: {(last is IEnumerable<Sample> samples ? "[" + string.Join(", ", samples) + "]" : last?.ToString())}\n{logs()}");
        return last;
    }

    private sealed record Sample(IReadOnlyDictionary<string, string> Labels, string Value)
    {
        public override string ToString()
        {
            var name = Labels.GetValueOrDefault("__name__", "");
            var labels = string.Join(",", Labels.Where(l => l.Key != "__name__").OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"{l.Key}=\"{l.Value}\""));
            return new StringBuilder(name).Append('{').Append(labels).Append("} ").Append(Value).ToString();
        }
    }
}
