using k8s.Models;
using WaddleObservabilityOperator.Json;

namespace WaddleObservabilityOperator.Api.Crds;

/// <summary>
/// Writes a CRD as YAML with every mapping in ordinal key order (as controller-gen does), so that regenerating from
/// unchanged types gives byte-identical files and a changed type gives a readable diff.
/// </summary>
public static class CrdYaml
{
    public static string Serialize(V1CustomResourceDefinition definition)
    {
        // kubectl reads YAML 1.1 (go-yaml v2), where yes/no/on/off are booleans too, so those strings are quoted as well.
        return "---\n" + JsonYaml.Write(OperatorJson.ToNode(definition), YamlLayout.Crd);
    }
}
