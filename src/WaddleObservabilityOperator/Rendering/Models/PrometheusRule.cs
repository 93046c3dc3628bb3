using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Rendering.Models;

/// <summary>
/// The part of prometheus-operator's monitoring.coreos.com/v1 PrometheusRule the operator writes: rule groups of
/// recording and alerting rules. The groups and rules serialize the same to JSON (the object) and YAML (a Prometheus
/// rules file), so the managed Prometheus loads exactly the groups the PrometheusRule holds.
/// </summary>
public sealed class PrometheusRule : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "monitoring.coreos.com";
    public const string Version = "v1";
    public const string KindName = "PrometheusRule";
    public const string Plural = "prometheusrules";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Group + "/" + Version;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public PrometheusRuleSpec Spec { get; set; } = new();
}

public sealed class PrometheusRuleSpec
{
    /// <summary>Rule groups; their names are unique (a list-map keyed by name).</summary>
    [JsonPropertyName("groups")]
    public IList<PrometheusRuleGroup> Groups { get; set; } = [];
}

public sealed class PrometheusRuleGroup
{
    [JsonPropertyName("name")]
    [JsonPropertyOrder(0)]
    public string Name { get; set; } = "";

    /// <summary>How often the group is evaluated; omitted means the Prometheus's evaluation interval.</summary>
    [JsonPropertyName("interval")]
    [JsonPropertyOrder(1)]
    public string? Interval { get; set; }

    [JsonPropertyName("rules")]
    [JsonPropertyOrder(2)]
    public IList<PrometheusRuleEntry> Rules { get; set; } = [];
}

/// <summary>A recording rule (<see cref="Record"/>) or an alerting rule (<see cref="Alert"/>).</summary>
public sealed class PrometheusRuleEntry
{
    [JsonPropertyName("record")]
    [JsonPropertyOrder(0)]
    public string? Record { get; set; }

    [JsonPropertyName("alert")]
    [JsonPropertyOrder(1)]
    public string? Alert { get; set; }

    [JsonPropertyName("expr")]
    [JsonPropertyOrder(2)]
    public string Expr { get; set; } = "";

    [JsonPropertyName("for")]
    [JsonPropertyOrder(3)]
    public string? For { get; set; }

    [JsonPropertyName("labels")]
    [JsonPropertyOrder(4)]
    public IDictionary<string, string>? Labels { get; set; }

    [JsonPropertyName("annotations")]
    [JsonPropertyOrder(5)]
    public IDictionary<string, string>? Annotations { get; set; }
}
