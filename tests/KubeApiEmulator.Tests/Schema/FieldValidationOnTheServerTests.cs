using System.Net;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeApiEmulator.Tests.Kubectl;

namespace KubeApiEmulator.Tests.Schema;

/// <summary>
/// The fieldValidation query parameter as a real API server treats it for custom resources: omitted means Warn
/// (unknown fields pruned, the write succeeds), Strict means 400 BadRequest with a strict decoding error, and
/// schema violations are 422 Invalid with one cause per field.
/// </summary>
public sealed class FieldValidationOnTheServerTests : IAsyncLifetime
{
    private ApiEmulator _api = null!;
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiEmulator.StartAsync();
        _client = new Kubernetes(_api.ClientConfiguration());
        var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(TestManifests.WidgetCrd);
        await _client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _api.DisposeAsync();
    }

    [Fact]
    public async Task Without_the_parameter_unknown_fields_are_pruned()
    {
        var created = await CreateAsync(Widget("""{"size":2,"bogus":true}"""), fieldValidation: null);

        Assert.Equal("""{"size":2}""", created["spec"]!.ToJsonString());
    }

    [Fact]
    public async Task Strict_rejects_unknown_fields_with_a_strict_decoding_error()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => CreateAsync(Widget("""{"size":2,"bogus":true}"""), "Strict"));

        Assert.Equal(HttpStatusCode.BadRequest, error.Response.StatusCode);
        var status = JsonNode.Parse(error.Response.Content)!;
        Assert.Equal("BadRequest", (string?)status["reason"]);
        Assert.Equal("Widget in version \"v1\" cannot be handled as a Widget: strict decoding error: unknown field \"spec.bogus\"", (string?)status["message"]);
    }

    [Fact]
    public async Task Schema_violations_are_422_with_a_cause_per_field()
    {
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => CreateAsync(Widget("""{"size":11,"color":"pink"}"""), "Strict"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        var status = JsonNode.Parse(error.Response.Content)!;
        Assert.Equal("Invalid", (string?)status["reason"]);
        Assert.StartsWith("Widget.emulator.example.com \"w\" is invalid: [", (string?)status["message"], StringComparison.Ordinal);
        var causes = status["details"]!["causes"]!.AsArray().Select(c => ((string?)c!["field"], (string?)c["reason"], (string?)c["message"])).ToList();
        Assert.Contains(("spec.size", "FieldValueInvalid", "Invalid value: 11: spec.size in body should be less than or equal to 10"), causes);
        Assert.Contains(("spec.color", "FieldValueNotSupported", "Unsupported value: \"pink\": supported values: \"red\", \"green\", \"blue\""), causes);
    }

    private static JsonObject Widget(string spec) =>
        JsonNode.Parse("""{"apiVersion":"emulator.example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":""" + spec + "}")!.AsObject();

    private async Task<JsonObject> CreateAsync(JsonObject widget, string? fieldValidation)
    {
        var created = await _client.CustomObjects.CreateNamespacedCustomObjectAsync<JsonObject>(widget, "emulator.example.com", "v1", "default", "widgets", fieldValidation: fieldValidation);
        return created;
    }
}
