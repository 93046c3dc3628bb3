namespace KubeApiEmulator.Http;

/// <summary>
/// A request as the API server's RequestInfo sees it: verb, group, version, resource, subresource, namespace, name.
/// Non-resource paths (/api, /apis, /version, /openapi) have only a verb.
/// </summary>
public sealed record ApiRequest(
    string Verb,
    bool IsResourceRequest,
    string Group = "",
    string Version = "",
    string Resource = "",
    string? Subresource = null,
    string? Namespace = null,
    string? Name = null)
{
    private static readonly HashSet<string> NamespaceSubresources = ["status", "finalize"];

    public static ApiRequest Parse(string method, string path, Func<string, string?> query)
    {
        var parts = path.Trim('/').Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString).ToList();
        var nonResource = new ApiRequest(method.ToLowerInvariant(), false);
        string group;
        string version;
        if (parts.Count >= 3 && parts[0] == "api")
        {
            (group, version, parts) = ("", parts[1], parts[2..]);
        }
        else if (parts.Count >= 4 && parts[0] == "apis")
        {
            (group, version, parts) = (parts[1], parts[2], parts[3..]);
        }
        else
        {
            return nonResource;
        }

        var watchPath = false;
        if (parts[0] == "watch")
        {
            watchPath = true;
            parts = parts[1..];
            if (parts.Count == 0)
            {
                return nonResource;
            }
        }

        string? ns = null;
        if (parts[0] == "namespaces" && parts.Count > 1)
        {
            ns = parts[1];
            if (parts.Count > 2 && !NamespaceSubresources.Contains(parts[2]))
            {
                parts = parts[2..];
            }
            else
            {
                // The namespace object itself (or its status/finalize).
                ns = null;
            }
        }

        var resource = parts[0];
        var name = parts.Count > 1 ? parts[1] : null;
        var subresource = parts.Count > 2 ? string.Join('/', parts[2..]) : null;
        var watchQuery = query("watch") is "true" or "1";
        var verb = method.ToUpperInvariant() switch
        {
            "GET" or "HEAD" when watchPath || watchQuery => "watch",
            "GET" or "HEAD" => name is null ? "list" : "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" => name is null ? "deletecollection" : "delete",
            _ => method.ToLowerInvariant(),
        };
        return new ApiRequest(verb, true, group, version, resource, subresource, ns, name);
    }
}
