using System.Text.Json.Nodes;
using KubeApiEmulator.Registry;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Http;

/// <summary>
/// The <c>/scale</c> subresource of Deployments, StatefulSets and ReplicaSets: an autoscaling/v1 Scale read from
/// the parent (spec.replicas, status.replicas, the selector as a string). PUT and PATCH change only the parent's
/// spec.replicas, through the normal update rules (resourceVersion precondition, generation, a MODIFIED event).
/// </summary>
internal sealed class ScaleSubresource(ObjectWriter writer)
{
    public async Task HandleAsync(HttpContext context, ApiRequest request, ResourceType type, WriteOptions options)
    {
        var ns = request.Namespace ?? "";
        var name = request.Name!;
        switch (request.Verb)
        {
            case "get":
                var current = writer.Store.Get(type.StorageKey, new ObjectKey(ns, name)) ?? throw ApiException.NotFound(type, name);
                await ApiResponses.WriteJsonAsync(context, 200, Scale(current.ToJsonObject()));
                break;
            case "update":
                var body = await ApiResponses.ReadBodyAsync(context) as JsonObject ?? throw ApiException.BadRequest("the body of the request must be a JSON object");
                await WriteAsync(context, type, ns, name, _ => body, options);
                break;
            case "patch":
                var patch = await ApiResponses.ReadBodyAsync(context) ?? throw ApiException.BadRequest("the body of the request was empty");
                Func<JsonObject, JsonObject> apply = ApiResponses.MediaType(context.Request.ContentType) switch
                {
                    "application/merge-patch+json" or "application/strategic-merge-patch+json" => scale => AsObject(PatchEngines.Merge(scale, patch)),
                    "application/json-patch+json" => scale => AsObject(PatchEngines.Json(scale, patch as JsonArray ?? throw ApiException.BadRequest("the body of a json patch must be a JSON array of operations"))),
                    _ => throw ApiException.UnsupportedMediaType("application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json"),
                };
                await WriteAsync(context, type, ns, name, apply, options);
                break;
            default:
                throw ApiException.MethodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    /// <summary>The Scale of a Deployment, StatefulSet or ReplicaSet as the API server presents it.</summary>
    public static JsonObject Scale(JsonObject parent)
    {
        var metadata = parent["metadata"] as JsonObject ?? [];
        var scaleMetadata = new JsonObject();
        foreach (var field in new[] { "name", "namespace", "uid", "resourceVersion", "creationTimestamp" })
        {
            if (metadata[field] is { } value)
            {
                scaleMetadata[field] = value.DeepClone();
            }
        }

        var status = new JsonObject { ["replicas"] = parent["status"]?["replicas"]?.GetValue<int>() ?? 0 };
        if (parent["spec"]?["selector"] is JsonObject selector && SelectorString(selector) is { Length: > 0 } text)
        {
            status["selector"] = text;
        }

        return new JsonObject
        {
            ["kind"] = "Scale",
            ["apiVersion"] = "autoscaling/v1",
            ["metadata"] = scaleMetadata,
            ["spec"] = new JsonObject { ["replicas"] = Replicas(parent) },
            ["status"] = status,
        };
    }

    // The API server defaults spec.replicas to 1; the emulator stores objects as sent, so a missing value reads as 1.
    private static int Replicas(JsonObject parent) => parent["spec"]?["replicas"]?.GetValue<int>() ?? 1;

    private async Task WriteAsync(HttpContext context, ResourceType type, string ns, string name, Func<JsonObject, JsonObject> change, WriteOptions options)
    {
        var result = writer.Patch(type, ns, name, null, parent =>
        {
            var proposed = change(Scale(parent!));
            if (proposed["spec"]?["replicas"] is not JsonValue replicas || !replicas.TryGetValue<int>(out var count))
            {
                count = 0;
            }

            if (count < 0)
            {
                throw ApiException.Invalid(new ResourceType("autoscaling", "v1", "scale", "scale", "Scale", true), name, [FieldError.InvalidValue("spec.replicas", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "must be greater than or equal to 0")]);
            }

            var next = (JsonObject)parent!.DeepClone();
            var spec = next["spec"] as JsonObject ?? [];
            spec["replicas"] = count;
            next["spec"] = spec;
            var metadata = (JsonObject)next["metadata"]!;
            if (proposed["metadata"]?["resourceVersion"]?.GetValue<string>() is { Length: > 0 } precondition)
            {
                // The commit compares it with the stored resourceVersion: 409 Conflict when the parent changed meanwhile.
                metadata["resourceVersion"] = precondition;
            }

            return next;
        }, createIfMissing: false, options);
        await ApiResponses.WriteJsonAsync(context, 200, Scale(result.ToJsonObject()));
    }

    /// <summary>A label selector in the query-parameter form (labels.Selector.String()): requirements sorted by key.</summary>
    internal static string SelectorString(JsonObject selector)
    {
        var requirements = new List<(string Key, string Text)>();
        if (selector["matchLabels"] is JsonObject labels)
        {
            requirements.AddRange(labels.Select(l => (l.Key, $"{l.Key}={l.Value?.GetValue<string>()}")));
        }

        if (selector["matchExpressions"] is JsonArray expressions)
        {
            foreach (var expression in expressions.OfType<JsonObject>())
            {
                var key = expression["key"]?.GetValue<string>() ?? "";
                var values = ((expression["values"] as JsonArray) ?? []).Select(v => v?.GetValue<string>() ?? "").Order(StringComparer.Ordinal);
                var text = expression["operator"]?.GetValue<string>() switch
                {
                    "In" => $"{key} in ({string.Join(',', values)})",
                    "NotIn" => $"{key} notin ({string.Join(',', values)})",
                    "Exists" => key,
                    "DoesNotExist" => $"!{key}",
                    var other => $"{key} {other} ({string.Join(',', values)})",
                };
                requirements.Add((key, text));
            }
        }

        return string.Join(',', requirements.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => r.Text));
    }

    private static JsonObject AsObject(JsonNode node) =>
        node as JsonObject ?? throw new ApiException(422, "Invalid", "the patch produced something other than an object");
}
