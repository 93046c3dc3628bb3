using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends.Grafana;

/// <summary>
/// The tools that check dashboards with other projects' code, from tests/tools/dashboard-checks (npm typescript,
/// @grafana/schema and @prometheus-io/lezer-promql, pinned by its package-lock.json and installed by
/// scripts/install-tools.sh), and promtool (Debian's, installed by the same script). A test that needs one fails when
/// it is missing; it never skips.
/// </summary>
internal static class DashboardTools
{
    private static string Directory { get; } = RepositoryLayout.PathOf("tests", "tools", "dashboard-checks");

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNameCaseInsensitive = true };

    /// <summary>tsc's verdict on each dashboard against @grafana/schema's Dashboard and each panel's plugin types.</summary>
    public static async Task<IReadOnlyList<TypeCheckVerdict>> TypeCheckAsync(IReadOnlyList<NamedDashboard> dashboards)
    {
        var input = new JsonArray([.. dashboards.Select(d => new JsonObject { ["name"] = d.Name, ["dashboard"] = d.Dashboard.DeepClone() })]);
        var (exitCode, stdout, stderr) = await RunNodeAsync("typecheck.mjs", "typescript", input.ToJsonString());
        Assert.True(exitCode is 0 or 1, $"typecheck.mjs exit code {exitCode}: {stderr}");
        var verdicts = JsonSerializer.Deserialize<List<TypeCheckVerdict>>(stdout, JsonOptions)!;
        Assert.Equal(dashboards.Count, verdicts.Count);
        Assert.Equal(exitCode == 0, verdicts.All(v => v.Errors.Count == 0));
        return verdicts;
    }

    /// <summary>The metric names each expression selects, read with Prometheus's own PromQL grammar.</summary>
    public static async Task<IReadOnlyList<PromQlReading>> ReadPromQlAsync(IReadOnlyList<string> expressions)
    {
        var (exitCode, stdout, stderr) = await RunNodeAsync("promql.mjs", "@prometheus-io/lezer-promql", new JsonArray([.. expressions.Select(e => JsonValue.Create(e))]).ToJsonString());
        Assert.True(exitCode is 0 or 1, $"promql.mjs exit code {exitCode}: {stderr}");
        var readings = JsonSerializer.Deserialize<List<PromQlReading>>(stdout, JsonOptions)!;
        Assert.Equal(expressions.Count, readings.Count);
        return readings;
    }

    /// <summary>promtool check rules on a rule file with each expression as a recording rule's expr.</summary>
    public static async Task<(int ExitCode, string Output, string File)> CheckRulesAsync(IReadOnlyList<string> expressions)
    {
        // JSON is YAML: promtool reads the file as it reads any rule file.
        var rules = new JsonObject
        {
            ["groups"] = new JsonArray(new JsonObject
            {
                ["name"] = "dashboards",
                ["rules"] = new JsonArray([.. expressions.Select((e, i) => new JsonObject { ["record"] = $"dashboard:expr_{i}", ["expr"] = e })]),
            }),
        };
        var text = rules.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
        var file = Path.Combine(Path.GetTempPath(), $"waddle-dashboard-rules-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(file, text);
        try
        {
            var (exitCode, stdout, stderr) = await RunAsync(PromtoolCheckTests.PromtoolPath(), ["check", "rules", file], null);
            return (exitCode, stdout + stderr, text);
        }
        finally
        {
            File.Delete(file);
        }
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunNodeAsync(string script, string package, string stdin)
    {
        var installed = Path.Combine(Directory, "node_modules", package, "package.json");
        Assert.True(File.Exists(installed), $"{installed} is missing: run `bash scripts/install-tools.sh` (it installs tests/tools/dashboard-checks with npm ci).");
        var node = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "node"))
            .FirstOrDefault(File.Exists);
        Assert.True(node is not null, "node is not on PATH: the dashboard checks run on Node.js (scripts/install-tools.sh installs the Debian package nodejs when missing).");
        return await RunAsync(node!, [Path.Combine(Directory, script)], stdin);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string program, string[] arguments, string? stdin)
    {
        var start = new ProcessStartInfo(program, arguments)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Directory,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        // A guard against a hung tool, not a timing assertion.
        using var guard = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(guard.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}

/// <summary>A dashboard under test and where it came from.</summary>
internal sealed record NamedDashboard(string Name, JsonObject Dashboard)
{
    public override string ToString() => Name;
}

/// <summary>What tsc said of one dashboard.</summary>
internal sealed record TypeCheckVerdict(string Name, IReadOnlyList<string> Errors)
{
    public override string ToString() => $"{Name}: {(Errors.Count == 0 ? "valid" : string.Join("\n  ", Errors))}";
}

/// <summary>What Prometheus's grammar read in one expression.</summary>
internal sealed record PromQlReading(string Expr, IReadOnlyList<string> Metrics, IReadOnlyList<string> Errors);
