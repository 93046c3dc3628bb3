using System.Text.Json.Nodes;
using KubeApiEmulator.Patching;

namespace KubeApiEmulator.Tests.Patching;

public sealed class JsonPatchTests
{
    // RFC 6902 appendix A examples plus the pointer escaping of RFC 6901.
    [Theory]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/baz","value":"qux"}]""", """{"foo":"bar","baz":"qux"}""")]
    [InlineData("""{"foo":["bar","baz"]}""", """[{"op":"add","path":"/foo/1","value":"qux"}]""", """{"foo":["bar","qux","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"remove","path":"/baz"}]""", """{"foo":"bar"}""")]
    [InlineData("""{"foo":["bar","qux","baz"]}""", """[{"op":"remove","path":"/foo/1"}]""", """{"foo":["bar","baz"]}""")]
    [InlineData("""{"baz":"qux","foo":"bar"}""", """[{"op":"replace","path":"/baz","value":"boo"}]""", """{"baz":"boo","foo":"bar"}""")]
    [InlineData("""{"foo":{"bar":"baz","waldo":"fred"},"qux":{"corge":"grault"}}""", """[{"op":"move","from":"/foo/waldo","path":"/qux/thud"}]""", """{"foo":{"bar":"baz"},"qux":{"corge":"grault","thud":"fred"}}""")]
    [InlineData("""{"foo":["all","grass","cows","eat"]}""", """[{"op":"move","from":"/foo/1","path":"/foo/3"}]""", """{"foo":["all","cows","eat","grass"]}""")]
    [InlineData("""{"baz":"qux","foo":["a",2,"c"]}""", """[{"op":"test","path":"/baz","value":"qux"},{"op":"test","path":"/foo/1","value":2}]""", """{"baz":"qux","foo":["a",2,"c"]}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/child","value":{"grandchild":{}}}]""", """{"foo":"bar","child":{"grandchild":{}}}""")]
    [InlineData("""{"foo":["bar"]}""", """[{"op":"add","path":"/foo/-","value":["abc","def"]}]""", """{"foo":["bar",["abc","def"]]}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"copy","from":"/foo","path":"/baz"}]""", """{"foo":"bar","baz":"bar"}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"replace","path":"","value":{"a":1}}]""", """{"a":1}""")]
    [InlineData("""{"foo":"bar"}""", """[{"op":"add","path":"/n","value":null}]""", """{"foo":"bar","n":null}""")]
    [InlineData("""{"metadata":{"annotations":{"a/b":"1","c~d":"2"}}}""", """[{"op":"remove","path":"/metadata/annotations/a~1b"},{"op":"replace","path":"/metadata/annotations/c~0d","value":"3"}]""", """{"metadata":{"annotations":{"c~d":"3"}}}""")]
    public void Rfc6902_operations(string target, string operations, string expected)
    {
        var result = JsonPatch.Apply(JsonNode.Parse(target)!, JsonNode.Parse(operations)!.AsArray());

        Assert.Equal(JsonNode.Parse(expected)!.ToJsonString(), result.ToJsonString());
    }

    // Failures the API server answers with 422; messages in evanphx/json-patch's words.
    [Theory]
    [InlineData("""{"metadata":{"resourceVersion":"8"}}""", """[{"op":"test","path":"/metadata/resourceVersion","value":"7"}]""", "testing value /metadata/resourceVersion failed")]
    [InlineData("""{"a":1}""", """[{"op":"test","path":"/b","value":1}]""", "testing value /b failed")]
    [InlineData("""{"a":1}""", """[{"op":"remove","path":"/b"}]""", "remove operation does not apply: doc is missing path: \"/b\"")]
    [InlineData("""{"a":1}""", """[{"op":"replace","path":"/b","value":2}]""", "replace operation does not apply: doc is missing key: /b")]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"/x/y","value":2}]""", "add operation does not apply: doc is missing path: \"/x/y\"")]
    [InlineData("""{"a":[1]}""", """[{"op":"add","path":"/a/5","value":2}]""", "add operation does not apply")]
    [InlineData("""{"a":[1]}""", """[{"op":"add","path":"/a/01","value":2}]""", "add operation does not apply")]
    [InlineData("""{"a":1}""", """[{"op":"jump","path":"/a"}]""", "unexpected kind of JSON patch operation")]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"/b"}]""", "missing the \"value\" member")]
    [InlineData("""{"a":{"b":1}}""", """[{"op":"move","from":"/a","path":"/a/b/c"}]""", "is a prefix of")]
    [InlineData("""{"a":1}""", """[{"op":"add","path":"a","value":1}]""", "invalid JSON pointer")]
    public void Failures_throw_a_patch_exception(string target, string operations, string messagePart)
    {
        var error = Assert.Throws<PatchException>(() => JsonPatch.Apply(JsonNode.Parse(target)!, JsonNode.Parse(operations)!.AsArray()));

        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_operation_leaves_the_target_untouched()
    {
        var target = JsonNode.Parse("""{"metadata":{"finalizers":["a"],"resourceVersion":"8"}}""")!;
        var operations = JsonNode.Parse("""[{"op":"remove","path":"/metadata/finalizers/0"},{"op":"test","path":"/metadata/resourceVersion","value":"7"}]""")!.AsArray();

        Assert.Throws<PatchException>(() => JsonPatch.Apply(target, operations));
        Assert.Equal("""{"metadata":{"finalizers":["a"],"resourceVersion":"8"}}""", target.ToJsonString());
    }
}
