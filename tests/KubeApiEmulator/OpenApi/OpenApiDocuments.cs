using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace KubeApiEmulator.OpenApi;

/// <summary>
/// The OpenAPI v3 documents of <c>GET /openapi/v3</c> and <c>GET /openapi/v3/apis/{group}/{version}</c>, shaped the
/// way kubectl and helm read them. Each POST (collection) and PATCH/PUT (item) operation carries
/// <c>x-kubernetes-group-version-kind</c> and a <c>fieldValidation</c> query parameter: with both, kubectl decides
/// the server validates fields itself and sends <c>fieldValidation=Strict</c> instead of downloading OpenAPI v2
/// (observed on the wire from kubectl 1.32). The PATCH operations deliberately do not list
/// <c>application/strategic-merge-patch+json</c>: kubectl then computes strategic merge patches for built-in kinds
/// from its compiled-in types (whose merge keys are exact) rather than from these permissive schemas.
/// </summary>
public static class OpenApiDocuments
{
    private const string MetaPrefix = "io.k8s.apimachinery.pkg.apis.meta.v1.";

    /// <summary>The discovery index: one <c>serverRelativeURL</c> per group version, with a content hash.</summary>
    public static JsonObject Index(IEnumerable<OpenApiResource> resources)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var paths = new JsonObject();
        foreach (var groupVersion in resources.GroupBy(r => (r.Group, r.Version)).OrderBy(g => GroupVersionPath(g.Key.Group, g.Key.Version), StringComparer.Ordinal))
        {
            var path = GroupVersionPath(groupVersion.Key.Group, groupVersion.Key.Version);
            var document = GroupVersion(groupVersion.Key.Group, groupVersion.Key.Version, groupVersion);
            paths[path] = new JsonObject { ["serverRelativeURL"] = $"/openapi/v3/{path}?hash={Hash(document)}" };
        }

        return new JsonObject { ["paths"] = paths };
    }

    /// <summary>The relative path of a group version in the index: <c>api/v1</c> or <c>apis/{group}/{version}</c>.</summary>
    public static string GroupVersionPath(string group, string version) =>
        group.Length == 0 ? $"api/{version}" : $"apis/{group}/{version}";

    /// <summary>The OpenAPI 3.0 document of one group version, with the resources of that group version only.</summary>
    public static JsonObject GroupVersion(string group, string version, IEnumerable<OpenApiResource> resources)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(resources);

        var paths = new JsonObject();
        var schemas = SharedSchemas();
        foreach (var resource in resources.Where(r => r.Group == group && r.Version == version).OrderBy(r => r.Plural, StringComparer.Ordinal))
        {
            var schemaName = SchemaName(resource);
            schemas[schemaName] = ResourceSchema(resource);
            AddPaths(paths, resource, schemaName);
        }

        return new JsonObject
        {
            ["openapi"] = "3.0.0",
            ["info"] = new JsonObject { ["title"] = "Kubernetes", ["version"] = "unversioned" },
            ["paths"] = paths,
            ["components"] = new JsonObject { ["schemas"] = schemas },
        };
    }

    /// <summary>The component schema name the API server uses: io.k8s.api.apps.v1.Deployment, or the reversed group for CRDs.</summary>
    public static string SchemaName(OpenApiResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (resource.Schema is null)
        {
            var package = resource.Group.Length == 0 ? "core" : resource.Group.Replace(".k8s.io", "", StringComparison.Ordinal).Split('.')[0];
            return $"io.k8s.api.{package}.{resource.Version}.{resource.Kind}";
        }

        var reversed = string.Join('.', resource.Group.Split('.').Reverse());
        return $"{reversed}.{resource.Version}.{resource.Kind}";
    }

    private static string Hash(JsonObject document) =>
        Convert.ToHexString(SHA512.HashData(Encoding.UTF8.GetBytes(document.ToJsonString())));

    private static JsonObject Gvk(OpenApiResource r) =>
        new() { ["group"] = r.Group, ["version"] = r.Version, ["kind"] = r.Kind };

    private static JsonObject ResourceSchema(OpenApiResource resource)
    {
        JsonObject schema;
        if (resource.Schema is JsonObject crdSchema)
        {
            schema = (JsonObject)crdSchema.DeepClone();
            schema["type"] ??= "object";
            var properties = schema["properties"] as JsonObject ?? [];
            schema["properties"] = properties;
            properties["apiVersion"] ??= new JsonObject { ["type"] = "string" };
            properties["kind"] ??= new JsonObject { ["type"] = "string" };
            properties["metadata"] = new JsonObject { ["$ref"] = $"#/components/schemas/{MetaPrefix}ObjectMeta" };
        }
        else
        {
            // Built-in kinds: a permissive schema; the server validates them by its storage rules, not by OpenAPI.
            schema = new JsonObject
            {
                ["type"] = "object",
                ["x-kubernetes-preserve-unknown-fields"] = true,
                ["properties"] = new JsonObject
                {
                    ["apiVersion"] = new JsonObject { ["type"] = "string" },
                    ["kind"] = new JsonObject { ["type"] = "string" },
                    ["metadata"] = new JsonObject { ["$ref"] = $"#/components/schemas/{MetaPrefix}ObjectMeta" },
                },
            };
        }

        schema["x-kubernetes-group-version-kind"] = new JsonArray(Gvk(resource));
        return schema;
    }

    private static JsonObject SharedSchemas() => new()
    {
        [MetaPrefix + "ObjectMeta"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
        [MetaPrefix + "Status"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
        [MetaPrefix + "DeleteOptions"] = new JsonObject { ["type"] = "object", ["x-kubernetes-preserve-unknown-fields"] = true },
        [MetaPrefix + "Patch"] = new JsonObject { ["type"] = "object", ["description"] = "Patch is provided to give a concrete name and type to the Kubernetes PATCH request body." },
    };

    private static void AddPaths(JsonObject paths, OpenApiResource r, string schemaName)
    {
        var prefix = r.Group.Length == 0 ? $"/api/{r.Version}" : $"/apis/{r.Group}/{r.Version}";
        var collection = r.Namespaced ? $"{prefix}/namespaces/{{namespace}}/{r.Plural}" : $"{prefix}/{r.Plural}";
        var item = collection + "/{name}";
        var scope = r.Namespaced ? "Namespaced" : "";
        var reference = new JsonObject { ["$ref"] = $"#/components/schemas/{schemaName}" };

        paths[collection] = new JsonObject
        {
            ["get"] = Operation(r, $"list{scope}{r.Kind}", "list", null, reference, ListParameters()),
            ["post"] = Operation(r, $"create{scope}{r.Kind}", "post", JsonBody(reference), reference, WriteParameters()),
            ["delete"] = Operation(r, $"deletecollection{scope}{r.Kind}", "deletecollection", null, Ref("Status"), ListParameters()),
            ["parameters"] = PathParameters(r.Namespaced, withName: false),
        };
        paths[item] = ItemPath(r, scope, r.Kind, reference, withDelete: true);
        if (r.HasStatusSubresource)
        {
            paths[item + "/status"] = ItemPath(r, scope, r.Kind + "Status", reference, withDelete: false);
        }

        if (r.Namespaced)
        {
            paths[$"{prefix}/{r.Plural}"] = new JsonObject
            {
                ["get"] = Operation(r, $"list{r.Kind}ForAllNamespaces", "list", null, reference, ListParameters()),
            };
        }
    }

    private static JsonObject ItemPath(OpenApiResource r, string scope, string subject, JsonObject reference, bool withDelete)
    {
        var path = new JsonObject
        {
            ["get"] = Operation(r, $"read{scope}{subject}", "get", null, reference, []),
            ["put"] = Operation(r, $"replace{scope}{subject}", "put", JsonBody(reference), reference, WriteParameters()),
            ["patch"] = Operation(r, $"patch{scope}{subject}", "patch", PatchBody(), reference, [.. WriteParameters(), Query("force", "boolean")]),
        };
        if (withDelete)
        {
            path["delete"] = Operation(r, $"delete{scope}{subject}", "delete", null, Ref("Status"), [Query("propagationPolicy", "string"), Query("gracePeriodSeconds", "integer"), Query("dryRun", "string")]);
        }

        path["parameters"] = PathParameters(r.Namespaced, withName: true);
        return path;
    }

    private static JsonObject Operation(OpenApiResource r, string operationId, string action, JsonObject? body, JsonObject responseSchema, JsonNode[] parameters)
    {
        var operation = new JsonObject
        {
            ["operationId"] = operationId,
            ["parameters"] = new JsonArray(parameters),
        };
        if (body is not null)
        {
            operation["requestBody"] = body;
        }

        operation["responses"] = new JsonObject
        {
            ["200"] = new JsonObject
            {
                ["description"] = "OK",
                ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = responseSchema.DeepClone() } },
            },
        };
        operation["x-kubernetes-action"] = action;
        operation["x-kubernetes-group-version-kind"] = Gvk(r);
        return operation;
    }

    private static JsonObject JsonBody(JsonObject reference) => new()
    {
        ["content"] = new JsonObject
        {
            ["*/*"] = new JsonObject { ["schema"] = reference.DeepClone() },
        },
        ["required"] = true,
    };

    private static JsonObject PatchBody()
    {
        var content = new JsonObject();
        foreach (var type in new[] { "application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json" })
        {
            content[type] = new JsonObject { ["schema"] = Ref("Patch") };
        }

        return new JsonObject { ["content"] = content, ["required"] = true };
    }

    private static JsonObject Ref(string metaName) => new() { ["$ref"] = $"#/components/schemas/{MetaPrefix}{metaName}" };

    private static JsonNode[] WriteParameters() =>
        [Query("dryRun", "string"), Query("fieldManager", "string"), Query("fieldValidation", "string"), Query("pretty", "string")];

    private static JsonNode[] ListParameters() =>
        [Query("labelSelector", "string"), Query("fieldSelector", "string"), Query("limit", "integer"), Query("continue", "string"), Query("resourceVersion", "string"), Query("watch", "boolean"), Query("timeoutSeconds", "integer"), Query("allowWatchBookmarks", "boolean")];

    private static JsonObject Query(string name, string type) => new()
    {
        ["name"] = name,
        ["in"] = "query",
        ["schema"] = new JsonObject { ["type"] = type, ["uniqueItems"] = true },
    };

    private static JsonArray PathParameters(bool namespaced, bool withName)
    {
        var parameters = new JsonArray();
        if (withName)
        {
            parameters.Add(Path("name"));
        }

        if (namespaced)
        {
            parameters.Add(Path("namespace"));
        }

        return parameters;
    }

    private static JsonObject Path(string name) => new()
    {
        ["name"] = name,
        ["in"] = "path",
        ["required"] = true,
        ["schema"] = new JsonObject { ["type"] = "string", ["uniqueItems"] = true },
    };
}
