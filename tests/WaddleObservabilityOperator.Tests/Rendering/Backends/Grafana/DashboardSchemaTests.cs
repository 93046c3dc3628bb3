using System.Text.Json.Nodes;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends.Grafana;

/// <summary>
/// Every dashboard is valid against Grafana's own types: the TypeScript compiler checks it as an object literal typed
/// with @grafana/schema's Dashboard, and each panel as one typed with its plugin's options and field config, so an
/// unknown field, a missing required one or a value outside an enum fails (tests/tools/dashboard-checks/typecheck.mjs).
/// </summary>
public sealed class DashboardSchemaTests
{
    [Fact]
    public async Task Every_dashboard_type_checks_against_grafana_schema()
    {
        var verdicts = await DashboardTools.TypeCheckAsync([.. DashboardCases.All.Select(DashboardCases.Named)]);
        Assert.True(verdicts.All(v => v.Errors.Count == 0), string.Join("\n", verdicts));
        Assert.Equal(DashboardCases.All.Count, verdicts.Count);
    }

    private static readonly string[] Defects =
    [
        "an unknown dashboard field",
        "an unknown panel field",
        "a legend display mode Grafana does not have",
        "a stat panel without reduceOptions",
        "a row without its panels list",
        "a panel type the checker has no types for",
        "a variable of an unknown type",
        "a grid position without a width",
    ];

    [Fact]
    public async Task A_dashboard_with_a_defect_fails_the_type_check()
    {
        // Controls: one defect per dashboard, each in a dashboard that passes as rendered; one compiler run for all.
        var verdicts = await DashboardTools.TypeCheckAsync([.. Defects.Select(defect => new NamedDashboard(defect, WithDefect(defect)))]);
        Assert.All(verdicts, v => Assert.True(v.Errors.Count > 0, $"{v.Name}: passed the type check"));
    }

    private static JsonObject WithDefect(string defect)
    {
        var dashboard = DashboardCases.SampleWaddleBot[0].Dashboard.DeepClone().AsObject();
        var panels = dashboard["panels"]!.AsArray();
        JsonObject Panel(string type) => panels.OfType<JsonObject>().First(p => (string?)p["type"] == type);
        switch (defect)
        {
            case "an unknown dashboard field":
                dashboard["panelz"] = new JsonArray();
                break;
            case "an unknown panel field":
                Panel("timeseries")["query"] = "up";
                break;
            case "a legend display mode Grafana does not have":
                Panel("timeseries")["options"]!["legend"]!["displayMode"] = "lists";
                break;
            case "a stat panel without reduceOptions":
                Panel("stat")["options"]!.AsObject().Remove("reduceOptions");
                break;
            case "a row without its panels list":
                Panel("row").Remove("panels");
                break;
            case "a panel type the checker has no types for":
                Panel("timeseries")["type"] = "graph";
                break;
            case "a variable of an unknown type":
                dashboard["templating"]!["list"]![0]!["type"] = "datasources";
                break;
            case "a grid position without a width":
                Panel("stat")["gridPos"]!.AsObject().Remove("w");
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(defect), defect, null);
        }

        return dashboard;
    }
}
