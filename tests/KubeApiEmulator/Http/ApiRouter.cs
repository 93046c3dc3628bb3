using System.Text.Json.Nodes;
using KubeApiEmulator.Discovery;
using KubeApiEmulator.Faults;
using KubeApiEmulator.Registry;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Http;

/// <summary>
/// The single request entry point: parses the path like the API server's RequestInfo, applies injected faults,
/// routes to discovery, OpenAPI, emulator controls or a resource, and logs what it answered.
/// </summary>
internal sealed class ApiRouter(
    ResourceRegistry registry,
    ResourceHandlers resources,
    DiscoveryDocuments discovery,
    OpenApiEndpoints openApi,
    ControlEndpoints controls,
    FaultInjector faults,
    ObjectStore store,
    ObjectWriter writer,
    RequestLog log,
    TimeProvider time,
    ILogger<ApiRouter> logger)
{
    public async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        var request = ApiRequest.Parse(context.Request.Method, path, name => context.Request.Query[name].FirstOrDefault());
        var started = time.GetUtcNow();
        var logged = false;
        void Log()
        {
            if (logged || path.StartsWith("/emulator/", StringComparison.Ordinal))
            {
                return;
            }

            logged = true;
            log.Add(new RequestRecord(
                started,
                context.Request.Method,
                path,
                context.Request.QueryString.Value ?? "",
                context.Request.ContentType,
                context.Request.Headers.UserAgent.ToString(),
                context.Response.StatusCode,
                request.Verb,
                request.Group,
                request.Version,
                request.Resource,
                request.Subresource,
                request.Namespace,
                request.Name ?? context.Items[RequestRecord.CreatedNameItem] as string,
                time.GetUtcNow() - started)
            { Body = context.Items[RequestRecord.BodyItem] as string });
        }

        try
        {
            if (path.StartsWith("/emulator/", StringComparison.Ordinal))
            {
                await controls.HandleAsync(context, path);
                return;
            }

            if (faults.Latency is { Ticks: > 0 } latency)
            {
                await Task.Delay(latency, time, context.RequestAborted);
            }

            var userAgent = context.Request.Headers.UserAgent.ToString();
            if (faults.Decide(request.Verb, request.Resource, userAgent) is { } injected)
            {
                throw injected;
            }

            if (request is { IsResourceRequest: true, Name: not null } && faults.Interference(request.Verb, request.Resource, userAgent) is { } change)
            {
                Interfere(request, change);
            }

            await RouteAsync(context, request, path);
        }
        catch (ApiException error)
        {
            if (!context.Response.HasStarted)
            {
                await ApiResponses.WriteStatusAsync(context, error);
            }
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away.
        }
        catch (Exception unexpected) when (!context.Response.HasStarted)
        {
            logger.LogError(unexpected, "Unhandled error for {Method} {Path}", context.Request.Method, path);
            await ApiResponses.WriteStatusAsync(context, new ApiException(500, "InternalError", $"Internal error occurred: {unexpected.Message}"));
        }
        finally
        {
            Log();
        }
    }

    // Another writer's change lands just before this request is handled, so the request works on a stale view.
    private void Interfere(ApiRequest request, Func<JsonObject, JsonObject> change)
    {
        if (registry.Find(request.Group, request.Version, request.Resource) is { } type
            && store.Get(type.StorageKey, new ObjectKey(type.Namespaced ? request.Namespace ?? "" : "", request.Name!)) is { } current)
        {
            writer.Mutate(current, change);
        }
    }

    private async Task RouteAsync(HttpContext context, ApiRequest request, string path)
    {
        if (request.IsResourceRequest)
        {
            var type = registry.Find(request.Group, request.Version, request.Resource) ?? throw ApiException.ResourceNotServed(path);
            await resources.HandleAsync(context, request, type);
            return;
        }

        if (!HttpMethods.IsGet(context.Request.Method) && !HttpMethods.IsHead(context.Request.Method))
        {
            throw ApiException.MethodNotAllowed($"the server does not allow this method on the requested resource ({path})");
        }

        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries);
        var document = parts switch
        {
            ["version"] => DiscoveryDocuments.Version(),
            ["api"] => DiscoveryDocuments.CoreVersions($"{context.Request.Host}"),
            ["api", var version] => discovery.Resources("", version),
            ["apis"] => discovery.Groups(),
            ["apis", var group] => discovery.Group(group),
            ["apis", var group, var version] => discovery.Resources(group, version),
            ["openapi", ..] => openApi.Document(parts[1..]),
            ["healthz" or "livez" or "readyz"] => null,
            _ => null,
        };
        if (parts is ["healthz" or "livez" or "readyz"])
        {
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("ok", context.RequestAborted);
            return;
        }

        if (document is null)
        {
            throw ApiException.ResourceNotServed(path);
        }

        await ApiResponses.WriteJsonAsync(context, 200, document);
    }
}
