using System.Text.Json.Serialization;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The managed Grafana's provisioning files: the data sources (Prometheus, and Jaeger when there is one, with fixed uids
/// linking each to the other) and the dashboard provider that loads the mounted dashboards.
/// </summary>
/// <remarks>
/// Grafana expands <c>$VAR</c> and <c>${VAR}</c> from its environment in every value of a provisioning file, so each
/// string is written through <see cref="Escape"/>: Grafana's own <c>$__tags</c> must read <c>$$__tags</c>, and a literal
/// <c>$</c> in a URL or folder must not become an environment variable.
/// </remarks>
public static class GrafanaProvisioning
{
    /// <summary>The uid of the Prometheus data source, fixed so the Jaeger data source's links can name it.</summary>
    public const string PrometheusUid = "waddlebot-prometheus";

    /// <summary>The uid of the Jaeger data source, which exemplars link to.</summary>
    public const string JaegerUid = "waddlebot-jaeger";

    /// <summary>
    /// The exemplar label holding the trace id: what Python's prometheus_client, OpenTelemetry and Prometheus since 2.51
    /// write. Grafana's editor proposes traceID, which matches nothing they emit.
    /// </summary>
    public const string ExemplarTraceIdLabel = "trace_id";

    /// <summary>Where the dashboards are mounted and the provider reads them.</summary>
    public const string DashboardsPath = "/etc/grafana/dashboards";

    /// <summary><paramref name="value"/> as a provisioning file must hold it to read back unchanged: every <c>$</c> doubled.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("$", "$$", StringComparison.Ordinal);
    }

    /// <summary>datasources.yaml for Prometheus at <paramref name="prometheusUrl"/> and, when given, Jaeger at <paramref name="jaegerUrl"/>.</summary>
    public static string DataSources(EffectivePolicy policy, string prometheusUrl, string? jaegerUrl)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(prometheusUrl);
        var red = GrafanaComponent.Settings(policy).Dashboards.Red;
        var sources = new List<ProvisionedDataSource>
        {
            new()
            {
                Name = "Prometheus",
                Type = "prometheus",
                Uid = PrometheusUid,
                Url = Escape(prometheusUrl),
                IsDefault = true,
                JsonData = new PrometheusJsonData
                {
                    // $__rate_interval is at least four of these: rates never span fewer than four samples.
                    TimeInterval = Escape(policy.Metrics.ScrapeInterval),
                    ExemplarTraceIdDestinations = jaegerUrl is null || !policy.Metrics.Exemplars.Enabled
                        ? null
                        : [new ExemplarTraceIdDestination { Name = ExemplarTraceIdLabel, DatasourceUid = JaegerUid, UrlDisplayLabel = "Trace in Jaeger" }],
                },
            },
        };
        if (jaegerUrl is not null)
        {
            // A span's service.name is the service's OTEL_SERVICE_NAME, which is also its waddlebot_service label.
            const string tags = "${__tags}";
            sources.Add(new ProvisionedDataSource
            {
                Name = "Jaeger",
                Type = "jaeger",
                Uid = JaegerUid,
                Url = Escape(jaegerUrl),
                JsonData = new JaegerJsonData
                {
                    NodeGraph = new NodeGraphSettings { Enabled = true },
                    TracesToMetrics = new TracesToMetrics
                    {
                        DatasourceUid = PrometheusUid,
                        SpanStartTimeShift = "-5m",
                        SpanEndTimeShift = "5m",
                        Tags = [new TagMapping { Key = "service.name", Value = WellKnown.ServiceMetricLabel }],
                        Queries =
                        [
                            new TraceMetricQuery { Name = "Request rate", Query = Escape(TraceQueries.RequestRate(red, tags)) },
                            new TraceMetricQuery { Name = "Error ratio", Query = Escape(TraceQueries.ErrorRatio(red, tags)) },
                            new TraceMetricQuery { Name = "Latency p95", Query = Escape(TraceQueries.LatencyP95(red, tags)) },
                        ],
                    },
                },
            });
        }

        return ConfigYaml.Serialize(new DataSourcesFile { Datasources = sources });
    }

    /// <summary>dashboards.yaml: one file provider reading <see cref="DashboardsPath"/> into <paramref name="folder"/>.</summary>
    public static string DashboardProvider(string folder)
    {
        ArgumentNullException.ThrowIfNull(folder);
        return ConfigYaml.Serialize(new DashboardProvidersFile
        {
            Providers =
            [
                new DashboardProvider
                {
                    Name = "waddlebot",
                    Folder = Escape(folder),
                    Options = new DashboardProviderOptions { Path = DashboardsPath },
                },
            ],
        });
    }

    /// <summary>The traces-to-metrics queries: Grafana puts the span's mapped tags where the <c>tags</c> argument stands.</summary>
    internal static class TraceQueries
    {
        public static string RequestRate(EffectiveRed red, string tags) => $"sum(rate({red.RequestsMetric}{{{tags}}}[5m]))";

        public static string ErrorRatio(EffectiveRed red, string tags) =>
            $"sum(rate({red.RequestsMetric}{{{tags}, {PromQl.Matches(red.StatusLabel, red.ErrorStatusRegex)}}}[5m])) / sum(rate({red.RequestsMetric}{{{tags}}}[5m]))";

        public static string LatencyP95(EffectiveRed red, string tags) =>
            $"histogram_quantile(0.95, sum by (le) (rate({red.DurationMetric}_bucket{{{tags}}}[5m])))";
    }
}

// The typed model of the files, in Grafana's provisioning format (apiVersion 1). Property order is key order.
#pragma warning disable CA1812 // instantiated through object initializers above; serialized by reflection

internal sealed record DataSourcesFile
{
    [JsonPropertyName("apiVersion"), JsonPropertyOrder(0)] public int ApiVersion { get; init; } = 1;
    // Removes a provisioned data source the file no longer lists (Grafana 11.1 and later).
    [JsonPropertyName("prune"), JsonPropertyOrder(1)] public bool Prune { get; init; } = true;
    [JsonPropertyName("datasources"), JsonPropertyOrder(2)] public required IReadOnlyList<ProvisionedDataSource> Datasources { get; init; }
}

internal sealed record ProvisionedDataSource
{
    [JsonPropertyName("name"), JsonPropertyOrder(0)] public required string Name { get; init; }
    [JsonPropertyName("type"), JsonPropertyOrder(1)] public required string Type { get; init; }
    [JsonPropertyName("uid"), JsonPropertyOrder(2)] public required string Uid { get; init; }
    [JsonPropertyName("access"), JsonPropertyOrder(3)] public string Access { get; init; } = "proxy";
    [JsonPropertyName("url"), JsonPropertyOrder(4)] public required string Url { get; init; }
    [JsonPropertyName("isDefault"), JsonPropertyOrder(5)] public bool IsDefault { get; init; }
    // Provisioned: a change in the UI would be lost at the next start, so none is offered.
    [JsonPropertyName("editable"), JsonPropertyOrder(6)] public bool Editable { get; init; }
    [JsonPropertyName("jsonData"), JsonPropertyOrder(7)] public required object JsonData { get; init; }
}

internal sealed record PrometheusJsonData
{
    [JsonPropertyName("httpMethod"), JsonPropertyOrder(0)] public string HttpMethod { get; init; } = "POST";
    [JsonPropertyName("timeInterval"), JsonPropertyOrder(1)] public required string TimeInterval { get; init; }
    [JsonPropertyName("exemplarTraceIdDestinations"), JsonPropertyOrder(2)] public IReadOnlyList<ExemplarTraceIdDestination>? ExemplarTraceIdDestinations { get; init; }
}

internal sealed record ExemplarTraceIdDestination
{
    /// <summary>The exemplar label holding the trace id.</summary>
    [JsonPropertyName("name"), JsonPropertyOrder(0)] public required string Name { get; init; }
    [JsonPropertyName("datasourceUid"), JsonPropertyOrder(1)] public required string DatasourceUid { get; init; }
    [JsonPropertyName("urlDisplayLabel"), JsonPropertyOrder(2)] public required string UrlDisplayLabel { get; init; }
}

internal sealed record JaegerJsonData
{
    [JsonPropertyName("nodeGraph"), JsonPropertyOrder(0)] public required NodeGraphSettings NodeGraph { get; init; }
    [JsonPropertyName("tracesToMetrics"), JsonPropertyOrder(1)] public required TracesToMetrics TracesToMetrics { get; init; }
}

internal sealed record NodeGraphSettings
{
    [JsonPropertyName("enabled")] public bool Enabled { get; init; }
}

internal sealed record TracesToMetrics
{
    [JsonPropertyName("datasourceUid"), JsonPropertyOrder(0)] public required string DatasourceUid { get; init; }
    [JsonPropertyName("spanStartTimeShift"), JsonPropertyOrder(1)] public required string SpanStartTimeShift { get; init; }
    [JsonPropertyName("spanEndTimeShift"), JsonPropertyOrder(2)] public required string SpanEndTimeShift { get; init; }
    [JsonPropertyName("tags"), JsonPropertyOrder(3)] public required IReadOnlyList<TagMapping> Tags { get; init; }
    [JsonPropertyName("queries"), JsonPropertyOrder(4)] public required IReadOnlyList<TraceMetricQuery> Queries { get; init; }
}

internal sealed record TagMapping
{
    [JsonPropertyName("key"), JsonPropertyOrder(0)] public required string Key { get; init; }
    [JsonPropertyName("value"), JsonPropertyOrder(1)] public required string Value { get; init; }
}

internal sealed record TraceMetricQuery
{
    [JsonPropertyName("name"), JsonPropertyOrder(0)] public required string Name { get; init; }
    [JsonPropertyName("query"), JsonPropertyOrder(1)] public required string Query { get; init; }
}

internal sealed record DashboardProvidersFile
{
    [JsonPropertyName("apiVersion"), JsonPropertyOrder(0)] public int ApiVersion { get; init; } = 1;
    [JsonPropertyName("providers"), JsonPropertyOrder(1)] public required IReadOnlyList<DashboardProvider> Providers { get; init; }
}

internal sealed record DashboardProvider
{
    [JsonPropertyName("name"), JsonPropertyOrder(0)] public required string Name { get; init; }
    [JsonPropertyName("orgId"), JsonPropertyOrder(1)] public int OrgId { get; init; } = 1;
    [JsonPropertyName("folder"), JsonPropertyOrder(2)] public required string Folder { get; init; }
    [JsonPropertyName("type"), JsonPropertyOrder(3)] public string Type { get; init; } = "file";
    // The dashboards are code: a ConfigMap removed removes its dashboard, and the UI cannot save over them.
    [JsonPropertyName("disableDeletion"), JsonPropertyOrder(4)] public bool DisableDeletion { get; init; }
    [JsonPropertyName("allowUiUpdates"), JsonPropertyOrder(5)] public bool AllowUiUpdates { get; init; }
    // The kubelet swaps in edited ConfigMaps; the provider picks them up within this many seconds, without a restart.
    [JsonPropertyName("updateIntervalSeconds"), JsonPropertyOrder(6)] public int UpdateIntervalSeconds { get; init; } = 30;
    [JsonPropertyName("options"), JsonPropertyOrder(7)] public required DashboardProviderOptions Options { get; init; }
}

internal sealed record DashboardProviderOptions
{
    [JsonPropertyName("path"), JsonPropertyOrder(0)] public required string Path { get; init; }
    [JsonPropertyName("foldersFromFilesStructure"), JsonPropertyOrder(1)] public bool FoldersFromFilesStructure { get; init; }
}
#pragma warning restore CA1812
