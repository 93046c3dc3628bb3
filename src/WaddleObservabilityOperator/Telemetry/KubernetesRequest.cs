namespace WaddleObservabilityOperator.Telemetry;

/// <summary>A Kubernetes API request in the apiserver's own terms: verb (get, list, watch, create, update, patch, delete), resource, namespace, name.</summary>
public sealed record KubernetesRequest(string Verb, string Resource, string? Namespace, string? Name, string? Subresource)
{
    /// <summary>Classifies an HTTP request by its method, path and query the way kube-apiserver's request info does.</summary>
    public static KubernetesRequest Describe(HttpMethod method, Uri uri)
    {
        var segments = uri.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var rest = segments switch
        {
            ["api", _, .. var r] => r,
            ["apis", _, _, .. var r] => r,
            _ => [],
        };

        string resource;
        string? ns = null, name = null, sub = null;
        if (rest.Length == 0)
        {
            resource = "discovery";
        }
        else if (rest[0] == "namespaces" && rest.Length >= 3)
        {
            ns = rest[1];
            resource = rest[2];
            name = rest.Length >= 4 ? rest[3] : null;
            sub = rest.Length >= 5 ? rest[4] : null;
        }
        else
        {
            resource = rest[0];
            name = rest.Length >= 2 ? rest[1] : null;
            sub = rest.Length >= 3 ? rest[2] : null;
        }

        var watch = uri.Query.Contains("watch=true", StringComparison.OrdinalIgnoreCase);
        var verb = method.Method switch
        {
            "GET" when watch => "watch",
            "GET" when name is null && resource != "discovery" => "list",
            "GET" => "get",
            "POST" => "create",
            "PUT" => "update",
            "PATCH" => "patch",
            "DELETE" when name is null => "deletecollection",
            "DELETE" => "delete",
            _ => method.Method.ToLowerInvariant(),
        };
        return new KubernetesRequest(verb, resource, ns, name, sub);
    }

    /// <summary>Span name: verb and resource (with subresource), low-cardinality by design.</summary>
    public string SpanName => Subresource is null ? $"{Verb} {Resource}" : $"{Verb} {Resource}/{Subresource}";
}
