using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api.Crds;
using WaddleObservabilityOperator.Tests.Upstream;

namespace WaddleObservabilityOperator.Tests.Api;

/// <summary>
/// Our CRDs against prometheus-operator's controller-gen output: same document shape, same key order and YAML layout,
/// and the same schema for the upstream types both embed. Checked everywhere against the stand-in ServiceMonitor CRD
/// the tests install (written in controller-gen's layout), and also against prometheus-operator's own file where a
/// copy is beside the repository (with its descriptions, which the stand-in leaves out).
/// </summary>
public sealed class PrometheusOperatorStyleTests
{
    private static readonly IReadOnlyList<GeneratedCrd> Crds = CrdGenerator.WithDocumentation().GenerateAll();

    /// <summary>The controller-gen documents to compare with: the stand-in, and the upstream file where it is at hand.</summary>
    public static TheoryData<string> References()
    {
        var data = new TheoryData<string> { "stand-in" };
        if (PrometheusOperatorSchemas.UpstreamServiceMonitorCrd() is not null)
        {
            data.Add("upstream");
        }

        return data;
    }

    private static string ReferenceYaml(string which) =>
        File.ReadAllText(which == "upstream" ? PrometheusOperatorSchemas.UpstreamServiceMonitorCrd()! : PrometheusOperatorSchemas.StandInServiceMonitorCrd);

    [Theory]
    [MemberData(nameof(References))]
    public void Label_selector_schema_equals_controller_gen_output_apart_from_descriptions(string which)
    {
        var theirs = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(ReferenceYaml(which)).Spec.Versions[0].Schema.OpenAPIV3Schema.Properties["spec"].Properties["selector"];
        var ours = Crds.Single(c => c.Kind == "ObservabilityPolicy").Schema.Properties["spec"].Properties["selector"];
        Assert.Equal(WithoutDescriptions(theirs), WithoutDescriptions(ours));
    }

    [Theory]
    [MemberData(nameof(References))]
    public void Documents_have_the_same_shape_and_layout(string which)
    {
        var referenceText = ReferenceYaml(which);
        var reference = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(referenceText);
        foreach (var crd in Crds)
        {
            var ours = crd.Definition;
            Assert.Equal(reference.ApiVersion, ours.ApiVersion);
            Assert.Equal(reference.Kind, ours.Kind);
            Assert.Equal($"{reference.Spec.Names.Plural}.{reference.Spec.Group}", reference.Metadata.Name);
            Assert.Equal($"{ours.Spec.Names.Plural}.{ours.Spec.Group}", ours.Metadata.Name);
            Assert.Equal(reference.Spec.Scope, ours.Spec.Scope);
            var (theirVersion, ourVersion) = (reference.Spec.Versions[0], ours.Spec.Versions[0]);
            Assert.Equal((theirVersion.Served, theirVersion.Storage), (ourVersion.Served, ourVersion.Storage));
            Assert.Equal(KubernetesJson.Serialize(theirVersion.Subresources), KubernetesJson.Serialize(ourVersion.Subresources));
            var (theirRoot, ourRoot) = (theirVersion.Schema.OpenAPIV3Schema, ourVersion.Schema.OpenAPIV3Schema);
            Assert.Equal(theirRoot.Type, ourRoot.Type);
            Assert.Equal(KubernetesJson.Serialize(theirRoot.Properties["metadata"]), KubernetesJson.Serialize(ourRoot.Properties["metadata"]));
            Assert.Equal(WithoutDescriptions(theirRoot.Properties["apiVersion"]), WithoutDescriptions(ourRoot.Properties["apiVersion"]));
            if (which == "upstream")
            {
                Assert.Equal(OneLine(theirRoot.Properties["kind"].Description), ourRoot.Properties["kind"].Description);
                Assert.Equal(OneLine(theirRoot.Properties["apiVersion"].Description), ourRoot.Properties["apiVersion"].Description);
            }

            // Layout: keys in the same order at the top, lists not indented under their key.
            var text = CrdYaml.Serialize(ours);
            Assert.Equal(TopLevelKeys(referenceText), TopLevelKeys(text));
            Assert.Contains("\n  versions:\n  - ", text, StringComparison.Ordinal);
            Assert.Contains("\n  versions:\n  - ", referenceText, StringComparison.Ordinal);
            Assert.StartsWith("---\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n", text, StringComparison.Ordinal);
        }
    }

    private static List<string> TopLevelKeys(string yaml) =>
        yaml.Split('\n').Where(l => l.Length > 0 && char.IsLetter(l[0])).Select(l => l[..l.IndexOf(':', StringComparison.Ordinal)]).ToList();

    private static string WithoutDescriptions(V1JSONSchemaProps schema)
    {
        var node = JsonNode.Parse(KubernetesJson.Serialize(schema))!;
        Strip(node);
        return node.ToJsonString();
    }

    // Items and additionalProperties read back from YAML are untyped, so descriptions are removed on the JSON tree.
    private static void Strip(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                o.Remove("description");
                foreach (var (_, child) in o.ToList())
                {
                    Strip(child);
                }

                break;
            case JsonArray a:
                foreach (var child in a)
                {
                    Strip(child);
                }

                break;
        }
    }

    private static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
