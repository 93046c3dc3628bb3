using System.Text.Json;
using System.Text.Json.Nodes;
using KubeApiEmulator.Faults;
using KubeApiEmulator.Registry;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Http;

/// <summary>
/// Test controls over HTTP, for scripts that run the emulator as a process:
/// GET/DELETE /emulator/requests; PUT/DELETE /emulator/faults; POST /emulator/watches/drop, /emulator/compact,
/// /emulator/bookmarks; PATCH /emulator/tamper/&lt;object path&gt; (a merge patch applied behind the clients' backs).
/// </summary>
internal sealed class ControlEndpoints(RequestLog log, FaultInjector faults, ObjectStore store, ResourceRegistry registry, ObjectWriter writer)
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    public async Task HandleAsync(HttpContext context, string path)
    {
        var method = context.Request.Method;
        switch (path)
        {
            case "/emulator/requests" when HttpMethods.IsGet(method):
                await ApiResponses.WriteJsonAsync(context, 200, JsonSerializer.SerializeToNode(log.Snapshot(), Web)!);
                return;
            case "/emulator/requests" when HttpMethods.IsDelete(method):
                log.Clear();
                break;
            case "/emulator/faults" when HttpMethods.IsPut(method):
                Configure(await ApiResponses.ReadBodyAsync(context) as JsonObject ?? []);
                break;
            case "/emulator/faults" when HttpMethods.IsDelete(method):
                faults.Clear();
                break;
            case "/emulator/watches/drop" when HttpMethods.IsPost(method):
                store.DropWatches();
                break;
            case "/emulator/compact" when HttpMethods.IsPost(method):
                store.Compact();
                break;
            case "/emulator/bookmarks" when HttpMethods.IsPost(method):
                store.SendBookmarks();
                break;
            case var tamper when tamper.StartsWith("/emulator/tamper/", StringComparison.Ordinal) && HttpMethods.IsPatch(method):
                await TamperAsync(context, tamper["/emulator/tamper".Length..]);
                return;
            default:
                throw ApiException.ResourceNotServed(path);
        }

        context.Response.StatusCode = 204;
    }

    private void Configure(JsonObject body)
    {
        if (body["latencyMs"] is JsonValue latency)
        {
            faults.Latency = TimeSpan.FromMilliseconds(latency.GetValue<double>());
        }

        foreach (var error in (body["errors"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var target = Target(error);
            var status = error["status"]?.GetValue<int>() ?? 500;
            if (error["count"] is JsonValue count)
            {
                faults.FailNext(target, count.GetValue<int>(), status);
            }
            else
            {
                faults.FailRate(target, error["rate"]?.GetValue<double>() ?? 1, status);
            }
        }

        if (body["throttle"] is JsonObject throttle)
        {
            faults.Throttle(
                Target(throttle),
                throttle["rate"]?.GetValue<double>() ?? 1,
                TimeSpan.FromSeconds(throttle["retryAfterSeconds"]?.GetValue<double>() ?? 1),
                throttle["count"]?.GetValue<int>());
        }
    }

    private static FaultTarget Target(JsonObject fault) =>
        new(fault["verb"]?.GetValue<string>() ?? "*", fault["resource"]?.GetValue<string>(), fault["userAgent"]?.GetValue<string>());

    private async Task TamperAsync(HttpContext context, string objectPath)
    {
        var request = ApiRequest.Parse("GET", objectPath, _ => null);
        var type = registry.Find(request.Group, request.Version, request.Resource);
        if (!request.IsResourceRequest || type is null || request.Name is null)
        {
            throw ApiException.BadRequest($"not an object path: {objectPath}");
        }

        var patch = await ApiResponses.ReadBodyAsync(context) ?? throw ApiException.BadRequest("a merge patch body is required");
        var current = store.Get(type.StorageKey, new ObjectKey(request.Namespace ?? "", request.Name)) ?? throw ApiException.NotFound(type, request.Name);
        var changed = writer.Mutate(current, obj => PatchEngines.Merge(obj, patch).AsObject(), request.Subresource)
            ?? throw ApiException.NotFound(type, request.Name);
        await ApiResponses.WriteObjectAsync(context, 200, type, changed);
    }
}
