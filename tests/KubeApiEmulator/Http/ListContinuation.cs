using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Http;

/// <summary>The opaque continue token of a paged list: the list's resourceVersion and the last key returned.</summary>
internal sealed record ListContinuation(long ResourceVersion, ObjectKey After)
{
    public string Encode() => Convert.ToBase64String(Encoding.UTF8.GetBytes(new JsonObject
    {
        ["v"] = "meta.k8s.io/v1",
        ["rv"] = ResourceVersion,
        ["ns"] = After.Namespace,
        ["start"] = After.Name,
    }.ToJsonString()));

    public static ListContinuation Decode(string token)
    {
        try
        {
            var json = JsonNode.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(token)))!;
            return new ListContinuation(json["rv"]!.GetValue<long>(), new ObjectKey(json["ns"]!.GetValue<string>(), json["start"]!.GetValue<string>()));
        }
        catch (Exception e) when (e is FormatException or JsonException or NullReferenceException or InvalidOperationException)
        {
            throw ApiException.BadRequest($"continue key is not valid: {e.Message}");
        }
    }
}
