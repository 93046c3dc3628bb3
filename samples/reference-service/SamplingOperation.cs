using System.Diagnostics;
using OpenTelemetry.Trace;

namespace WaddleBot.ReferenceService;

/// <summary>
/// The operation a span is sampled as. ASP.NET Core starts its server span as
/// <c>Microsoft.AspNetCore.Hosting.HttpRequestIn</c>, with no tags, and names it by route only after routing; the
/// request is already in <see cref="IHttpContextAccessor"/> then, so a per-operation strategy such as
/// <c>GET /health</c> is matched with the request's method and path.
/// </summary>
public sealed class SamplingOperation(IHttpContextAccessor accessor)
{
    public string Name(SamplingParameters parameters) =>
        parameters.Kind == ActivityKind.Server && accessor.HttpContext?.Request is { } request
            ? $"{request.Method} {request.Path.Value}"
            : parameters.Name;
}
