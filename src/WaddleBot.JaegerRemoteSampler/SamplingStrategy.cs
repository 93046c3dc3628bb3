using System.Globalization;
using System.Text.Json;

namespace WaddleBot.JaegerRemoteSampler;

/// <summary>
/// One service's sampling strategy as Jaeger's sampling endpoint (<c>GET /sampling?service=NAME</c>, port 5778) serves
/// it: per-operation probabilities with a default for every other operation, or a single probability. Rate-limiting
/// strategies are not supported: reading one fails, so the sampler keeps the strategy it had.
/// </summary>
public sealed record SamplingStrategy(double DefaultProbability, IReadOnlyDictionary<string, double> Operations)
{
    /// <summary>The probability of spans named <paramref name="operation"/>: its own strategy, else the default.</summary>
    public double ProbabilityOf(string operation) =>
        Operations.TryGetValue(operation, out var probability) ? probability : DefaultProbability;

    /// <summary>Every operation at one probability.</summary>
    public static SamplingStrategy Uniform(double probability)
    {
        CheckProbability(probability, "probability");
        return new SamplingStrategy(probability, new Dictionary<string, double>(StringComparer.Ordinal));
    }

    /// <summary>
    /// Reads Jaeger's JSON. <c>strategyType</c> may be the number (0 probabilistic, 1 rate limiting, as Jaeger's HTTP
    /// handler writes it) or the enum name (<c>PROBABILISTIC</c>, as protobuf JSON writes it). When
    /// <c>operationSampling</c> is present it wins, as in Jaeger's own clients: its
    /// <c>defaultSamplingProbability</c> is the default and each <c>perOperationStrategies</c> entry's
    /// <c>probabilisticSampling.samplingRate</c> is that operation's; otherwise <c>probabilisticSampling.samplingRate</c>
    /// applies to every operation.
    /// </summary>
    /// <exception cref="FormatException">Not a document Jaeger serves, a probability outside 0..1, or a rate-limiting strategy.</exception>
    public static SamplingStrategy Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new FormatException($"not JSON: {e.Message}", e);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("the strategy is not a JSON object");
            }

            if (Property(root, "operationSampling") is { ValueKind: JsonValueKind.Object } operationSampling)
            {
                var defaultProbability = Number(operationSampling, "defaultSamplingProbability")
                    ?? throw new FormatException("operationSampling has no defaultSamplingProbability");
                CheckProbability(defaultProbability, "operationSampling.defaultSamplingProbability");
                var operations = new Dictionary<string, double>(StringComparer.Ordinal);
                if (Property(operationSampling, "perOperationStrategies") is { ValueKind: JsonValueKind.Array } strategies)
                {
                    foreach (var strategy in strategies.EnumerateArray())
                    {
                        var operation = Property(strategy, "operation") is { ValueKind: JsonValueKind.String } name
                            ? name.GetString()!
                            : throw new FormatException("a perOperationStrategies entry has no operation");
                        var rate = Property(strategy, "probabilisticSampling") is { ValueKind: JsonValueKind.Object } probabilistic
                            ? Number(probabilistic, "samplingRate") ?? 0
                            : throw new FormatException($"operation \"{operation}\" has no probabilisticSampling");
                        CheckProbability(rate, $"operation \"{operation}\" samplingRate");
                        // A later duplicate wins, as in Jaeger's lookup.
                        operations[operation] = rate;
                    }
                }

                return new SamplingStrategy(defaultProbability, operations);
            }

            var type = Property(root, "strategyType") switch
            {
                { ValueKind: JsonValueKind.Number } number => number.GetInt32(),
                { ValueKind: JsonValueKind.String } text => text.GetString() switch
                {
                    "PROBABILISTIC" => 0,
                    "RATE_LIMITING" => 1,
                    var other => throw new FormatException($"unknown strategyType \"{other}\""),
                },
                _ => 0,
            };
            if (type != 0)
            {
                throw new FormatException("rate-limiting strategies are not supported; only probabilistic ones");
            }

            var probability = Property(root, "probabilisticSampling") is { ValueKind: JsonValueKind.Object } sampling
                ? Number(sampling, "samplingRate") ?? 0
                : throw new FormatException("a probabilistic strategy without probabilisticSampling");
            CheckProbability(probability, "probabilisticSampling.samplingRate");
            return Uniform(probability);
        }
    }

    /// <summary>For logs: <c>default 0.1, GET /health 0.05</c>.</summary>
    public override string ToString() =>
        string.Join(", ", new[] { $"default {DefaultProbability.ToString(CultureInfo.InvariantCulture)}" }
            .Concat(Operations.OrderBy(o => o.Key, StringComparer.Ordinal).Select(o => $"{o.Key} {o.Value.ToString(CultureInfo.InvariantCulture)}")));

    private static JsonElement? Property(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : null;

    // Protobuf JSON leaves zero values out, so a missing number is 0 where it is optional.
    private static double? Number(JsonElement element, string name) => Property(element, name) switch
    {
        { ValueKind: JsonValueKind.Number } number => number.GetDouble(),
        { ValueKind: JsonValueKind.String } text when double.TryParse(text.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed) => parsed,
        null => null,
        _ => throw new FormatException($"{name} is not a number"),
    };

    private static void CheckProbability(double value, string what)
    {
        if (double.IsNaN(value) || value is < 0 or > 1)
        {
            throw new FormatException($"{what} {value.ToString(CultureInfo.InvariantCulture)} is outside 0..1");
        }
    }
}
