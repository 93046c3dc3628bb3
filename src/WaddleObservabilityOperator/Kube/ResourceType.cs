namespace WaddleObservabilityOperator.Kube;

/// <summary>Where a kind is served: group (empty for the core group), version, plural and scope.</summary>
public sealed record ResourceType(string Group, string Version, string Plural, string Kind, bool Namespaced)
{
    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>Path of the collection, e.g. "apis/apps/v1/namespaces/ns/deployments" or "api/v1/configmaps".</summary>
    public string CollectionPath(string? ns)
    {
        var root = Group.Length == 0 ? $"api/{Version}" : $"apis/{Group}/{Version}";
        return Namespaced && ns is not null ? $"{root}/namespaces/{ns}/{Plural}" : $"{root}/{Plural}";
    }

    public override string ToString() => Group.Length == 0 ? $"{Plural}.{Version}" : $"{Plural}.{Version}.{Group}";
}
