using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeApiEmulator.Tests.Core;

public sealed class MetadataValidationTests
{
    [Theory]
    [InlineData("app", "has space", "metadata.labels: Invalid value: \"has space\": a valid label must be an empty string or consist of alphanumeric characters")]
    [InlineData("app", "-leading", "metadata.labels: Invalid value: \"-leading\"")]
    [InlineData("Bad/key", "v", "metadata.labels: Invalid value: \"Bad/key\": prefix part a lowercase RFC 1123 subdomain")]
    [InlineData("app.kubernetes.io/", "v", "metadata.labels: Invalid value: \"app.kubernetes.io/\": name part must be non-empty")]
    public async Task Invalid_labels_are_422(string key, string value, string expected)
    {
        await using var scope = await EmulatorScope.StartAsync();
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "m", Labels = new Dictionary<string, string> { [key] = value } } }, "default"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Contains(expected, KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message);
    }

    [Fact]
    public async Task Valid_labels_and_annotations_pass()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var created = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap
        {
            Metadata = new V1ObjectMeta
            {
                Name = "m",
                Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "waddle-observability-operator", ["empty"] = "" },
                Annotations = new Dictionary<string, string> { ["observability.waddlebot.io/injected-env"] = "[\"A\",\"B\"]" },
            },
        }, "default");

        Assert.Equal("[\"A\",\"B\"]", created.Metadata.Annotations["observability.waddlebot.io/injected-env"]);
    }

    [Fact]
    public async Task A_config_map_over_one_mebibyte_is_422_and_one_just_under_is_stored()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var under = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "under" }, Data = new Dictionary<string, string> { ["s.json"] = new('x', 1024 * 1024) } };
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(under, "default");

        var over = new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "over" }, Data = new Dictionary<string, string> { ["a"] = new('x', 1024 * 1024), ["b"] = "y" } };
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.CreateNamespacedConfigMapAsync(over, "default"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Contains("Too long: may not be more than 1048576 bytes", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message);
    }

    [Fact]
    public async Task Config_map_keys_are_validated()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.CreateNamespacedConfigMapAsync(
            new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "m" }, Data = new Dictionary<string, string> { ["no/slash"] = "v" } }, "default"));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, error.Response.StatusCode);
        Assert.Contains("data[no/slash]: Invalid value: \"no/slash\": a valid config key", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Message);
    }
}
