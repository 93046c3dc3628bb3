using System.Text.Json.Serialization;
using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Rendering.Models;

/// <summary>
/// The part of prometheus-operator's monitoring.coreos.com/v1 ServiceMonitor the operator writes. Only fields
/// present in the upstream CRD schema; a test checks them against it.
/// </summary>
public sealed class ServiceMonitor : IKubernetesObject<V1ObjectMeta>
{
    public const string Group = "monitoring.coreos.com";
    public const string Version = "v1";
    public const string KindName = "ServiceMonitor";
    public const string Plural = "servicemonitors";

    [JsonPropertyName("apiVersion")]
    public string ApiVersion { get; set; } = Group + "/" + Version;

    [JsonPropertyName("kind")]
    public string Kind { get; set; } = KindName;

    [JsonPropertyName("metadata")]
    public V1ObjectMeta Metadata { get; set; } = new();

    [JsonPropertyName("spec")]
    public ServiceMonitorSpec Spec { get; set; } = new();
}

public sealed class ServiceMonitorSpec
{
    /// <summary>Selects the Services whose endpoints are scraped.</summary>
    [JsonPropertyName("selector")]
    public V1LabelSelector Selector { get; set; } = new();

    /// <summary>Namespaces to look for Services in.</summary>
    [JsonPropertyName("namespaceSelector")]
    public NamespaceSelector? NamespaceSelector { get; set; }

    /// <summary>One scrape endpoint per entry.</summary>
    [JsonPropertyName("endpoints")]
    public IList<ServiceMonitorEndpoint> Endpoints { get; set; } = [];

    /// <summary>Per-scrape sample limit; omitted means none.</summary>
    [JsonPropertyName("sampleLimit")]
    public long? SampleLimit { get; set; }

    /// <summary>The Service label whose value becomes the job label (default: the Service name).</summary>
    [JsonPropertyName("jobLabel")]
    public string? JobLabel { get; set; }
}

public sealed class NamespaceSelector
{
    [JsonPropertyName("any")]
    public bool? Any { get; set; }

    [JsonPropertyName("matchNames")]
    public IList<string>? MatchNames { get; set; }
}

public sealed class ServiceMonitorEndpoint
{
    /// <summary>Name of the Service port.</summary>
    [JsonPropertyName("port")]
    public string? Port { get; set; }

    [JsonPropertyName("path")]
    public string? Path { get; set; }

    [JsonPropertyName("interval")]
    public string? Interval { get; set; }

    [JsonPropertyName("scrapeTimeout")]
    public string? ScrapeTimeout { get; set; }

    [JsonPropertyName("relabelings")]
    public IList<RelabelConfig>? Relabelings { get; set; }

    /// <summary>http (default) or https.</summary>
    [JsonPropertyName("scheme")]
    public string? Scheme { get; set; }

    /// <summary>Keep the target's own labels where they clash with the target labels.</summary>
    [JsonPropertyName("honorLabels")]
    public bool? HonorLabels { get; set; }

    /// <summary>A file in Prometheus's pod holding the bearer token to send (its service account token).</summary>
    [JsonPropertyName("bearerTokenFile")]
    public string? BearerTokenFile { get; set; }

    [JsonPropertyName("tlsConfig")]
    public ServiceMonitorTlsConfig? TlsConfig { get; set; }
}

public sealed class ServiceMonitorTlsConfig
{
    /// <summary>A file in Prometheus's pod holding the CA to check the target's certificate with.</summary>
    [JsonPropertyName("caFile")]
    public string? CaFile { get; set; }

    [JsonPropertyName("insecureSkipVerify")]
    public bool? InsecureSkipVerify { get; set; }
}

public sealed class RelabelConfig
{
    [JsonPropertyName("action")]
    public string? Action { get; set; }

    [JsonPropertyName("sourceLabels")]
    public IList<string>? SourceLabels { get; set; }

    [JsonPropertyName("targetLabel")]
    public string? TargetLabel { get; set; }

    [JsonPropertyName("replacement")]
    public string? Replacement { get; set; }

    [JsonPropertyName("regex")]
    public string? Regex { get; set; }
}
