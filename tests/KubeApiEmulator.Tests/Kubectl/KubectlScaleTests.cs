namespace KubeApiEmulator.Tests.Kubectl;

/// <summary>kubectl scale (with and without preconditions), get --subresource=scale, rollout restart and status.</summary>
public sealed class KubectlScaleTests : IAsyncLifetime
{
    private ClusterWorkspace _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await ClusterWorkspace.StartAsync();
        await _cluster.KubectlOkAsync("create", "deployment", "web", "--image=nginx:1.27", "--replicas=2");
        await _cluster.KubectlOkAsync("apply", "-f", _cluster.WriteFile("sts.yaml", """
            apiVersion: apps/v1
            kind: StatefulSet
            metadata: {name: db, namespace: default}
            spec:
              replicas: 3
              serviceName: db
              selector: {matchLabels: {app: db}}
              template:
                metadata: {labels: {app: db}}
                spec: {containers: [{name: db, image: postgres:17}]}
            """));
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Kubectl_scale_changes_replicas_and_generation_of_deployments_and_statefulsets()
    {
        var deployment = await _cluster.KubectlOkAsync("scale", "deployment/web", "--replicas=3");
        var statefulSet = await _cluster.KubectlOkAsync("scale", "statefulset/db", "--replicas=0");

        Assert.Contains("deployment.apps/web scaled", deployment, StringComparison.Ordinal);
        Assert.Contains("statefulset.apps/db scaled", statefulSet, StringComparison.Ordinal);
        Assert.Equal("3 2", await _cluster.KubectlOkAsync("get", "deployment", "web", "-o", "jsonpath={.spec.replicas} {.metadata.generation}"));
        Assert.Equal("0 2", await _cluster.KubectlOkAsync("get", "statefulset", "db", "-o", "jsonpath={.spec.replicas} {.metadata.generation}"));
        Assert.Equal("nginx:1.27", await _cluster.KubectlOkAsync("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].image}"));
    }

    [Fact]
    public async Task Kubectl_scale_with_current_replicas_checks_the_precondition()
    {
        var scaled = await _cluster.KubectlOkAsync("scale", "deployment", "web", "--current-replicas=2", "--replicas=4");
        var refused = await _cluster.KubectlAsync("scale", "deployment", "web", "--current-replicas=2", "--replicas=6");

        Assert.Contains("deployment.apps/web scaled", scaled, StringComparison.Ordinal);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("Expected replicas to be 2, was 4", refused.StandardError, StringComparison.Ordinal);
        Assert.Equal("4", await _cluster.KubectlOkAsync("get", "deployment", "web", "-o", "jsonpath={.spec.replicas}"));
        var put = Assert.Single(_cluster.Api.Requests.Snapshot(), r => r is { Method: "PUT", Subresource: "scale" });
        Assert.Equal(200, put.Status);
    }

    [Fact]
    public async Task Kubectl_get_subresource_scale_shows_the_scale()
    {
        var json = System.Text.Json.Nodes.JsonNode.Parse(await _cluster.KubectlOkAsync("get", "deployment", "web", "--subresource=scale", "-o", "json"))!;
        var table = await _cluster.KubectlOkAsync("get", "deployment", "web", "--subresource=scale");

        Assert.Equal("Scale", json["kind"]!.GetValue<string>());
        Assert.Equal(2, json["spec"]!["replicas"]!.GetValue<int>());
        Assert.Equal("app=web", json["status"]!["selector"]!.GetValue<string>());
        Assert.StartsWith("web ", table.Split('\n')[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_rollout_restart_stamps_the_pod_template_and_status_reads_the_status_a_test_writes()
    {
        var restarted = await _cluster.KubectlOkAsync("rollout", "restart", "deployment/web");

        Assert.Contains("deployment.apps/web restarted", restarted, StringComparison.Ordinal);
        var stamp = await _cluster.KubectlOkAsync("get", "deployment", "web", "-o", "jsonpath={.spec.template.metadata.annotations.kubectl\\.kubernetes\\.io/restartedAt}");
        Assert.True(DateTimeOffset.TryParse(stamp, out _), stamp);
        Assert.Equal("2", await _cluster.KubectlOkAsync("get", "deployment", "web", "-o", "jsonpath={.metadata.generation}"));

        // No deployment controller runs: rollout status reports what .status says, here written as a controller would.
        _cluster.Api.Tamper("apps/v1", "deployments", "default", "web", d =>
        {
            d["status"] = new System.Text.Json.Nodes.JsonObject { ["observedGeneration"] = 2, ["replicas"] = 2, ["updatedReplicas"] = 2, ["readyReplicas"] = 2, ["availableReplicas"] = 2 };
            return d;
        }, "status");
        var status = await _cluster.KubectlOkAsync("rollout", "status", "deployment/web", "--timeout=20s");
        Assert.Contains("deployment \"web\" successfully rolled out", status, StringComparison.Ordinal);
    }
}
