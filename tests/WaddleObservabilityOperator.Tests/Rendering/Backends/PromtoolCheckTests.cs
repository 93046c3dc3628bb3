using System.Diagnostics;
using WaddleObservabilityOperator.Cli;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Api;
using YamlDotNet.RepresentationModel;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>
/// The generated prometheus.yml passes the real `promtool check config`. Debian's promtool 2.42 has no Kubernetes
/// discovery, so each kubernetes_sd_configs block is first checked for its shape here and then swapped for a
/// static_configs block; everything else (relabel rules, regexes, durations, limits) is checked by promtool as is.
/// </summary>
public sealed class PromtoolCheckTests
{
    [Fact]
    public async Task Representative_config_passes_promtool()
    {
        var policy = BackendTestData.Policy();
        var result = await CheckAsync(PrometheusConfigDocument.Render(policy, BackendTestData.ThreeServices(policy)));
        Assert.True(result.ExitCode == 0, result.Describe());
    }

    [Fact]
    public async Task Hostile_config_passes_promtool()
    {
        var policy = HostileInput.Policy();
        var result = await CheckAsync(PrometheusConfigDocument.Render(policy, HostileInput.Services(policy)));
        Assert.True(result.ExitCode == 0, result.Describe());
    }

    [Fact]
    public async Task Config_without_services_passes_promtool()
    {
        var result = await CheckAsync(PrometheusConfigDocument.Render(BackendTestData.Policy(externalLabels: []), []));
        Assert.True(result.ExitCode == 0, result.Describe());
    }

    [Fact]
    public async Task Config_of_the_waddlebot_samples_passes_promtool()
    {
        // The whole system as a user declares it, through the render command: 19 services, one managed Prometheus.
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        var exitCode = RenderCommand.Run([Path.Combine(RepositoryLayout.Root, "config", "samples", "waddlebot")], stdout, stderr);
        Assert.True(exitCode == 0, stderr.ToString());

        var configMaps = new List<YamlNode>();
        using (var reader = new StringReader(stdout.ToString()))
        {
            var stream = new YamlStream();
            stream.Load(reader);
            foreach (var document in stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>())
            {
                if (document.Text("kind") == "ConfigMap" && document.Has("data") && document.At("data").Has(PrometheusConfigFileName))
                {
                    configMaps.Add(document.At("data"));
                }
            }
        }

        var data = Assert.Single(configMaps);
        var config = data.Text(PrometheusConfigFileName);
        // 19 services, WaddleBot's PostgreSQL and Redis exporters, the kubelets, Prometheus itself.
        Assert.Equal(23, YamlTree.Load(config).Items("scrape_configs").Count);
        // Every rules file it names: the components' alerts and the SLO rules of the router and ai (Rendering/Slos).
        var ruleFiles = YamlTree.Load(config).Items("rule_files").Select(r => r.Text()).ToList();
        Assert.Equal([PrometheusRulesDocument.FileName, "slos-ai.yml", "slos-router.yml"], ruleFiles);
        var result = await CheckAsync(config, [.. ruleFiles.Select(f => (f, data.Text(f)))]);
        Assert.True(result.ExitCode == 0, result.Describe());
    }

    private const string PrometheusConfigFileName = "prometheus.yml";

    [Fact]
    public async Task Config_with_every_exporter_the_kubelet_scrape_rules_and_alerting_passes_promtool()
    {
        var policy = BackendTestData.Everything();
        var config = PrometheusConfigDocument.Render(policy, BackendTestData.ThreeServices(policy));
        var rules = PrometheusRulesDocument.Render(policy);
        Assert.NotNull(rules);
        var root = YamlTree.Load(config);
        Assert.Equal([PrometheusRulesDocument.FileName], root.Items("rule_files").Select(r => r.Text()));
        Assert.Equal(2, root.Items("alerting", "alertmanagers").Count);

        // promtool reads the rule file next to the config, as Prometheus does from the mounted ConfigMap.
        var result = await CheckAsync(config, (PrometheusRulesDocument.FileName, rules));
        Assert.True(result.ExitCode == 0, result.Describe());
        Assert.Contains("SUCCESS: 4 rules found", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_rejects_the_config_when_its_rule_file_is_missing()
    {
        // Control: the check above really reads alerts.yml.
        var policy = BackendTestData.Everything();
        var result = await CheckAsync(PrometheusConfigDocument.Render(policy, []));
        Assert.True(result.ExitCode != 0, result.Describe());
        Assert.Contains(PrometheusRulesDocument.FileName, result.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// The default alerts behave as their descriptions say, on series shaped like the exporters' (promtool's rule unit
    /// tests): PostgresDown and RedisDown fire after pg_up or redis_up is 0 for 2 minutes and not before, not at all
    /// while the server is up, and the ExporterDown alerts fire after 5 minutes of up == 0.
    /// </summary>
    [Fact]
    public async Task The_default_alerts_fire_when_and_only_when_their_descriptions_say()
    {
        var directory = Directory.CreateTempSubdirectory("waddle-rules-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(directory, PrometheusRulesDocument.FileName), PrometheusRulesDocument.Render(BackendTestData.Everything()));
            var tests = Path.Combine(directory, "alerts-test.yml");
            await File.WriteAllTextAsync(tests, DefaultAlertTests);
            var result = await RunPromtoolAsync(["test", "rules", tests]);
            Assert.True(result.ExitCode == 0, result.Describe());
            Assert.Contains("SUCCESS", result.Output, StringComparison.Ordinal);

            // Control: a test expecting PostgresDown one minute early fails, so the SUCCESS above is the rules' own.
            await File.WriteAllTextAsync(tests, DefaultAlertTests.Replace("eval_time: 3m", "eval_time: 1m", StringComparison.Ordinal));
            var early = await RunPromtoolAsync(["test", "rules", tests]);
            Assert.True(early.ExitCode != 0, early.Describe());
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private const string DefaultAlertTests = """
        rule_files:
          - alerts.yml
        evaluation_interval: 15s
        tests:
          - interval: 15s
            input_series:
              - series: 'pg_up{waddlebot_exporter="postgres",instance="main",job="postgres-exporter",namespace="waddlebot"}'
                values: '0x20'
              - series: 'pg_up{waddlebot_exporter="postgres",instance="analytics",job="postgres-exporter",namespace="waddlebot"}'
                values: '1x20'
              - series: 'redis_up{waddlebot_exporter="redis",instance="cache",job="redis-exporter",namespace="waddlebot"}'
                values: '1 1 1 1 0x16'
              - series: 'up{waddlebot_exporter="redis",instance="cache",job="redis-exporter",namespace="waddlebot"}'
                values: '0x24'
            alert_rule_test:
              - eval_time: 1m
                alertname: PostgresDown
                exp_alerts: []
              - eval_time: 3m
                alertname: PostgresDown
                exp_alerts:
                  - exp_labels: {severity: critical, waddlebot_exporter: postgres, instance: main, job: postgres-exporter, namespace: waddlebot}
                    exp_annotations:
                      summary: PostgreSQL main is down
                      description: The postgres exporter main in namespace waddlebot has not reached its server for 2 minutes (pg_up is 0). Its own target stays up, so up does not show this.
              - eval_time: 2m
                alertname: RedisDown
                exp_alerts: []
              - eval_time: 4m
                alertname: RedisDown
                exp_alerts:
                  - exp_labels: {severity: critical, waddlebot_exporter: redis, instance: cache, job: redis-exporter, namespace: waddlebot}
                    exp_annotations:
                      summary: Redis cache is down
                      description: 'The redis exporter cache in namespace waddlebot has not reached its server for 2 minutes (redis_up is 0: down, or a wrong password). Its own target stays up, so up does not show this.'
              - eval_time: 4m
                alertname: RedisExporterDown
                exp_alerts: []
              - eval_time: 6m
                alertname: RedisExporterDown
                exp_alerts:
                  - exp_labels: {severity: warning, waddlebot_exporter: redis, instance: cache, job: redis-exporter, namespace: waddlebot}
                    exp_annotations:
                      summary: The Redis exporter cache cannot be scraped
                      description: Prometheus has not reached the Redis exporter cache in namespace waddlebot for 5 minutes, so the Redis alerts cannot fire.
              - eval_time: 6m
                alertname: PostgresExporterDown
                exp_alerts: []
        """;

    [Fact]
    public async Task Config_with_exemplar_storage_passes_promtool_and_promtool_reads_its_keys()
    {
        // Debian's promtool 2.42 parses storage.exemplars strictly (config.ExemplarsConfig), as Prometheus 3 does.
        var policy = BackendTestData.Policy();
        policy = policy with { Metrics = policy.Metrics with { Exemplars = new EffectiveExemplars(true, 250_000, Requested: true) } };
        var config = PrometheusConfigDocument.Render(policy, BackendTestData.ThreeServices(policy));
        Assert.Contains("max_exemplars: 250000", config, StringComparison.Ordinal);
        Assert.DoesNotContain("scrape_protocols", config, StringComparison.Ordinal);
        var result = await CheckAsync(config);
        Assert.True(result.ExitCode == 0, result.Describe());

        // Control: a misspelled key fails, so the block is really read (not ignored as an unknown section).
        var misspelled = await CheckAsync(config.Replace("max_exemplars:", "max_exemplar:", StringComparison.Ordinal));
        Assert.True(misspelled.ExitCode != 0, misspelled.Describe());
        Assert.Contains("config.ExemplarsConfig", misspelled.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_rejects_the_config_when_an_escaped_regex_is_broken()
    {
        // Control: proves the check really parses the relabel regexes, so the passing tests above mean something.
        var policy = BackendTestData.Policy();
        var config = PrometheusConfigDocument.Render(policy, BackendTestData.ThreeServices(policy));
        var broken = config.Replace("regex: (ai);true", "regex: (ai;true", StringComparison.Ordinal);
        Assert.NotEqual(config, broken);
        var result = await CheckAsync(broken);
        Assert.True(result.ExitCode != 0, result.Describe());
        Assert.Contains("error parsing regexp", result.Output, StringComparison.Ordinal);
    }

    /// <summary>promtool check config on <paramref name="config"/> with discovery swapped, and <paramref name="files"/> beside it.</summary>
    internal static async Task<PromtoolResult> CheckAsync(string config, params (string Name, string Content)[] files)
    {
        var directory = Directory.CreateTempSubdirectory("waddle-promtool-").FullName;
        // The service account's token and CA, which promtool checks exist, where the kubelet would mount them.
        var serviceAccount = Path.Combine(directory, "serviceaccount");
        Directory.CreateDirectory(serviceAccount);
        await File.WriteAllTextAsync(Path.Combine(serviceAccount, "token"), "token");
        await File.WriteAllTextAsync(Path.Combine(serviceAccount, "ca.crt"), "");
        var checkable = WithStaticDiscovery(config).Replace(PrometheusConfigDocument.ServiceAccountDirectory, serviceAccount, StringComparison.Ordinal);
        var file = Path.Combine(directory, PrometheusConfigFileName);
        await File.WriteAllTextAsync(file, checkable);
        foreach (var (name, content) in files)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, name), content);
        }

        try
        {
            return (await RunPromtoolAsync(["check", "config", file])) with { Config = checkable };
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>
    /// <c>promtool test rules</c> on <paramref name="tests"/> (a unit test file whose <c>rule_files</c> name the keys of
    /// <paramref name="ruleFiles"/>), the files written side by side in a directory of their own.
    /// </summary>
    internal static async Task<PromtoolResult> TestRulesAsync(IReadOnlyDictionary<string, string> ruleFiles, string tests)
    {
        var directory = Directory.CreateTempSubdirectory("waddle-promtool-test-").FullName;
        try
        {
            foreach (var (name, text) in ruleFiles)
            {
                await File.WriteAllTextAsync(Path.Combine(directory, name), text);
            }

            var file = Path.Combine(directory, "tests.yml");
            await File.WriteAllTextAsync(file, tests);
            return await RunPromtoolAsync(["test", "rules", file]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Runs promtool with <paramref name="args"/>: its exit code and output (stdout, then stderr).</summary>
    internal static async Task<PromtoolResult> RunPromtoolAsync(IReadOnlyList<string> args)
    {
        using var process = new Process
        {
            StartInfo = new ProcessStartInfo(PromtoolPath(), args)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            },
        };
        process.Start();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        // A guard against a hung tool, not a timing assertion.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(guard.Token);
        return new PromtoolResult(process.ExitCode, await stdout + await stderr, string.Join(' ', args));
    }

    /// <summary>Swaps every kubernetes_sd_configs block for a static one after asserting it is what the design asks for.</summary>
    internal static string WithStaticDiscovery(string config)
    {
        var root = YamlTree.Load(config);
        var swapped = 0;
        foreach (var job in root.Items("scrape_configs").Cast<YamlMappingNode>())
        {
            var key = new YamlScalarNode("kubernetes_sd_configs");
            if (!job.Children.TryGetValue(key, out var discovery))
            {
                continue;
            }

            var block = Assert.Single(Assert.IsType<YamlSequenceNode>(discovery).Children);
            if (block.Text("role") == "node")
            {
                // The kubelet scrape: every node of the cluster, so no namespaces.
                Assert.Equal(["role"], block.Keys());
            }
            else
            {
                Assert.Equal(["role", "namespaces"], block.Keys());
                Assert.Equal("endpointslice", block.Text("role"));
                Assert.Single(block.Items("namespaces", "names"));
            }

            job.Children.Remove(key);
            job.Children.Add(
                new YamlScalarNode("static_configs"),
                new YamlSequenceNode(new YamlMappingNode(
                    new YamlScalarNode("targets"), new YamlSequenceNode(new YamlScalarNode("192.0.2.10:8080")))));
            swapped++;
        }

        Assert.Equal(root.Items("scrape_configs").Count - 1, swapped);
        return YamlTree.Save(root);
    }

    internal static string PromtoolPath()
    {
        var local = Path.Combine(RepositoryLayout.Root, ".tools", "bin", "promtool");
        if (File.Exists(local))
        {
            return local;
        }

        foreach (var directory in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, "promtool");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        Assert.Fail($"promtool is missing: neither {local} nor PATH has it. Run scripts/install-tools.sh (Debian package prometheus).");
        return "";
    }

    internal sealed record PromtoolResult(int ExitCode, string Output, string Config)
    {
        public string Describe() => $"promtool exit code {ExitCode}:\n{Output}\nchecked file:\n{Config}";
    }
}
