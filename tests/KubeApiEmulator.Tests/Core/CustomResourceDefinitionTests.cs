using System.Net;
using System.Text.Json;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeApiEmulator.Tests.Core;

public sealed class CustomResourceDefinitionTests
{
    [Fact]
    public async Task Creating_a_CRD_serves_its_resource_and_reports_Established()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CustomObjects.ListNamespacedCustomObjectAsync("test.io", "v1", "default", "widgets"));

        using var widgets = await WidgetDefinition.InstallAsync(scope);

        var crd = await scope.Client.ApiextensionsV1.ReadCustomResourceDefinitionAsync("widgets.test.io");
        Assert.Equal("True", crd.Status.Conditions.Single(c => c.Type == "Established").Status);
        Assert.Equal("True", crd.Status.Conditions.Single(c => c.Type == "NamesAccepted").Status);
        Assert.Equal(["v1"], crd.Status.StoredVersions);
        Assert.Equal("wd", Assert.Single(crd.Status.AcceptedNames.ShortNames));

        var resources = await scope.Client.CustomObjects.ListNamespacedCustomObjectAsync<WidgetList>("test.io", "v1", "default", "widgets");
        Assert.Empty(resources.Items);
        Assert.Equal("WidgetList", resources.Kind);
        var created = await widgets.CreateNamespacedAsync(Widget.Named("w"), "default");
        Assert.Equal("test.io/v1", created.ApiVersion);
    }

    [Fact]
    public async Task Deleting_a_CRD_removes_its_objects_and_stops_serving_it()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var widgets = await WidgetDefinition.InstallAsync(scope);
        await widgets.CreateNamespacedAsync(Widget.Named("w"), "default");

        await scope.Client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync("widgets.test.io");

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => widgets.ListNamespacedAsync<WidgetList>("default"));
        Assert.Equal(HttpStatusCode.NotFound, error.Response.StatusCode);
        await WidgetDefinition.InstallAsync(scope);
        Assert.Empty((await widgets.ListNamespacedAsync<WidgetList>("default")).Items);
    }

    [Fact]
    public async Task A_CRD_whose_name_does_not_match_its_names_is_invalid()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var crd = WidgetDefinition.Crd();
        crd.Metadata.Name = "gadgets.test.io";

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Equal(
            "CustomResourceDefinition.apiextensions.k8s.io \"gadgets.test.io\" is invalid: metadata.name: Invalid value: \"gadgets.test.io\": must be spec.names.plural+\".\"+spec.group",
            KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message);
    }

    [Fact]
    public async Task Every_served_version_shares_one_storage_and_answers_in_its_own_apiVersion()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var crd = WidgetDefinition.Crd();
        var v1 = crd.Spec.Versions[0];
        var v2 = KubernetesJson.Deserialize<V1CustomResourceDefinitionVersion>(KubernetesJson.Serialize(v1));
        v2.Name = "v2";
        v2.Storage = false;
        crd.Spec.Versions.Add(v2);
        await scope.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        using var widgets = new GenericClient(scope.Client, "test.io", "v1", "widgets", disposeClient: false);
        await widgets.CreateNamespacedAsync(Widget.Named("w"), "default");

        var viaV2 = (JsonElement)await scope.Client.CustomObjects.GetNamespacedCustomObjectAsync("test.io", "v2", "default", "widgets", "w");

        Assert.Equal("test.io/v2", viaV2.GetProperty("apiVersion").GetString());
        var groups = await scope.Client.Apis.GetAPIVersionsAsync();
        var group = groups.Groups.Single(g => g.Name == "test.io");
        Assert.Equal(["v2", "v1"], group.Versions.Select(v => v.Version));
    }

    [Fact]
    public async Task Cluster_scoped_custom_resources_live_outside_namespaces()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var crd = WidgetDefinition.Crd();
        crd.Spec.Scope = "Cluster";
        await scope.Client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        using var widgets = new GenericClient(scope.Client, "test.io", "v1", "widgets", disposeClient: false);

        var created = await widgets.CreateAsync(new Widget { Metadata = new V1ObjectMeta { Name = "global" }, Spec = new WidgetSpec { Size = 1 } });

        Assert.Null(created.Metadata.NamespaceProperty);
        Assert.Equal("global", (await widgets.ReadAsync<Widget>("global")).Metadata.Name);
    }

    [Fact]
    public async Task Schema_violations_are_422_Invalid_naming_the_field()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var widgets = await WidgetDefinition.InstallAsync(scope);
        var widget = Widget.Named("bad", size: 11);
        widget.Spec!.Color = "blue";

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => widgets.CreateNamespacedAsync(widget, "default"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        var status = KubernetesJson.Deserialize<V1Status>(error.Response.Content);
        Assert.StartsWith("Widget.test.io \"bad\" is invalid: [", status.Message);
        Assert.Contains(status.Details.Causes, c => c.Field == "spec.size");
        Assert.Contains(status.Details.Causes, c => c.Field == "spec.color" && c.Reason == "FieldValueNotSupported");
    }

    [Fact]
    public async Task Custom_resource_PUT_without_resourceVersion_is_invalid()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var widgets = await WidgetDefinition.InstallAsync(scope);
        var created = await widgets.CreateNamespacedAsync(Widget.Named("w"), "default");
        created.Metadata.ResourceVersion = null;

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => widgets.ReplaceNamespacedAsync(created, "default", "w"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Contains("metadata.resourceVersion: Invalid value: 0x0: must be specified for an update", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message);
    }
}
