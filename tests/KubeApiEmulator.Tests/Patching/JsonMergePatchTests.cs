using System.Text.Json.Nodes;
using KubeApiEmulator.Patching;

namespace KubeApiEmulator.Tests.Patching;

public sealed class JsonMergePatchTests
{
    // The test cases of RFC 7386 appendix A, which the API server's merge patch (evanphx/json-patch MergePatch) passes.
    [Theory]
    [InlineData("""{"a":"b"}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"b":"c"}""", """{"a":"b","b":"c"}""")]
    [InlineData("""{"a":"b"}""", """{"a":null}""", """{}""")]
    [InlineData("""{"a":"b","b":"c"}""", """{"a":null}""", """{"b":"c"}""")]
    [InlineData("""{"a":["b"]}""", """{"a":"c"}""", """{"a":"c"}""")]
    [InlineData("""{"a":"c"}""", """{"a":["b"]}""", """{"a":["b"]}""")]
    [InlineData("""{"a":{"b":"c"}}""", """{"a":{"b":"d","c":null}}""", """{"a":{"b":"d"}}""")]
    [InlineData("""{"a":[{"b":"c"}]}""", """{"a":[1]}""", """{"a":[1]}""")]
    [InlineData("""["a","b"]""", """["c","d"]""", """["c","d"]""")]
    [InlineData("""{"a":"b"}""", """["c"]""", """["c"]""")]
    [InlineData("""{"e":null}""", """{"a":1}""", """{"e":null,"a":1}""")]
    [InlineData("""[1,2]""", """{"a":"b","c":null}""", """{"a":"b"}""")]
    [InlineData("""{}""", """{"a":{"bb":{"ccc":null}}}""", """{"a":{"bb":{}}}""")]
    public void Rfc7386_examples(string target, string patch, string expected)
    {
        var result = JsonMergePatch.Apply(JsonNode.Parse(target)!, JsonNode.Parse(patch)!);

        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), result.ToJsonString());
    }

    [Fact]
    public void Kubernetes_object_label_change_and_removal_leave_the_rest_alone()
    {
        var target = JsonNode.Parse("""{"metadata":{"name":"a","labels":{"x":"1","y":"2"}},"spec":{"replicas":1}}""")!;

        var result = JsonMergePatch.Apply(target, JsonNode.Parse("""{"metadata":{"labels":{"x":null,"z":"3"}}}""")!);

        Assert.Equal("""{"metadata":{"name":"a","labels":{"y":"2","z":"3"}},"spec":{"replicas":1}}""", result.ToJsonString());
        Assert.Equal("""{"metadata":{"name":"a","labels":{"x":"1","y":"2"}},"spec":{"replicas":1}}""", target.ToJsonString());
    }
}
