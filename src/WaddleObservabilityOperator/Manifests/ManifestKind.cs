using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Json;

namespace WaddleObservabilityOperator.Manifests;

/// <summary>How names of a kind are validated, as the API server does.</summary>
public enum NameRule
{
    /// <summary>RFC 1123 subdomain: most kinds.</summary>
    Subdomain,
    /// <summary>RFC 1123 label: Namespace.</summary>
    Label,
    /// <summary>RFC 1035 label (starts with a letter): Service.</summary>
    Rfc1035Label,
}

/// <summary>A kind that <c>render</c> reads, with the apiVersion it must have and how to type it.</summary>
public sealed record ManifestKind(
    string Kind,
    string ApiVersion,
    bool Namespaced,
    bool IsCustomResource,
    NameRule NameRule,
    Func<JsonNode, IKubernetesObject<V1ObjectMeta>> Deserialize)
{
    /// <summary>Every kind render accepts, in the order they are listed to the user.</summary>
    public static IReadOnlyList<ManifestKind> All { get; } =
    [
        new(ObservabilityPolicy.KindName, ApiGroup.ApiVersion, true, true, NameRule.Subdomain, Read<ObservabilityPolicy>),
        new(WaddleService.KindName, ApiGroup.ApiVersion, true, true, NameRule.Subdomain, Read<WaddleService>),
        new(V1Deployment.KubeKind, "apps/v1", true, false, NameRule.Subdomain, Read<V1Deployment>),
        new(V1StatefulSet.KubeKind, "apps/v1", true, false, NameRule.Subdomain, Read<V1StatefulSet>),
        new(V1DaemonSet.KubeKind, "apps/v1", true, false, NameRule.Subdomain, Read<V1DaemonSet>),
        new(V1Service.KubeKind, "v1", true, false, NameRule.Rfc1035Label, Read<V1Service>),
        new(V1Namespace.KubeKind, "v1", false, false, NameRule.Label, Read<V1Namespace>),
    ];

    public static ManifestKind? Find(string kind) => All.FirstOrDefault(k => k.Kind == kind);

    private static T Read<T>(JsonNode node)
        where T : IKubernetesObject<V1ObjectMeta> =>
        OperatorJson.Deserialize<T>(node) ?? throw new System.Text.Json.JsonException("the object is null");
}
