using System.Text.Json.Serialization;

namespace WaddleObservabilityOperator.Api;

/// <summary>A key of a Secret in the same namespace. The operator never reads it: it is injected as valueFrom.secretKeyRef.</summary>
public sealed class SecretKeyReference
{
    /// <summary>Name of the Secret.</summary>
    [JsonPropertyName("name")]
    [RequiredField]
    [Length(1, 253)]
    [Pattern(NamePatterns.Subdomain)]
    public string Name { get; set; } = "";

    /// <summary>Key within the Secret.</summary>
    [JsonPropertyName("key")]
    [RequiredField]
    [Length(1, 253)]
    [Pattern(NamePatterns.DataKey)]
    public string Key { get; set; } = "";
}

/// <summary>A reference to an object by name in the same namespace.</summary>
public sealed class LocalObjectReference
{
    /// <summary>Name of the referenced object.</summary>
    [JsonPropertyName("name")]
    [RequiredField]
    [Length(1, 253)]
    [Pattern(NamePatterns.Subdomain)]
    public string Name { get; set; } = "";
}

/// <summary>A sampling ratio for one operation (span name), e.g. <c>GET /health</c>.</summary>
public sealed class OperationSampling
{
    /// <summary>The operation (span) name.</summary>
    [JsonPropertyName("operation")]
    [RequiredField]
    [Length(1, 512)]
    public string Operation { get; set; } = "";

    /// <summary>Probability from 0 to 1 of sampling a trace that starts with this operation.</summary>
    [JsonPropertyName("ratio")]
    [RequiredField]
    [Ratio]
    public double Ratio { get; set; }
}
