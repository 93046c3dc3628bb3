namespace WaddleObservabilityOperator.Kube;

/// <summary>The Kubernetes verb of an API request, as RBAC and the API server's metrics name it.</summary>
public static class ApiVerb
{
    public const string Get = "get";
    public const string List = "list";
    public const string Watch = "watch";
    public const string Create = "create";
    public const string Update = "update";
    public const string Patch = "patch";
    public const string Delete = "delete";
    public const string DeleteCollection = "deletecollection";

    public static string Of(HttpRequestMessage request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri;
        var query = uri is null ? "" : uri.IsAbsoluteUri ? uri.Query : uri.OriginalString.Contains('?', StringComparison.Ordinal) ? uri.OriginalString[uri.OriginalString.IndexOf('?', StringComparison.Ordinal)..] : "";
        var path = uri is null ? "" : uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
        var collection = IsCollection(path);
        return request.Method.Method switch
        {
            "GET" when query.Contains("watch=true", StringComparison.OrdinalIgnoreCase) => Watch,
            "GET" => collection ? List : Get,
            "POST" => Create,
            "PUT" => Update,
            "PATCH" => Patch,
            "DELETE" => collection ? DeleteCollection : Delete,
            var other => other.ToLowerInvariant(),
        };
    }

    // /api/v1/[namespaces/{ns}/]{plural}[/{name}[/{subresource}]] or /apis/{group}/{version}/...
    private static bool IsCollection(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var start = Array.IndexOf(segments, "api") is var api and >= 0 ? api + 2 : Array.IndexOf(segments, "apis") is var apis and >= 0 ? apis + 3 : -1;
        if (start < 0 || start > segments.Length)
        {
            return false;
        }

        var rest = segments.AsSpan(start);
        if (rest.Length >= 3 && rest[0] == "namespaces")
        {
            rest = rest[2..];
        }

        return rest.Length == 1;
    }
}
