using KubeApiEmulator.Tests.Kubectl;
using WaddleObservabilityOperator.Tests.Api;
using WaddleObservabilityOperator.Tests.Upstream;

namespace WaddleObservabilityOperator.Tests.Packaging;

/// <summary>
/// The chart reaches a cluster (the API emulator) both ways a user takes: the rendered manifests through
/// `kubectl apply`, and `helm install`/`upgrade`/`uninstall` with helm 3.17 and helm 4.
/// </summary>
public sealed class ChartInstallTests : IAsyncLifetime
{
    private ClusterWorkspace _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterWorkspace.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData("default")]
    [InlineData("namespaced")]
    [InlineData("ha")]
    [InlineData("minimal")]
    public async Task Rendered_chart_applies_cleanly_with_kubectl(string values)
    {
        await CreateNamespacesAsync(HelmChart.ReleaseNamespace, "waddlebot", "waddlebot-staging");
        await _cluster.KubectlOkAsync("apply", "-f", Path.Combine(HelmChart.Directory, "crds"));
        if (values == "ha")
        {
            // The operator's own ServiceMonitor needs the prometheus-operator's CRD, as in a cluster that runs it.
            await _cluster.KubectlOkAsync("create", "-f", PrometheusOperatorSchemas.StandInServiceMonitorCrd);
        }

        var rendered = await HelmOkAsync("helm4", ["template", HelmChart.Name, HelmChart.Directory, "--namespace", HelmChart.ReleaseNamespace, .. HelmChart.ValuesArgs(values)]);
        var manifests = _cluster.WriteFile($"{values}.yaml", rendered);

        var applied = await _cluster.KubectlOkAsync("apply", "-f", manifests);
        var objects = HelmChart.Objects(rendered).Count;
        Assert.Equal(objects, applied.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.EndsWith(" created", StringComparison.Ordinal)));
        // Applying again changes nothing: every object keeps its resourceVersion. (kubectl may still say "configured"
        // where the emulator's OpenAPI offers no strategic merge patch and kubectl sends an empty merge patch.)
        string[] versions = ["get", "-f", manifests, "-o", "jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion} {end}"];
        var before = await _cluster.KubectlOkAsync(versions);
        var again = await _cluster.KubectlOkAsync("apply", "-f", manifests);
        Assert.DoesNotContain(" created", again, StringComparison.Ordinal);
        Assert.Equal(before, await _cluster.KubectlOkAsync(versions));
        Assert.Equal(objects, before.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length);

        var args = await _cluster.KubectlOkAsync("get", "deployment", HelmChart.Name, "-n", HelmChart.ReleaseNamespace, "-o", "jsonpath={.spec.template.spec.containers[0].args}");
        Assert.Contains("--leader-elect=" + (values == "minimal" ? "false" : "true"), args, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Plain_manifests_apply_cleanly_with_kubectl()
    {
        await CreateNamespacesAsync(HelmChart.ReleaseNamespace);
        foreach (var folder in new[] { "crds", "rbac", "manager" })
        {
            var applied = await _cluster.KubectlOkAsync("apply", "-f", RepositoryLayout.PathOf("config", folder));
            Assert.DoesNotContain("configured", applied, StringComparison.Ordinal);
        }

        Assert.Equal(HelmChart.Name, await _cluster.KubectlOkAsync("get", "deployment", HelmChart.Name, "-n", HelmChart.ReleaseNamespace, "-o", "jsonpath={.spec.template.spec.serviceAccountName}"));
        await _cluster.KubectlOkAsync("get", "serviceaccount", HelmChart.Name, "-n", HelmChart.ReleaseNamespace);
    }

    [Theory]
    [InlineData("helm3")]
    [InlineData("helm4")]
    public async Task Helm_installs_upgrades_to_namespaced_mode_and_uninstalls(string helm)
    {
        var install = await HelmOkAsync(helm, "install", HelmChart.Name, HelmChart.Directory, "--namespace", HelmChart.ReleaseNamespace, "--create-namespace");
        Assert.Contains("STATUS: deployed", install, StringComparison.Ordinal);
        Assert.Contains("It reconciles every namespace.", install, StringComparison.Ordinal);
        // The CRDs from crds/ are installed first, and served.
        Assert.Equal("True", await _cluster.KubectlUntilAsync(s => s == "True", "get", "crd", "waddleservices.observability.waddlebot.io", "-o", "jsonpath={.status.conditions[?(@.type==\"Established\")].status}"));
        Assert.Equal("2", await _cluster.KubectlOkAsync("get", "deployment", HelmChart.Name, "-n", HelmChart.ReleaseNamespace, "-o", "jsonpath={.spec.replicas}"));
        Assert.Equal(HelmChart.Name, await _cluster.KubectlOkAsync("get", "clusterrole", HelmChart.Name, "-o", "jsonpath={.metadata.name}"));
        await _cluster.KubectlOkAsync("get", "serviceaccount,service,poddisruptionbudget,role,rolebinding", "-n", HelmChart.ReleaseNamespace, HelmChart.Name + "-leader-election", "--ignore-not-found");

        await CreateNamespacesAsync("waddlebot");
        var upgrade = await HelmOkAsync(helm, "upgrade", HelmChart.Name, HelmChart.Directory, "--namespace", HelmChart.ReleaseNamespace, "--set", "watchNamespaces={waddlebot}");
        Assert.Contains("It reconciles the namespaces waddlebot.", upgrade, StringComparison.Ordinal);
        Assert.Contains("--namespaces=waddlebot", await _cluster.KubectlOkAsync("get", "deployment", HelmChart.Name, "-n", HelmChart.ReleaseNamespace, "-o", "jsonpath={.spec.template.spec.containers[0].args}"), StringComparison.Ordinal);
        Assert.Equal(HelmChart.Name, await _cluster.KubectlOkAsync("get", "role", HelmChart.Name, "-n", "waddlebot", "-o", "jsonpath={.metadata.name}"));
        // Only what a Role cannot grant stays cluster-wide: the ServiceMonitor and PrometheusRule CRDs and the watched Namespace objects, all
        // by name, the kubelet scrape's ClusterRoles and what they grant, and the reviews of --metrics-secure. In the
        // generated order: the kinds' rules first, then the permitted ones.
        Assert.Equal("[\"customresourcedefinitions\"] [\"customresourcedefinitions\"] [\"clusterroles\"] [\"clusterrolebindings\"] [\"namespaces\"] [\"nodes\"] [\"nodes/metrics\"] [\"tokenreviews\"] [\"subjectaccessreviews\"] [\"servicemonitors.monitoring.coreos.com\"] [\"prometheusrules.monitoring.coreos.com\"] [\"waddlebot\"]",
            await _cluster.KubectlOkAsync("get", "clusterrole", HelmChart.Name, "-o", "jsonpath={.rules[*].resources} {.rules[*].resourceNames}"));

        var uninstall = await HelmOkAsync(helm, "uninstall", HelmChart.Name, "--namespace", HelmChart.ReleaseNamespace);
        Assert.Contains("uninstalled", uninstall, StringComparison.Ordinal);
        Assert.Empty(await _cluster.KubectlOkAsync("get", "deployments,services,serviceaccounts", "-n", HelmChart.ReleaseNamespace, "-l", "app.kubernetes.io/instance=" + HelmChart.Name, "-o", "name"));
        Assert.Empty(await _cluster.KubectlOkAsync("get", "roles,rolebindings", "-n", "waddlebot", "-o", "name"));
        // Helm never deletes CRDs (that would delete every WaddleService): they stay.
        await _cluster.KubectlOkAsync("get", "crd", "waddleservices.observability.waddlebot.io");
    }

    [Theory]
    [InlineData("helm3", "logging.level: logging.level must be one of the following")]
    [InlineData("helm4", "at '/logging/level': value must be one of")]
    public async Task Helm_install_with_a_wrong_value_fails_before_creating_anything(string helm, string message)
    {
        var result = await _cluster.RunAsync(ClusterWorkspace.HelmPath(helm), ["install", HelmChart.Name, HelmChart.Directory, "--namespace", "default", "--set", "logging.level=loud"]);
        Assert.True(result.ExitCode != 0, result.ToString());
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
        // No release and none of the chart's templates (helm installs crds/ before it checks the values).
        Assert.Empty(await _cluster.KubectlOkAsync("get", "deployments,serviceaccounts,services", "-n", "default", "-l", "app.kubernetes.io/instance=" + HelmChart.Name, "-o", "name"));
        Assert.Empty(await _cluster.KubectlOkAsync("get", "secrets", "-n", "default", "-l", "owner=helm", "-o", "name"));
        Assert.Empty(await _cluster.KubectlOkAsync("get", "clusterroles", "-l", "app.kubernetes.io/instance=" + HelmChart.Name, "-o", "name"));
    }

    /// <summary>With kubectl apply: `kubectl create namespace` sends a protobuf body the emulator does not decode.</summary>
    private async Task CreateNamespacesAsync(params string[] names)
    {
        var manifest = string.Join("---\n", names.Select(n => $"apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {n}\n"));
        await _cluster.KubectlOkAsync("apply", "-f", _cluster.WriteFile($"namespaces-{Guid.NewGuid():N}.yaml", manifest));
    }

    private async Task<string> HelmOkAsync(string helm, params string[] args)
    {
        var result = await _cluster.RunAsync(ClusterWorkspace.HelmPath(helm), args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput;
    }
}
