using System.Globalization;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Trace;

namespace WaddleBot.JaegerRemoteSampler;

/// <summary>
/// The sampler <c>OTEL_TRACES_SAMPLER</c> and <c>OTEL_TRACES_SAMPLER_ARG</c> name, as the OpenTelemetry specification
/// lists them: <c>always_on</c>, <c>always_off</c>, <c>traceidratio</c>, their <c>parentbased_</c> forms, and
/// <c>jaeger_remote</c> / <c>parentbased_jaeger_remote</c>, which the .NET SDK lacks. Unset means
/// <c>parentbased_always_on</c>, the specification's default.
/// </summary>
public static class TracesSamplerFromEnvironment
{
    public const string SamplerVariable = "OTEL_TRACES_SAMPLER";
    public const string ArgumentVariable = "OTEL_TRACES_SAMPLER_ARG";

    /// <summary>The sampler, and the remote sampler inside it when there is one (to dispose, or to observe).</summary>
    /// <exception cref="FormatException">An unknown sampler name or an argument it cannot read.</exception>
    public static (Sampler Sampler, JaegerRemoteSampler? Remote) Create(
        Func<string, string?> environment, string serviceName, ILogger? logger = null, Func<SamplingParameters, string>? operationName = null)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var name = environment(SamplerVariable);
        var argument = environment(ArgumentVariable);
        switch (string.IsNullOrWhiteSpace(name) ? "parentbased_always_on" : name.Trim())
        {
            case "always_on":
                return (new AlwaysOnSampler(), null);
            case "always_off":
                return (new AlwaysOffSampler(), null);
            case "traceidratio":
                return (new TraceIdRatioBasedSampler(Ratio(argument)), null);
            case "parentbased_always_on":
                return (new ParentBasedSampler(new AlwaysOnSampler()), null);
            case "parentbased_always_off":
                return (new ParentBasedSampler(new AlwaysOffSampler()), null);
            case "parentbased_traceidratio":
                return (new ParentBasedSampler(new TraceIdRatioBasedSampler(Ratio(argument))), null);
            case "jaeger_remote":
            case "parentbased_jaeger_remote":
                var options = JaegerRemoteSamplerOptions.Parse(argument, serviceName);
                if (operationName is not null)
                {
                    options = options with { OperationName = operationName };
                }

                var remote = new JaegerRemoteSampler(options, logger: logger);
                return (name!.Trim() == "jaeger_remote" ? remote : new ParentBasedSampler(remote), remote);
            default:
                throw new FormatException($"{SamplerVariable}=\"{name}\" is not a sampler this SDK knows");
        }
    }

    // The specification: a missing or invalid ratio is 1.0; an invalid one is reported here instead of hidden.
    private static double Ratio(string? argument) =>
        string.IsNullOrWhiteSpace(argument)
            ? 1.0
            : double.TryParse(argument, NumberStyles.Float, CultureInfo.InvariantCulture, out var ratio) && ratio is >= 0 and <= 1
                ? ratio
                : throw new FormatException($"{ArgumentVariable}=\"{argument}\" is not a probability");
}
