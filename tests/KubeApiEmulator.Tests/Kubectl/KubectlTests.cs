using System.Text.Json.Nodes;
using k8s;
using k8s.Models;

namespace KubeApiEmulator.Tests.Kubectl;

/// <summary>
/// The real kubectl against the emulator, with its default flags: client-side apply (server-side field validation,
/// strategic merge for built-ins, merge patch for custom resources), get with server-side printing, patch, edit,
/// delete waiting on finalizers and wait for a condition.
/// </summary>
public sealed class KubectlTests : IAsyncLifetime
{
    private ClusterWorkspace _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await ClusterWorkspace.StartAsync();
        var crd = _cluster.WriteFile("crd.yaml", TestManifests.WidgetCrd);
        var output = await _cluster.KubectlOkAsync("apply", "-f", crd);
        Assert.Contains("customresourcedefinition.apiextensions.k8s.io/widgets.emulator.example.com created", output, StringComparison.Ordinal);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Apply_creates_custom_resources_and_built_ins_and_a_second_apply_changes_nothing()
    {
        var file = _cluster.WriteFile("objects.yaml", TestManifests.BuiltIns + "\n---\n" + TestManifests.Widget("w1", 3));

        var first = await _cluster.KubectlOkAsync("apply", "-f", file);
        var versions = await ResourceVersionsAsync();
        var second = await _cluster.KubectlOkAsync("apply", "-f", file);

        foreach (var name in new[] { "configmap/settings", "deployment.apps/web", "service/web", "widget.emulator.example.com/w1" })
        {
            Assert.Contains($"{name} created", first, StringComparison.Ordinal);
            Assert.Contains($"{name} unchanged", second, StringComparison.Ordinal);
        }

        Assert.Equal(versions, await ResourceVersionsAsync());
        Assert.Equal("fast", await _cluster.KubectlOkAsync("get", "configmap", "settings", "-o", "jsonpath={.data.mode}"));
    }

    [Fact]
    public async Task A_changed_manifest_is_applied_as_a_patch_that_keeps_what_it_does_not_mention()
    {
        var file = _cluster.WriteFile("objects.yaml", TestManifests.BuiltIns + "\n---\n" + TestManifests.Widget("w1", 3));
        await _cluster.KubectlOkAsync("apply", "-f", file);
        await _cluster.KubectlOkAsync("label", "deployment", "web", "owner=ops");

        _cluster.WriteFile("objects.yaml", TestManifests.BuiltIns.Replace("nginx:1.27", "nginx:1.28", StringComparison.Ordinal) + "\n---\n" + TestManifests.Widget("w1", 5, "blue"));
        var output = await _cluster.KubectlOkAsync("apply", "-f", file);

        Assert.Contains("deployment.apps/web configured", output, StringComparison.Ordinal);
        Assert.Contains("widget.emulator.example.com/w1 configured", output, StringComparison.Ordinal);
        Assert.Contains("configmap/settings unchanged", output, StringComparison.Ordinal);
        Assert.Equal("nginx:1.28 busybox:1", await _cluster.KubectlOkAsync("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image}"));
        Assert.Equal("ops", await _cluster.KubectlOkAsync("get", "deployment", "web", "-o", "jsonpath={.metadata.labels.owner}"));
        Assert.Equal("5 blue", await _cluster.KubectlOkAsync("get", "widget", "w1", "-o", "jsonpath={.spec.size} {.spec.color}"));
    }

    [Fact]
    public async Task Server_side_apply_records_managers_and_reports_conflicts_until_forced()
    {
        var file = _cluster.WriteFile("objects.yaml", TestManifests.BuiltIns + "\n---\n" + TestManifests.Widget("w1", 3));
        var first = await _cluster.KubectlOkAsync("apply", "--server-side", "-f", file);
        var again = await _cluster.KubectlOkAsync("apply", "--server-side", "-f", file);
        var versions = await ResourceVersionsAsync();
        await _cluster.KubectlOkAsync("apply", "--server-side", "-f", file);
        var versionsAfterReapply = await ResourceVersionsAsync();
        var other = _cluster.WriteFile("other.yaml", """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: default
            spec:
              replicas: 5
            """);

        var conflict = await _cluster.KubectlAsync("apply", "--server-side", "--field-manager=autoscaler", "-f", other);
        var forced = await _cluster.KubectlOkAsync("apply", "--server-side", "--field-manager=autoscaler", "--force-conflicts", "-f", other);

        Assert.Contains("deployment.apps/web serverside-applied", first, StringComparison.Ordinal);
        Assert.Contains("widget.emulator.example.com/w1 serverside-applied", again, StringComparison.Ordinal);
        Assert.Equal(versions, versionsAfterReapply);
        Assert.NotEqual(0, conflict.ExitCode);
        Assert.Contains("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas", conflict.StandardError, StringComparison.Ordinal);
        Assert.Contains("serverside-applied", forced, StringComparison.Ordinal);
        Assert.Equal("5 nginx:1.27", await _cluster.KubectlOkAsync("get", "deployment", "web", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}"));
        Assert.Equal("kubectl autoscaler", await _cluster.KubectlOkAsync("get", "deployment", "web", "-o", "jsonpath={.metadata.managedFields[*].manager}"));
    }

    [Fact]
    public async Task Diff_shows_the_change_through_a_server_side_dry_run_and_writes_nothing()
    {
        var file = _cluster.WriteFile("objects.yaml", TestManifests.BuiltIns + "\n---\n" + TestManifests.Widget("w1", 3));
        await _cluster.KubectlOkAsync("apply", "-f", file);
        var versions = await ResourceVersionsAsync();
        _cluster.WriteFile("objects.yaml", TestManifests.BuiltIns.Replace("mode: fast", "mode: slow", StringComparison.Ordinal) + "\n---\n" + TestManifests.Widget("w1", 4));

        var diff = await _cluster.KubectlAsync("diff", "-f", file);

        // kubectl diff exits 1 when there are differences.
        Assert.True(diff.ExitCode == 1, diff.ToString());
        Assert.Contains("-  mode: fast", diff.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("+  mode: slow", diff.StandardOutput, StringComparison.Ordinal);
        Assert.Contains("+  size: 4", diff.StandardOutput, StringComparison.Ordinal);
        Assert.Equal(versions, await ResourceVersionsAsync());
    }

    [Fact]
    public async Task Get_by_short_name_prints_the_crd_printer_columns()
    {
        await _cluster.KubectlOkAsync("apply", "-f", _cluster.WriteFile("w.yaml", TestManifests.Widget("w1", 7, "green")));

        var output = await _cluster.KubectlOkAsync("get", "wdg");

        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "SIZE", "COLOR", "READY", "AGE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["w1", "7", "green"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(3));
        Assert.Contains("w1", await _cluster.KubectlOkAsync("get", "emulator", "-o", "name"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("size: 20", "spec.size: Invalid value: 20: spec.size in body should be less than or equal to 10")]
    [InlineData("size: 2\n  color: pink", "spec.color: Unsupported value: \"pink\": supported values: \"red\", \"green\", \"blue\"")]
    [InlineData("color: red", "spec.size: Required value")]
    [InlineData("size: 2\n  bogus: true", "unknown field \"spec.bogus\"")]
    public async Task An_invalid_custom_resource_is_rejected_with_a_message_naming_the_field(string spec, string message)
    {
        var file = _cluster.WriteFile("bad.yaml", $"""
            apiVersion: emulator.example.com/v1
            kind: Widget
            metadata:
              name: bad
              namespace: default
            spec:
              {spec}
            """);

        var result = await _cluster.KubectlAsync("apply", "-f", file);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains(message, result.StandardError, StringComparison.Ordinal);
        Assert.Equal(1, (await _cluster.KubectlAsync("get", "widget", "bad")).ExitCode);
    }

    [Fact]
    public async Task Patch_with_merge_json_and_strategic_types()
    {
        await _cluster.KubectlOkAsync("apply", "-f", _cluster.WriteFile("objects.yaml", TestManifests.BuiltIns + "\n---\n" + TestManifests.Widget("w1", 3)));

        await _cluster.KubectlOkAsync("patch", "widget", "w1", "--type=merge", "-p", """{"spec":{"color":"blue"}}""");
        await _cluster.KubectlOkAsync("patch", "widget", "w1", "--type=json", "-p", """[{"op":"replace","path":"/spec/size","value":4}]""");
        await _cluster.KubectlOkAsync("patch", "deployment", "web", "-p", """{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"busybox:2"}]}}}}""");

        Assert.Equal("4 blue", await _cluster.KubectlOkAsync("get", "widget", "w1", "-o", "jsonpath={.spec.size} {.spec.color}"));
        Assert.Equal("app=nginx:1.27 sidecar=busybox:2 ", await _cluster.KubectlOkAsync("get", "deployment", "web", "-o", "jsonpath={range .spec.template.spec.containers[*]}{.name}={.image} {end}"));
        Assert.Equal("MODE", await _cluster.KubectlOkAsync("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[0].env[0].name}"));
    }

    [Fact]
    public async Task Failed_patches_are_reported_as_the_api_server_reports_them()
    {
        await _cluster.KubectlOkAsync("apply", "-f", _cluster.WriteFile("w.yaml", TestManifests.Widget("w1", 3)));

        var strategic = await _cluster.KubectlAsync("patch", "widget", "w1", "--type=strategic", "-p", """{"spec":{"size":2}}""");
        var test = await _cluster.KubectlAsync("patch", "widget", "w1", "--type=json", "-p", """[{"op":"test","path":"/spec/size","value":9}]""");
        var invalid = await _cluster.KubectlAsync("patch", "widget", "w1", "--type=merge", "-p", """{"spec":{"size":0}}""");

        Assert.NotEqual(0, strategic.ExitCode);
        // kubectl's wording for a 415 on a custom resource.
        Assert.Contains("application/strategic-merge-patch+json is not supported by emulator.example.com/v1, Kind=Widget", strategic.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(0, test.ExitCode);
        Assert.Contains("testing value /spec/size failed", test.StandardError, StringComparison.Ordinal);
        Assert.NotEqual(0, invalid.ExitCode);
        Assert.Contains("spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1", invalid.StandardError, StringComparison.Ordinal);
        Assert.Equal("3", await _cluster.KubectlOkAsync("get", "widget", "w1", "-o", "jsonpath={.spec.size}"));
    }

    [Fact]
    public async Task Edit_sends_the_editors_change_as_a_patch()
    {
        await _cluster.KubectlOkAsync("apply", "-f", _cluster.WriteFile("objects.yaml", TestManifests.BuiltIns + "\n---\n" + TestManifests.Widget("w1", 3)));
        var editor = _cluster.WriteFile("editor.sh", "#!/bin/sh\nsed -i -e 's/size: 3/size: 6/' -e 's/image: busybox:1/image: busybox:3/' \"$1\"\n");
        var environment = new Dictionary<string, string> { ["KUBE_EDITOR"] = "sh " + editor };

        var widget = await _cluster.RunAsync(ClusterWorkspace.KubectlPath(), ["edit", "widget", "w1"], environment);
        var deployment = await _cluster.RunAsync(ClusterWorkspace.KubectlPath(), ["edit", "deployment", "web"], environment);

        Assert.True(widget.ExitCode == 0, widget.ToString());
        Assert.True(deployment.ExitCode == 0, deployment.ToString());
        Assert.Contains("widget.emulator.example.com/w1 edited", widget.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("6", await _cluster.KubectlOkAsync("get", "widget", "w1", "-o", "jsonpath={.spec.size}"));
        Assert.Equal("nginx:1.27 busybox:3", await _cluster.KubectlOkAsync("get", "deployment", "web", "-o", "jsonpath={.spec.template.spec.containers[*].image}"));
    }

    [Fact]
    public async Task Delete_waits_until_another_client_removes_the_finalizer()
    {
        await _cluster.KubectlOkAsync("apply", "-f", _cluster.WriteFile("w.yaml", TestManifests.Widget("held", 3, metadata: "  finalizers: [emulator.example.com/hold]")));

        using var delete = _cluster.Start(ClusterWorkspace.KubectlPath(), ["delete", "widget", "held"]);
        await _cluster.KubectlUntilAsync(o => o.Length > 0, "get", "widget", "held", "-o", "jsonpath={.metadata.deletionTimestamp}");

        // The object cannot be gone while its finalizer stays, so a correct delete is still waiting here.
        Assert.False(delete.HasExited, "kubectl delete returned while the finalizer was still on the object");
        await _cluster.KubectlOkAsync("patch", "widget", "held", "--type=json", "-p", """[{"op":"remove","path":"/metadata/finalizers"}]""");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await delete.WaitAsync(timeout.Token);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("widget.emulator.example.com \"held\" deleted", result.StandardOutput, StringComparison.Ordinal);
        var after = await _cluster.KubectlAsync("get", "widget", "held");
        Assert.Contains("NotFound", after.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Wait_for_condition_ready_returns_once_the_status_is_written_through_the_api()
    {
        await _cluster.KubectlOkAsync("apply", "-f", _cluster.WriteFile("w.yaml", TestManifests.Widget("w1", 3)));
        using var wait = _cluster.Start(ClusterWorkspace.KubectlPath(), ["wait", "--for=condition=Ready", "widget/w1", "--timeout=120s"]);

        using var client = new Kubernetes(_cluster.Api.ClientConfiguration());
        var status = new JsonObject
        {
            ["status"] = new JsonObject
            {
                ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "True", ["reason"] = "Reconciled", ["lastTransitionTime"] = "2026-11-25T03:00:00Z" }),
            },
        };
        await client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(new V1Patch(status.ToJsonString(), V1Patch.PatchType.MergePatch), "emulator.example.com", "v1", "default", "widgets", "w1");
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var result = await wait.WaitAsync(timeout.Token);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("widget.emulator.example.com/w1 condition met", result.StandardOutput, StringComparison.Ordinal);
        Assert.Equal("True", (await _cluster.KubectlOkAsync("get", "wdg", "w1", "-o", "custom-columns=READY:.status.conditions[0].status", "--no-headers")).Trim());
    }

    [Fact]
    public async Task The_projects_crds_and_samples_apply_and_show_their_columns()
    {
        var root = ClusterWorkspace.RepositoryRoot();
        await _cluster.KubectlOkAsync("apply", "-f", Path.Combine(root, "config", "crds"));

        var applied = await _cluster.KubectlOkAsync("apply", "-f", Path.Combine(root, "config", "samples", "waddlebot"));
        var again = await _cluster.KubectlOkAsync("apply", "-f", Path.Combine(root, "config", "samples", "waddlebot"));
        var table = await _cluster.KubectlOkAsync("get", "wsvc", "-n", "waddlebot");

        Assert.Contains("waddleservice.observability.waddlebot.io/router created", applied, StringComparison.Ordinal);
        Assert.DoesNotContain("configured", again, StringComparison.Ordinal);
        Assert.DoesNotContain("created", again, StringComparison.Ordinal);
        Assert.Equal(["NAME", "LAYER", "SERVICE", "POLICY", "SAMPLING", "READY", "AGE"], table.Split('\n')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(table.Split('\n'), line => line.StartsWith("router ", StringComparison.Ordinal) && line.Contains("processing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_invalid_waddleservice_is_rejected_naming_the_field()
    {
        await _cluster.KubectlOkAsync("apply", "-f", Path.Combine(ClusterWorkspace.RepositoryRoot(), "config", "crds"));
        var file = _cluster.WriteFile("bad-wsvc.yaml", """
            apiVersion: observability.waddlebot.io/v1alpha1
            kind: WaddleService
            metadata:
              name: bad
              namespace: default
            spec:
              layer: foo
              workload:
                kind: Deployment
                name: bad
            """);

        var result = await _cluster.KubectlAsync("apply", "-f", file);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("spec.layer: Unsupported value: \"foo\": supported values: ", result.StandardError, StringComparison.Ordinal);
    }

    private async Task<string> ResourceVersionsAsync() =>
        await _cluster.KubectlOkAsync("get", "configmap/settings", "deployment/web", "service/web", "widget/w1", "-o", "jsonpath={range .items[*]}{.kind}/{.metadata.name}={.metadata.resourceVersion} {end}");
}
