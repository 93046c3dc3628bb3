using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.EventEmitters;

namespace WaddleObservabilityOperator.Manifests;

/// <summary>
/// Writes JSON objects as YAML documents, the way kubectl prints them: keys in the JSON's order, strings quoted
/// only when YAML (1.1 or 1.2) would read them as something else, multi-line text as literal blocks.
/// Objects go through their JSON form (KubernetesJson) first because that is where the types' names live:
/// KubernetesYaml ignores the JsonStringEnumMemberName of the API's enums.
/// </summary>
public sealed partial class ManifestYamlWriter
{
    private readonly ISerializer serializer = new SerializerBuilder()
        .WithQuotingNecessaryStrings(quoteYaml1_1Strings: true)
        .WithTypeConverter(new JsonNumberConverter())
        .WithEventEmitter(next => new LiteralBlockEmitter(next))
        .DisableAliases()
        .Build();

    /// <summary>One YAML document per object, separated by <c>---</c>, ending with a newline.</summary>
    public string WriteAll(IEnumerable<JsonNode> documents)
    {
        ArgumentNullException.ThrowIfNull(documents);
        return string.Join("---\n", documents.Select(Write));
    }

    public string Write(JsonNode document)
    {
        var yaml = serializer.Serialize(ToPlain(document));
        return yaml.EndsWith('\n') ? yaml : yaml + "\n";
    }

    private static object? ToPlain(JsonNode? node) => node switch
    {
        null => null,
        JsonObject o => o.ToDictionary(p => p.Key, p => ToPlain(p.Value)),
        JsonArray a => a.Select(ToPlain).ToList(),
        JsonValue v => v.GetValueKind() switch
        {
            JsonValueKind.String => v.GetValue<string>(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            JsonValueKind.Number => new JsonNumber(v.ToJsonString()),
            _ => null,
        },
        _ => null,
    };

    /// <summary>A number kept as its JSON text, so 0.1 stays 0.1 and large integers keep every digit.</summary>
    private sealed record JsonNumber(string Text);

    private sealed class JsonNumberConverter : IYamlTypeConverter
    {
        public bool Accepts(Type type) => type == typeof(JsonNumber);

        public object? ReadYaml(IParser parser, Type type, ObjectDeserializer rootDeserializer) =>
            throw new NotSupportedException("write-only");

        public void WriteYaml(IEmitter emitter, object? value, Type type, ObjectSerializer serializer) =>
            emitter.Emit(new Scalar(null, null, ((JsonNumber)value!).Text, ScalarStyle.Plain, true, false));
    }

    /// <summary>Multi-line text (config files in ConfigMaps) as <c>|</c> blocks, which read like the file itself.</summary>
    private sealed class LiteralBlockEmitter(IEventEmitter next) : ChainedEventEmitter(next)
    {
        public override void Emit(ScalarEventInfo eventInfo, IEmitter emitter)
        {
            if (eventInfo.Source.Value is not string text)
            {
                // Numbers, booleans and nulls keep their default rendering.
            }
            else if (text.Any(c => char.IsControl(c) && c != '\t'))
            {
                // A literal block cannot carry \r or other control characters; those go double-quoted, where they are
                // escaped (YamlDotNet would otherwise fold the text and lose the \r).
                eventInfo.Style = text.All(c => c is '\n' or '\t' || !char.IsControl(c)) ? ScalarStyle.Literal : ScalarStyle.DoubleQuoted;
            }
            else if (TimestampPattern().IsMatch(text))
            {
                // YAML 1.1 readers (PyYAML, some Go decoders) turn plain timestamps into dates; kubectl quotes them too.
                eventInfo.Style = ScalarStyle.DoubleQuoted;
            }

            base.Emit(eventInfo, emitter);
        }
    }

    [GeneratedRegex(@"^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]*)?([ \t]*(Z|[-+][0-9]{1,2}(:[0-9]{2})?))?)?$")]
    private static partial Regex TimestampPattern();
}
