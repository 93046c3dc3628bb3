using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Context.Propagation;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Prometheus;
using WaddleBot.JaegerRemoteSampler;
using WaddleBot.ReferenceService;

// A WaddleBot-style service that lives by the environment the operator injects (docs/reference-service.md).
var environment = ServiceEnvironment.Read(Environment.GetEnvironmentVariable);
var builder = WebApplication.CreateSlimBuilder(args);
builder.WebHost.UseUrls($"http://0.0.0.0:{environment.Port}");
builder.Logging.ClearProviders();
// One JSON object per line, with the request's correlation_id, request_id and trace_id (the scope) in each.
// ASP.NET Core's own request logs stay out at Information: one line per request is the service's (RequestIdsMiddleware).
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddJsonConsole(json =>
{
    json.IncludeScopes = true;
    json.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ";
    json.UseUtcTimestamp = true;
});
builder.Services.AddSingleton(environment);
builder.Services.AddHttpContextAccessor();
builder.Services.AddTransient<RequestIdsHandler>();
builder.Services.AddHttpClient("downstream").AddHttpMessageHandler<RequestIdsHandler>();
var registry = Metrics.NewCustomRegistry();
builder.Services.AddSingleton(new WaddleBotMetrics(environment, registry));

JaegerRemoteSampler? remoteSampler = null;
if (environment.TracingEnabled)
{
    Sdk.SetDefaultTextMapPropagator(new CompositeTextMapPropagator([.. environment.Propagators.Select(Propagator).OfType<TextMapPropagator>()]));
    builder.Services.AddOpenTelemetry()
        // OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES, read by the SDK's environment detector.
        .ConfigureResource(resource => resource.AddEnvironmentVariableDetector())
        .WithTracing(tracing =>
        {
            tracing.AddAspNetCoreInstrumentation(o => o.Filter = context => context.Request.Path != "/metrics");
            tracing.AddHttpClientInstrumentation();
            tracing.ConfigureServices(services => services.AddSingleton(provider =>
            {
                var (sampler, remote) = TracesSamplerFromEnvironment.Create(Environment.GetEnvironmentVariable, environment.ServiceName,
                    provider.GetRequiredService<ILoggerFactory>().CreateLogger<JaegerRemoteSampler>(),
                    new SamplingOperation(provider.GetRequiredService<IHttpContextAccessor>()).Name);
                remoteSampler = remote;
                return sampler;
            }));
            tracing.SetSampler(provider => provider.GetRequiredService<Sampler>());
            switch (environment.TracesExporter)
            {
                case "otlp":
                    // OTEL_EXPORTER_OTLP_ENDPOINT, _PROTOCOL, _HEADERS and OTEL_BSP_*, read by the exporter.
                    tracing.AddOtlpExporter();
                    break;
                case "none":
                    break;
                default:
                    Console.Error.WriteLine($"OTEL_TRACES_EXPORTER={environment.TracesExporter} is not supported by this service; spans are not exported");
                    break;
            }
        });
}

var app = builder.Build();
app.UseRouting();
app.UseMiddleware<RequestIdsMiddleware>();
var metrics = app.Services.GetRequiredService<WaddleBotMetrics>();
app.Use(async (context, next) =>
{
    var started = Stopwatch.GetTimestamp();
    try
    {
        await next(context);
    }
    catch (Exception)
    {
        metrics.Error("unhandled_exception", "error");
        throw;
    }
    finally
    {
        var endpoint = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
        if (endpoint != "/metrics")
        {
            metrics.Request(context.Request.Method, endpoint, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    }
});

app.MapGet("/health", () => Results.Text("ok"));
app.MapGet("/api/v1/status", (HttpContext context) => Results.Json(new
{
    service = environment.ServiceName,
    correlation_id = context.Features.Get<RequestIds>()?.CorrelationId,
    trace_id = Activity.Current?.TraceId.ToHexString(),
}));
app.MapPost("/commands/{name}", async (string name, string? platform, HttpContext context, IHttpClientFactory clients, ILogger<WaddleBotMetrics> logger) =>
{
    var started = Stopwatch.GetTimestamp();
    platform ??= "api";
    int? downstreamStatus = null;
    if (environment.DownstreamUrl is { } downstream)
    {
        // A command reaches another module: the correlation id and the trace context travel with the call.
        using var response = await clients.CreateClient("downstream").GetAsync(new Uri(downstream, "/api/v1/status"), context.RequestAborted);
        downstreamStatus = (int)response.StatusCode;
    }

    var status = downstreamStatus is null or < 400 ? "success" : "error";
    if (status == "error")
    {
        metrics.Error("downstream", "warning");
    }

    metrics.Command(name, platform, status, Stopwatch.GetElapsedTime(started).TotalSeconds);
    logger.LogInformation("Command {Command} from {Platform}: {Status}", name, platform, status);
    return Results.Json(new
    {
        command = name,
        status,
        correlation_id = context.Features.Get<RequestIds>()?.CorrelationId,
        request_id = context.Features.Get<RequestIds>()?.RequestId,
        trace_id = Activity.Current?.TraceId.ToHexString(),
        downstream_status = downstreamStatus,
    });
});
if (environment.MetricsEnabled)
{
    // prometheus-net answers in OpenMetrics (with exemplars) when the scraper asks for it, as Prometheus does.
    app.MapMetrics("/metrics", registry);
}

app.Lifetime.ApplicationStopping.Register(() => remoteSampler?.Dispose());
app.Run();

static TextMapPropagator? Propagator(string name) => name switch
{
    "tracecontext" => new TraceContextPropagator(),
    "baggage" => new BaggagePropagator(),
    // b3, jaeger, xray, ottrace need OpenTelemetry.Extensions.Propagators, which this sample leaves out.
    _ => null,
};
