using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace WaddleObservabilityOperator.Rendering.Backends;

// The classic dashboard JSON model (schemaVersion 41) that Grafana's file provisioning and the dashboard sidecar load,
// limited to the fields the dashboards use. Property order is key order. The tests type-check every rendered dashboard
// against @grafana/schema's Dashboard and each panel against its plugin's options (tests/tools/dashboard-checks).
#pragma warning disable CA1812 // instantiated through object initializers; serialized by DashboardJsonContext

/// <summary>One dashboard. Provisioned dashboards carry no <c>id</c>: Grafana assigns it, the <see cref="Uid"/> identifies the dashboard.</summary>
internal sealed record DashboardDocument
{
    /// <summary>The schema version written; Grafana 10 to 13 load it and migrate it forward.</summary>
    public const int CurrentSchemaVersion = 41;

    [JsonPropertyName("uid"), JsonPropertyOrder(0)] public required string Uid { get; init; }
    [JsonPropertyName("title"), JsonPropertyOrder(1)] public required string Title { get; init; }
    [JsonPropertyName("description"), JsonPropertyOrder(2)] public required string Description { get; init; }
    [JsonPropertyName("tags"), JsonPropertyOrder(3)] public required IReadOnlyList<string> Tags { get; init; }
    [JsonPropertyName("timezone"), JsonPropertyOrder(4)] public string Timezone { get; init; } = "browser";
    [JsonPropertyName("editable"), JsonPropertyOrder(5)] public bool Editable { get; init; } = true;
    [JsonPropertyName("graphTooltip"), JsonPropertyOrder(6)] public int GraphTooltip { get; init; } = 1;
    [JsonPropertyName("refresh"), JsonPropertyOrder(7)] public string Refresh { get; init; } = "30s";
    [JsonPropertyName("schemaVersion"), JsonPropertyOrder(8)] public int SchemaVersion { get; init; } = CurrentSchemaVersion;
    [JsonPropertyName("time"), JsonPropertyOrder(9)] public DashboardTime Time { get; init; } = new("now-1h", "now");
    [JsonPropertyName("links"), JsonPropertyOrder(10)] public IReadOnlyList<DashboardLink> Links { get; init; } = [];
    [JsonPropertyName("annotations"), JsonPropertyOrder(11)] public DashboardAnnotations Annotations { get; init; } = new([]);
    [JsonPropertyName("templating"), JsonPropertyOrder(12)] public required DashboardTemplating Templating { get; init; }

    /// <summary><see cref="DashboardRow"/>s and <see cref="DashboardPanel"/>s in grid order.</summary>
    [JsonPropertyName("panels"), JsonPropertyOrder(13)] public required IReadOnlyList<object> Panels { get; init; }

    private static readonly JsonSerializerOptions JsonOptions = new(DashboardJsonContext.Default.Options)
    {
        // The JSON goes into ConfigMaps and files, never into HTML: PromQL's quotes and operators stay readable.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>The dashboard as the JSON file Grafana loads, ending with a newline.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, (JsonTypeInfo<DashboardDocument>)JsonOptions.GetTypeInfo(typeof(DashboardDocument))) + "\n";
}

internal sealed record DashboardTime([property: JsonPropertyName("from")] string From, [property: JsonPropertyName("to")] string To);

internal sealed record DashboardAnnotations([property: JsonPropertyName("list")] IReadOnlyList<object> List);

internal sealed record DashboardTemplating([property: JsonPropertyName("list")] IReadOnlyList<DashboardVariable> List);

/// <summary>A link in the dashboard's header: to the other dashboards with <see cref="Tags"/>.</summary>
internal sealed record DashboardLink
{
    [JsonPropertyName("title"), JsonPropertyOrder(0)] public required string Title { get; init; }
    [JsonPropertyName("type"), JsonPropertyOrder(1)] public string Type { get; init; } = "dashboards";
    [JsonPropertyName("tags"), JsonPropertyOrder(2)] public required IReadOnlyList<string> Tags { get; init; }
    [JsonPropertyName("asDropdown"), JsonPropertyOrder(3)] public bool AsDropdown { get; init; } = true;
    [JsonPropertyName("includeVars"), JsonPropertyOrder(4)] public bool IncludeVars { get; init; }
    [JsonPropertyName("keepTime"), JsonPropertyOrder(5)] public bool KeepTime { get; init; } = true;
    [JsonPropertyName("targetBlank"), JsonPropertyOrder(6)] public bool TargetBlank { get; init; }
    [JsonPropertyName("icon"), JsonPropertyOrder(7)] public string Icon { get; init; } = "external link";
    [JsonPropertyName("tooltip"), JsonPropertyOrder(8)] public string Tooltip { get; init; } = "";
    [JsonPropertyName("url"), JsonPropertyOrder(9)] public string Url { get; init; } = "";
}

/// <summary>A template variable: the data source picker, or a query over label values.</summary>
internal sealed record DashboardVariable
{
    [JsonPropertyName("name"), JsonPropertyOrder(0)] public required string Name { get; init; }
    [JsonPropertyName("label"), JsonPropertyOrder(1)] public required string Label { get; init; }
    [JsonPropertyName("type"), JsonPropertyOrder(2)] public required string Type { get; init; }
    [JsonPropertyName("datasource"), JsonPropertyOrder(3)] public DataSourceReference? Datasource { get; init; }
    [JsonPropertyName("query"), JsonPropertyOrder(4)] public required string Query { get; init; }
    [JsonPropertyName("regex"), JsonPropertyOrder(5)] public string? Regex { get; init; }
    /// <summary>2: on time range change, so a new service shows up without a reload.</summary>
    [JsonPropertyName("refresh"), JsonPropertyOrder(6)] public int? Refresh { get; init; }
    /// <summary>1: alphabetical.</summary>
    [JsonPropertyName("sort"), JsonPropertyOrder(7)] public int? Sort { get; init; }
    [JsonPropertyName("includeAll"), JsonPropertyOrder(8)] public bool IncludeAll { get; init; }
    [JsonPropertyName("multi"), JsonPropertyOrder(9)] public bool Multi { get; init; }
    [JsonPropertyName("hide"), JsonPropertyOrder(10)] public int Hide { get; init; }
}

/// <summary>Which data source a panel, query or variable reads: the <c>datasource</c> variable (<c>${datasource}</c>) or a fixed uid.</summary>
internal sealed record DataSourceReference([property: JsonPropertyName("type")] string Type, [property: JsonPropertyName("uid")] string Uid);

internal sealed record GridPosition(
    [property: JsonPropertyName("h")] int H,
    [property: JsonPropertyName("w")] int W,
    [property: JsonPropertyName("x")] int X,
    [property: JsonPropertyName("y")] int Y);

/// <summary>A row: a titled band of the grid; its panels follow it in the dashboard's list (it is not collapsed).</summary>
internal sealed record DashboardRow
{
    [JsonPropertyName("type"), JsonPropertyOrder(0)] public string Type { get; } = "row";
    [JsonPropertyName("id"), JsonPropertyOrder(1)] public required int Id { get; init; }
    [JsonPropertyName("title"), JsonPropertyOrder(2)] public required string Title { get; init; }
    [JsonPropertyName("collapsed"), JsonPropertyOrder(3)] public bool Collapsed { get; init; }
    [JsonPropertyName("gridPos"), JsonPropertyOrder(4)] public required GridPosition GridPos { get; init; }
    [JsonPropertyName("panels"), JsonPropertyOrder(5)] public IReadOnlyList<object> Panels { get; init; } = [];
}

/// <summary>A visualization with its Prometheus queries.</summary>
internal sealed record DashboardPanel
{
    [JsonPropertyName("type"), JsonPropertyOrder(0)] public required string Type { get; init; }
    [JsonPropertyName("id"), JsonPropertyOrder(1)] public required int Id { get; init; }
    [JsonPropertyName("title"), JsonPropertyOrder(2)] public required string Title { get; init; }
    [JsonPropertyName("description"), JsonPropertyOrder(3)] public required string Description { get; init; }
    [JsonPropertyName("gridPos"), JsonPropertyOrder(4)] public required GridPosition GridPos { get; init; }
    [JsonPropertyName("datasource"), JsonPropertyOrder(5)] public required DataSourceReference Datasource { get; init; }
    [JsonPropertyName("fieldConfig"), JsonPropertyOrder(6)] public required FieldConfigSource FieldConfig { get; init; }
    [JsonPropertyName("options"), JsonPropertyOrder(7)] public required object Options { get; init; }
    [JsonPropertyName("targets"), JsonPropertyOrder(8)] public required IReadOnlyList<PanelQuery> Targets { get; init; }
}

/// <summary>A Prometheus query of a panel.</summary>
internal sealed record PanelQuery
{
    [JsonPropertyName("refId"), JsonPropertyOrder(0)] public required string RefId { get; init; }
    [JsonPropertyName("datasource"), JsonPropertyOrder(1)] public required DataSourceReference Datasource { get; init; }
    [JsonPropertyName("expr"), JsonPropertyOrder(2)] public required string Expr { get; init; }
    [JsonPropertyName("legendFormat"), JsonPropertyOrder(3)] public required string LegendFormat { get; init; }
    [JsonPropertyName("range"), JsonPropertyOrder(4)] public bool Range { get; init; } = true;
    [JsonPropertyName("instant"), JsonPropertyOrder(5)] public bool Instant { get; init; }
    /// <summary>Also fetch exemplars (trace ids on histogram samples), linked to Jaeger by the data source's exemplarTraceIdDestinations.</summary>
    [JsonPropertyName("exemplar"), JsonPropertyOrder(6)] public bool Exemplar { get; init; }
}

internal sealed record FieldConfigSource
{
    [JsonPropertyName("defaults"), JsonPropertyOrder(0)] public required FieldDefaults Defaults { get; init; }
    [JsonPropertyName("overrides"), JsonPropertyOrder(1)] public IReadOnlyList<object> Overrides { get; init; } = [];
}

internal sealed record FieldDefaults
{
    [JsonPropertyName("unit"), JsonPropertyOrder(0)] public required string Unit { get; init; }
    [JsonPropertyName("min"), JsonPropertyOrder(1)] public double? Min { get; init; }
    [JsonPropertyName("max"), JsonPropertyOrder(2)] public double? Max { get; init; }
    [JsonPropertyName("decimals"), JsonPropertyOrder(3)] public int? Decimals { get; init; }
    [JsonPropertyName("color"), JsonPropertyOrder(4)] public FieldColor? Color { get; init; }
    [JsonPropertyName("thresholds"), JsonPropertyOrder(5)] public Thresholds? Thresholds { get; init; }
    [JsonPropertyName("mappings"), JsonPropertyOrder(6)] public IReadOnlyList<ValueMapping>? Mappings { get; init; }
    [JsonPropertyName("links"), JsonPropertyOrder(7)] public IReadOnlyList<DataLink>? Links { get; init; }
    [JsonPropertyName("custom"), JsonPropertyOrder(8)] public object? Custom { get; init; }
}

/// <summary>How a field is coloured: a palette, by thresholds, or <c>fixed</c> in <see cref="FixedColor"/>.</summary>
internal sealed record FieldColor(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("fixedColor")] string? FixedColor = null);

/// <summary>Field settings for the fields <see cref="Matcher"/> picks, over the panel's defaults.</summary>
internal sealed record FieldOverride(
    [property: JsonPropertyName("matcher")] FieldMatcher Matcher,
    [property: JsonPropertyName("properties")] IReadOnlyList<FieldProperty> Properties);

/// <summary>Which fields an override applies to, e.g. <c>byRegexp</c> on their display names.</summary>
internal sealed record FieldMatcher(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("options")] string Options);

/// <summary>One setting of an override: its path (<c>color</c>, <c>custom.lineStyle</c>) and value.</summary>
internal sealed record FieldProperty(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("value")] object Value);

/// <summary>A time series' line style: <c>solid</c>, or <c>dash</c> with dash and gap lengths.</summary>
internal sealed record LineStyle(
    [property: JsonPropertyName("fill")] string Fill,
    [property: JsonPropertyName("dash")] IReadOnlyList<int> Dash);

/// <summary>Colour steps; the first step's value is null (minus infinity in Grafana's model).</summary>
internal sealed record Thresholds(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("steps")] IReadOnlyList<ThresholdStep> Steps);

internal sealed record ThresholdStep(
    [property: JsonPropertyName("color")] string Color,
    [property: JsonPropertyName("value"), JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Value);

/// <summary>A value mapping of type <c>value</c>: exact values shown as text in a colour.</summary>
internal sealed record ValueMapping(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("options")] IReadOnlyDictionary<string, MappedValue> Options);

internal sealed record MappedValue(
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("color")] string Color,
    [property: JsonPropertyName("index")] int Index);

/// <summary>A link on a series' values, e.g. from a service's line on the overview to its own dashboard.</summary>
internal sealed record DataLink(
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("url")] string Url);

/// <summary>Options of a <c>timeseries</c> panel.</summary>
internal sealed record TimeSeriesOptions(
    [property: JsonPropertyName("legend")] LegendOptions Legend,
    [property: JsonPropertyName("tooltip")] TooltipOptions Tooltip);

internal sealed record LegendOptions(
    [property: JsonPropertyName("showLegend")] bool ShowLegend,
    [property: JsonPropertyName("displayMode")] string DisplayMode,
    [property: JsonPropertyName("placement")] string Placement,
    [property: JsonPropertyName("calcs")] IReadOnlyList<string> Calcs);

internal sealed record TooltipOptions(
    [property: JsonPropertyName("mode")] string Mode,
    [property: JsonPropertyName("sort")] string Sort);

/// <summary>Custom field settings of a <c>timeseries</c> panel.</summary>
internal sealed record TimeSeriesFieldStyle(
    [property: JsonPropertyName("drawStyle")] string DrawStyle,
    [property: JsonPropertyName("lineWidth")] int LineWidth,
    [property: JsonPropertyName("fillOpacity")] int FillOpacity,
    [property: JsonPropertyName("showPoints")] string ShowPoints,
    [property: JsonPropertyName("spanNulls")] bool SpanNulls);

/// <summary>Options of a <c>stat</c> panel: one big number, the last value.</summary>
internal sealed record StatOptions
{
    [JsonPropertyName("reduceOptions"), JsonPropertyOrder(0)] public ReduceOptions ReduceOptions { get; init; } = new(["lastNotNull"], "", false);
    [JsonPropertyName("orientation"), JsonPropertyOrder(1)] public string Orientation { get; init; } = "auto";
    [JsonPropertyName("textMode"), JsonPropertyOrder(2)] public string TextMode { get; init; } = "value";
    [JsonPropertyName("colorMode"), JsonPropertyOrder(3)] public string ColorMode { get; init; } = "value";
    [JsonPropertyName("graphMode"), JsonPropertyOrder(4)] public string GraphMode { get; init; } = "area";
    [JsonPropertyName("justifyMode"), JsonPropertyOrder(5)] public string JustifyMode { get; init; } = "auto";
    [JsonPropertyName("showPercentChange"), JsonPropertyOrder(6)] public bool ShowPercentChange { get; init; }
    [JsonPropertyName("percentChangeColorMode"), JsonPropertyOrder(7)] public string PercentChangeColorMode { get; init; } = "standard";
    [JsonPropertyName("wideLayout"), JsonPropertyOrder(8)] public bool WideLayout { get; init; } = true;
}

internal sealed record ReduceOptions(
    [property: JsonPropertyName("calcs")] IReadOnlyList<string> Calcs,
    [property: JsonPropertyName("fields")] string Fields,
    [property: JsonPropertyName("values")] bool Values);

/// <summary>Options of a <c>state-timeline</c> panel: a band per series coloured by its mapped state.</summary>
internal sealed record StateTimelineOptions(
    [property: JsonPropertyName("showValue")] string ShowValue,
    [property: JsonPropertyName("rowHeight")] double RowHeight,
    [property: JsonPropertyName("mergeValues")] bool MergeValues,
    [property: JsonPropertyName("alignValue")] string AlignValue,
    [property: JsonPropertyName("legend")] LegendOptions Legend,
    [property: JsonPropertyName("tooltip")] TooltipOptions Tooltip);
#pragma warning restore CA1812

/// <summary>
/// The dashboard model's serializers, generated at compile time. Panels, options and override values are typed
/// <c>object</c> in the model (Grafana mixes kinds in one list), so each concrete kind is listed here.
/// </summary>
[JsonSourceGenerationOptions(WriteIndented = true, IndentSize = 2, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DashboardDocument))]
[JsonSerializable(typeof(DashboardRow))]
[JsonSerializable(typeof(DashboardPanel))]
[JsonSerializable(typeof(TimeSeriesOptions))]
[JsonSerializable(typeof(StatOptions))]
[JsonSerializable(typeof(StateTimelineOptions))]
[JsonSerializable(typeof(TimeSeriesFieldStyle))]
[JsonSerializable(typeof(FieldOverride))]
[JsonSerializable(typeof(LineStyle))]
[JsonSerializable(typeof(FieldColor))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(double))]
[JsonSerializable(typeof(bool))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;
