using KubeApiEmulator.Tests.Kubectl;

namespace KubeApiEmulator.Tests.Helm;

/// <summary>
/// The real helm against the emulator with default flags: helm 3.17 creates with POST and upgrades with a
/// three-way strategic merge patch; helm 4 installs and upgrades with server-side apply. Both keep their release
/// in a Secret written through client-go in protobuf.
/// </summary>
public sealed class HelmTests : IAsyncLifetime
{
    private ClusterWorkspace _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await ClusterWorkspace.StartAsync();
        _cluster.WriteFile("chart/Chart.yaml", "apiVersion: v2\nname: demo\nversion: 0.1.0\nappVersion: \"1.0\"\n");
        _cluster.WriteFile("chart/values.yaml", "image: nginx:1.27\nreplicas: 2\nmode: fast\n");
        _cluster.WriteFile("chart/templates/all.yaml", """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-settings
              labels: {app: {{ .Release.Name }}}
            data:
              mode: {{ .Values.mode | quote }}
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{ .Release.Name }}-web
            spec:
              replicas: {{ .Values.replicas }}
              selector:
                matchLabels: {app: {{ .Release.Name }}}
              template:
                metadata:
                  labels: {app: {{ .Release.Name }}}
                spec:
                  containers:
                  - name: web
                    image: {{ .Values.image }}
                    ports:
                    - containerPort: 80
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: {{ .Release.Name }}-web
            spec:
              selector: {app: {{ .Release.Name }}}
              ports:
              - {name: http, port: 80, targetPort: 80}
            """);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData("helm3", "application/strategic-merge-patch+json")]
    [InlineData("helm4", "application/apply-patch+yaml")]
    public async Task Install_upgrade_and_uninstall_a_chart_of_built_in_kinds(string helm, string upgradeContentType)
    {
        var tool = ClusterWorkspace.HelmPath(helm);

        var install = await HelmOkAsync(tool, "install", "demo", "./chart", "--namespace", "default");
        Assert.Contains("STATUS: deployed", install, StringComparison.Ordinal);
        Assert.Equal("fast", await _cluster.KubectlOkAsync("get", "configmap", "demo-settings", "-o", "jsonpath={.data.mode}"));
        Assert.Equal("nginx:1.27 2", await _cluster.KubectlOkAsync("get", "deployment", "demo-web", "-o", "jsonpath={.spec.template.spec.containers[0].image} {.spec.replicas}"));
        Assert.Equal("80", await _cluster.KubectlOkAsync("get", "service", "demo-web", "-o", "jsonpath={.spec.ports[0].port}"));
        Assert.Contains("demo", await HelmOkAsync(tool, "list", "--namespace", "default", "--short"), StringComparison.Ordinal);

        _cluster.Api.Requests.Clear();
        var upgrade = await HelmOkAsync(tool, "upgrade", "demo", "./chart", "--namespace", "default", "--set", "image=nginx:1.28,replicas=3,mode=slow");
        Assert.Contains("REVISION: 2", upgrade, StringComparison.Ordinal);
        Assert.Equal("slow", await _cluster.KubectlOkAsync("get", "configmap", "demo-settings", "-o", "jsonpath={.data.mode}"));
        Assert.Equal("nginx:1.28 3", await _cluster.KubectlOkAsync("get", "deployment", "demo-web", "-o", "jsonpath={.spec.template.spec.containers[0].image} {.spec.replicas}"));
        Assert.Contains(_cluster.Api.Requests.Snapshot(), r => r.Method == "PATCH" && r.Resource == "deployments" && r.ContentType?.StartsWith(upgradeContentType, StringComparison.Ordinal) == true);
        var history = await HelmOkAsync(tool, "history", "demo", "--namespace", "default");
        Assert.Contains("superseded", history, StringComparison.Ordinal);

        var uninstall = await HelmOkAsync(tool, "uninstall", "demo", "--namespace", "default");
        Assert.Contains("release \"demo\" uninstalled", uninstall, StringComparison.Ordinal);
        var left = await _cluster.KubectlOkAsync("get", "configmaps,deployments,services,secrets", "--namespace", "default", "-o", "name");
        Assert.DoesNotContain("demo", left, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Helm4_upgrade_removes_what_the_chart_no_longer_renders_through_server_side_apply()
    {
        var tool = ClusterWorkspace.HelmPath("helm4");
        await HelmOkAsync(tool, "install", "demo", "./chart", "--namespace", "default");
        await _cluster.KubectlOkAsync("label", "configmap", "demo-settings", "team=ops");
        var template = File.ReadAllText(Path.Combine(_cluster.Directory, "chart/templates/all.yaml"));
        _cluster.WriteFile("chart/templates/all.yaml", template.Replace("  labels: {app: {{ .Release.Name }}}\ndata:", "data:", StringComparison.Ordinal));

        await HelmOkAsync(tool, "upgrade", "demo", "./chart", "--namespace", "default");

        // The field helm stopped applying is gone; the label another manager set is kept.
        Assert.Equal("app=|team=ops|managed-by=Helm", await _cluster.KubectlOkAsync("get", "configmap", "demo-settings", "-o", "jsonpath=app={.metadata.labels.app}|team={.metadata.labels.team}|managed-by={.metadata.labels.app\\.kubernetes\\.io/managed-by}"));
    }

    private async Task<string> HelmOkAsync(string tool, params string[] args)
    {
        var result = await _cluster.RunAsync(tool, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput;
    }
}
