using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;

namespace KubeApiEmulator.Tests.Core;

public sealed class ListTests
{
    [Fact]
    public async Task Label_selectors_equality_and_set_based()
    {
        await using var scope = await EmulatorScope.StartAsync();
        foreach (var (name, tier, track) in new[] { ("a", "web", "stable"), ("b", "web", "canary"), ("c", "db", "stable"), ("d", "cache", (string?)null) })
        {
            var labels = new Dictionary<string, string> { ["tier"] = tier };
            if (track is not null)
            {
                labels["track"] = track;
            }

            await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name, Labels = labels } }, "default");
        }

        async Task<string> Names(string selector) => string.Join(",",
            (await scope.Client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: selector)).Items.Select(i => i.Metadata.Name));

        Assert.Equal("a,b", await Names("tier=web"));
        Assert.Equal("a,b", await Names("tier==web"));
        Assert.Equal("c,d", await Names("tier!=web"));
        Assert.Equal("a,b,c", await Names("track"));
        Assert.Equal("d", await Names("!track"));
        Assert.Equal("a,c,d", await Names("tier in (web, db, cache),track notin (canary)"));
        Assert.Equal("b", await Names("tier in (web),track=canary"));
    }

    [Fact]
    public async Task Malformed_label_selector_is_400()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.ListNamespacedConfigMapAsync("default", labelSelector: "tier in web"));
        Assert.Equal(HttpStatusCode.BadRequest, error.Response.StatusCode);
    }

    [Fact]
    public async Task Field_selectors_on_name_and_namespace_and_all_namespace_lists()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "other" } });
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "x" } }, "default");
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "x" } }, "other");
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "y" } }, "other");

        var all = await scope.Client.CoreV1.ListConfigMapForAllNamespacesAsync();
        Assert.Equal(["default/x", "other/x", "other/y"], all.Items.Select(i => $"{i.Metadata.NamespaceProperty}/{i.Metadata.Name}"));

        var named = await scope.Client.CoreV1.ListConfigMapForAllNamespacesAsync(fieldSelector: "metadata.name=x");
        Assert.Equal(2, named.Items.Count);

        var inOther = await scope.Client.CoreV1.ListConfigMapForAllNamespacesAsync(fieldSelector: "metadata.namespace=other,metadata.name!=x");
        Assert.Equal("y", Assert.Single(inOther.Items).Metadata.Name);

        var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.ListConfigMapForAllNamespacesAsync(fieldSelector: "data.x=1"));
        Assert.Equal(HttpStatusCode.BadRequest, error.Response.StatusCode);
    }

    [Fact]
    public async Task Limit_and_continue_page_through_with_the_first_pages_resourceVersion()
    {
        await using var scope = await EmulatorScope.StartAsync();
        for (var i = 0; i < 7; i++)
        {
            await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = $"m{i}" } }, "default");
        }

        var seen = new List<string>();
        string? token = null;
        string? listVersion = null;
        var pages = 0;
        do
        {
            var page = await scope.Client.CoreV1.ListNamespacedConfigMapAsync("default", limit: 3, continueParameter: token);
            listVersion ??= page.Metadata.ResourceVersion;
            Assert.Equal(listVersion, page.Metadata.ResourceVersion);
            seen.AddRange(page.Items.Select(i => i.Metadata.Name));
            token = page.Metadata.ContinueProperty;
            pages++;
        }
        while (!string.IsNullOrEmpty(token));

        Assert.Equal(3, pages);
        Assert.Equal(Enumerable.Range(0, 7).Select(i => $"m{i}"), seen);
    }

    [Fact]
    public async Task List_resourceVersion_is_the_latest_write()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var created = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "v" } }, "default");

        var list = await scope.Client.CoreV1.ListNamespacedConfigMapAsync("default");

        Assert.Equal(created.Metadata.ResourceVersion, list.Metadata.ResourceVersion);
    }
}
