using k8s.Models;

namespace WaddleObservabilityOperator.Api.Crds;

/// <summary>
/// The validation markers the Kubernetes Go types carry (kubebuilder / +listType / +structType), which reflection over
/// KubernetesClient's generated models cannot see. Written to match what controller-gen emits for the same types,
/// e.g. in prometheus-operator's CRDs. Only types listed here may appear in an API type.
/// </summary>
public static class UpstreamMarkers
{
    /// <summary>metav1.Condition type: an optional DNS-subdomain prefix and a qualified name.</summary>
    public const string ConditionTypePattern =
        "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])$";

    /// <summary>metav1.Condition reason: CamelCase, letters, digits, underscores, commas and colons.</summary>
    public const string ConditionReasonPattern = "^[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?$";

    /// <summary>resource.Quantity in its serialized form, e.g. 500m, 1.5Gi, 2e3.</summary>
    public const string QuantityPattern =
        "^(\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))(([KMGTPE]i)|[numkMGTPE]|([eE](\\+|-)?(([0-9]+(\\.[0-9]*)?)|(\\.[0-9]+))))?$";

    private static readonly Type[] Known =
    [
        typeof(V1LabelSelector), typeof(V1LabelSelectorRequirement), typeof(V1Condition),
        typeof(V1ResourceRequirements), typeof(Corev1ResourceClaim),
    ];

    public static bool Knows(Type type) => Known.Contains(type);

    /// <summary>resource.Quantity: an integer or a string in the quantity syntax.</summary>
    public static V1JSONSchemaProps Quantity() => new()
    {
        AnyOf = [new() { Type = "integer" }, new() { Type = "string" }],
        Pattern = QuantityPattern,
        XKubernetesIntOrString = true,
    };

    /// <summary>Adds the upstream markers of <paramref name="type"/> to its reflected object schema.</summary>
    public static void Apply(Type type, V1JSONSchemaProps schema)
    {
        var p = schema.Properties;
        if (type == typeof(V1LabelSelector))
        {
            schema.XKubernetesMapType = "atomic";
            p["matchExpressions"].XKubernetesListType = "atomic";
        }
        else if (type == typeof(V1LabelSelectorRequirement))
        {
            schema.Required = ["key", "operator"];
            p["values"].XKubernetesListType = "atomic";
        }
        else if (type == typeof(V1Condition))
        {
            schema.Required = ["lastTransitionTime", "message", "reason", "status", "type"];
            p["lastTransitionTime"].Format = "date-time";
            p["message"].MaxLength = 32768;
            p["observedGeneration"].Minimum = 0;
            p["reason"].MinLength = 1;
            p["reason"].MaxLength = 1024;
            p["reason"].Pattern = ConditionReasonPattern;
            p["status"].EnumProperty = ["True", "False", "Unknown"];
            p["type"].MaxLength = 316;
            p["type"].Pattern = ConditionTypePattern;
        }
        else if (type == typeof(V1ResourceRequirements))
        {
            p["claims"].XKubernetesListType = "map";
            p["claims"].XKubernetesListMapKeys = ["name"];
        }
        else if (type == typeof(Corev1ResourceClaim))
        {
            schema.Required = ["name"];
        }
    }
}
