using System.Diagnostics;

namespace WaddleBot.ReferenceService;

/// <summary>The correlation and request id of the request being handled.</summary>
public sealed record RequestIds(string? CorrelationId, string? RequestId);

/// <summary>
/// WaddleBot's correlation: the correlation and request ids come from CORRELATION_HEADER and REQUEST_HEADER, are
/// generated when missing (GENERATE_REQUEST_ID), are echoed on the response, travel in a logging scope (so every log
/// line of the request carries them) and are sent on every downstream call (<see cref="RequestIdsHandler"/>).
/// </summary>
public sealed class RequestIdsMiddleware(RequestDelegate next, ServiceEnvironment environment, ILogger<RequestIdsMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var correlationId = Header(context, environment.CorrelationHeader);
        var requestId = Header(context, environment.RequestHeader);
        if (environment.GenerateRequestId)
        {
            requestId ??= Guid.NewGuid().ToString();
            correlationId ??= requestId;
        }

        var ids = new RequestIds(correlationId, requestId);
        context.Features.Set(ids);
        if (correlationId is not null)
        {
            context.Response.Headers[environment.CorrelationHeader] = correlationId;
        }

        if (requestId is not null)
        {
            context.Response.Headers[environment.RequestHeader] = requestId;
        }

        var activity = Activity.Current;
        if (activity is not null)
        {
            activity.SetTag("waddlebot.correlation_id", correlationId);
            activity.SetTag("waddlebot.request_id", requestId);
            // The W3C trace-context response header: a caller learns the trace and whether it was sampled.
            context.Response.Headers["traceresponse"] = $"00-{activity.TraceId}-{activity.SpanId}-{(activity.Recorded ? "01" : "00")}";
        }

        using (logger.BeginScope(new Dictionary<string, object?>
        {
            ["correlation_id"] = correlationId,
            ["request_id"] = requestId,
            ["trace_id"] = activity?.TraceId.ToString(),
        }))
        {
            var started = Stopwatch.GetTimestamp();
            await next(context);
            logger.LogInformation("{Method} {Path} {Status} in {ElapsedMs} ms", context.Request.Method, context.Request.Path.Value,
                context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
    }

    private static string? Header(HttpContext context, string name) =>
        context.Request.Headers.TryGetValue(name, out var values) && values.Count > 0 && !string.IsNullOrWhiteSpace(values[0]) ? values[0] : null;
}

/// <summary>Puts the current request's correlation and request ids on an outgoing call.</summary>
public sealed class RequestIdsHandler(IHttpContextAccessor accessor, ServiceEnvironment environment) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (accessor.HttpContext?.Features.Get<RequestIds>() is { } ids)
        {
            if (ids.CorrelationId is not null)
            {
                request.Headers.TryAddWithoutValidation(environment.CorrelationHeader, ids.CorrelationId);
            }

            if (ids.RequestId is not null)
            {
                request.Headers.TryAddWithoutValidation(environment.RequestHeader, ids.RequestId);
            }
        }

        return base.SendAsync(request, cancellationToken);
    }
}
