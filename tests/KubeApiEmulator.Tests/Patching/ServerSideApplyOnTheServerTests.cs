using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeApiEmulator.Tests.Kubectl;

namespace KubeApiEmulator.Tests.Patching;

/// <summary>Server-side apply through KubernetesClient as an operator sends it (PATCH apply-patch+yaml, fieldManager, force).</summary>
public sealed class ServerSideApplyOnTheServerTests : IAsyncLifetime
{
    private ApiEmulator _api = null!;
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiEmulator.StartAsync();
        _client = new Kubernetes(_api.ClientConfiguration());
        await _client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(KubernetesYaml.Deserialize<V1CustomResourceDefinition>(TestManifests.WidgetCrd));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Apply_creates_then_conflicts_with_another_manager_and_force_takes_over()
    {
        await ApplyAsync("""{"spec":{"size":2,"color":"red"}}""", "operator", force: false);

        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => ApplyAsync("""{"spec":{"size":3}}""", "user", force: false));
        var forced = await ApplyAsync("""{"spec":{"size":3}}""", "user", force: true);

        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        var status = JsonNode.Parse(conflict.Response.Content)!;
        Assert.Equal("Conflict", (string?)status["reason"]);
        Assert.Equal("Apply failed with 1 conflict: conflict with \"operator\": .spec.size", (string?)status["message"]);
        Assert.Equal(("FieldManagerConflict", "conflict with \"operator\"", ".spec.size"), ((string?)status["details"]!["causes"]![0]!["reason"], (string?)status["details"]!["causes"]![0]!["message"], (string?)status["details"]!["causes"]![0]!["field"]));
        Assert.Equal(3, (int?)forced["spec"]!["size"]);
        Assert.Equal("red", (string?)forced["spec"]!["color"]);
    }

    [Fact]
    public async Task The_main_resource_ignores_status_and_owns_none_of_it_while_status_applies_through_its_subresource()
    {
        var applied = await ApplyAsync("""{"spec":{"size":2},"status":{"conditions":[{"type":"Ready","status":"True"}]}}""", "operator", force: false);
        var status = new JsonObject
        {
            ["apiVersion"] = "emulator.example.com/v1",
            ["kind"] = "Widget",
            ["metadata"] = new JsonObject { ["name"] = "w" },
            ["status"] = new JsonObject { ["conditions"] = new JsonArray(new JsonObject { ["type"] = "Ready", ["status"] = "False" }) },
        };
        var withStatus = await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync<JsonObject>(new V1Patch(status.ToJsonString(), V1Patch.PatchType.ApplyPatch), "emulator.example.com", "v1", "default", "widgets", "w", fieldManager: "operator", force: true);

        Assert.Null(applied["status"]);
        Assert.Equal("""{"f:spec":{"f:size":{}}}""", applied["metadata"]!["managedFields"]![0]!["fieldsV1"]!.ToJsonString());
        Assert.Equal("False", (string?)withStatus["status"]!["conditions"]![0]!["status"]);
        Assert.Equal(2, (int?)withStatus["spec"]!["size"]);
    }

    private async Task<JsonObject> ApplyAsync(string body, string manager, bool force)
    {
        var widget = JsonNode.Parse(body)!.AsObject();
        widget["apiVersion"] = "emulator.example.com/v1";
        widget["kind"] = "Widget";
        widget["metadata"] = new JsonObject { ["name"] = "w", ["namespace"] = "default" };
        return await _client.CustomObjects.PatchNamespacedCustomObjectAsync<JsonObject>(new V1Patch(widget.ToJsonString(), V1Patch.PatchType.ApplyPatch), "emulator.example.com", "v1", "default", "widgets", "w", fieldManager: manager, force: force);
    }
}
