using System.Text.Json.Nodes;
using KubeApiEmulator.OpenApi;

namespace KubeApiEmulator.Tests.OpenApi;

/// <summary>
/// The shape kubectl 1.32 needs to validate on the server (observed on the wire from kubectl 1.32): an index of group
/// versions, and per group version PATCH/POST operations with x-kubernetes-group-version-kind and fieldValidation.
/// </summary>
public sealed class OpenApiDocumentsTests
{
    private static readonly JsonNode WidgetSchema = JsonNode.Parse("""{"type":"object","properties":{"spec":{"type":"object","properties":{"size":{"type":"integer"}}}}}""")!;

    private static readonly OpenApiResource[] Resources =
    [
        new("", "v1", "ConfigMap", "configmaps", true, null, false),
        new("", "v1", "Namespace", "namespaces", false, null, true),
        new("apps", "v1", "Deployment", "deployments", true, null, true),
        new("example.com", "v1", "Widget", "widgets", true, WidgetSchema, true),
        new("example.com", "v1alpha1", "Gadget", "gadgets", false, WidgetSchema, false),
    ];

    [Fact]
    public void The_index_lists_every_group_version_with_a_hashed_url()
    {
        var index = OpenApiDocuments.Index(Resources);

        var paths = index["paths"]!.AsObject();
        Assert.Equal(["api/v1", "apis/apps/v1", "apis/example.com/v1", "apis/example.com/v1alpha1"], paths.Select(p => p.Key));
        Assert.Matches("^/openapi/v3/apis/apps/v1\\?hash=[0-9A-F]{128}$", (string?)paths["apis/apps/v1"]!["serverRelativeURL"]);
    }

    [Fact]
    public void The_hash_changes_when_a_schema_changes_and_only_for_that_group_version()
    {
        var before = OpenApiDocuments.Index(Resources)["paths"]!;
        var changedSchema = JsonNode.Parse("""{"type":"object","properties":{"spec":{"type":"object","properties":{"size":{"type":"string"}}}}}""");
        var changed = Resources.Select(r => r.Kind == "Widget" ? r with { Schema = changedSchema } : r).ToList();

        var after = OpenApiDocuments.Index(changed)["paths"]!;

        Assert.NotEqual((string?)before["apis/example.com/v1"]!["serverRelativeURL"], (string?)after["apis/example.com/v1"]!["serverRelativeURL"]);
        Assert.Equal((string?)before["api/v1"]!["serverRelativeURL"], (string?)after["api/v1"]!["serverRelativeURL"]);
    }

    [Theory]
    [InlineData("", "v1", "/api/v1/namespaces/{namespace}/configmaps", "/api/v1/namespaces/{namespace}/configmaps/{name}", "", "ConfigMap")]
    [InlineData("", "v1", "/api/v1/namespaces", "/api/v1/namespaces/{name}", "", "Namespace")]
    [InlineData("apps", "v1", "/apis/apps/v1/namespaces/{namespace}/deployments", "/apis/apps/v1/namespaces/{namespace}/deployments/{name}", "apps", "Deployment")]
    [InlineData("example.com", "v1", "/apis/example.com/v1/namespaces/{namespace}/widgets", "/apis/example.com/v1/namespaces/{namespace}/widgets/{name}", "example.com", "Widget")]
    [InlineData("example.com", "v1alpha1", "/apis/example.com/v1alpha1/gadgets", "/apis/example.com/v1alpha1/gadgets/{name}", "example.com", "Gadget")]
    public void Write_operations_carry_the_gvk_and_the_fieldValidation_parameter(string group, string version, string collection, string item, string gvkGroup, string kind)
    {
        var document = OpenApiDocuments.GroupVersion(group, version, Resources);

        Assert.Equal("3.0.0", (string?)document["openapi"]);
        var paths = document["paths"]!;
        foreach (var operation in new[] { paths[collection]?["post"], paths[item]?["patch"], paths[item]?["put"] })
        {
            Assert.NotNull(operation);
            var gvk = operation["x-kubernetes-group-version-kind"]!;
            Assert.Equal((gvkGroup, version, kind), ((string?)gvk["group"], (string?)gvk["version"], (string?)gvk["kind"]));
            Assert.Contains(operation["parameters"]!.AsArray(), p => (string?)p!["name"] == "fieldValidation" && (string?)p["in"] == "query");
        }
    }

    [Fact]
    public void Patch_operations_offer_no_strategic_merge_so_kubectl_uses_its_compiled_in_merge_keys()
    {
        var document = OpenApiDocuments.GroupVersion("apps", "v1", Resources);

        var content = document["paths"]!["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]!["patch"]!["requestBody"]!["content"]!.AsObject();
        Assert.Equal(["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json"], content.Select(c => c.Key));
    }

    [Fact]
    public void A_custom_resource_schema_is_the_crd_schema_with_the_gvk()
    {
        var document = OpenApiDocuments.GroupVersion("example.com", "v1", Resources);

        var schema = document["components"]!["schemas"]!["com.example.v1.Widget"]!;
        Assert.Equal("integer", (string?)schema["properties"]!["spec"]!["properties"]!["size"]!["type"]);
        Assert.Equal("string", (string?)schema["properties"]!["apiVersion"]!["type"]);
        Assert.Equal("Widget", (string?)schema["x-kubernetes-group-version-kind"]![0]!["kind"]);
        Assert.Null(WidgetSchema["properties"]!["apiVersion"]);
    }

    [Fact]
    public void A_built_in_schema_is_permissive_and_named_like_the_api_server_names_it()
    {
        var document = OpenApiDocuments.GroupVersion("apps", "v1", Resources);

        var schema = document["components"]!["schemas"]!["io.k8s.api.apps.v1.Deployment"]!;
        Assert.True((bool?)schema["x-kubernetes-preserve-unknown-fields"]);
        Assert.Equal("apps", (string?)schema["x-kubernetes-group-version-kind"]![0]!["group"]);
        Assert.NotNull(OpenApiDocuments.GroupVersion("", "v1", Resources)["components"]!["schemas"]!["io.k8s.api.core.v1.ConfigMap"]);
    }

    [Fact]
    public void Status_paths_exist_only_with_the_status_subresource_and_only_this_group_version_is_described()
    {
        var widgets = OpenApiDocuments.GroupVersion("example.com", "v1", Resources)["paths"]!.AsObject();
        var gadgets = OpenApiDocuments.GroupVersion("example.com", "v1alpha1", Resources)["paths"]!.AsObject();

        Assert.True(widgets.ContainsKey("/apis/example.com/v1/namespaces/{namespace}/widgets/{name}/status"));
        Assert.True(widgets.ContainsKey("/apis/example.com/v1/widgets"));
        Assert.DoesNotContain(widgets, p => p.Key.Contains("gadgets", StringComparison.Ordinal));
        Assert.DoesNotContain(gadgets, p => p.Key.EndsWith("/status", StringComparison.Ordinal));
    }
}
