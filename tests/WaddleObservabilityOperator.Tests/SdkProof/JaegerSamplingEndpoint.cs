using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using WaddleObservabilityOperator.Tests.RealPrograms;
using WaddleObservabilityOperator.Tests.Rendering;

namespace WaddleObservabilityOperator.Tests.SdkProof;

/// <summary>
/// Jaeger's remote sampling HTTP endpoint (<c>GET /sampling?service=NAME</c>, port 5778) in front of a strategies file:
/// each request reads the file's current text (the operator's sampling ConfigMap, given to StartAsync), looks
/// the service up as Jaeger's file provider does (<see cref="JaegerStrategyFile"/>) and answers with Jaeger's JSON
/// (strategyType as a number, probabilisticSampling, operationSampling with perOperationStrategies).
/// </summary>
internal sealed class JaegerSamplingEndpoint(WebApplication app, string url) : IAsyncDisposable
{
    private readonly ConcurrentQueue<(DateTimeOffset At, string Service, string Answer)> _served = new();

    public string Url { get; } = url;

    /// <summary>Every answer: when, for which service, what.</summary>
    public IReadOnlyList<(DateTimeOffset At, string Service, string Answer)> Served => [.. _served];

    public static async Task<JaegerSamplingEndpoint> StartAsync(Func<Task<string>> document)
    {
        var port = LocalProcess.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var endpoint = new JaegerSamplingEndpoint(app, $"http://127.0.0.1:{port}/sampling");
        app.MapGet("/sampling", async (string? service) =>
        {
            if (string.IsNullOrEmpty(service))
            {
                return Results.BadRequest("'service' parameter must be provided");
            }

            var answer = Answer(JaegerStrategyFile.Parse(await document()).For(service));
            endpoint._served.Enqueue((DateTimeOffset.UtcNow, service, answer));
            return Results.Text(answer, "application/json");
        });
        await app.StartAsync();
        return endpoint;
    }

    public static string Answer(JaegerStrategyFile.Response response)
    {
        var json = new JsonObject { ["strategyType"] = response.StrategyType };
        if (response.StrategyType == 0)
        {
            json["probabilisticSampling"] = new JsonObject { ["samplingRate"] = response.SamplingRate };
        }
        else
        {
            json["rateLimitingSampling"] = new JsonObject { ["maxTracesPerSecond"] = response.MaxTracesPerSecond };
        }

        if (response.Operations is { } operations)
        {
            json["operationSampling"] = new JsonObject
            {
                ["defaultSamplingProbability"] = operations.DefaultSamplingProbability,
                ["defaultLowerBoundTracesPerSecond"] = 0,
                ["perOperationStrategies"] = new JsonArray([.. operations.PerOperation.Select(o => (JsonNode)new JsonObject
                {
                    ["operation"] = o.Name,
                    ["probabilisticSampling"] = new JsonObject { ["samplingRate"] = o.SamplingRate },
                })]),
            };
        }

        return json.ToJsonString();
    }

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync();
        await app.DisposeAsync();
    }
}
