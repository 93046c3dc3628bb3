using System.Diagnostics;
using System.Text.Json;
using WaddleObservabilityOperator.Chaos;

namespace WaddleObservabilityOperator.Bench.Chaos;

/// <summary>
/// <c>chaos --services N [--scenarios a,b] [--seed S] [--workers N[-M]] [--json PATH]</c>: the fault suite's scenarios
/// (<see cref="ChaosScenarios"/>) on a larger WaddleBot system, each timed from the user's apply to the moment the
/// namespace equals the fault-free run's final state. Prints one line per scenario; exits 1 if any lost something or
/// did not converge.
/// </summary>
public sealed class ChaosCommand : IBenchCommand
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public string Name => "chaos";

    public string Summary => "the fault suite's scenarios at a larger size, timed";

    public string Usage => $"""
        usage: WaddleObservabilityOperator.Bench chaos [flags]
          --services N          WaddleServices (each with a Deployment and a Service) (default 100)
          --scenarios A,B       only these scenarios (default all: {string.Join(", ", ChaosScenarios.All.Select(s => s.Name))})
          --seed S              seeds the fault rates and the random moments (default 7)
          --patience D          seconds a scenario may take to converge before it fails (default 600)
          --workers N[-M]       each controller's workers: N fixed, or N to M as the reconciles' API wait asks (default: the operator's, 2-16)
          --json PATH           write the results as JSON
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new BenchArgs(args);
        var services = a.Int("--services", 100, 1);
        var seed = a.Int("--seed", 7, 0);
        var patience = TimeSpan.FromSeconds(a.Int("--patience", 600, 1));
        var names = a.String("--scenarios")?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var json = a.String("--json");
        (int Min, int Max)? workers = a.String("--workers") is { } w ? ParseWorkers(w) : null;
        a.EnsureAllRead();
        var unknown = names?.Where(n => ChaosScenarios.All.All(s => s.Name != n)).ToList() ?? [];
        if (unknown.Count > 0)
        {
            throw new FormatException($"unknown scenario{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown)}");
        }

        var crd = RepositoryPaths.ServiceMonitorCrd();
        var runner = new ChaosRunner(new ChaosSettings
        {
            Assets = new ChaosAssets(RepositoryPaths.Of("config", "crds"), RepositoryPaths.Of("config", "samples", "waddlebot"), crd, RepositoryPaths.PrometheusRuleCrd()),
            Services = services,
            Seed = seed,
            Patience = patience,
            CheckUnobservedExceptions = true,
            Workers = workers,
        });

        var total = Stopwatch.StartNew();
        var results = new List<ScenarioResult>();
        foreach (var scenario in ChaosScenarios.All.Where(s => names is null || names.Contains(s.Name)))
        {
            var result = await runner.RunAsync(scenario, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            var figures = string.Join(" ", result.Figures.Select(f => $"{f.Key}={f.Value}"));
            await Console.Out.WriteLineAsync(
                $"{result.Name,-20} {(result.Passed ? "ok  " : "FAIL")} converged {result.ConvergenceSeconds?.ToString("0.000") ?? "never"} s (fault-free {result.FaultFreeConvergenceSeconds:0.000} s) {figures}").ConfigureAwait(false);
            foreach (var violation in result.Violations)
            {
                await Console.Out.WriteLineAsync($"    {violation}").ConfigureAwait(false);
            }
        }

        if (json is not null)
        {
            var report = new
            {
                command = "chaos",
                services,
                seed,
                workers = workers is { } range ? $"{range.Min}-{range.Max}" : "default",
                machine = new { Environment.ProcessorCount, os = Environment.OSVersion.ToString(), dotnet = Environment.Version.ToString() },
                totalSeconds = Math.Round(total.Elapsed.TotalSeconds, 1),
                scenarios = results,
            };
            await File.WriteAllTextAsync(json, JsonSerializer.Serialize(report, Indented), cancellationToken).ConfigureAwait(false);
        }

        return results.All(r => r.Passed) ? 0 : 1;
    }

    private static (int Min, int Max) ParseWorkers(string text)
    {
        var parts = text.Split('-');
        return parts.Length is 1 or 2 && parts.All(p => int.TryParse(p, System.Globalization.CultureInfo.InvariantCulture, out var n) && n >= 1)
            ? (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[^1], System.Globalization.CultureInfo.InvariantCulture))
            : throw new FormatException($"--workers: '{text}' is not N or N-M (workers, at least 1)");
    }
}
