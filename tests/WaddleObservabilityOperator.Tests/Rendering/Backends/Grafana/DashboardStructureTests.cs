using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends.Grafana;

/// <summary>
/// What Grafana needs of a dashboard beyond its types: every panel, query and variable reads a data source that
/// resolves (the dashboard's <c>datasource</c> variable, or a uid the managed Grafana provisions), uids Grafana accepts,
/// no provisioned <c>id</c>, unique panel ids and panels that fit the 24-column grid without overlapping.
/// </summary>
public sealed partial class DashboardStructureTests
{
    public static TheoryData<string> Cases() => [.. DashboardCases.All.Select(c => c.Name)];

    private static JsonObject Dashboard(string name) => DashboardCases.All.Single(c => c.Name == name).Dashboard;

    /// <summary>The data sources the samples' managed Grafana provisions, by uid: their types.</summary>
    private static Dictionary<string, string> Provisioned() =>
        YamlTree.Load(DashboardCases.SampleDataSources).Items("datasources").ToDictionary(d => d.Text("uid"), d => d.Text("type"), StringComparer.Ordinal);

    /// <summary>Why a data source reference does not resolve in <paramref name="dashboard"/>, or null when it does.</summary>
    internal static string? Unresolved(JsonObject dashboard, JsonNode? reference, IReadOnlyDictionary<string, string> provisioned)
    {
        if (reference is not JsonObject source)
        {
            return "has no data source";
        }

        var type = (string?)source["type"];
        var uid = (string?)source["uid"] ?? "";
        var variable = VariableReference().Match(uid);
        if (variable.Success)
        {
            var name = variable.Groups["name"].Value;
            var picker = dashboard["templating"]!["list"]!.AsArray().OfType<JsonObject>().FirstOrDefault(v => (string?)v["name"] == name);
            return picker is null ? $"names variable {name}, which the dashboard does not define"
                : (string?)picker["type"] != "datasource" ? $"names variable {name}, which is not a data source variable"
                : (string?)picker["query"] != type ? $"is of type {type} but variable {name} lists {picker["query"]} data sources"
                : null;
        }

        return !provisioned.TryGetValue(uid, out var provisionedType) ? $"names uid \"{uid}\", which no data source of the managed Grafana has"
            : provisionedType != type ? $"is of type {type} but uid \"{uid}\" is a {provisionedType} data source"
            : null;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_panel_query_and_variable_reads_a_data_source_that_resolves(string name)
    {
        var dashboard = Dashboard(name);
        var provisioned = Provisioned();
        Assert.Equal(["prometheus", "jaeger"], provisioned.Values);
        var problems = new List<string>();
        foreach (var panel in DashboardCases.Panels(dashboard).Where(p => (string?)p["type"] != "row"))
        {
            problems.AddRange(Check($"panel \"{panel["title"]}\"", panel["datasource"]));
            var targets = panel["targets"]!.AsArray().OfType<JsonObject>().ToList();
            Assert.NotEmpty(targets);
            foreach (var target in targets)
            {
                problems.AddRange(Check($"panel \"{panel["title"]}\" query {target["refId"]}", target["datasource"]));
            }
        }

        foreach (var variable in dashboard["templating"]!["list"]!.AsArray().OfType<JsonObject>().Where(v => (string?)v["type"] == "query"))
        {
            problems.AddRange(Check($"variable {variable["name"]}", variable["datasource"]));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));

        IEnumerable<string> Check(string where, JsonNode? reference) =>
            Unresolved(dashboard, reference, provisioned) is { } problem ? [$"{where}: {problem}"] : [];
    }

    [Fact]
    public void A_reference_to_a_data_source_nobody_provisions_does_not_resolve()
    {
        // Control: kube-prometheus-stack's uid "prometheus" is not the managed Grafana's, and a variable must exist.
        var dashboard = DashboardCases.SampleWaddleBot[0].Dashboard;
        var provisioned = Provisioned();
        Assert.Null(Unresolved(dashboard, new JsonObject { ["type"] = "prometheus", ["uid"] = "${datasource}" }, provisioned));
        Assert.Null(Unresolved(dashboard, new JsonObject { ["type"] = "jaeger", ["uid"] = GrafanaProvisioning.JaegerUid }, provisioned));
        Assert.NotNull(Unresolved(dashboard, new JsonObject { ["type"] = "prometheus", ["uid"] = "prometheus" }, provisioned));
        Assert.NotNull(Unresolved(dashboard, new JsonObject { ["type"] = "prometheus", ["uid"] = "${prom}" }, provisioned));
        Assert.NotNull(Unresolved(dashboard, new JsonObject { ["type"] = "prometheus", ["uid"] = GrafanaProvisioning.JaegerUid }, provisioned));
        Assert.NotNull(Unresolved(dashboard, null, provisioned));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_dashboard_has_a_uid_grafana_accepts_and_no_id(string name)
    {
        var dashboard = Dashboard(name);
        Assert.Matches(Uid(), (string)dashboard["uid"]!);
        Assert.False(dashboard.ContainsKey("id"), "a provisioned dashboard carries no id: Grafana assigns it");
        Assert.Equal(DashboardDocument.CurrentSchemaVersion, (int)dashboard["schemaVersion"]!);
        Assert.Equal("datasource", (string?)dashboard["templating"]!["list"]![0]!["name"]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Panels_have_unique_ids_and_tile_the_grid(string name)
    {
        var panels = DashboardCases.Panels(Dashboard(name)).ToList();
        Assert.Equal(panels.Count, panels.Select(p => (int)p["id"]!).Distinct().Count());
        var cells = new HashSet<(int X, int Y)>();
        foreach (var panel in panels)
        {
            var (x, y, w, h) = ((int)panel["gridPos"]!["x"]!, (int)panel["gridPos"]!["y"]!, (int)panel["gridPos"]!["w"]!, (int)panel["gridPos"]!["h"]!);
            Assert.True(x >= 0 && w > 0 && x + w <= 24, $"panel \"{panel["title"]}\" is outside the 24 columns");
            for (var column = x; column < x + w; column++)
            {
                for (var row = y; row < y + h; row++)
                {
                    Assert.True(cells.Add((column, row)), $"panel \"{panel["title"]}\" overlaps another at {column},{row}");
                }
            }
        }
    }

    [GeneratedRegex(@"\$\{(?<name>\w+)\}")]
    private static partial Regex VariableReference();

    // Grafana's rule for a dashboard uid: at most 40 of these characters.
    [GeneratedRegex("^[a-zA-Z0-9_-]{1,40}$")]
    private static partial Regex Uid();
}
