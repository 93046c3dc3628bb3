using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;
using YamlDotNet.Serialization.EventEmitters;
using YamlDotNet.Serialization.NamingConventions;

namespace WaddleObservabilityOperator.Json;

/// <summary>How <see cref="JsonYaml"/> lays a document out.</summary>
/// <param name="QuoteYaml11Strings">Also quote strings a YAML 1.1 reader takes for something else (yes, no, on, off):
/// kubectl and other go-yaml v2 readers.</param>
/// <param name="IndentSequences">Indent list items under their key, as most hand-written config files do.</param>
/// <param name="LiteralBlocks">Multi-line text as <c>|</c> blocks (config files in ConfigMaps), and timestamps quoted.</param>
/// <param name="SortKeys">Every mapping in ordinal key order (generated CRDs, as controller-gen writes them).</param>
public sealed record YamlLayout(bool QuoteYaml11Strings, bool IndentSequences, bool LiteralBlocks, bool SortKeys)
{
    /// <summary>Manifests as kubectl prints them.</summary>
    public static YamlLayout Manifest { get; } = new(QuoteYaml11Strings: true, IndentSequences: false, LiteralBlocks: true, SortKeys: false);

    /// <summary>The backends' configuration files (prometheus.yml, Jaeger's config, rule files, Grafana provisioning).</summary>
    public static YamlLayout Config { get; } = new(QuoteYaml11Strings: false, IndentSequences: true, LiteralBlocks: false, SortKeys: false);

    /// <summary>Generated CRDs.</summary>
    public static YamlLayout Crd { get; } = new(QuoteYaml11Strings: true, IndentSequences: false, LiteralBlocks: false, SortKeys: true);
}

/// <summary>
/// Writes a JSON document as YAML with YamlDotNet's emitter and its own scalar rules (which strings need quotes, how
/// booleans read), driven from the JSON tree instead of by reflection over CLR types: the same text as YamlDotNet's
/// serializer, in the Native AOT build too. Numbers keep their JSON text, so 0.1 stays 0.1 and large integers keep
/// every digit.
/// </summary>
public static partial class JsonYaml
{
    public static string Write(JsonNode document, YamlLayout layout)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(layout);
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        var settings = layout.IndentSequences ? EmitterSettings.Default.WithIndentedSequences() : EmitterSettings.Default;
        IEmitter emitter = new Emitter(text, settings);
        IEventEmitter events = new TypeAssigningEventEmitter(
            new WriterEventEmitter(),
            new Dictionary<Type, TagName>(),
            quoteNecessaryStrings: true,
            quoteYaml1_1Strings: layout.QuoteYaml11Strings,
            defaultScalarStyle: ScalarStyle.Any,
            formatter: YamlFormatter.Default,
            enumNamingConvention: NullNamingConvention.Instance,
            typeInspector: null!);
        if (layout.LiteralBlocks)
        {
            events = new LiteralBlockEmitter(events);
        }

        emitter.Emit(new StreamStart());
        emitter.Emit(new DocumentStart());
        Emit(document, layout, events, emitter);
        emitter.Emit(new DocumentEnd(isImplicit: true));
        emitter.Emit(new StreamEnd());
        return text.ToString();
    }

    private static void Emit(JsonNode? node, YamlLayout layout, IEventEmitter events, IEmitter emitter)
    {
        switch (node)
        {
            case JsonObject obj:
                var mapping = new ObjectDescriptor(obj, typeof(JsonObject), typeof(JsonObject));
                events.Emit(new MappingStartEventInfo(mapping), emitter);
                IEnumerable<KeyValuePair<string, JsonNode?>> entries = layout.SortKeys ? obj.OrderBy(p => p.Key, StringComparer.Ordinal) : obj;
                foreach (var (key, value) in entries)
                {
                    events.Emit(new ScalarEventInfo(new ObjectDescriptor(key, typeof(string), typeof(string))), emitter);
                    Emit(value, layout, events, emitter);
                }

                events.Emit(new MappingEndEventInfo(mapping), emitter);
                break;
            case JsonArray array:
                var sequence = new ObjectDescriptor(array, typeof(JsonArray), typeof(JsonArray));
                events.Emit(new SequenceStartEventInfo(sequence), emitter);
                foreach (var item in array)
                {
                    Emit(item, layout, events, emitter);
                }

                events.Emit(new SequenceEndEventInfo(sequence), emitter);
                break;
            case JsonValue value when value.GetValueKind() == JsonValueKind.Number:
                // The JSON text as a plain scalar: no formatting round trip through double.
                emitter.Emit(new Scalar(null, null, value.ToJsonString(), ScalarStyle.Plain, isPlainImplicit: true, isQuotedImplicit: false));
                break;
            case JsonValue value:
                var scalar = value.GetValueKind() switch
                {
                    JsonValueKind.String => new ObjectDescriptor(value.GetValue<string>(), typeof(string), typeof(string)),
                    JsonValueKind.True => new ObjectDescriptor(true, typeof(bool), typeof(bool)),
                    JsonValueKind.False => new ObjectDescriptor(false, typeof(bool), typeof(bool)),
                    var kind => throw new InvalidOperationException($"unexpected JSON value kind {kind}"),
                };
                events.Emit(new ScalarEventInfo(scalar), emitter);
                break;
            default:
                events.Emit(new ScalarEventInfo(new ObjectDescriptor(null, typeof(object), typeof(object))), emitter);
                break;
        }
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
