using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeApiEmulator.Tests.Core;

public sealed class CrudTests
{
    [Fact]
    public async Task Create_assigns_server_owned_metadata_and_get_returns_it()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var created = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings" }, Data = new Dictionary<string, string> { ["a"] = "1" } },
            "default");

        Assert.Equal("v1", created.ApiVersion);
        Assert.Equal("ConfigMap", created.Kind);
        Assert.Equal("default", created.Metadata.NamespaceProperty);
        Assert.False(string.IsNullOrEmpty(created.Metadata.Uid));
        Assert.NotNull(created.Metadata.CreationTimestamp);
        Assert.True(long.Parse(created.Metadata.ResourceVersion) > 0);

        var read = await scope.Client.CoreV1.ReadNamespacedConfigMapAsync("settings", "default");
        Assert.Equal(created.Metadata.Uid, read.Metadata.Uid);
        Assert.Equal("1", read.Data["a"]);
    }

    [Fact]
    public async Task Missing_object_is_404_NotFound_status()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.ReadNamespacedConfigMapAsync("nope", "default"));

        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("NotFound", status.Reason);
        Assert.Equal("configmaps \"nope\" not found", status.Message);
        Assert.Equal(404, status.Code);
    }

    [Fact]
    public async Task Create_of_existing_name_is_409_AlreadyExists()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var map = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "twice" } };
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(map, "default");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.CreateNamespacedConfigMapAsync(map, "default"));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("AlreadyExists", status.Reason);
        Assert.Equal("configmaps \"twice\" already exists", status.Message);
    }

    [Fact]
    public async Task Update_with_stale_resourceVersion_is_409_Conflict_with_the_real_message()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var first = await scope.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web"), "default");
        first.Spec.Replicas = 2;
        await scope.Client.AppsV1.ReplaceNamespacedDeploymentAsync(first, "web", "default");

        first.Spec.Replicas = 3;
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.AppsV1.ReplaceNamespacedDeploymentAsync(first, "web", "default"));

        Assert.Equal(HttpStatusCode.Conflict, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("Conflict", status.Reason);
        Assert.Equal(
            "Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again",
            status.Message);
    }

    [Fact]
    public async Task Unchanged_update_keeps_resourceVersion()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var created = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "same" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, "default");

        var replaced = await scope.Client.CoreV1.ReplaceNamespacedConfigMapAsync(created, "same", "default");

        Assert.Equal(created.Metadata.ResourceVersion, replaced.Metadata.ResourceVersion);
    }

    [Fact]
    public async Task GenerateName_gets_a_random_suffix_and_namespace_comes_from_the_url()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "team" } });

        var created = await scope.Client.CoreV1.CreateNamespacedSecretAsync(new V1Secret { Metadata = new V1ObjectMeta { GenerateName = "token-" } }, "team");

        Assert.StartsWith("token-", created.Metadata.Name);
        Assert.Equal("token-".Length + 5, created.Metadata.Name.Length);
        Assert.Equal("team", created.Metadata.NamespaceProperty);
    }

    [Fact]
    public async Task Create_in_a_missing_namespace_is_404()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "x" } }, "absent"));

        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
        Assert.Equal("namespaces \"absent\" not found", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message);
    }

    [Fact]
    public async Task Delete_without_finalizers_removes_the_object()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "gone" } }, "default");

        var status = await scope.Client.CoreV1.DeleteNamespacedConfigMapAsync("gone", "default");

        Assert.Equal("Success", status.Status);
        await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.ReadNamespacedConfigMapAsync("gone", "default"));
    }

    [Fact]
    public async Task Cluster_scoped_resources_have_no_namespace()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var role = await scope.Client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole
        {
            Metadata = new V1ObjectMeta { Name = "system:reader" },
            Rules = [new V1PolicyRule { ApiGroups = [""], Resources = ["pods"], Verbs = ["get"] }],
        });

        Assert.Null(role.Metadata.NamespaceProperty);
        var listed = await scope.Client.RbacAuthorizationV1.ListClusterRoleAsync();
        Assert.Contains(listed.Items, r => r.Metadata.Name == "system:reader");
    }

    [Fact]
    public async Task Invalid_name_is_422_with_a_cause()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "Upper_Case" } }, "default"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.Equal("Invalid", status.Reason);
        Assert.StartsWith("ConfigMap \"Upper_Case\" is invalid: metadata.name: Invalid value: \"Upper_Case\": a lowercase RFC 1123 subdomain", status.Message);
        Assert.Equal("metadata.name", Assert.Single(status.Details.Causes).Field);
    }

    [Fact]
    public async Task Create_with_a_resourceVersion_is_400()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var error = await Assert.ThrowsAsync<HttpOperationException>(() =>
            scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "x", ResourceVersion = "5" } }, "default"));

        Assert.Equal(HttpStatusCode.BadRequest, error.Response.StatusCode);
        Assert.Equal("resourceVersion should not be set on objects to be created", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message);
    }

    internal static V1Deployment Deployment(string name) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1DeploymentSpec
        {
            Replicas = 1,
            Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } },
            Template = new V1PodTemplateSpec
            {
                Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
                Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx" }] },
            },
        },
    };
}
