using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Manifests;

namespace WaddleObservabilityOperator.Tests.Cli;

public sealed class ManifestYamlWriterTests
{
    [Fact]
    public void Strings_that_yaml_would_retype_are_quoted_and_config_files_are_literal_blocks()
    {
        var node = JsonNode.Parse("""
            {"kind": "ConfigMap", "data": {"enabled": "true", "legacy": "yes", "ratio": "0.10", "version": "1.0.0",
             "empty": "", "time": "2025-01-31T12:00:00Z", "prometheus.yml": "global:\n  scrape_interval: 15s\n"}, "replicas": 2, "ratio": 0.1}
            """)!;

        var yaml = new ManifestYamlWriter().Write(node);

        Assert.Equal("""
            kind: ConfigMap
            data:
              enabled: "true"
              legacy: "yes"
              ratio: "0.10"
              version: 1.0.0
              empty: ""
              time: "2025-01-31T12:00:00Z"
              prometheus.yml: |
                global:
                  scrape_interval: 15s
            replicas: 2
            ratio: 0.1

            """.ReplaceLineEndings("\n"), yaml);
    }

    [Theory]
    [InlineData("a\r\nb")]
    [InlineData(" leading space\nsecond line\n")]
    [InlineData("trailing newlines\n\n\n")]
    [InlineData("no final newline\nx")]
    [InlineData("tab\there\n")]
    [InlineData("# not a comment")]
    [InlineData("key: value")]
    [InlineData("null")]
    [InlineData("- item")]
    [InlineData("0o17")]
    public void Every_string_reads_back_unchanged(string text)
    {
        var node = new JsonObject { ["value"] = text, ["list"] = new JsonArray(text) };

        var yaml = new ManifestYamlWriter().Write(node);

        var stream = new YamlDotNet.RepresentationModel.YamlStream();
        stream.Load(new StringReader(yaml));
        Assert.Equal(node.ToJsonString(), YamlJsonConverter.ToJson(stream.Documents[0].RootNode)!.ToJsonString());
    }

    [Fact]
    public void Documents_are_separated_by_three_dashes()
    {
        var yaml = new ManifestYamlWriter().WriteAll([new JsonObject { ["a"] = 1 }, new JsonObject { ["b"] = 2 }]);

        Assert.Equal("a: 1\n---\nb: 2\n", yaml);
    }
}
