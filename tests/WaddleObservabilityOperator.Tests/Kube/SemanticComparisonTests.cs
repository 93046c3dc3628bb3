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
    public void Contains_compares_desired_as_a_subset_of_actual(string desired, string actual, bool expected, string because)
    {
        Assert.True(expected == SemanticComparison.Contains(JsonNode.Parse(actual), JsonNode.Parse(desired)), because);
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
