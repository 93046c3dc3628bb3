using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Kube;

namespace WaddleObservabilityOperator.Tests.Kube;

public sealed class SemanticComparisonTests
{
    [Theory]
    [InlineData("""{"a":1}""", """{"a":1.0}""", true, "numbers by value")]
    [InlineData("""{"a":1}""", """{"a":1,"b":2}""", true, "a server-populated extra field")]
    [InlineData("""{"a":1,"b":null}""", """{"a":1}""", true, "null in desired means unset")]
    [InlineData("""{"labels":{}}""", """{}""", true, "empty object vs missing")]
    [InlineData("""{"args":[]}""", """{}""", true, "empty array vs missing")]
    [InlineData("""{"s":""}""", """{}""", true, "empty string vs missing")]
    [InlineData("""{"s":"x"}""", """{}""", false, "a value missing from actual")]
    [InlineData("""{"s":"x"}""", """{"s":"y"}""", false, "a different string")]
    [InlineData("""{"x":{"y":1}}""", """{"x":{"y":2}}""", false, "a nested difference")]
    [InlineData("""{"ports":[{"name":"a"}]}""", """{"ports":[{"name":"a","protocol":"TCP"}]}""", true, "defaults inside array elements")]
    [InlineData("""{"ports":[{"name":"a"}]}""", """{"ports":[{"name":"a"},{"name":"b"}]}""", false, "an extra array element")]
    [InlineData("""{"arr":[1,2]}""", """{"arr":[2,1]}""", false, "array order matters")]
    [InlineData("""{"resources":{"limits":{"cpu":"1000m","memory":"1Gi"}}}""", """{"resources":{"limits":{"cpu":"1","memory":"1024Mi"}}}""", true, "quantities by value")]
    [InlineData("""{"resources":{"requests":{"cpu":"100m"}}}""", """{"resources":{"requests":{"cpu":"200m"}}}""", false, "different quantities")]
    [InlineData("""{"env":[{"value":"1000m"}]}""", """{"env":[{"value":"1"}]}""", false, "env values are strings, not quantities")]
    [InlineData("""{"targetPort":8080}""", """{"targetPort":"8080"}""", true, "int-or-string")]
    [InlineData("""{"enabled":true}""", """{"enabled":"true"}""", false, "a bool is not a string")]
    [InlineData("""{"enabled":false}""", """{}""", false, "false is a value, not unset")]
    [InlineData("""{"n":0}""", """{}""", false, "zero is a value, not unset")]
    [InlineData("""{"s":"A\"b"}""", """{"s":"\u0041\u0022b"}""", true, "the same string escaped differently")]
    [InlineData("""{"s":"A\"b"}""", """{"s":"A\"c"}""", false, "escaped strings that differ")]
    [InlineData("""{"s":"\u0041"}""", """{"s":"A"}""", true, "an escape against plain text")]
    [InlineData("""{"s":""}""", """{"s":"\u0041"}""", true, "empty desired, escaped actual")]
    [InlineData("""{"s":"x"}""", """{"s":""}""", false, "a parsed empty string is unset")]
    public void Contains_compares_desired_as_a_subset_of_actual(string desired, string actual, bool expected, string because)
    {
        Assert.True(expected == SemanticComparison.Contains(JsonNode.Parse(actual), JsonNode.Parse(desired)), because);
    }

    [Theory]
    [InlineData("A\"b", "A\"b", true)]
    [InlineData("A\"b", "A\"c", false)]
    [InlineData("", "x", false)]
    [InlineData("", "", true)]
    public void Strings_set_in_code_compare_with_parsed_ones(string inCode, string parsed, bool expected)
    {
        // Desired objects carry .NET strings (JsonValue.Create); cached ones were parsed (UTF-8 in their document).
        var fromCode = new JsonObject { ["s"] = inCode };
        var fromText = JsonNode.Parse(new JsonObject { ["s"] = parsed }.ToJsonString());
        Assert.Equal(expected, SemanticComparison.Equivalent(fromText, fromCode));
        Assert.Equal(expected, SemanticComparison.Equivalent(fromCode, fromText));
    }

    [Fact]
    public void A_large_escaped_document_is_compared_by_value()
    {
        var document = string.Concat(Enumerable.Range(0, 5000).Select(i => $"{{\"service\":\"svc-{i}\",\"param\":0.{i % 10}}},"));
        var actual = JsonNode.Parse(new JsonObject { ["data"] = new JsonObject { ["sampling.json"] = document } }.ToJsonString());
        Assert.True(SemanticComparison.Equivalent(actual, new JsonObject { ["data"] = new JsonObject { ["sampling.json"] = document } }));
        Assert.False(SemanticComparison.Equivalent(actual, new JsonObject { ["data"] = new JsonObject { ["sampling.json"] = document + " " } }));
        Assert.True(SemanticComparison.Equivalent(actual, JsonNode.Parse(actual!.ToJsonString())));
    }

    [Theory]
    [InlineData("""{"a":"1"}""", """{"a":"1","b":"2"}""", false, "an extra key counts")]
    [InlineData("""{}""", """{"a":null}""", true, "null vs missing")]
    [InlineData("""{"a":[]}""", """{}""", true, "empty vs missing")]
    [InlineData("""{"a":{"b":1.0}}""", """{"a":{"b":1}}""", true, "numbers by value")]
    [InlineData(null, """{}""", true, "no status vs empty status")]
    [InlineData("""{"conditions":[{"type":"Ready","status":"True"}]}""", """{"conditions":[{"type":"Ready","status":"False"}]}""", false, "a changed condition")]
    public void Equivalent_allows_no_extra_fields(string? left, string right, bool expected, string because)
    {
        Assert.True(expected == SemanticComparison.Equivalent(left is null ? null : JsonNode.Parse(left), JsonNode.Parse(right)), because);
    }

    [Fact]
    public void Differences_name_the_paths()
    {
        var actual = JsonNode.Parse("""{"spec":{"a":1,"b":[{"c":"x"}]}}""");
        var desired = JsonNode.Parse("""{"spec":{"a":2,"b":[{"c":"y"}]}}""");

        Assert.Equal(["spec.a", "spec.b[0].c"], SemanticComparison.Differences(actual, desired, "", subset: true).Select(p => p.TrimStart('.')));
    }
}
