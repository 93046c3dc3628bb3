using System.Text.Json;
using System.Text.Json.Serialization;

namespace WaddleObservabilityOperator.Tests.Rendering;

/// <summary>
/// A test-side reading of Jaeger's file-based strategies (internal/sampling/samplingstrategy/file/provider.go, as
/// summarised in research/jaeger.md section 1.3), written independently of the renderer: decoding like Go's
/// encoding/json (case-insensitive keys, unknown keys ignored), unknown types falling back to probabilistic 0.001,
/// ratelimiting truncated to an integer and dropped from operation strategies, default operations inherited and
/// merged, exact and case-sensitive lookup where a later duplicate wins.
/// </summary>
internal sealed class JaegerStrategyFile
{
    public const double DefaultSamplingProbability = 0.001;

    private static readonly JsonSerializerOptions Options = new() { PropertyNameCaseInsensitive = true };

    private readonly Dictionary<string, Response> _services = new(StringComparer.Ordinal);

    private JaegerStrategyFile(Response @default) => Default = @default;

    public Response Default { get; }

    public IReadOnlyCollection<string> Services => _services.Keys;

    public sealed record Operation(string Name, double SamplingRate);

    public sealed record OperationSampling(double DefaultSamplingProbability, IReadOnlyList<Operation> PerOperation);

    /// <summary>StrategyType 0 probabilistic, 1 rate limiting, as in sampling.proto.</summary>
    public sealed record Response(int StrategyType, double SamplingRate, int MaxTracesPerSecond, OperationSampling? Operations);

    public Response For(string service) => _services.TryGetValue(service, out var response) ? response : Default;

    public static JaegerStrategyFile Parse(string json)
    {
        var file = JsonSerializer.Deserialize<FileModel>(json, Options) ?? throw new JsonException("null document");
        var defaultStrategy = file.DefaultStrategy is null
            ? new Response(0, DefaultSamplingProbability, 0, null)
            : ParseService(file.DefaultStrategy, null);
        var parsed = new JaegerStrategyFile(defaultStrategy);
        foreach (var service in file.ServiceStrategies ?? [])
        {
            parsed._services[service.Service ?? ""] = ParseService(service, defaultStrategy.Operations);
        }

        return parsed;
    }

    private static Response ParseService(ServiceModel model, OperationSampling? defaults)
    {
        var strategy = model.Type switch
        {
            "probabilistic" => new Response(0, model.Param, 0, null),
            "ratelimiting" => new Response(1, 0, (int)model.Param, null),
            _ => new Response(0, DefaultSamplingProbability, 0, null),
        };
        var ownDefault = strategy.StrategyType == 0 ? strategy.SamplingRate : DefaultSamplingProbability;
        if (model.OperationStrategies is { } operations)
        {
            var own = operations
                .Where(o => o.Type != "ratelimiting")
                .Select(o => new Operation(o.Operation ?? "", o.Type == "probabilistic" ? o.Param : DefaultSamplingProbability))
                .ToList();
            if (defaults is not null)
            {
                own.AddRange(defaults.PerOperation.Where(d => own.All(o => o.Name != d.Name)));
            }

            return strategy with { Operations = new OperationSampling(ownDefault, own) };
        }

        if (defaults is not null)
        {
            var inherited = strategy.StrategyType == 0 ? strategy.SamplingRate : defaults.DefaultSamplingProbability;
            return strategy with { Operations = new OperationSampling(inherited, [.. defaults.PerOperation]) };
        }

        return strategy;
    }

    private sealed class FileModel
    {
        [JsonPropertyName("default_strategy")]
        public ServiceModel? DefaultStrategy { get; set; }

        [JsonPropertyName("service_strategies")]
        public List<ServiceModel>? ServiceStrategies { get; set; }
    }

    private sealed class ServiceModel
    {
        [JsonPropertyName("service")]
        public string? Service { get; set; }

        [JsonPropertyName("type")]
        public string? Type { get; set; }

        [JsonPropertyName("param")]
        public double Param { get; set; }

        [JsonPropertyName("operation_strategies")]
        public List<OperationModel>? OperationStrategies { get; set; }
    }

    private sealed class OperationModel
    {
        [JsonPropertyName("operation")]
        public string? Operation { get; set; }

        [JsonPropertyName("type")]
        public string? Type { get; set; }

        [JsonPropertyName("param")]
        public double Param { get; set; }
    }
}
