using System.Text.Json.Serialization;

namespace WaddleObservabilityOperator.Api;

/// <summary>
/// One service level objective of a WaddleService: the share of good events it promises over a rolling window. The
/// operator writes Sloth-compatible recording rules and multi-window multi-burn-rate alerts for it (docs/slos.md).
/// </summary>
public sealed class ServiceLevelObjective
{
    /// <summary>The SLO's name, unique in the service: part of the sloth_id label (&lt;service&gt;-&lt;name&gt;) and of the rule group names.</summary>
    [JsonPropertyName("name")]
    [RequiredField]
    [Length(1, 63)]
    [Pattern(NamePatterns.Dns1035Label)]
    public string Name { get; set; } = "";

    /// <summary>The objective in percent of good events, e.g. 99.9; strictly between 0 and 100.</summary>
    [JsonPropertyName("objective")]
    [RequiredField]
    [ExclusiveBounds(0, 100)]
    public double Objective { get; set; }

    /// <summary>The rolling window the objective is measured over (the SLO period). Default the policy's spec.slos.window, else 30d.</summary>
    [JsonPropertyName("window")]
    public SloWindow? Window { get; set; }

    /// <summary>What the objective means, for people reading the rules.</summary>
    [JsonPropertyName("description")]
    [Length(0, 1024)]
    public string? Description { get; set; }

    /// <summary>The service level indicator: what counts as an error. Unset means availability.</summary>
    [JsonPropertyName("sli")]
    public SloIndicator? Sli { get; set; }

    /// <summary>The page and ticket alerts of the SLO's error budget burn.</summary>
    [JsonPropertyName("alerting")]
    public SloAlerting? Alerting { get; set; }
}

/// <summary>The SLO's indicator: exactly one of availability, latency and events.</summary>
public sealed class SloIndicator
{
    /// <summary>The share of the service's HTTP requests that failed: the policy's RED requests counter (spec.metrics.red), errors by its status label and error regex. The default indicator.</summary>
    [JsonPropertyName("availability")]
    public SloAvailability? Availability { get; set; }

    /// <summary>The share of the service's HTTP requests slower than a threshold, from the policy's RED duration histogram.</summary>
    [JsonPropertyName("latency")]
    public SloLatency? Latency { get; set; }

    /// <summary>Any other indicator, as two PromQL queries in Sloth's format.</summary>
    [JsonPropertyName("events")]
    public SloEvents? Events { get; set; }
}

/// <summary>Availability from the policy's RED metrics; nothing to set.</summary>
public sealed class SloAvailability;

public sealed class SloLatency
{
    /// <summary>Requests slower than this count as errors, e.g. 250ms. It must be one of the policy's spec.slos.latencyBuckets (a bucket boundary of the duration histogram), since only a boundary can be counted exactly.</summary>
    [JsonPropertyName("threshold")]
    [RequiredField]
    [PrometheusDuration]
    public string Threshold { get; set; } = "";
}

public sealed class SloEvents
{
    /// <summary>PromQL giving the rate of bad events, with {{.window}} where the range goes, e.g. sum(rate(jobs_failed_total[{{.window}}])).</summary>
    [JsonPropertyName("errorQuery")]
    [RequiredField]
    [Length(1, 4096)]
    public string ErrorQuery { get; set; } = "";

    /// <summary>PromQL giving the rate of all events, with {{.window}} where the range goes; different from errorQuery.</summary>
    [JsonPropertyName("totalQuery")]
    [RequiredField]
    [Length(1, 4096)]
    public string TotalQuery { get; set; } = "";
}

/// <summary>The alerts of an SLO (or, on a policy, of every SLO of its services): labels and annotations for both, and each alert's own.</summary>
public sealed class SloAlerting
{
    /// <summary>Labels on both alerts (Prometheus label names), e.g. team: chat.</summary>
    [JsonPropertyName("labels")]
    public IDictionary<string, string>? Labels { get; set; }

    /// <summary>Annotations on both alerts, e.g. runbook_url.</summary>
    [JsonPropertyName("annotations")]
    public IDictionary<string, string>? Annotations { get; set; }

    /// <summary>The page alert: 2 % of the budget burnt in an hour or 5 % in six hours (30d).</summary>
    [JsonPropertyName("page")]
    public SloAlert? Page { get; set; }

    /// <summary>The ticket alert: 10 % of the budget burnt in a day or in three days (30d).</summary>
    [JsonPropertyName("ticket")]
    public SloAlert? Ticket { get; set; }
}

public sealed class SloAlert
{
    /// <summary>Leave this alert out.</summary>
    [JsonPropertyName("disable")]
    public bool? Disable { get; set; }

    /// <summary>Labels of this alert only (Prometheus label names), e.g. severity: critical.</summary>
    [JsonPropertyName("labels")]
    public IDictionary<string, string>? Labels { get; set; }

    /// <summary>Annotations of this alert only.</summary>
    [JsonPropertyName("annotations")]
    public IDictionary<string, string>? Annotations { get; set; }
}

/// <summary>Defaults for the SLOs of a policy's services, and where their rules go.</summary>
public sealed class SloPolicy
{
    /// <summary>The window of SLOs that set none. Default 30d.</summary>
    [JsonPropertyName("window")]
    public SloWindow? Window { get; set; }

    /// <summary>The bucket boundaries (seconds) of the RED duration histogram, which a latency threshold must be one of. Default the WaddleBot library's (prometheus_client's defaults): 0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10.</summary>
    [JsonPropertyName("latencyBuckets")]
    [MaxItems(64)]
    public IList<double>? LatencyBuckets { get; set; }

    /// <summary>Labels and annotations of every SLO alert of the policy's services; an SLO's own win.</summary>
    [JsonPropertyName("alerting")]
    public SloAlerting? Alerting { get; set; }

    /// <summary>Extra labels on each service's PrometheusRule, e.g. release: kube-prometheus-stack for that chart's ruleSelector.</summary>
    [JsonPropertyName("ruleLabels")]
    [LabelMap]
    public IDictionary<string, string>? RuleLabels { get; set; }
}

/// <summary>An SLO period with a catalog of burn-rate alert windows (Sloth's google-30d and google-28d).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<SloWindow>))]
public enum SloWindow
{
    /// <summary>30 days.</summary>
    [JsonStringEnumMemberName("30d")] Days30,
    /// <summary>28 days (four weeks).</summary>
    [JsonStringEnumMemberName("28d")] Days28,
}
