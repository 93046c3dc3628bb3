using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Models;

namespace WaddleObservabilityOperator.Json;

/// <summary>
/// The operator's JSON: every type it sends to or reads from the API server, or prints, with the options KubernetesClient
/// uses (camelCase, nulls omitted, RFC 3339 times, enums as their names). The serializers are source-generated
/// (<see cref="OperatorJsonContext"/>), so the Native AOT build needs no reflection and the JIT build runs the same
/// code. A type missing from the context fails in both builds alike, with the type's name.
/// </summary>
public static class OperatorJson
{
    public static JsonSerializerOptions Options => OperatorJsonContext.Default.Options;

    /// <summary>The operator's options, extended with another source of metadata (e.g. the kinds of a test or a tool).</summary>
    public static JsonSerializerOptions With(IJsonTypeInfoResolver more) =>
        new(Options) { TypeInfoResolver = JsonTypeInfoResolver.Combine(OperatorJsonContext.Default, more) };

    public static string Serialize(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return JsonSerializer.Serialize(value, Info(value.GetType()));
    }

    /// <summary>The value's JSON as a mutable node tree (written to a pooled buffer and parsed from it: no JSON text in between).</summary>
    public static JsonNode ToNode(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return JsonSerializer.SerializeToNode(value, Info(value.GetType())) ?? throw new InvalidOperationException($"{value.GetType().Name} serialized to null");
    }

    public static T Deserialize<T>(string json) =>
        (T?)JsonSerializer.Deserialize(json, Info(typeof(T))) ?? throw new JsonException($"the {typeof(T).Name} is null");

    public static T Deserialize<T>(JsonNode node) =>
        (T?)JsonSerializer.Deserialize(node, Info(typeof(T))) ?? throw new JsonException($"the {typeof(T).Name} is null");

    /// <summary>A deep copy through JSON.</summary>
    public static T Clone<T>(T value)
        where T : notnull =>
        (T)(JsonSerializer.Deserialize(JsonSerializer.Serialize(value, Info(value.GetType())), Info(value.GetType()))
            ?? throw new JsonException($"the {typeof(T).Name} is null"));

    private static JsonTypeInfo Info(Type type) =>
        OperatorJsonContext.Default.GetTypeInfo(type)
        ?? throw new NotSupportedException($"{type.FullName} is not in the operator's JSON context (Json/OperatorJson.cs): add it there");
}

[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    Converters = [typeof(KubernetesDateTimeConverter), typeof(KubernetesDateTimeOffsetConverter), typeof(Iso8601TimeSpanConverter)])]
// The operator's own kinds and the prometheus-operator kinds it writes.
[JsonSerializable(typeof(WaddleService))]
[JsonSerializable(typeof(WaddleServiceStatus))]
[JsonSerializable(typeof(ObservabilityPolicy))]
[JsonSerializable(typeof(ObservabilityPolicyStatus))]
[JsonSerializable(typeof(ServiceMonitor))]
[JsonSerializable(typeof(PrometheusRule))]
[JsonSerializable(typeof(KubernetesList<WaddleService>))]
[JsonSerializable(typeof(KubernetesList<ObservabilityPolicy>))]
[JsonSerializable(typeof(KubernetesList<ServiceMonitor>))]
[JsonSerializable(typeof(KubernetesList<PrometheusRule>))]
// The built-in kinds it watches, owns or reads from manifests.
[JsonSerializable(typeof(V1Deployment))]
[JsonSerializable(typeof(V1StatefulSet))]
[JsonSerializable(typeof(V1DaemonSet))]
[JsonSerializable(typeof(V1Service))]
[JsonSerializable(typeof(V1ConfigMap))]
[JsonSerializable(typeof(V1Namespace))]
[JsonSerializable(typeof(V1ServiceAccount))]
[JsonSerializable(typeof(V1Role))]
[JsonSerializable(typeof(V1RoleBinding))]
[JsonSerializable(typeof(V1ClusterRole))]
[JsonSerializable(typeof(V1ClusterRoleBinding))]
[JsonSerializable(typeof(V1NetworkPolicy))]
[JsonSerializable(typeof(V1PodDisruptionBudget))]
[JsonSerializable(typeof(KubernetesList<V1Deployment>))]
[JsonSerializable(typeof(KubernetesList<V1StatefulSet>))]
[JsonSerializable(typeof(KubernetesList<V1DaemonSet>))]
[JsonSerializable(typeof(KubernetesList<V1Service>))]
[JsonSerializable(typeof(KubernetesList<V1ConfigMap>))]
[JsonSerializable(typeof(KubernetesList<V1Namespace>))]
[JsonSerializable(typeof(KubernetesList<V1ServiceAccount>))]
[JsonSerializable(typeof(KubernetesList<V1Role>))]
[JsonSerializable(typeof(KubernetesList<V1RoleBinding>))]
[JsonSerializable(typeof(KubernetesList<V1ClusterRole>))]
[JsonSerializable(typeof(KubernetesList<V1ClusterRoleBinding>))]
[JsonSerializable(typeof(KubernetesList<V1NetworkPolicy>))]
[JsonSerializable(typeof(KubernetesList<V1PodDisruptionBudget>))]
// API plumbing: errors, discovery, deletes, the CRDs (validation reads them), one env entry; Events, the leader
// Lease and the reviews that authorize a /metrics scrape.
[JsonSerializable(typeof(Eventsv1Event))]
[JsonSerializable(typeof(V1Lease))]
[JsonSerializable(typeof(V1TokenReview))]
[JsonSerializable(typeof(V1SubjectAccessReview))]
[JsonSerializable(typeof(V1Status))]
[JsonSerializable(typeof(V1APIResourceList))]
[JsonSerializable(typeof(V1DeleteOptions))]
[JsonSerializable(typeof(V1CustomResourceDefinition))]
[JsonSerializable(typeof(KubernetesList<V1CustomResourceDefinition>))]
[JsonSerializable(typeof(V1EnvVar))]
[JsonSerializable(typeof(V1ObjectMeta))]
// The injection record (container -> variable -> fingerprint) kept in a pod template annotation.
[JsonSerializable(typeof(Dictionary<string, SortedDictionary<string, string>>))]
[JsonSerializable(typeof(SortedDictionary<string, SortedDictionary<string, string>>))]
// Values of the models' object-typed fields (managedFields' fieldsV1, a schema's default and enum): what they
// hold after a read, and what the operator puts there.
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(JsonNode))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(double))]
internal sealed partial class OperatorJsonContext : JsonSerializerContext;
