using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using k8s;
using KubeApiEmulator.Tests.Core;

namespace KubeApiEmulator.Tests.Discovery;

public sealed class DiscoveryTests
{
    [Fact]
    public async Task Version_and_legacy_discovery_describe_the_served_resources()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var widgets = await WidgetDefinition.InstallAsync(scope);

        var version = await scope.Client.Version.GetCodeAsync();
        Assert.Equal("v1.33.0", version.GitVersion);

        var core = await scope.Client.CoreV1.GetAPIResourcesAsync();
        var pods = core.Resources.Single(r => r.Name == "pods");
        Assert.True(pods.Namespaced);
        Assert.Equal("Pod", pods.Kind);
        Assert.Contains("watch", pods.Verbs);
        Assert.Contains(core.Resources, r => r.Name == "pods/status");
        Assert.False(core.Resources.Single(r => r.Name == "namespaces").Namespaced);

        var groups = await scope.Client.Apis.GetAPIVersionsAsync();
        foreach (var expected in new[] { "apps", "rbac.authorization.k8s.io", "coordination.k8s.io", "apiextensions.k8s.io", "discovery.k8s.io", "events.k8s.io", "test.io" })
        {
            Assert.Contains(groups.Groups, g => g.Name == expected);
        }

        var custom = await scope.Client.CustomObjects.GetAPIResourcesAsync("test.io", "v1");
        var widget = custom.Resources.Single(r => r.Name == "widgets");
        Assert.Equal("widget", widget.SingularName);
        Assert.Equal(["wd"], widget.ShortNames);
        Assert.Equal(["test"], widget.Categories);
        Assert.Contains(custom.Resources, r => r.Name == "widgets/status");
    }

    [Fact]
    public async Task Aggregated_discovery_requests_get_legacy_json()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{scope.Api.Url}/apis");
        request.Headers.Accept.ParseAdd("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        request.Headers.Accept.ParseAdd("application/json");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("APIGroupList", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task OpenApi_v3_index_lists_group_versions_and_v2_is_not_served()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var widgets = await WidgetDefinition.InstallAsync(scope);
        using var http = new HttpClient();

        var index = JsonNode.Parse(await http.GetStringAsync($"{scope.Api.Url}/openapi/v3"))!;
        Assert.NotNull(index["paths"]!["apis/test.io/v1"]);
        Assert.NotNull(index["paths"]!["api/v1"]);
        using var v2 = await http.GetAsync($"{scope.Api.Url}/openapi/v2");
        Assert.Equal(HttpStatusCode.NotFound, v2.StatusCode);
    }

    [Fact]
    public async Task Unknown_paths_and_verbs_get_Status_errors()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var http = new HttpClient();

        using var unknown = await http.GetAsync($"{scope.Api.Url}/apis/nope.io/v1/things");
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("Status", JsonNode.Parse(await unknown.Content.ReadAsStringAsync())!["kind"]!.GetValue<string>());

        using var review = await http.GetAsync($"{scope.Api.Url}/apis/authentication.k8s.io/v1/tokenreviews");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, review.StatusCode);
        Assert.Equal("MethodNotAllowed", JsonNode.Parse(await review.Content.ReadAsStringAsync())!["reason"]!.GetValue<string>());
    }

    [Fact]
    public async Task Table_output_uses_the_CRD_printer_columns()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var widgets = await WidgetDefinition.InstallAsync(scope);
        await widgets.CreateNamespacedAsync(Widget.Named("w", size: 3), "default");
        await scope.Client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
            new k8s.Models.V1Patch("{\"status\":{\"conditions\":[{\"type\":\"Other\",\"status\":\"False\"},{\"type\":\"Ready\",\"status\":\"True\"}]}}", k8s.Models.V1Patch.PatchType.MergePatch),
            "test.io", "v1", "default", "widgets", "w");

        var table = await GetTableAsync(scope, "/apis/test.io/v1/namespaces/default/widgets");

        Assert.Equal("Table", table["kind"]!.GetValue<string>());
        Assert.Equal(["Name", "Size", "Ready", "Age"], table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        var cells = table["rows"]![0]!["cells"]!.AsArray();
        Assert.Equal("w", cells[0]!.GetValue<string>());
        Assert.Equal(3, cells[1]!.GetValue<int>());
        Assert.Equal("True", cells[2]!.GetValue<string>());
        Assert.Matches(@"^\d+s$", cells[3]!.GetValue<string>());
        Assert.Equal("PartialObjectMetadata", table["rows"]![0]!["object"]!["kind"]!.GetValue<string>());
    }

    [Fact]
    public async Task Table_output_for_built_ins_is_name_and_age()
    {
        await using var scope = await EmulatorScope.StartAsync();

        var table = await GetTableAsync(scope, "/api/v1/namespaces/kube-system");

        Assert.Equal(["Name", "Age"], table["columnDefinitions"]!.AsArray().Select(c => c!["name"]!.GetValue<string>()));
        Assert.Equal("kube-system", table["rows"]![0]!["cells"]![0]!.GetValue<string>());
    }

    [Fact]
    public async Task Table_watch_sends_one_row_tables_for_kubectl_get_watch()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var widgets = await WidgetDefinition.InstallAsync(scope);
        await widgets.CreateNamespacedAsync(Widget.Named("w", size: 2), "default");
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, $"{scope.Api.Url}/apis/test.io/v1/namespaces/default/widgets?watch=true&timeoutSeconds=1");
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json;as=Table;v=v1;g=meta.k8s.io"));

        using var response = await http.SendAsync(request);
        var line = Assert.Single((await response.Content.ReadAsStringAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries));

        var watchEvent = JsonNode.Parse(line)!;
        Assert.Equal("ADDED", watchEvent["type"]!.GetValue<string>());
        Assert.Equal("Table", watchEvent["object"]!["kind"]!.GetValue<string>());
        Assert.Equal(2, watchEvent["object"]!["rows"]![0]!["cells"]![1]!.GetValue<int>());
    }

    private static async Task<JsonNode> GetTableAsync(EmulatorScope scope, string path)
    {
        using var http = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, scope.Api.Url + path);
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json;as=Table;v=v1;g=meta.k8s.io"));
        request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse("application/json"));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
    }
}
