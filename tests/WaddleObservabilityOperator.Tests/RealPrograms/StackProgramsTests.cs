using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Rendering.Backends.Grafana;
using Xunit.Abstractions;
using YamlDotNet.RepresentationModel;
using PrometheusBackend = WaddleObservabilityOperator.Rendering.Backends.PrometheusBackend;

namespace WaddleObservabilityOperator.Tests.RealPrograms;

/// <summary>
/// Issue 15's proof with the real programs (Debian's builds; scripts/install-tools.sh installs them): a policy with
/// PostgreSQL and Redis exporters, the node exporter, the kubelet scrape, a managed Prometheus and a managed
/// Alertmanager is rendered as the operator renders it, and every container runs as its image's program would, with
/// exactly the rendered arguments and environment (<see cref="PodLauncher"/>: only addresses change), against a real
/// PostgreSQL and Redis whose passwords are in the test's Secrets. Prometheus runs with the rendered prometheus.yml
/// and alerts.yml, its Kubernetes discovery done from the rendered Services and pods (<see cref="SimulatedDiscovery"/>:
/// every relabelling rule kept), and the test waits, bounded, until every job is up, the exporters report their
/// databases, node and container series carry the labels dashboards read, every query of the infrastructure dashboard
/// returns series, the default rules are evaluated, and an alert
/// of a firing rule reaches Alertmanager. The kubelet is the one stand-in (<see cref="FakeKubelet"/>): it cannot run here.
/// </summary>
public sealed class StackProgramsTests(ITestOutputHelper output)
{
    private const string Namespace = "waddlebot";
    private const string PolicyName = "waddlebot";

    // Characters that break a URL-form DSN (postgres_exporter#664) and a shell.
    private const string PostgresUser = "waddle_monitor";
    private const string PostgresPassword = "p@ss/w%rd:#?&=";
    private const string RedisPassword = "r3d!s pa$$ word";
    private const string ServiceAccountToken = "test-prometheus-service-account-token";
    private const string TestAlert = "WaddleTestPostgresReachable";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Rendered_exporters_prometheus_and_alertmanager_run_as_the_real_programs_and_deliver()
    {
        var rendered = PolicyRenderer.Render(new PolicyRenderInput([Policy()], [], new ClusterFacts(false, new NamespaceFacts(Namespace, "privileged"))), Namespace, PolicyName);
        var backends = Assert.Single(rendered.Outcome.Conditions, c => c.Type == ConditionTypes.BackendsReady);
        Assert.True(backends.Status, backends.Message);
        var objects = rendered.Objects;

        var root = Directory.CreateTempSubdirectory("waddle-stack-").FullName;
        UnixModes.Set(root, "755");
        var processes = new List<LocalProcess>();
        FakeKubelet? kubelet = null;
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            var (postgres, postgresPort) = await LocalServers.StartPostgresAsync(root, PostgresUser, PostgresPassword);
            processes.Add(postgres);
            var (redis, redisPort) = await LocalServers.StartRedisAsync(root, RedisPassword);
            processes.Add(redis);
            kubelet = await FakeKubelet.StartAsync(ServiceAccountToken);

            var launcher = new PodLauncher(root);
            launcher.Secrets[("waddlebot-postgres", "username")] = PostgresUser;
            launcher.Secrets[("waddlebot-postgres", "password")] = PostgresPassword;
            launcher.Secrets[("waddlebot-redis", "password")] = RedisPassword;
            launcher.ServiceAddresses["waddlebot-postgres:5432"] = $"127.0.0.1:{postgresPort}";
            // A server that is down: nothing listens there.
            launcher.ServiceAddresses["waddlebot-postgres-replica:5432"] = $"127.0.0.1:{LocalProcess.FreePort()}";
            launcher.ServiceAddresses["waddlebot-redis:6379"] = $"127.0.0.1:{redisPort}";
            foreach (var configMap in objects.OfType<V1ConfigMap>())
            {
                launcher.ConfigMaps[configMap.Metadata.Name] = configMap;
            }

            // The exporters and the Alertmanager first, as rendered.
            var pods = new List<SimulatedPod>();
            foreach (var workload in objects.Where(o => o is V1Deployment or V1DaemonSet).Where(o => Template(o).Spec.Containers.All(c => c.Name != "prometheus")))
            {
                var template = Template(workload);
                var container = template.Spec.Containers.Single();
                if (container.Name == "alertmanager")
                {
                    var config = Path.Combine(root, "alertmanager-check.yml");
                    await File.WriteAllTextAsync(config, launcher.ConfigMaps[AlertmanagerConfigMap].Data[AlertmanagerConfigDocument.FileName]);
                    var check = await LocalProcess.RunAsync(ProgramPaths.Find("amtool"), ["check-config", config], TimeSpan.FromMinutes(1));
                    Assert.True(check.ExitCode == 0, check.Output);
                    Assert.Contains("SUCCESS", check.Output, StringComparison.Ordinal);
                }

                var launched = await launcher.LaunchAsync($"{workload.Metadata.Name}-test", template.Spec, container, ProgramPaths.Find(Programs[container.Name]));
                processes.Add(launched.Process);
                pods.Add(new SimulatedPod(launched.PodName, template.Metadata.Labels, launched));
            }

            var alertmanager = pods.Single(p => p.Container.Container.Name == "alertmanager").Container;
            launcher.ServiceAddresses[$"{AlertmanagerComponent.InstanceName(PolicyName)}.{Namespace}.svc:9093"] = alertmanager.Address("web");
            await WaitForHttpAsync(http, $"http://{alertmanager.Address("web")}/-/ready", alertmanager.Process);

            // Prometheus last: its discovery needs every pod's address.
            var prometheusWorkload = objects.Single(o => o is V1Deployment d && d.Metadata.Name == PrometheusComponent.InstanceName(PolicyName));
            var prometheusTemplate = Template(prometheusWorkload);
            var serviceAccount = Path.Combine(root, "serviceaccount");
            Directory.CreateDirectory(serviceAccount);
            UnixModes.Set(serviceAccount, "755");
            await File.WriteAllTextAsync(Path.Combine(serviceAccount, "token"), ServiceAccountToken);
            var renderedConfig = launcher.ConfigMaps[PrometheusConfigMap];
            var prometheusPort = 0;
            var prometheus = await launcher.LaunchAsync($"{prometheusWorkload.Metadata.Name}-test", prometheusTemplate.Spec, prometheusTemplate.Spec.Containers.Single(c => c.Name == "prometheus"), ProgramPaths.Find("prometheus"), ports =>
            {
                // Its job scraping itself names its own address, known once its port is.
                prometheusPort = ports[9090];
                launcher.ServiceAddresses["localhost:9090"] = $"127.0.0.1:{prometheusPort}";
                var prometheusYml = SimulatedDiscovery.Apply(
                    renderedConfig.Data["prometheus.yml"], Namespace, [.. objects.OfType<V1Service>()], pods, Environment.MachineName, kubelet.Address);
                prometheusYml = launcher.MapAddresses(prometheusYml)
                    // The service account's token, where the kubelet would mount it.
                    .Replace(PrometheusConfigDocument.ServiceAccountDirectory, serviceAccount, StringComparison.Ordinal);
                launcher.ConfigMaps[PrometheusConfigMap] = new V1ConfigMap
                {
                    Metadata = renderedConfig.Metadata,
                    Data = new Dictionary<string, string>(renderedConfig.Data)
                    {
                        ["prometheus.yml"] = WithTestRuleFile(prometheusYml),
                        [TestRulesFile] = TestRules,
                    },
                };
            });
            output.WriteLine("prometheus.yml as run:\n" + launcher.ConfigMaps[PrometheusConfigMap].Data["prometheus.yml"]);
            processes.Add(prometheus.Process);
            var api = $"http://{prometheus.Address("web")}";
            string Logs() => string.Join("\n", processes.Select(p => p.Describe()));
            await WaitForHttpAsync(http, $"{api}/-/ready", prometheus.Process);

            // Every job is up, and each keeps exactly its own target out of all the namespace's endpoints.
            var node = Environment.MachineName;
            var expectedUp = new HashSet<(string Job, string Instance)>
            {
                ("postgres-exporter", "main"),
                ("postgres-exporter", "replica"),
                ("redis-exporter", "cache"),
                ("node-exporter", node),
                ("kubelet", node),
                ("prometheus", $"127.0.0.1:{prometheusPort}"),
            };
            var up = await EventuallyAsync(() => QueryAsync(http, api, "up"), series =>
                series.Count == expectedUp.Count
                && series.All(s => s.Value == "1")
                && series.Select(s => (s.Labels["job"], s.Labels["instance"])).ToHashSet().SetEquals(expectedUp), Logs);
            output.WriteLine("up:");
            foreach (var series in up.OrderBy(s => s.ToString(), StringComparer.Ordinal))
            {
                output.WriteLine("  " + series);
            }

            // The exporters' own targets are up whether or not their servers are: pg_up and redis_up tell.
            var pgUp = await EventuallyAsync(() => QueryAsync(http, api, "pg_up"), s => s.Count == 2, Logs);
            Assert.Equal("1", pgUp.Single(s => s.Labels["instance"] == "main").Value);
            Assert.Equal("0", pgUp.Single(s => s.Labels["instance"] == "replica").Value);
            Assert.All(pgUp, s => Assert.Equal(("postgres", "postgres-exporter", Namespace), (s.Labels["waddlebot_exporter"], s.Labels["job"], s.Labels["namespace"])));
            var redisUp = Assert.Single(await EventuallyAsync(() => QueryAsync(http, api, "redis_up"), s => s.Count == 1, Logs));
            Assert.Equal("1", redisUp.Value);
            Assert.Equal(("redis", "cache", "redis-exporter"), (redisUp.Labels["waddlebot_exporter"], redisUp.Labels["instance"], redisUp.Labels["job"]));

            // Node and container series with the labels the infrastructure dashboard reads.
            var cpu = await EventuallyAsync(() => QueryAsync(http, api, "node_cpu_seconds_total{mode=\"idle\"}"), s => s.Count > 0, Logs);
            Assert.All(cpu, s =>
            {
                Assert.Equal(("node", node, "node-exporter", Namespace), (s.Labels["waddlebot_exporter"], s.Labels["instance"], s.Labels["job"], s.Labels["namespace"]));
                Assert.True(s.Labels.ContainsKey("cpu"), s.ToString());
            });
            var containers = await EventuallyAsync(() => QueryAsync(http, api, "container_cpu_usage_seconds_total"), s => s.Count == 2, Logs);
            Assert.All(containers, s =>
            {
                // honor_labels: cAdvisor's namespace, pod and container name the container measured.
                Assert.Equal(("kubelet", "kubelet", node, node, "/metrics/cadvisor", "waddlebot"), (s.Labels["waddlebot_exporter"], s.Labels["job"], s.Labels["instance"], s.Labels["node"], s.Labels["metrics_path"], s.Labels["namespace"]));
            });
            Assert.Equal(["ai", "router"], containers.Select(s => s.Labels["container"]).Order(StringComparer.Ordinal));
            Assert.Equal(0, kubelet.Refused);

            // The infrastructure dashboard as the policy publishes it reads what these programs serve: each of its
            // queries, as Grafana sends it, returns series (its rates once two scrapes are in).
            var infrastructure = objects.OfType<V1ConfigMap>().Single(c => c.Metadata.Name == GrafanaDashboards.ConfigMapName(PolicyName, InfrastructureDashboard.ConfigMapSuffix));
            var expressions = DashboardCases.Expressions(JsonNode.Parse(infrastructure.Data.Values.Single())!.AsObject());
            Assert.True(expressions.Count >= 30, $"only {expressions.Count} expressions");
            foreach (var expression in expressions)
            {
                var answer = await EventuallyAsync(() => QueryAsync(http, api, expression.Substituted), series => series.Count > 0, Logs);
                output.WriteLine($"infrastructure dashboard {expression.Where}: {answer.Count} series");
            }

            // The default rules are loaded and evaluated on the real series: PostgresDown is pending for the server that is down.
            var pending = await EventuallyAsync(() => QueryAsync(http, api, "ALERTS{alertstate=\"pending\"}"), s => s.Any(a => a.Labels["alertname"] == "PostgresDown"), Logs);
            var postgresDown = pending.Single(a => a.Labels["alertname"] == "PostgresDown");
            Assert.Equal(("replica", "critical"), (postgresDown.Labels["instance"], postgresDown.Labels["severity"]));
            Assert.DoesNotContain(pending, a => a.Labels["alertname"] == "RedisDown");
            var groups = (await GetJsonAsync(http, $"{api}/api/v1/rules"))["data"]!["groups"]!.AsArray();
            var rules = groups.SelectMany(g => g!["rules"]!.AsArray()).ToList();
            Assert.Equal(
                ["PostgresDown", "PostgresExporterDown", "RedisDown", "RedisExporterDown", TestAlert],
                rules.Select(r => (string)r!["name"]!).Order(StringComparer.Ordinal));
            Assert.All(rules, r => Assert.Equal("ok", (string?)r!["health"]));

            // A firing rule's alert reaches the managed Alertmanager through the rendered alerting block.
            var delivered = await EventuallyAsync(
                async () => (await GetJsonArrayAsync(http, $"http://{alertmanager.Address("web")}/api/v2/alerts")).Select(a => a!.AsObject()).ToList(),
                alerts => alerts.Any(a => (string?)a["labels"]!["alertname"] == TestAlert),
                Logs);
            var alert = delivered.Single(a => (string?)a["labels"]!["alertname"] == TestAlert);
            Assert.Equal(("main", "postgres", "active"), ((string?)alert["labels"]!["instance"], (string?)alert["labels"]!["waddlebot_exporter"], (string?)alert["status"]!["state"]));
            output.WriteLine($"alert in Alertmanager: {alert["labels"]!.ToJsonString()}");

            // The config reloader's part, done here as it does it (its binary is not on this machine): the kubelet
            // refreshes the ConfigMap's directory with an edited alerts.yml, the reloader sees the change in its watched
            // directory and POSTs its reload URL, and the same Prometheus process loads the new rule.
            await ReloadsAnEditedRulesFileInPlaceAsync(http, api, launcher, prometheusTemplate, prometheus, Logs);

            // Every rendered HTTP probe answers 200 from the real program.
            foreach (var pod in pods.Append(new SimulatedPod(prometheus.PodName, prometheusTemplate.Metadata.Labels, prometheus)))
            {
                var container = pod.Container.Container;
                foreach (var probe in new[] { container.ReadinessProbe, container.LivenessProbe, container.StartupProbe }.OfType<V1Probe>())
                {
                    var url = $"http://{pod.Container.Address(probe.HttpGet.Port.Value)}{probe.HttpGet.Path}";
                    using var response = await http.GetAsync(new Uri(url));
                    Assert.True(response.IsSuccessStatusCode, $"{container.Name} probe {url}: {(int)response.StatusCode}\n{pod.Container.Process.Describe()}");
                }
            }

            Assert.All(processes, p => Assert.False(p.HasExited, p.Describe()));
        }
        finally
        {
            foreach (var process in Enumerable.Reverse(processes))
            {
                process.Dispose();
            }

            if (kubelet is not null)
            {
                await kubelet.DisposeAsync();
            }

            Directory.Delete(root, recursive: true);
        }
    }

    private const string ReloadedRule = "waddle_test:reloaded";

    private async Task ReloadsAnEditedRulesFileInPlaceAsync(HttpClient http, string api, PodLauncher launcher, V1PodTemplateSpec template, LaunchedContainer prometheus, Func<string> logs)
    {
        var reloader = template.Spec.Containers.Single(c => c.Name == PrometheusBackend.ReloaderName);
        string Flag(string name) => reloader.Args.Single(a => a.StartsWith($"--{name}=", StringComparison.Ordinal))[(name.Length + 3)..];

        // What the reloader watches is the ConfigMap's directory mount Prometheus reads its files from (no subPath).
        var watched = Flag("watched-dir");
        var mount = reloader.VolumeMounts.Single(m => m.MountPath == watched);
        Assert.Null(mount.SubPath);
        Assert.Contains(prometheus.Container.VolumeMounts, m => m.Name == mount.Name && m.MountPath == watched && m.SubPath is null);
        Assert.Equal(PrometheusConfigMap, template.Spec.Volumes.Single(v => v.Name == mount.Name).ConfigMap.Name);
        var alertsFile = Path.Combine(launcher.VolumePath(prometheus.PodName, mount.Name), PrometheusRulesDocument.FileName);
        Assert.True(File.Exists(alertsFile), alertsFile);

        // Its reload URL is Prometheus's web port on loopback (one network namespace): here, where that port moved.
        var reloadUrl = new Uri(Flag("reload-url"));
        Assert.Equal(("127.0.0.1", "/-/reload"), (reloadUrl.Host, reloadUrl.AbsolutePath));
        var reload = new UriBuilder(reloadUrl) { Port = prometheus.Ports[reloadUrl.Port] }.Uri;

        var before = (await GetJsonAsync(http, $"{api}/api/v1/status/runtimeinfo"))["data"]!.AsObject();
        var edited = YamlTree.Load(await File.ReadAllTextAsync(alertsFile));
        ((YamlSequenceNode)edited.At("groups")).Children.Add(YamlTree.Load($$"""
            name: waddle-test-reload
            rules:
              - record: {{ReloadedRule}}
                expr: vector(1)
            """));
        // As the kubelet does: the new content appears at once (written aside, then renamed over the old file).
        var staged = alertsFile + ".new";
        await File.WriteAllTextAsync(staged, YamlTree.Save(edited));
        File.Move(staged, alertsFile, overwrite: true);

        using (var response = await http.PostAsync(reload, null))
        {
            Assert.True(response.IsSuccessStatusCode, $"POST {reload}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}\n{logs()}");
        }

        var names = (await GetJsonAsync(http, $"{api}/api/v1/rules"))["data"]!["groups"]!.AsArray()
            .SelectMany(g => g!["rules"]!.AsArray()).Select(r => (string)r!["name"]!).ToList();
        Assert.Contains(ReloadedRule, names);
        Assert.Contains("PostgresDown", names);
        var recorded = Assert.Single(await EventuallyAsync(() => QueryAsync(http, api, ReloadedRule), s => s.Count == 1, logs));
        Assert.Equal("1", recorded.Value);

        // The same process, not restarted: same start time, a later successful config load.
        var after = (await GetJsonAsync(http, $"{api}/api/v1/status/runtimeinfo"))["data"]!.AsObject();
        Assert.False(prometheus.Process.HasExited, prometheus.Process.Describe());
        Assert.Equal((string?)before["startTime"], (string?)after["startTime"]);
        Assert.True((bool)after["reloadConfigSuccess"]!);
        Assert.True(DateTimeOffset.Parse((string)after["lastConfigTime"]!, System.Globalization.CultureInfo.InvariantCulture) > DateTimeOffset.Parse((string)before["lastConfigTime"]!, System.Globalization.CultureInfo.InvariantCulture));
        output.WriteLine($"reloaded in place: {ReloadedRule} evaluated, started {after["startTime"]}, config loaded {before["lastConfigTime"]} then {after["lastConfigTime"]}");
    }

    private const string AlertmanagerConfigMap = "waddlebot-alertmanager-config";
    private const string PrometheusConfigMap = "waddlebot-prometheus-config";
    private const string TestRulesFile = "test-alerts.yml";

    /// <summary>The test's own rule, which fires at once on a real series: it proves the path Prometheus to Alertmanager.</summary>
    private static readonly string TestRules = $$"""
        groups:
          - name: waddle-test
            rules:
              - alert: {{TestAlert}}
                expr: pg_up{waddlebot_exporter="postgres",instance="main"} == 1
                labels:
                  severity: info
        """;

    /// <summary>The Debian program each image runs.</summary>
    private static readonly Dictionary<string, string> Programs = new(StringComparer.Ordinal)
    {
        ["postgres-exporter"] = "prometheus-postgres-exporter",
        ["redis-exporter"] = "prometheus-redis-exporter",
        ["node-exporter"] = "prometheus-node-exporter",
        ["alertmanager"] = "prometheus-alertmanager",
    };

    /// <summary>What a user would declare: WaddleBot's database and cache by Secret reference, a replica that is down, nodes, containers, Prometheus and Alertmanager; a 2 s scrape interval so the test is quick.</summary>
    internal static ObservabilityPolicy Policy() => new()
    {
        Metadata = new V1ObjectMeta { Name = PolicyName, NamespaceProperty = Namespace, Uid = "7c1e0c7e-0d7e-4c55-9a61-2b8f3f1b6a10", Generation = 1 },
        Spec = new ObservabilityPolicySpec
        {
            // Quick, and long enough for postgres_exporter, which takes a second to report a server it cannot reach.
            Metrics = new MetricsPolicy { ScrapeInterval = "2s", ScrapeTimeout = "2s" },
            Backends = new BackendsPolicy { Prometheus = new WaddleObservabilityOperator.Api.PrometheusBackend { Managed = true } },
            Alerting = new AlertingPolicy { Alertmanager = new WaddleObservabilityOperator.Api.AlertmanagerBackend { Managed = true } },
            Exporters = new ExportersPolicy
            {
                Postgres =
                [
                    new PostgresExporter
                    {
                        Name = "main",
                        Host = "waddlebot-postgres",
                        SslMode = PostgresSslMode.Disable,
                        UserSecretRef = new SecretKeyReference { Name = "waddlebot-postgres", Key = "username" },
                        PasswordSecretRef = new SecretKeyReference { Name = "waddlebot-postgres", Key = "password" },
                    },
                    new PostgresExporter
                    {
                        Name = "replica",
                        Host = "waddlebot-postgres-replica",
                        SslMode = PostgresSslMode.Disable,
                        UserSecretRef = new SecretKeyReference { Name = "waddlebot-postgres", Key = "username" },
                        PasswordSecretRef = new SecretKeyReference { Name = "waddlebot-postgres", Key = "password" },
                    },
                ],
                Redis =
                [
                    new RedisExporter
                    {
                        Name = "cache",
                        Address = "waddlebot-redis:6379",
                        PasswordSecretRef = new SecretKeyReference { Name = "waddlebot-redis", Key = "password" },
                    },
                ],
                Node = new NodeExporter { Enabled = true },
                Kubelet = new KubeletScrape { Enabled = true },
            },
        },
    };

    private static V1PodTemplateSpec Template(IKubernetesObject<V1ObjectMeta> workload) => workload switch
    {
        V1Deployment d => d.Spec.Template,
        V1DaemonSet ds => ds.Spec.Template,
        _ => throw new InvalidOperationException($"{workload.Kind} is not run by this test"),
    };

    private static string WithTestRuleFile(string config)
    {
        var root = YamlTree.Load(config);
        ((YamlSequenceNode)root.At("rule_files")).Children.Add(new YamlScalarNode(TestRulesFile));
        return YamlTree.Save(root);
    }

    private static async Task WaitForHttpAsync(HttpClient http, string url, LocalProcess process)
    {
        await EventuallyAsync(
            async () =>
            {
                try
                {
                    using var response = await http.GetAsync(new Uri(url));
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
            },
            ok => ok,
            () => process.Describe());
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

        Assert.Fail($"not reached within {Patience.TotalSeconds} s; last: {Describe(last)}\n{logs()}");
        return last;
    }

    private static string Describe(object? value) => value switch
    {
        IEnumerable<Sample> samples => "[" + string.Join(", ", samples) + "]",
        IEnumerable<JsonObject> objects => "[" + string.Join(", ", objects.Select(o => o.ToJsonString())) + "]",
        _ => value?.ToString() ?? "null",
    };

    /// <summary>An instant query's vector.</summary>
    private static async Task<IReadOnlyList<Sample>> QueryAsync(HttpClient http, string api, string query)
    {
        var answer = await GetJsonAsync(http, $"{api}/api/v1/query?query={Uri.EscapeDataString(query)}");
        return [.. answer["data"]!["result"]!.AsArray().Select(r => new Sample(
            r!["metric"]!.AsObject().ToDictionary(l => l.Key, l => (string)l.Value!, StringComparer.Ordinal),
            (string)r["value"]![1]!))];
    }

    private static async Task<JsonObject> GetJsonAsync(HttpClient http, string url) =>
        JsonNode.Parse(await http.GetStringAsync(new Uri(url)))!.AsObject();

    private static async Task<JsonArray> GetJsonArrayAsync(HttpClient http, string url) =>
        JsonNode.Parse(await http.GetStringAsync(new Uri(url)))!.AsArray();

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
