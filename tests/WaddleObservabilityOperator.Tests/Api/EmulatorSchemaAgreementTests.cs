using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using KubeApiEmulator.Schema;
using WaddleObservabilityOperator.Api.Crds;
using WaddleObservabilityOperator.Api.Validation;

namespace WaddleObservabilityOperator.Tests.Api;

/// <summary>
/// ApiValidator against the API emulator's independently written structural-schema validator, both reading the
/// committed CRDs: they must agree on what is valid and on which field is wrong. Rules beyond the schema (label
/// syntax, metadata, kind) are the validator's alone and are not compared.
/// </summary>
public sealed class EmulatorSchemaAgreementTests
{
    private static StructuralSchemaValidator EmulatorFor(string kind)
    {
        var crd = new CrdGenerator(XmlDocumentation.None).GenerateAll().Single(c => c.Kind == kind);
        var committed = File.ReadAllText(RepositoryLayout.PathOf("config", "crds", crd.FileName));
        var definition = KubernetesYaml.Deserialize<k8s.Models.V1CustomResourceDefinition>(committed);
        return new StructuralSchemaValidator(JsonNode.Parse(KubernetesJson.Serialize(definition.Spec.Versions[0].Schema.OpenAPIV3Schema))!);
    }

    [Theory]
    [InlineData("S")]
    [InlineData("P")]
    public void Both_accept_the_complete_objects(string kind)
    {
        var obj = JsonNode.Parse(kind == "S" ? ApiValidatorTests.Service : ApiValidatorTests.Policy)!.AsObject();
        Assert.Empty(ApiValidator.Validate(obj));
        Assert.Empty(EmulatorFor(kind == "S" ? "WaddleService" : "ObservabilityPolicy").ValidateAndPrune(obj, strictUnknownFields: true));
    }

    [Theory]
    [MemberData(nameof(ApiValidatorTests.InvalidFields), MemberType = typeof(ApiValidatorTests))]
    public void Both_reject_a_schema_violation_at_the_same_field(string kind, string field, string value, string path, string message)
    {
        if (BeyondSchema(path, message))
        {
            return;
        }

        var obj = JsonNode.Parse(kind == "S" ? ApiValidatorTests.Service : ApiValidatorTests.Policy)!;
        ApiValidatorTests.Set(obj, field, value);
        Assert.Equal([new FieldError(path, message)], ApiValidator.Validate(obj));
        var emulator = EmulatorFor(kind == "S" ? "WaddleService" : "ObservabilityPolicy").ValidateAndPrune(obj.AsObject(), strictUnknownFields: true);
        // The API server writes map entries as .key; ApiValidator as [key], so keys with dots and slashes stay readable.
        var serverPath = Regex.Replace(path, @"\[([^\]0-9][^\]]*)\]", ".$1");
        Assert.Contains(emulator, e => e.Field == serverPath || e.Message == $"unknown field \"{serverPath}\"");
    }

    private static bool BeyondSchema(string path, string message) =>
        path.Split('.', '[')[0] is "metadata" or "kind" or "apiVersion"
        // Stricter than the API server on purpose: it ignores format int32, but the operator's int field cannot hold more.
        || message.StartsWith("must fit in 32 bits", StringComparison.Ordinal)
        // Go's `$` matches only at the very end; the emulator's .NET regex also before a final newline (reported).
        || message.EndsWith("\n\"", StringComparison.Ordinal)
        || message.StartsWith("label ", StringComparison.Ordinal)
        || message.Contains("when operator is", StringComparison.Ordinal)
        || message.StartsWith("must be one of In, NotIn", StringComparison.Ordinal);
}
