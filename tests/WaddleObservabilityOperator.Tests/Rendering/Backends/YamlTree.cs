using YamlDotNet.RepresentationModel;
using YamlDotNet.Serialization;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>Generic YAML reading for assertions: mappings, sequences and scalar strings, independent of the renderer's model.</summary>
internal static class YamlTree
{
    public static YamlMappingNode Load(string yaml)
    {
        var stream = new YamlStream();
        using var reader = new StringReader(yaml);
        stream.Load(reader);
        return Assert.IsType<YamlMappingNode>(stream.Documents.Single().RootNode);
    }

    public static string Save(YamlMappingNode root)
    {
        // Through the serializer rather than YamlStream.Save, which appends a "..." document end marker.
        var serializer = new SerializerBuilder().Build();
        return serializer.Serialize(root);
    }

    public static YamlNode At(this YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            var mapping = Assert.IsType<YamlMappingNode>(node);
            Assert.True(mapping.Children.ContainsKey(new YamlScalarNode(key)), $"missing key '{key}' in {mapping}");
            node = mapping.Children[new YamlScalarNode(key)];
        }

        return node;
    }

    public static string Text(this YamlNode node, params string[] path) =>
        Assert.IsType<YamlScalarNode>(node.At(path)).Value!;

    public static IReadOnlyList<YamlNode> Items(this YamlNode node, params string[] path) =>
        Assert.IsType<YamlSequenceNode>(node.At(path)).Children.ToList();

    public static IReadOnlyList<string> Keys(this YamlNode node, params string[] path) =>
        Assert.IsType<YamlMappingNode>(node.At(path)).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList();

    public static bool Has(this YamlNode node, string key) =>
        node is YamlMappingNode mapping && mapping.Children.ContainsKey(new YamlScalarNode(key));
}
