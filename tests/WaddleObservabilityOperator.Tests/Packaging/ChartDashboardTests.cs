using System.Text.Json.Nodes;
using k8s.Models;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Tests.Packaging;

/// <summary>
/// The chart ships the operator's own dashboard as a ConfigMap a Grafana dashboard sidecar loads: the file under
/// dashboards/ is the dashboard the operator renders for its managed Grafanas (UPDATE_GOLDEN=1 rewrites it), and the
/// ConfigMap carries it unchanged with the sidecar's label and folder annotation.
/// </summary>
public sealed class ChartDashboardTests(HelmChart chart) : IClassFixture<HelmChart>
{
    private static readonly string File = Path.Combine(HelmChart.Directory, "dashboards", OperatorDashboard.FileName);

    [Fact]
    public void The_charts_dashboard_is_the_one_the_operator_renders()
    {
        GoldenFile.AssertMatches(File, OperatorDashboard.Render().ToJson());
    }

    [Theory]
    [InlineData("helm3")]
    [InlineData("helm4")]
    public async Task The_dashboard_configmap_carries_the_file_with_the_sidecar_label_and_folder(string helm)
    {
        var configMap = Assert.Single(HelmChart.Objects(await chart.TemplateAsync(helm, "default")).OfType<V1ConfigMap>());
        Assert.Equal($"{HelmChart.Name}-dashboard", configMap.Metadata.Name);
        Assert.Equal("1", configMap.Metadata.Labels["grafana_dashboard"]);
        Assert.Equal("WaddleBot", configMap.Metadata.Annotations["k8s-sidecar-target-directory"]);
        var data = Assert.Single(configMap.Data);
        Assert.Equal(OperatorDashboard.FileName, data.Key);
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(System.IO.File.ReadAllText(File)), JsonNode.Parse(data.Value)), "the ConfigMap's dashboard differs from dashboards/" + OperatorDashboard.FileName);
    }

    [Fact]
    public async Task Labels_and_folder_are_values_and_the_dashboard_can_be_left_out()
    {
        // helm merges a map value into the default: a key set to null drops the default label.
        var custom = Assert.Single(HelmChart.Objects(await chart.TemplateAsync("helm4", "default",
            "--set-json", "dashboard.labels={\"team\":\"bots\",\"grafana_dashboard\":null}", "--set", "dashboard.folder=Operators")).OfType<V1ConfigMap>());
        Assert.Equal("bots", custom.Metadata.Labels["team"]);
        Assert.False(custom.Metadata.Labels.ContainsKey("grafana_dashboard"));
        Assert.Equal("Operators", custom.Metadata.Annotations["k8s-sidecar-target-directory"]);

        Assert.Empty(HelmChart.Objects(await chart.TemplateAsync("helm4", "default", "--set", "dashboard.enabled=false")).OfType<V1ConfigMap>());
    }
}
