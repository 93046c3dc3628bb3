using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace WaddleObservabilityOperator.Telemetry;

/// <summary>
/// The operator's HTTP endpoints on Kestrel: /metrics on the metrics address, /healthz and /readyz on the probe
/// address (ready once every informer cache has synced). Two listeners, as controller-runtime has, so a NetworkPolicy
/// can expose metrics without exposing probes.
/// </summary>
public sealed class ProbeEndpoints : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];

    private ProbeEndpoints()
    {
    }

    /// <summary>The bound metrics URL (with the real port when the flag asked for port 0); null when disabled.</summary>
    public Uri? MetricsUrl { get; private set; }

    /// <summary>The bound probe URL; null when disabled.</summary>
    public Uri? HealthUrl { get; private set; }

    /// <summary>
    /// Starts both listeners. Addresses are controller-runtime style: ":8080", "127.0.0.1:0", "[::1]:8081"; "0" disables.
    /// With <c>secure</c>, /metrics is served over TLS and only to callers its authorizer allows; plain HTTP otherwise.
    /// </summary>
    public static async Task<ProbeEndpoints> StartAsync(
        string metricsAddress, string healthAddress, OperatorMetrics metrics, Func<bool> ready, CancellationToken cancellationToken,
        SecureMetrics? secure = null)
    {
        var endpoints = new ProbeEndpoints();
        try
        {
            if (ParseBindAddress(metricsAddress) is { } metricsEndPoint)
            {
                var app = Build(metricsEndPoint, secure?.Certificate);
                app.MapGet("/metrics", async context =>
                {
                    if (secure is not null)
                    {
                        var access = await secure.Authorizer.AuthorizeAsync(context.Request.Headers.Authorization.FirstOrDefault(), context.RequestAborted).ConfigureAwait(false);
                        if (access.StatusCode != StatusCodes.Status200OK)
                        {
                            context.Response.StatusCode = access.StatusCode;
                            await context.Response.WriteAsync(access.Reason, context.RequestAborted).ConfigureAwait(false);
                            return;
                        }
                    }

                    context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
                    await metrics.Registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted).ConfigureAwait(false);
                });
                endpoints.MetricsUrl = await endpoints.StartAsync(app, cancellationToken).ConfigureAwait(false);
            }

            if (ParseBindAddress(healthAddress) is { } healthEndPoint)
            {
                var app = Build(healthEndPoint);
                // Liveness: the process serves requests. Readiness: caches synced, so reconciles see the whole world.
                app.MapGet("/healthz", context => PlainText(context, StatusCodes.Status200OK, "ok"));
                app.MapGet("/readyz", context => ready()
                    ? PlainText(context, StatusCodes.Status200OK, "ok")
                    : PlainText(context, StatusCodes.Status503ServiceUnavailable, "caches not synced"));
                endpoints.HealthUrl = await endpoints.StartAsync(app, cancellationToken).ConfigureAwait(false);
            }

            return endpoints;
        }
        catch
        {
            await endpoints.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static Task PlainText(HttpContext context, int statusCode, string text)
    {
        context.Response.StatusCode = statusCode;
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(text, context.RequestAborted);
    }

    /// <summary>Parses "host:port" with an empty host meaning every interface; "0" (or empty) means disabled.</summary>
    public static IPEndPoint? ParseBindAddress(string address)
    {
        if (string.IsNullOrWhiteSpace(address) || address == "0")
        {
            return null;
        }

        var colon = address.LastIndexOf(':');
        if (colon < 0 || !int.TryParse(address[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException($"bind address '{address}' is not host:port (e.g. :8080 or 127.0.0.1:8080), or 0 to disable");
        }

        var host = address[..colon].Trim('[', ']');
        if (host.Length == 0 || host == "*" || host == "0.0.0.0")
        {
            return new IPEndPoint(IPAddress.Any, port);
        }

        if (host == "localhost")
        {
            return new IPEndPoint(IPAddress.Loopback, port);
        }

        return IPAddress.TryParse(host, out var ip)
            ? new IPEndPoint(ip, port)
            : throw new FormatException($"bind address '{address}': '{host}' is not an IP address");
    }

    private static WebApplication Build(IPEndPoint endPoint, System.Security.Cryptography.X509Certificates.X509Certificate2? certificate = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.ConfigureKestrel(k => k.Listen(endPoint, listen =>
        {
            if (certificate is not null)
            {
                listen.UseHttps(certificate);
            }
        }));
        return builder.Build();
    }

    private async Task<Uri> StartAsync(WebApplication app, CancellationToken cancellationToken)
    {
        _apps.Add(app);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Uri(address.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal).Replace("[::]", "[::1]", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.StopAsync(CancellationToken.None).ConfigureAwait(false);
            await app.DisposeAsync().ConfigureAwait(false);
        }

        _apps.Clear();
    }
}

/// <summary>What serving /metrics securely takes: the TLS certificate and the TokenReview/SubjectAccessReview check.</summary>
public sealed record SecureMetrics(System.Security.Cryptography.X509Certificates.X509Certificate2 Certificate, MetricsAuthorizer Authorizer);
