using YamlDotNet.Serialization;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The YAML writer of the generated backend configuration files. Every user value reaches the file through it, so
/// quoting and escaping are YamlDotNet's, never string concatenation.
/// </summary>
internal static class ConfigYaml
{
    // ISerializer is immutable once built and safe to share between threads.
    private static readonly ISerializer Serializer = new SerializerBuilder()
        .ConfigureDefaultValuesHandling(DefaultValuesHandling.OmitNull)
        // Strings that would read back as numbers, booleans or null ("true", "10", "~") are quoted.
        .WithQuotingNecessaryStrings()
        .DisableAliases()
        .WithIndentedSequences()
        .Build();

    public static string Serialize<T>(T document)
        where T : notnull => Serializer.Serialize(document);
}
