using System.Text.Json;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using YamlDotNet.Serialization;

namespace WaddleObservabilityOperator.Api.Crds;

/// <summary>
/// Writes a CRD as YAML with every mapping in ordinal key order (as controller-gen does), so that regenerating from
/// unchanged types gives byte-identical files and a changed type gives a readable diff.
/// </summary>
public static class CrdYaml
{
    public static string Serialize(V1CustomResourceDefinition definition)
    {
        var json = JsonNode.Parse(KubernetesJson.Serialize(definition))
            ?? throw new InvalidOperationException("The CRD serialized to null.");
        // kubectl reads YAML 1.1 (go-yaml v2), where yes/no/on/off are booleans too, so those strings are quoted as well.
        var serializer = new SerializerBuilder().WithQuotingNecessaryStrings(quoteYaml1_1Strings: true).Build();
        return "---\n" + serializer.Serialize(ToPlain(json));
    }

    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => new SortedDictionary<string, object?>(o.ToDictionary(p => p.Key, p => ToPlain(p.Value)), StringComparer.Ordinal),
        JsonArray a => a.Select(ToPlain).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number when v.TryGetValue<long>(out var l) => l,
            JsonValueKind.Number => v.GetValue<double>(),
            _ => throw new InvalidOperationException($"Unexpected JSON value {v.ToJsonString()}."),
        },
        _ => throw new InvalidOperationException($"Unexpected JSON node {node.GetType().Name}."),
    };
}
