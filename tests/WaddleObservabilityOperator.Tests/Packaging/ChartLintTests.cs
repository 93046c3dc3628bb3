using k8s.Models;

namespace WaddleObservabilityOperator.Tests.Packaging;

/// <summary>
/// The chart lints and renders with helm 3.17 and helm 4 for its default values and each committed values file
/// (ci/namespaced, ci/ha, ci/minimal), and values.schema.json (or the template's own check) rejects wrong values with a
/// message that names the value.
/// </summary>
public sealed class ChartLintTests(HelmChart chart) : IClassFixture<HelmChart>
{
    [Theory]
    [MemberData(nameof(HelmChart.HelmsAndValues), MemberType = typeof(HelmChart))]
    public async Task Chart_lints_strictly_and_renders(string helm, string values)
    {
        var lint = await chart.HelmAsync(helm, ["lint", "--strict", HelmChart.Directory, .. HelmChart.ValuesArgs(values)]);
        Assert.True(lint.ExitCode == 0, lint.ToString());
        Assert.Contains("1 chart(s) linted, 0 chart(s) failed", lint.StandardOutput, StringComparison.Ordinal);

        var objects = HelmChart.Objects(await chart.TemplateAsync(helm, values));
        var deployment = Assert.Single(objects.OfType<V1Deployment>());
        Assert.Equal(HelmChart.ReleaseNamespace, deployment.Metadata.NamespaceProperty);
        Assert.Single(objects.OfType<V1ServiceAccount>());
        Assert.True(objects.OfType<V1RoleBinding>().Any() || objects.OfType<V1ClusterRoleBinding>().Any(), "no binding grants the ServiceAccount anything");
    }

    /// <summary>A wrong value, the field as helm 3 and helm 4 name it, and what each says is wrong.</summary>
    public static TheoryData<string, string[], string, string> WrongValues()
    {
        var cases = new (string[] Set, string Helm3, string Helm4)[]
        {
            (["replicas=0"], "replicas: Must be greater than or equal to 1", "at '/replicas': minimum: got 0, want 1"),
            (["logging.level=verbose"], "logging.level: logging.level must be one of the following: \"debug\", \"info\", \"warn\", \"error\"", "at '/logging/level': value must be one of 'debug', 'info', 'warn', 'error'"),
            (["logging.format=xml"], "logging.format: logging.format must be one of the following: \"json\", \"text\"", "at '/logging/format': value must be one of 'json', 'text'"),
            (["watchNamespaces={waddlebot,Bad_Namespace}"], "watchNamespaces.1: Does not match pattern", "at '/watchNamespaces/1': 'Bad_Namespace' does not match pattern"),
            (["watchNamespaces={waddlebot,waddlebot}"], "watchNamespaces: array items[0,1] must be unique", "at '/watchNamespaces': items at 0 and 1 are equal"),
            (["resyncPeriod=ten minutes"], "resyncPeriod: Does not match pattern", "at '/resyncPeriod': 'ten minutes' does not match pattern"),
            (["tracing.otlpEndpoint=collector:4317"], "tracing.otlpEndpoint: Does not match pattern", "at '/tracing/otlpEndpoint': 'collector:4317' does not match pattern"),
            (["image.pullPolicy=Sometimes"], "image.pullPolicy: image.pullPolicy must be one of the following: \"Always\", \"IfNotPresent\", \"Never\"", "at '/image/pullPolicy': value must be one of 'Always', 'IfNotPresent', 'Never'"),
            (["metrics.certSecret=My_Certs"], "metrics.certSecret: Does not match pattern", "at '/metrics/certSecret': 'My_Certs' does not match pattern"),
            (["metrics.port=70000"], "metrics.port: Must be less than or equal to 65535", "at '/metrics/port': maximum: got 70,000, want 65,535"),
            (["replica=3"], "(root): Additional property replica is not allowed", "at '': additional properties 'replica' not allowed"),
            (["concurrency=two"], "concurrency: Invalid type. Expected: integer, given: string", "at '/concurrency': got string, want integer"),
            (["podDisruptionBudget.minAvailable=half"], "podDisruptionBudget.minAvailable: Must validate one and only one schema (oneOf)", "at '/podDisruptionBudget/minAvailable'"),
            (["replicas=3", "leaderElection.enabled=false"],
                "replicas: 3 replicas need leaderElection.enabled=true (only the Lease holder may write); set replicas: 1 to run without leader election",
                "replicas: 3 replicas need leaderElection.enabled=true (only the Lease holder may write); set replicas: 1 to run without leader election"),
        };
        var data = new TheoryData<string, string[], string, string>();
        foreach (var (set, helm3, helm4) in cases)
        {
            data.Add("helm3", set, helm3, string.Join(",", set));
            data.Add("helm4", set, helm4, string.Join(",", set));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(WrongValues))]
    public async Task Wrong_values_are_rejected_with_a_message_naming_them(string helm, string[] set, string message, string title)
    {
        Assert.NotEmpty(title);
        var result = await chart.HelmAsync(helm, ["template", HelmChart.Name, HelmChart.Directory, .. set.SelectMany(s => new[] { "--set", s })]);
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Empty(result.StandardOutput);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
    }
}
