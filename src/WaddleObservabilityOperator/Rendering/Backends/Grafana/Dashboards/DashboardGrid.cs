namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// Lays panels out on Grafana's 24-column grid, left to right and top to bottom, and numbers them. Rows start a new
/// line. Panel ids are unique within the dashboard, as Grafana requires.
/// </summary>
internal sealed class DashboardGrid
{
    public const int Width = 24;

    /// <summary>What every panel, query and variable reads: the data source the <c>datasource</c> variable picks.</summary>
    public static readonly DataSourceReference DataSourceVariable = new("prometheus", "${datasource}");

    private readonly List<object> _panels = [];
    private int _nextId = 1;
    private int _x;
    private int _y;
    private int _lineHeight;

    public IReadOnlyList<object> Panels => _panels;

    /// <summary>A row titled <paramref name="title"/> on a line of its own.</summary>
    public void Row(string title)
    {
        NewLine();
        _panels.Add(new DashboardRow { Id = _nextId++, Title = title, GridPos = new GridPosition(1, Width, 0, _y) });
        _y += 1;
    }

    /// <summary>A panel <paramref name="width"/> columns wide, on the current line if it fits.</summary>
    public void Add(int width, int height, Func<int, GridPosition, DashboardPanel> panel)
    {
        if (_x + width > Width)
        {
            NewLine();
        }

        _panels.Add(panel(_nextId++, new GridPosition(height, width, _x, _y)));
        _x += width;
        _lineHeight = Math.Max(_lineHeight, height);
    }

    private void NewLine()
    {
        _y += _lineHeight;
        _x = 0;
        _lineHeight = 0;
    }

    /// <summary>The variable every dashboard starts with: which Prometheus to read, default the default Prometheus data source.</summary>
    public static DashboardVariable DataSourcePicker() => new()
    {
        Name = "datasource",
        Label = "Data source",
        Type = "datasource",
        Query = "prometheus",
    };

    /// <summary>A variable holding one value of <paramref name="label"/> among the series <paramref name="selector"/> selects.</summary>
    public static DashboardVariable LabelValues(string name, string label, string selector, string title) => new()
    {
        Name = name,
        Label = title,
        Type = "query",
        Datasource = DataSourceVariable,
        Query = $"label_values({selector}, {label})",
        Refresh = 2,
        Sort = 1,
    };

    public static PanelQuery Query(string refId, string expr, string legend, bool exemplar = false) => new()
    {
        RefId = refId,
        Datasource = DataSourceVariable,
        Expr = expr,
        LegendFormat = legend,
        Exemplar = exemplar,
    };

    /// <summary>A graph over time.</summary>
    public static Func<int, GridPosition, DashboardPanel> TimeSeries(
        string title, string description, string unit, IReadOnlyList<PanelQuery> targets, IReadOnlyList<DataLink>? links = null, double? min = 0) =>
        (id, position) => new DashboardPanel
        {
            Type = "timeseries",
            Id = id,
            Title = title,
            Description = description,
            GridPos = position,
            Datasource = DataSourceVariable,
            FieldConfig = new FieldConfigSource
            {
                Defaults = new FieldDefaults
                {
                    Unit = unit,
                    Min = min,
                    Color = new FieldColor("palette-classic"),
                    Links = links,
                    Custom = new TimeSeriesFieldStyle("line", 1, 10, "never", SpanNulls: false),
                },
            },
            Options = new TimeSeriesOptions(
                new LegendOptions(true, "list", "bottom", []),
                new TooltipOptions("multi", "desc")),
            Targets = targets,
        };

    /// <summary>One number: the last value, coloured by <paramref name="thresholds"/> (value, colour from that value up).</summary>
    public static Func<int, GridPosition, DashboardPanel> Stat(
        string title, string description, string unit, PanelQuery target, params (double? From, string Color)[] thresholds) =>
        (id, position) => new DashboardPanel
        {
            Type = "stat",
            Id = id,
            Title = title,
            Description = description,
            GridPos = position,
            Datasource = DataSourceVariable,
            FieldConfig = new FieldConfigSource
            {
                Defaults = new FieldDefaults
                {
                    Unit = unit,
                    Color = new FieldColor("thresholds"),
                    Thresholds = new Thresholds("absolute", [.. thresholds.Select(t => new ThresholdStep(t.Color, t.From))]),
                },
            },
            Options = new StatOptions(),
            Targets = [target],
        };

    private static SortedDictionary<string, MappedValue> StateMappings((double Value, string Text, string Color)[] states)
    {
        var mappings = new SortedDictionary<string, MappedValue>(StringComparer.Ordinal);
        for (var index = 0; index < states.Length; index++)
        {
            mappings[PromQl.Number(states[index].Value)] = new MappedValue(states[index].Text, states[index].Color, index);
        }

        return mappings;
    }

    /// <summary>A band per series over time, coloured by the state its value maps to.</summary>
    public static Func<int, GridPosition, DashboardPanel> StateTimeline(
        string title, string description, PanelQuery target, params (double Value, string Text, string Color)[] states) =>
        (id, position) => new DashboardPanel
        {
            Type = "state-timeline",
            Id = id,
            Title = title,
            Description = description,
            GridPos = position,
            Datasource = DataSourceVariable,
            FieldConfig = new FieldConfigSource
            {
                Defaults = new FieldDefaults
                {
                    Unit = "none",
                    Color = new FieldColor("thresholds"),
                    Thresholds = new Thresholds("absolute", [new ThresholdStep("text", null)]),
                    Mappings = [new ValueMapping("value", StateMappings(states))],
                },
            },
            Options = new StateTimelineOptions(
                ShowValue: "auto",
                RowHeight: 0.9,
                MergeValues: true,
                AlignValue: "left",
                new LegendOptions(true, "list", "bottom", []),
                new TooltipOptions("multi", "none")),
            Targets = [target],
        };
}
