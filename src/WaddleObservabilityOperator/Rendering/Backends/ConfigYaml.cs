using System.Text.Json;
using System.Text.Json.Serialization;
using WaddleObservabilityOperator.Json;
using WaddleObservabilityOperator.Rendering.Slos;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The YAML writer of the generated backend configuration files. Every user value reaches the file through it, so
/// quoting and escaping are YamlDotNet's, never string concatenation. A document's model names its keys and their
/// order with JsonPropertyName/JsonPropertyOrder; it is serialized by <see cref="ConfigDocumentJsonContext"/> (nulls
/// left out) and written with <see cref="YamlLayout.Config"/>.
/// </summary>
internal static class ConfigYaml
{
    public static string Serialize<T>(T document)
        where T : notnull
    {
        var info = ConfigDocumentJsonContext.Default.GetTypeInfo(typeof(T))
            ?? throw new NotSupportedException($"{typeof(T).FullName} is not in ConfigDocumentJsonContext (Rendering/Backends/ConfigYaml.cs): add it there");
        var node = JsonSerializer.SerializeToNode(document, info) ?? throw new InvalidOperationException($"{typeof(T).Name} serialized to null");
        return JsonYaml.Write(node, YamlLayout.Config);
    }
}

/// <summary>The configuration documents' serializers, generated at compile time.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PrometheusConfig))]
[JsonSerializable(typeof(PrometheusRulesDocument.RulesFile), TypeInfoPropertyName = "PrometheusRulesFile")]
[JsonSerializable(typeof(SloRulesFiles.RulesFile), TypeInfoPropertyName = "SloRulesFile")]
[JsonSerializable(typeof(AlertmanagerConfigDocument.AlertmanagerConfig))]
[JsonSerializable(typeof(JaegerConfig))]
[JsonSerializable(typeof(DataSourcesFile))]
[JsonSerializable(typeof(DashboardProvidersFile))]
// ProvisionedDataSource.JsonData is typed object: its kinds.
[JsonSerializable(typeof(PrometheusJsonData))]
[JsonSerializable(typeof(JaegerJsonData))]
internal sealed partial class ConfigDocumentJsonContext : JsonSerializerContext;
