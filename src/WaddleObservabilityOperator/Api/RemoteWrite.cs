using System.Text.Json.Serialization;

namespace WaddleObservabilityOperator.Api;

/// <summary>
/// A remote store the managed Prometheus sends every sample to (Prometheus's remote_write), such as Thanos Receive,
/// Mimir or Cortex; named after prometheus-operator's RemoteWriteSpec. Credentials come from Secrets mounted as files
/// into the Prometheus pod and are never read or copied by the operator.
/// </summary>
public sealed class RemoteWriteSpec
{
    /// <summary>The endpoint samples are sent to, e.g. http://thanos-receive.monitoring.svc:19291/api/v1/receive or https://mimir.example.com/api/v1/push.</summary>
    [JsonPropertyName("url")]
    [RequiredField]
    [Pattern(UrlPatterns.Http)]
    [Length(1, 2048)]
    public string Url { get; set; } = "";

    /// <summary>The name of this queue in Prometheus's own metrics (remote_name) and logs; unique within the policy. Default: a hash Prometheus derives from the settings.</summary>
    [JsonPropertyName("name")]
    [Pattern("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    [Length(1, 128)]
    public string? Name { get; set; }

    /// <summary>Timeout of one request to the endpoint. Default 30s.</summary>
    [JsonPropertyName("remoteTimeout")]
    [PrometheusDuration]
    public string? RemoteTimeout { get; set; }

    /// <summary>Extra HTTP headers of every request, e.g. X-Scope-OrgID: waddlebot (a Mimir or Cortex tenant). They are written into the Prometheus ConfigMap: never put a credential here (use basicAuth or authorization). Prometheus refuses the headers it sets itself (Authorization, Content-Type, User-Agent...).</summary>
    [JsonPropertyName("headers")]
    public IDictionary<string, string>? Headers { get; set; }

    /// <summary>HTTP basic authentication: the user name as given, the password read by Prometheus from a Secret key mounted as a file. Not with authorization.</summary>
    [JsonPropertyName("basicAuth")]
    public RemoteWriteBasicAuth? BasicAuth { get; set; }

    /// <summary>The Authorization header, e.g. a bearer token, its credentials read by Prometheus from a Secret key mounted as a file. Not with basicAuth.</summary>
    [JsonPropertyName("authorization")]
    public RemoteWriteAuthorization? Authorization { get; set; }

    /// <summary>How samples are queued and sent (Prometheus's queue_config); unset fields keep Prometheus's defaults.</summary>
    [JsonPropertyName("queueConfig")]
    public RemoteWriteQueueConfig? QueueConfig { get; set; }

    /// <summary>Relabelling applied to each series before it is sent (write_relabel_configs), e.g. to keep only the series a remote store should have.</summary>
    [JsonPropertyName("writeRelabelConfigs")]
    [MaxItems(64)]
    public IList<WriteRelabelConfig>? WriteRelabelConfigs { get; set; }
}

/// <summary>
/// Basic authentication of a remote write endpoint. Unlike prometheus-operator's, the user name is a plain value: the
/// operator never reads Secrets, and Prometheus 2.42 (Debian 12's, which the tests run) refuses username_file, a later addition.
/// </summary>
public sealed class RemoteWriteBasicAuth
{
    /// <summary>The user name (for Thanos Receive or Mimir behind a proxy, often the tenant); written into the Prometheus ConfigMap, so not a secret.</summary>
    [JsonPropertyName("username")]
    [RequiredField]
    [Length(1, 256)]
    public string Username { get; set; } = "";

    /// <summary>The Secret key holding the password, mounted into the Prometheus pod as a file (password_file). A changed Secret is used once the kubelet has refreshed the file, without a restart.</summary>
    [JsonPropertyName("password")]
    [RequiredField]
    public SecretKeyReference Password { get; set; } = new();
}

/// <summary>The Authorization header of a remote write endpoint: "&lt;type&gt; &lt;credentials&gt;".</summary>
public sealed class RemoteWriteAuthorization
{
    /// <summary>The scheme of the header. Default Bearer. Basic is refused: use basicAuth.</summary>
    [JsonPropertyName("type")]
    [Pattern("^[A-Za-z0-9!#$%&'*+.^_`|~-]+$")]
    [Length(1, 64)]
    public string? Type { get; set; }

    /// <summary>The Secret key holding the credentials (e.g. the bearer token), mounted into the Prometheus pod as a file (credentials_file).</summary>
    [JsonPropertyName("credentials")]
    [RequiredField]
    public SecretKeyReference Credentials { get; set; } = new();
}

/// <summary>Prometheus's remote write queue (queue_config); each unset field keeps Prometheus's default.</summary>
public sealed class RemoteWriteQueueConfig
{
    /// <summary>Samples buffered per shard before reading from the WAL blocks.</summary>
    [JsonPropertyName("capacity")]
    [Bounds(1, 10_000_000)]
    public int? Capacity { get; set; }

    /// <summary>The most shards (parallel senders).</summary>
    [JsonPropertyName("maxShards")]
    [Bounds(1, 10_000)]
    public int? MaxShards { get; set; }

    /// <summary>The fewest shards.</summary>
    [JsonPropertyName("minShards")]
    [Bounds(1, 10_000)]
    public int? MinShards { get; set; }

    /// <summary>The most samples per request.</summary>
    [JsonPropertyName("maxSamplesPerSend")]
    [Bounds(1, 1_000_000)]
    public int? MaxSamplesPerSend { get; set; }

    /// <summary>How long a sample waits in a shard's buffer before a smaller request is sent.</summary>
    [JsonPropertyName("batchSendDeadline")]
    [PrometheusDuration]
    public string? BatchSendDeadline { get; set; }

    /// <summary>The first retry delay after a failed request.</summary>
    [JsonPropertyName("minBackoff")]
    [PrometheusDuration]
    public string? MinBackoff { get; set; }

    /// <summary>The longest retry delay.</summary>
    [JsonPropertyName("maxBackoff")]
    [PrometheusDuration]
    public string? MaxBackoff { get; set; }
}

/// <summary>One relabelling rule of a remote store (Prometheus's write_relabel_configs entry, prometheus-operator's RelabelConfig).</summary>
public sealed class WriteRelabelConfig
{
    /// <summary>Labels whose values, joined by separator, are matched against regex.</summary>
    [JsonPropertyName("sourceLabels")]
    [MaxItems(32)]
    [ItemPattern(MetricPatterns.LabelName)]
    public IList<string>? SourceLabels { get; set; }

    /// <summary>What joins the source labels' values. Default ;.</summary>
    [JsonPropertyName("separator")]
    [Length(0, 64)]
    public string? Separator { get; set; }

    /// <summary>The label a replace, hashmod, lowercase, uppercase, keepequal or dropequal rule writes or compares with.</summary>
    [JsonPropertyName("targetLabel")]
    [Length(1, 256)]
    public string? TargetLabel { get; set; }

    /// <summary>A Prometheus (RE2) regular expression, anchored at both ends. Default (.*).</summary>
    [JsonPropertyName("regex")]
    [Length(1, 1024)]
    public string? Regex { get; set; }

    /// <summary>The modulus of a hashmod rule.</summary>
    [JsonPropertyName("modulus")]
    [Bounds(1, 1_000_000_000)]
    public long? Modulus { get; set; }

    /// <summary>What a replace rule writes; $1, ${2} name regex groups. Default $1.</summary>
    [JsonPropertyName("replacement")]
    [Length(0, 1024)]
    public string? Replacement { get; set; }

    /// <summary>What the rule does. Default replace.</summary>
    [JsonPropertyName("action")]
    public RelabelAction? Action { get; set; }
}
