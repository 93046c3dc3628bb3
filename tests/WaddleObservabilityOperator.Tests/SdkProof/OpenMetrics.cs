using System.Text.RegularExpressions;

namespace WaddleObservabilityOperator.Tests.SdkProof;

/// <summary>Reading /metrics as Prometheus asks for it (OpenMetrics first).</summary>
internal static partial class OpenMetrics
{
    public const string Accept = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    [GeneratedRegex("""^waddlebot_http_request_duration_seconds_bucket\{[^}]*\} \S+ # \{[^}]*trace_id="([0-9a-f]{32})"[^}]*\}""", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex LatencyExemplar();

    /// <summary>The trace ids of the latency histogram's exemplars; fails unless the answer is OpenMetrics.</summary>
    public static async Task<IReadOnlyList<string>> LatencyExemplarsAsync(HttpClient http, string serviceUrl)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, serviceUrl + "/metrics");
        request.Headers.TryAddWithoutValidation("Accept", Accept);
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        Assert.StartsWith("application/openmetrics-text", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        var text = await response.Content.ReadAsStringAsync();
        Assert.EndsWith("# EOF\n", text, StringComparison.Ordinal);
        return [.. LatencyExemplar().Matches(text).Select(m => m.Groups[1].Value)];
    }
}
