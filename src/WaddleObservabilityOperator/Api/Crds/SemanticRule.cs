namespace WaddleObservabilityOperator.Api.Crds;

/// <summary>A rule an openAPIV3Schema cannot express, attached to a schema path by the generator.</summary>
public enum SemanticRuleKind
{
    /// <summary>A metav1.LabelSelector: operator/values agreement and label key and value syntax.</summary>
    LabelSelector,

    /// <summary>A map whose keys and values are Kubernetes label keys and values.</summary>
    LabelMap,
}

/// <summary>
/// <paramref name="SchemaPath"/> is a dotted path from the object root in which <c>[]</c> stands for any item of a list
/// and <c>[*]</c> for any value of a map, e.g. <c>spec.selector</c>.
/// </summary>
public sealed record SemanticRule(string SchemaPath, SemanticRuleKind Kind);
