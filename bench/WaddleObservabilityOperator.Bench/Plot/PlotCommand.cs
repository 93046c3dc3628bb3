using System.Globalization;
using System.Text;
using System.Text.Json;
using WaddleObservabilityOperator.Bench.Scale;

namespace WaddleObservabilityOperator.Bench.Plot;

/// <summary>
/// <c>plot --output FILE.svg JSON...</c>: convergence time and operator memory (peak RSS, peak managed heap) against
/// the number of services, from <c>scale --json</c> results with the rate limit off, as an SVG with two panels.
/// </summary>
public sealed class PlotCommand : IBenchCommand
{
    private const int PanelWidth = 420;
    private const int PanelHeight = 260;
    private const int Margin = 60;

    public string Name => "plot";

    public string Summary => "SVG of convergence time and memory against N from scale --json results";

    public string Usage => """
        usage: WaddleObservabilityOperator.Bench plot --output FILE.svg --input DIR
          --input DIR     every *.json written by 'scale --json' in DIR (rate-limited runs are left out)
          --output FILE   the SVG to write
        """;

    public async Task<int> RunAsync(IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var a = new BenchArgs(args);
        var input = a.String("--input") ?? throw new FormatException("--input DIR is required");
        var output = a.String("--output") ?? throw new FormatException("--output FILE is required");
        a.EnsureAllRead();
        var results = new List<ScaleResult>();
        foreach (var file in Directory.GetFiles(input, "*.json").Order(StringComparer.Ordinal))
        {
            var result = JsonSerializer.Deserialize<ScaleResult>(await File.ReadAllTextAsync(file, cancellationToken).ConfigureAwait(false), ScaleResult.Json);
            if (result is { Qps: null })
            {
                results.Add(result);
            }
        }

        if (results.Count == 0)
        {
            await Console.Error.WriteLineAsync($"plot: no scale results with the rate limit off in {input}").ConfigureAwait(false);
            return 1;
        }

        await File.WriteAllTextAsync(output, Render([.. results.OrderBy(r => r.Services)]), cancellationToken).ConfigureAwait(false);
        await Console.Out.WriteLineAsync($"wrote {output} ({results.Count} runs)").ConfigureAwait(false);
        return 0;
    }

    public static string Render(IReadOnlyList<ScaleResult> results)
    {
        ArgumentNullException.ThrowIfNull(results);
        var svg = new StringBuilder();
        var width = (2 * PanelWidth) + (3 * Margin);
        var height = PanelHeight + (2 * Margin);
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" font-family=\"sans-serif\" font-size=\"12\">\n");
        svg.Append(CultureInfo.InvariantCulture, $"<rect width=\"{width}\" height=\"{height}\" fill=\"white\"/>\n");
        Panel(svg, Margin, "Convergence: start to all Ready (s)", results, [("convergence", "#1f77b4", r => r.Convergence.Seconds)]);
        Panel(svg, (2 * Margin) + PanelWidth, "Operator memory (MB)", results,
            [("peak RSS", "#d62728", r => r.PeakRssMb), ("peak managed heap", "#2ca02c", r => r.PeakManagedHeapMb)]);
        svg.Append("</svg>\n");
        return svg.ToString();
    }

    private static void Panel(StringBuilder svg, int left, string title, IReadOnlyList<ScaleResult> results, (string Name, string Color, Func<ScaleResult, double> Value)[] series)
    {
        var top = Margin;
        var maxX = results.Max(r => r.Services);
        var maxY = Nice(results.Max(r => series.Max(s => s.Value(r))));
        double X(double n) => left + (n / maxX * PanelWidth);
        double Y(double v) => top + PanelHeight - (v / maxY * PanelHeight);
        string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left}\" y=\"{top - 20}\" font-weight=\"bold\">{title}</text>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top + PanelHeight}\" x2=\"{left + PanelWidth}\" y2=\"{top + PanelHeight}\" stroke=\"black\"/>\n");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{top + PanelHeight}\" stroke=\"black\"/>\n");
        for (var i = 0; i <= 4; i++)
        {
            var v = maxY * i / 4;
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{F(Y(v))}\" x2=\"{left + PanelWidth}\" y2=\"{F(Y(v))}\" stroke=\"#ddd\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left - 6}\" y=\"{F(Y(v) + 4)}\" text-anchor=\"end\">{F(v)}</text>\n");
        }

        foreach (var n in results.Select(r => r.Services).Distinct())
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{F(X(n))}\" y=\"{top + PanelHeight + 16}\" text-anchor=\"middle\">{n}</text>\n");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + (PanelWidth / 2)}\" y=\"{top + PanelHeight + 34}\" text-anchor=\"middle\">WaddleServices</text>\n");
        for (var s = 0; s < series.Length; s++)
        {
            var (name, color, value) = series[s];
            var points = string.Join(" ", results.Select(r => $"{F(X(r.Services))},{F(Y(value(r)))}"));
            svg.Append(CultureInfo.InvariantCulture, $"<polyline points=\"{points}\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\"/>\n");
            foreach (var r in results)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{F(X(r.Services))}\" cy=\"{F(Y(value(r)))}\" r=\"3\" fill=\"{color}\"><title>{name} at {r.Services}: {F(value(r))}</title></circle>\n");
            }

            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{left + 10}\" y=\"{top + 6 + (s * 16)}\" width=\"10\" height=\"10\" fill=\"{color}\"/>\n");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{left + 26}\" y=\"{top + 15 + (s * 16)}\">{name}</text>\n");
        }
    }

    /// <summary>A round upper bound for an axis (1, 2 or 5 times a power of ten).</summary>
    private static double Nice(double max)
    {
        if (max <= 0 || double.IsNaN(max))
        {
            return 1;
        }

        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(max)));
        return new[] { 1, 2, 5, 10 }.Select(m => m * magnitude).First(v => v >= max);
    }
}
