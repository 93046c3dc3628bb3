using System.Text.Json.Nodes;
using KubeApiEmulator.Discovery;
using KubeApiEmulator.Protobuf;
using KubeApiEmulator.Registry;
using KubeApiEmulator.Selectors;
using KubeApiEmulator.Storage;
using KubeApiEmulator.Watch;

namespace KubeApiEmulator.Http;

/// <summary>The verbs on resource paths: get, list, watch, create, update, patch, delete, deletecollection.</summary>
internal sealed class ResourceHandlers(ObjectWriter writer, TableConverter tables, WatchStreamer watches)
{
    private readonly ScaleSubresource _scale = new(writer);

    private ObjectStore Store => writer.Store;

    public async Task HandleAsync(HttpContext context, ApiRequest request, ResourceType type)
    {
        if (!type.Supports(request.Verb))
        {
            throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }

        if (request.Subresource is not null && !(request.Subresource == "status" && type.HasStatus) && !(request.Subresource == "scale" && type.HasScale))
        {
            throw ApiException.ResourceNotServed(context.Request.Path);
        }

        if (!type.Namespaced && request.Namespace is not null)
        {
            throw ApiException.ResourceNotServed(context.Request.Path);
        }

        if (type.Namespaced && request.Namespace is null && request.Verb is not ("list" or "watch") && !type.IsReview)
        {
            throw ApiException.ResourceNotServed(context.Request.Path);
        }

        var ns = request.Namespace ?? "";
        var query = context.Request.Query;
        if (request.Subresource == "scale")
        {
            await _scale.HandleAsync(context, request, type, Options(query));
            return;
        }

        switch (request.Verb)
        {
            case "get":
                await GetAsync(context, type, ns, request.Name!);
                break;
            case "list":
                await ListAsync(context, type, request);
                break;
            case "watch":
                await WatchAsync(context, type, request);
                break;
            case "create":
                var created = writer.Create(type, ns, await RequireObjectAsync(context), Options(query) with { User = Requester(context) });
                context.Items[RequestRecord.CreatedNameItem] = created.Name;
                await ApiResponses.WriteObjectAsync(context, 201, type, created);
                break;
            case "update":
                var updated = writer.Update(type, ns, request.Name!, request.Subresource, await RequireObjectAsync(context), Options(query));
                await ApiResponses.WriteObjectAsync(context, 200, type, updated);
                break;
            case "patch":
                await PatchAsync(context, type, request);
                break;
            case "delete":
                await DeleteAsync(context, type, ns, request.Name!);
                break;
            case "deletecollection":
                await DeleteCollectionAsync(context, type, request);
                break;
            default:
                throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    private async Task GetAsync(HttpContext context, ResourceType type, string ns, string name)
    {
        var found = Store.Get(type.StorageKey, new ObjectKey(type.Namespaced ? ns : "", name)) ?? throw ApiException.NotFound(type, name);
        if (TableConverter.Wants(context.Request.Headers.Accept))
        {
            var table = tables.Convert(type, [found], found.ResourceVersion, null, context.Request.Query["includeObject"].ToString());
            await ApiResponses.WriteJsonAsync(context, 200, table);
            return;
        }

        await ApiResponses.WriteObjectAsync(context, 200, type, found);
    }

    private async Task ListAsync(HttpContext context, ResourceType type, ApiRequest request)
    {
        var query = context.Request.Query;
        var filter = Filter(type, request, query);
        var limit = int.TryParse(query["limit"], out var l) && l > 0 ? l : 0;
        ObjectKey? after = null;
        long? snapshot = null;
        if (query["continue"].ToString() is { Length: > 0 } token)
        {
            var continuation = ListContinuation.Decode(token);
            if (continuation.ResourceVersion < Store.Log.CompactedThrough)
            {
                throw ApiException.Expired("The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.");
            }

            after = continuation.After;
            snapshot = continuation.ResourceVersion;
        }

        var (items, more, resourceVersion) = Store.List(type.StorageKey, filter, after, limit);
        var listVersion = snapshot ?? resourceVersion;
        var next = more ? new ListContinuation(listVersion, items[^1].Key).Encode() : null;
        if (TableConverter.Wants(context.Request.Headers.Accept))
        {
            await ApiResponses.WriteJsonAsync(context, 200, tables.Convert(type, items, listVersion, next, query["includeObject"].ToString()));
            return;
        }

        await ApiResponses.WriteListAsync(context, type, items, listVersion, next);
    }

    private async Task WatchAsync(HttpContext context, ResourceType type, ApiRequest request)
    {
        var query = context.Request.Query;
        var filter = Filter(type, request, query);
        if (request.Name is not null)
        {
            // The legacy /watch/.../name form watches one object.
            filter = filter with { Fields = FieldSelector.Parse(Join(query["fieldSelector"], $"metadata.name={request.Name}"), type) };
        }

        long? from = query["resourceVersion"].ToString() is { Length: > 0 } rv && rv != "0"
            ? long.TryParse(rv, out var parsed) ? parsed : throw ApiException.BadRequest($"invalid resource version: {rv}")
            : null;
        var bookmarks = query["allowWatchBookmarks"] == "true";
        TimeSpan? timeout = int.TryParse(query["timeoutSeconds"], out var seconds) && seconds > 0 ? TimeSpan.FromSeconds(seconds) : null;
        await watches.StreamAsync(context, type, filter, from, bookmarks, timeout, TableConverter.Wants(context.Request.Headers.Accept));
    }

    private async Task PatchAsync(HttpContext context, ResourceType type, ApiRequest request)
    {
        var mediaType = ApiResponses.MediaType(context.Request.ContentType);
        var body = await ApiResponses.ReadBodyAsync(context) ?? throw ApiException.BadRequest("the body of the request was empty");
        var query = context.Request.Query;
        var options = Options(query);
        var ns = request.Namespace ?? "";
        Func<JsonObject?, JsonObject> patch;
        var createIfMissing = false;
        switch (mediaType)
        {
            case "application/merge-patch+json":
                patch = current => AsObject(PatchEngines.Merge(current!, body));
                break;
            case "application/json-patch+json":
                var operations = body as JsonArray ?? throw ApiException.BadRequest("the body of a json patch must be a JSON array of operations");
                patch = current => AsObject(PatchEngines.Json(current!, operations));
                break;
            case "application/strategic-merge-patch+json":
                if (type.IsCustom)
                {
                    throw ApiException.UnsupportedMediaType(ApiException.CustomPatchMediaTypes);
                }

                patch = current => AsObject(PatchEngines.Strategic(current!, body, type));
                break;
            case "application/apply-patch+yaml":
                var manager = query["fieldManager"].ToString();
                if (manager.Length == 0)
                {
                    throw ApiException.Invalid(type, request.Name!, [FieldError.Required("fieldManager", "is required for apply patch")]);
                }

                var force = query["force"] == "true";
                createIfMissing = true;
                patch = current => AsObject(PatchEngines.Apply(current, body, manager, force, type, request.Subresource));
                break;
            default:
                throw ApiException.UnsupportedMediaType(type.IsCustom ? ApiException.CustomPatchMediaTypes : ApiException.BuiltInPatchMediaTypes);
        }

        var existed = Store.Get(type.StorageKey, new ObjectKey(type.Namespaced ? ns : "", request.Name!)) is not null;
        var result = writer.Patch(type, ns, request.Name!, request.Subresource, patch, createIfMissing, options);
        await ApiResponses.WriteObjectAsync(context, existed || !createIfMissing ? 200 : 201, type, result);
    }

    private async Task DeleteAsync(HttpContext context, ResourceType type, string ns, string name)
    {
        var options = await DeleteOptionsAsync(context);
        var outcome = writer.Delete(type, ns, name, options);
        await WriteDeletedAsync(context, type, outcome);
    }

    private async Task DeleteCollectionAsync(HttpContext context, ResourceType type, ApiRequest request)
    {
        var options = await DeleteOptionsAsync(context);
        var filter = Filter(type, request, context.Request.Query);
        var (items, _, _) = Store.List(type.StorageKey, filter);
        var deleted = new List<StoredObject>();
        foreach (var item in items)
        {
            try
            {
                deleted.Add(writer.Delete(type, item.Namespace, item.Name, options).Object);
            }
            catch (ApiException gone) when (gone.Code == 404)
            {
                // Deleted meanwhile by someone else: nothing left to do for it.
            }
        }

        await ApiResponses.WriteListAsync(context, type, deleted, Store.ResourceVersion, null);
    }

    private static async Task WriteDeletedAsync(HttpContext context, ResourceType type, DeleteOutcome outcome)
    {
        if (!outcome.Removed || type.ReturnsDeletedObject)
        {
            await ApiResponses.WriteObjectAsync(context, 200, type, outcome.Object);
            return;
        }

        await ApiResponses.WriteJsonAsync(context, 200, new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Success",
            ["details"] = new JsonObject
            {
                ["name"] = outcome.Object.Name,
                ["group"] = type.Group,
                ["kind"] = type.Plural,
                ["uid"] = outcome.Object.Uid,
            },
        });
    }

    private static async Task<DeleteOptions> DeleteOptionsAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var body = await ApiResponses.ReadBodyAsync(context) as JsonObject;
        string? Text(JsonNode? node) => node is JsonValue value ? value.ToString() : null;
        var policy = Text(body?["propagationPolicy"]) ?? query["propagationPolicy"].FirstOrDefault();
        if (policy is null && body?["orphanDependents"] is JsonValue orphan)
        {
            policy = orphan.GetValue<bool>() ? "Orphan" : "Background";
        }

        var dryRun = body?["dryRun"] is JsonArray { Count: > 0 } || query["dryRun"] == "All";
        return new DeleteOptions(policy, Text(body?["preconditions"]?["uid"]), Text(body?["preconditions"]?["resourceVersion"]), dryRun);
    }

    private static WriteOptions Options(IQueryCollection query) => new(
        query["dryRun"] == "All",
        query["fieldManager"].FirstOrDefault(),
        query["fieldValidation"].FirstOrDefault() is { Length: > 0 } validation ? validation : "Warn");

    /// <summary>
    /// The requesting user: the one impersonated (kubectl --as, --as-group), else the bearer token's registered user,
    /// else the emulator's admin. Impersonation itself is not authorized.
    /// </summary>
    private RequestUser Requester(HttpContext context)
    {
        var headers = context.Request.Headers;
        if (headers["Impersonate-User"].ToString() is { Length: > 0 } impersonated)
        {
            return new RequestUser(impersonated, [.. headers["Impersonate-Group"].Where(g => !string.IsNullOrEmpty(g)).Select(g => g!), "system:authenticated"]);
        }

        var authorization = headers.Authorization.ToString();
        return authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && writer.Reviews.UserForToken(authorization[7..].Trim()) is { } user
            ? user
            : RequestUser.Admin;
    }

    private static ObjectFilter Filter(ResourceType type, ApiRequest request, IQueryCollection query) => new(
        type.Namespaced ? request.Namespace : null,
        LabelSelector.Parse(query["labelSelector"]),
        FieldSelector.Parse(query["fieldSelector"], type));

    private static async Task<JsonObject> RequireObjectAsync(HttpContext context)
    {
        var mediaType = ApiResponses.MediaType(context.Request.ContentType);
        if (mediaType is not ("application/json" or "application/yaml" or "text/yaml" or "*/*" or KubernetesProtobuf.MediaType))
        {
            throw ApiException.UnsupportedMediaType(ApiException.BodyMediaTypes);
        }

        return await ApiResponses.ReadBodyAsync(context) as JsonObject
            ?? throw ApiException.BadRequest("the body of the request must be a JSON object");
    }

    private static JsonObject AsObject(JsonNode node) =>
        node as JsonObject ?? throw new ApiException(422, "Invalid", "the patch produced something other than an object");

    private static string Join(string? first, string second) => string.IsNullOrEmpty(first) ? second : $"{first},{second}";
}
