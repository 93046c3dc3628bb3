using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using WaddleObservabilityOperator.Tests.Api;
using WaddleObservabilityOperator.Tests.RealPrograms;

namespace WaddleObservabilityOperator.Tests.SdkProof;

/// <summary>One request the test made and what its response said: the trace (traceresponse header) and whether it was sampled.</summary>
internal sealed record DrivenRequest(string Operation, string CorrelationId, int Status, string TraceId, bool Sampled);

/// <summary>
/// samples/reference-service run as a process (the build output the test project builds with it) with exactly the given
/// environment, listening on its PORT on 127.0.0.1.
/// </summary>
internal sealed class ReferenceServiceProcess : IDisposable
{
    private ReferenceServiceProcess(LocalProcess process, int port)
    {
        Process = process;
        Url = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
    }

    public LocalProcess Process { get; }

    public string Url { get; }

    /// <summary>The service's build output, of the configuration the tests were built in.</summary>
    public static string Assembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var path = RepositoryLayout.PathOf("samples", "reference-service", "bin", configuration, "net10.0", "WaddleBot.ReferenceService.dll");
        Assert.True(File.Exists(path), $"{path} is missing: the test project builds samples/reference-service (ProjectReference)");
        return path;
    }

    /// <summary>Starts it with <paramref name="env"/>, PORT replaced by a free port (the container port, moved as PodLauncher moves ports).</summary>
    public static async Task<ReferenceServiceProcess> StartAsync(string name, IReadOnlyDictionary<string, string> env)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : ProgramPaths.Find("dotnet");
        var assembly = Assembly();
        var (process, ports) = await LocalProcess.StartListeningAsync(1, ports =>
        {
            var withPort = new Dictionary<string, string>(env, StringComparer.Ordinal) { ["PORT"] = ports[0].ToString(CultureInfo.InvariantCulture) };
            return LocalProcess.Start(name, dotnet, [assembly], withPort);
        });
        return new ReferenceServiceProcess(process, ports[0]);
    }

    /// <summary>
    /// Sends <paramref name="count"/> requests per operation (interleaved, a few at a time), each with its own correlation
    /// id <c>{prefix}-{n}</c> in <paramref name="correlationHeader"/>.
    /// </summary>
    public async Task<IReadOnlyList<DrivenRequest>> DriveAsync(HttpClient http, IReadOnlyList<string> operations, int count, string correlationHeader, string prefix)
    {
        var results = new ConcurrentBag<DrivenRequest>();
        var work = Enumerable.Range(0, count).SelectMany(i => operations.Select(op => (Operation: op, Id: $"{prefix}-{op.GetHashCode(StringComparison.Ordinal) & 0xffff:x}-{i}")));
        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (item, token) =>
        {
            var space = item.Operation.IndexOf(' ', StringComparison.Ordinal);
            using var request = new HttpRequestMessage(new HttpMethod(item.Operation[..space]), Url + item.Operation[(space + 1)..]);
            request.Headers.TryAddWithoutValidation(correlationHeader, item.Id);
            using var response = await http.SendAsync(request, token);
            var traceResponse = response.Headers.TryGetValues("traceresponse", out var values) ? values.Single() : "";
            var parts = traceResponse.Split('-');
            Assert.True(parts.Length == 4, $"{item.Operation}: no traceresponse header ({(int)response.StatusCode})\n{Process.Describe()}");
            results.Add(new DrivenRequest(item.Operation, item.Id, (int)response.StatusCode, parts[1], parts[3] == "01"));
        });
        return [.. results];
    }

    /// <summary>Its JSON log lines that carry a correlation id in their scope: (correlation id, category, message).</summary>
    public IReadOnlyList<(string CorrelationId, string Category, string Message)> CorrelatedLogLines()
    {
        var lines = new List<(string, string, string)>();
        foreach (var line in Process.Output.Split('\n'))
        {
            if (!line.StartsWith('{'))
            {
                continue;
            }

            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            if (!root.TryGetProperty("Scopes", out var scopes))
            {
                continue;
            }

            foreach (var scope in scopes.EnumerateArray())
            {
                if (scope.ValueKind == JsonValueKind.Object && scope.TryGetProperty("correlation_id", out var id) && id.ValueKind == JsonValueKind.String)
                {
                    lines.Add((id.GetString()!, root.GetProperty("Category").GetString()!, root.GetProperty("Message").GetString()!));
                }
            }
        }

        return lines;
    }

    public void Dispose() => Process.Dispose();
}
