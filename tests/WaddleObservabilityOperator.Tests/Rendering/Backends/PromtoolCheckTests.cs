using System.Diagnostics;
using WaddleObservabilityOperator.Cli;
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

        var configs = new List<string>();
        using (var reader = new StringReader(stdout.ToString()))
        {
            var stream = new YamlStream();
            stream.Load(reader);
            foreach (var document in stream.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>())
            {
                if (document.Text("kind") == "ConfigMap" && document.Has("data") && document.At("data").Has(PrometheusConfigFileName))
                {
                    configs.Add(document.Text("data", PrometheusConfigFileName));
                }
            }
        }

        var config = Assert.Single(configs);
        Assert.Equal(20, YamlTree.Load(config).Items("scrape_configs").Count);
        var result = await CheckAsync(config);
        Assert.True(result.ExitCode == 0, result.Describe());
    }

    private const string PrometheusConfigFileName = "prometheus.yml";

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

    private static async Task<PromtoolResult> CheckAsync(string config)
    {
        var checkable = WithStaticDiscovery(config);
        var file = Path.Combine(Path.GetTempPath(), $"waddle-promtool-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, checkable);
        try
        {
            using var process = new Process
            {
                StartInfo = new ProcessStartInfo(PromtoolPath(), ["check", "config", file])
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
            return new PromtoolResult(process.ExitCode, await stdout + await stderr, checkable);
        }
        finally
        {
            File.Delete(file);
        }
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
            Assert.Equal(["role", "namespaces"], block.Keys());
            Assert.Equal("endpointslice", block.Text("role"));
            Assert.Single(block.Items("namespaces", "names"));
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

    private sealed record PromtoolResult(int ExitCode, string Output, string Config)
    {
        public string Describe() => $"promtool exit code {ExitCode}:\n{Output}\nchecked file:\n{Config}";
    }
}
