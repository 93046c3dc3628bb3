using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeApiEmulator.Protobuf;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Http;

/// <summary>Writes objects, lists and Status bodies as the API server does (JSON, objects in the requested version).</summary>
internal static class ApiResponses
{
    private static readonly byte[] Newline = "\n"u8.ToArray();

    /// <summary>The object's bytes as the requested version presents it (custom resources share storage across versions).</summary>
    public static byte[] Bytes(ResourceType served, StoredObject obj)
    {
        if (obj.Type.ApiVersion == served.ApiVersion)
        {
            return obj.Json;
        }

        var copy = obj.ToJsonObject();
        copy["apiVersion"] = served.ApiVersion;
        return WireJson.Bytes(copy);
    }

    public static async Task WriteObjectAsync(HttpContext context, int code, ResourceType served, StoredObject obj)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(Bytes(served, obj), context.RequestAborted);
    }

    public static async Task WriteJsonAsync(HttpContext context, int code, JsonNode body)
    {
        context.Response.StatusCode = code;
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(WireJson.Bytes(body), context.RequestAborted);
    }

    public static async Task WriteStatusAsync(HttpContext context, ApiException error)
    {
        foreach (var (name, value) in error.Headers)
        {
            context.Response.Headers[name] = value;
        }

        await WriteJsonAsync(context, error.Code, error.ToStatus());
    }

    public static async Task WriteListAsync(HttpContext context, ResourceType type, IReadOnlyList<StoredObject> items, long resourceVersion, string? continueToken)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "application/json";
        using var buffer = new MemoryStream();
        await using (var writer = new Utf8JsonWriter(buffer, WireJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("kind", type.ListKind);
            writer.WriteString("apiVersion", type.ApiVersion);
            writer.WriteStartObject("metadata");
            writer.WriteString("resourceVersion", resourceVersion.ToString());
            if (continueToken is not null)
            {
                writer.WriteString("continue", continueToken);
            }

            writer.WriteEndObject();
            writer.WriteStartArray("items");
            foreach (var item in items)
            {
                writer.WriteRawValue(Bytes(type, item), skipInputValidation: true);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    /// <summary>One watch line: {"type":...,"object":...} and a newline.</summary>
    public static byte[] WatchLine(string type, ReadOnlySpan<byte> objectJson)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, WireJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            writer.WritePropertyName("object");
            writer.WriteRawValue(objectJson, skipInputValidation: true);
            writer.WriteEndObject();
        }

        buffer.Write(Newline);
        return buffer.ToArray();
    }

    public static async Task<JsonNode?> ReadBodyAsync(HttpContext context)
    {
        var mediaType = MediaType(context.Request.ContentType);
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        if (mediaType == KubernetesProtobuf.MediaType && buffer.Length > 0)
        {
            try
            {
                return KubernetesProtobuf.Decode(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
            }
            catch (NotSupportedException e)
            {
                throw ApiException.UnsupportedMediaType(ApiException.BodyMediaTypes, $"the emulator cannot decode this protobuf body: {e.Message}");
            }
            catch (InvalidDataException e)
            {
                throw ApiException.BadRequest(e.Message);
            }
        }

        var text = Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return mediaType is "application/yaml" or "application/apply-patch+yaml" or "text/yaml"
                ? YamlJson.Parse(text)
                : JsonNode.Parse(text);
        }
        catch (Exception e) when (e is JsonException or YamlDotNet.Core.YamlException)
        {
            throw ApiException.BadRequest($"the body of the request could not be decoded: {e.Message}");
        }
    }

    public static string MediaType(string? contentType) =>
        (contentType ?? "application/json").Split(';')[0].Trim().ToLowerInvariant();
}
