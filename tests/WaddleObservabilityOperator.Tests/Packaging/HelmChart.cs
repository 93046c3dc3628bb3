using k8s;
using k8s.Models;
using KubeApiEmulator.Tests.Kubectl;
using WaddleObservabilityOperator.Rendering.Models;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Packaging;

/// <summary>The chart in charts/, its committed values files, and helm 3.17 and 4 (from .tools/bin) to lint and render it.</summary>
public sealed class HelmChart : IAsyncLifetime
{
    public const string Name = "waddle-observability-operator";

    public const string ReleaseNamespace = "waddle-system";

    public static string Directory { get; } = RepositoryLayout.PathOf("charts", Name);

    public static IReadOnlyList<string> Helms { get; } = ["helm3", "helm4"];

    /// <summary>"default" (values.yaml alone) and every ci/*-values.yaml of the chart, by short name.</summary>
    public static IReadOnlyList<string> ValuesFiles { get; } =
        ["default", .. System.IO.Directory.GetFiles(Path.Combine(Directory, "ci"), "*-values.yaml").Select(f => Path.GetFileName(f)[..^"-values.yaml".Length]).Order(StringComparer.Ordinal)];

    public static TheoryData<string, string> HelmsAndValues()
    {
        var data = new TheoryData<string, string>();
        foreach (var helm in Helms)
        {
            foreach (var values in ValuesFiles)
            {
                data.Add(helm, values);
            }
        }

        return data;
    }

    /// <summary>helm's -f arguments for a values file short name ("default" adds none).</summary>
    public static string[] ValuesArgs(string values) =>
        values == "default" ? [] : ["-f", Path.Combine(Directory, "ci", $"{values}-values.yaml")];

    private ClusterWorkspace? _tools;

    /// <summary>A private HOME and helm cache for the tool runs (the emulator in it is not used for rendering).</summary>
    public ClusterWorkspace Tools => _tools ?? throw new InvalidOperationException("not initialized");

    public async Task InitializeAsync() => _tools = await ClusterWorkspace.StartAsync();

    public async Task DisposeAsync()
    {
        if (_tools is not null)
        {
            await _tools.DisposeAsync();
        }
    }

    public Task<ToolResult> HelmAsync(string helm, params string[] args) => Tools.RunAsync(ClusterWorkspace.HelmPath(helm), args);

    /// <summary>`helm template` of the chart as release waddle-observability-operator in waddle-system; fails the test unless it renders.</summary>
    public async Task<string> TemplateAsync(string helm, string values, params string[] extra)
    {
        var result = await HelmAsync(helm, ["template", Name, Directory, "--namespace", ReleaseNamespace, .. ValuesArgs(values), .. extra]);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput;
    }

    /// <summary>The rendered objects, typed (the ServiceMonitor through the operator's own model).</summary>
    public static IReadOnlyList<object> Objects(string yaml) =>
        KubernetesYaml.LoadAllFromString(yaml, new Dictionary<string, Type> { [$"{ServiceMonitor.Group}/{ServiceMonitor.Version}/{ServiceMonitor.KindName}"] = typeof(ServiceMonitor) }).ToList();

    public static V1Deployment Deployment(string yaml) => Assert.Single(Objects(yaml).OfType<V1Deployment>());
}
