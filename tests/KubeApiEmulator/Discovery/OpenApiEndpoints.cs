using System.Text.Json.Nodes;
using KubeApiEmulator.OpenApi;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Discovery;

/// <summary>
/// /openapi/v3 (index) and /openapi/v3/apis/&lt;group&gt;/&lt;version&gt; documents built by KubeApiEmulator.OpenApi from
/// what is served now; /openapi/v2 is not served (kubectl then relies on v3).
/// </summary>
internal sealed class OpenApiEndpoints(ResourceRegistry registry)
{
    public JsonObject? Document(string[] parts) => parts switch
    {
        ["v3"] => OpenApiDocuments.Index(Resources()),
        ["v3", "api", var version] => GroupVersion("", version),
        ["v3", "apis", var group, var version] => GroupVersion(group, version),
        _ => null,
    };

    private JsonObject? GroupVersion(string group, string version)
    {
        var resources = Resources().Where(r => r.Group == group && r.Version == version).ToList();
        return resources.Count == 0 ? null : OpenApiDocuments.GroupVersion(group, version, resources);
    }

    private List<OpenApiResource> Resources() =>
        [.. registry.All().Where(t => !t.IsReview).Select(t => new OpenApiResource(t.Group, t.Version, t.Kind, t.Plural, t.Namespaced, t.Schema, t.HasStatus))];
}
