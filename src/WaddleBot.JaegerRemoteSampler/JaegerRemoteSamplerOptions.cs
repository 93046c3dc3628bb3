using System.Globalization;
using OpenTelemetry.Trace;

namespace WaddleBot.JaegerRemoteSampler;

/// <summary>
/// Settings of <see cref="JaegerRemoteSampler"/>, as the OpenTelemetry specification spells them in
/// <c>OTEL_TRACES_SAMPLER_ARG</c> for <c>jaeger_remote</c>: <c>endpoint=URL,pollingIntervalMs=N,initialSamplingRate=P</c>.
/// </summary>
public sealed record JaegerRemoteSamplerOptions
{
    /// <summary>The specification's defaults.</summary>
    public static readonly Uri DefaultEndpoint = new("http://localhost:5778/sampling");

    public const int DefaultPollingIntervalMs = 60_000;

    public const double DefaultInitialSamplingRate = 0.001;

    /// <summary>The service whose strategy is asked for (<c>?service=</c>), normally OTEL_SERVICE_NAME.</summary>
    public required string ServiceName { get; init; }

    /// <summary>Jaeger's sampling endpoint; the sampler asks <c>{Endpoint}?service={ServiceName}</c>.</summary>
    public Uri Endpoint { get; init; } = DefaultEndpoint;

    public TimeSpan PollingInterval { get; init; } = TimeSpan.FromMilliseconds(DefaultPollingIntervalMs);

    /// <summary>The probability of every operation until the first strategy arrives.</summary>
    public double InitialSamplingRate { get; init; } = DefaultInitialSamplingRate;

    /// <summary>
    /// The operation a span is sampled as (per-operation strategies are keyed by it). The span's name by default; an
    /// application whose server spans get their final name after sampling (ASP.NET Core names them by route later)
    /// maps the sampling parameters to the name the trace will show.
    /// </summary>
    public Func<SamplingParameters, string> OperationName { get; init; } = parameters => parameters.Name;

    /// <summary>
    /// Reads <c>OTEL_TRACES_SAMPLER_ARG</c>: comma-separated <c>key=value</c> pairs; missing keys take the
    /// specification's defaults, unknown keys are ignored (the specification lets SDKs add their own).
    /// </summary>
    /// <exception cref="FormatException">A value that is not a URL, a positive whole number of milliseconds or a probability.</exception>
    public static JaegerRemoteSamplerOptions Parse(string? argument, string serviceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceName);
        var options = new JaegerRemoteSamplerOptions { ServiceName = serviceName };
        foreach (var pair in (argument ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"\"{pair}\" is not key=value");
            }

            var (key, value) = (pair[..equals].Trim(), pair[(equals + 1)..].Trim());
            options = key switch
            {
                "endpoint" => options with
                {
                    Endpoint = Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
                        ? uri
                        : throw new FormatException($"endpoint \"{value}\" is not an http(s) URL"),
                },
                "pollingIntervalMs" => options with
                {
                    PollingInterval = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms) && ms > 0
                        ? TimeSpan.FromMilliseconds(ms)
                        : throw new FormatException($"pollingIntervalMs \"{value}\" is not a positive whole number"),
                },
                "initialSamplingRate" => options with
                {
                    InitialSamplingRate = double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var rate) && rate is >= 0 and <= 1
                        ? rate
                        : throw new FormatException($"initialSamplingRate \"{value}\" is not a probability"),
                },
                _ => options,
            };
        }

        return options;
    }

    /// <summary>The URL one poll asks.</summary>
    public Uri StrategyUrl()
    {
        var builder = new UriBuilder(Endpoint);
        var service = "service=" + Uri.EscapeDataString(ServiceName);
        builder.Query = string.IsNullOrEmpty(builder.Query) ? service : builder.Query.TrimStart('?') + "&" + service;
        return builder.Uri;
    }
}
