using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace KubeApiEmulator.Schema;

/// <summary>
/// Validates a custom resource against its CRD's structural <c>openAPIV3Schema</c> and prunes unknown fields, as
/// the apiextensions-apiserver does on create, update and patch: defaults are applied, fields the schema does not
/// declare are dropped (or reported when field validation is Strict), then types, required, enum, bounds,
/// lengths, item counts, pattern, format and list-type uniqueness are checked. Messages follow
/// k8s.io/apimachinery field errors as produced by kube-openapi's validator. CEL rules are not evaluated.
/// </summary>
public sealed class StructuralSchemaValidator
{
    private static readonly TimeSpan PatternTimeout = TimeSpan.FromSeconds(1);

    private readonly JsonObject schema;
    private readonly Dictionary<string, Regex> patterns = new(StringComparer.Ordinal);

    public StructuralSchemaValidator(JsonNode openApiV3Schema)
    {
        ArgumentNullException.ThrowIfNull(openApiV3Schema);
        schema = openApiV3Schema as JsonObject
            ?? throw new ArgumentException("openAPIV3Schema must be a JSON object", nameof(openApiV3Schema));
    }

    /// <summary>
    /// Prunes and defaults <paramref name="obj"/> in place and returns every violation (none when valid). With
    /// <paramref name="strictUnknownFields"/> an undeclared field is an error (<c>unknown field "spec.foo"</c>) and is
    /// kept; otherwise it is silently removed. apiVersion, kind and metadata at the top level are never pruned.
    /// </summary>
    public IReadOnlyList<SchemaError> ValidateAndPrune(JsonObject obj, bool strictUnknownFields)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var walk = new Walk(this, strictUnknownFields);
        walk.Object(obj, schema, path: "", isResourceRoot: true);
        return walk.Errors;
    }

    private Regex Pattern(string pattern)
    {
        if (!patterns.TryGetValue(pattern, out var regex))
        {
            regex = new Regex(GoRegex.ToDotNet(pattern), RegexOptions.CultureInvariant, PatternTimeout);
            patterns[pattern] = regex;
        }

        return regex;
    }

    private sealed class Walk(StructuralSchemaValidator owner, bool strict)
    {
        private static readonly string[] ResourceFields = ["apiVersion", "kind", "metadata"];

        // Go's %q leaves '+', '<', '&' and non-ASCII letters as they are.
        private static readonly JsonSerializerOptions GoQuoting = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

        public List<SchemaError> Errors { get; } = [];

        public void Value(JsonNode? node, JsonObject? schema, string path)
        {
            if (schema is null)
            {
                return;
            }

            if (node is null)
            {
                if (!Flag(schema, "nullable") && (Type(schema) is not null || Flag(schema, "x-kubernetes-int-or-string")))
                {
                    TypeError(path, "null", Flag(schema, "x-kubernetes-int-or-string") ? "integer,string" : Type(schema)!);
                }

                return;
            }

            var kind = node.GetValueKind();
            if (Flag(schema, "x-kubernetes-int-or-string"))
            {
                if (kind != JsonValueKind.String && !IsInteger(node))
                {
                    TypeError(path, TypeName(node), "integer,string");
                    return;
                }
            }
            else if (Type(schema) is { } expected && !HasType(node, expected))
            {
                TypeError(path, TypeName(node), expected);
                return;
            }

            Enum(node, schema, path);
            switch (node)
            {
                case JsonObject obj:
                    Object(obj, schema, path, isResourceRoot: false);
                    break;
                case JsonArray array:
                    Array(array, schema, path);
                    break;
                default:
                    if (kind == JsonValueKind.String)
                    {
                        String(node.GetValue<string>(), schema, path);
                    }
                    else if (kind == JsonValueKind.Number)
                    {
                        Number(node, schema, path);
                    }

                    break;
            }
        }

        public void Object(JsonObject obj, JsonObject schema, string path, bool isResourceRoot)
        {
            var properties = schema["properties"] as JsonObject;
            var additional = schema["additionalProperties"];
            var preserveUnknown = Flag(schema, "x-kubernetes-preserve-unknown-fields") || additional is JsonValue { } allowed && allowed.GetValueKind() == JsonValueKind.True;
            var keepsResourceFields = isResourceRoot || Flag(schema, "x-kubernetes-embedded-resource");

            if (properties is not null)
            {
                foreach (var (name, propertySchema) in properties)
                {
                    if (!obj.ContainsKey(name) && propertySchema is JsonObject ps && ps["default"] is { } value)
                    {
                        obj[name] = value.DeepClone();
                    }
                }
            }

            foreach (var (name, value) in obj.ToList())
            {
                var childPath = Join(path, name);
                if (keepsResourceFields && name == "metadata")
                {
                    // ObjectMeta is the server's, validated by its own rules; a CRD's "metadata: {type: object}"
                    // must not prune it.
                    continue;
                }

                if (properties?[name] is JsonObject propertySchema)
                {
                    Value(value, propertySchema, childPath);
                }
                else if (additional is JsonObject additionalSchema)
                {
                    Value(value, additionalSchema, childPath);
                }
                else if (keepsResourceFields && ResourceFields.Contains(name))
                {
                    Value(value, new JsonObject { ["type"] = "string" }, childPath);
                }
                else if (!preserveUnknown)
                {
                    if (strict)
                    {
                        Errors.Add(new(childPath, "FieldValueUnknown", $"unknown field \"{childPath}\""));
                    }
                    else
                    {
                        obj.Remove(name);
                    }
                }
            }

            if (!isResourceRoot && Flag(schema, "x-kubernetes-embedded-resource"))
            {
                foreach (var name in new[] { "apiVersion", "kind" })
                {
                    if (obj[name] is not JsonValue v || v.GetValueKind() != JsonValueKind.String || v.GetValue<string>().Length == 0)
                    {
                        Add(Join(path, name), "FieldValueRequired", "Required value: must not be empty");
                    }
                }
            }

            if (schema["required"] is JsonArray required)
            {
                foreach (var name in required.Select(r => r?.GetValue<string>()).OfType<string>())
                {
                    if (!obj.ContainsKey(name))
                    {
                        Add(Join(path, name), "FieldValueRequired", "Required value");
                    }
                }
            }

            if (Integer(schema, "maxProperties") is { } maxProperties && obj.Count > maxProperties)
            {
                Add(path, "FieldValueTooMany", $"Too many: {obj.Count}: must have at most {maxProperties} {Plural(maxProperties, "item")}");
            }

            if (Integer(schema, "minProperties") is { } minProperties && obj.Count < minProperties)
            {
                Invalid(path, obj.Count.ToString(CultureInfo.InvariantCulture), $"{Subject(path)} in body should have at least {minProperties} properties");
            }
        }

        private void Array(JsonArray array, JsonObject schema, string path)
        {
            var items = schema["items"] as JsonObject;
            for (var i = 0; i < array.Count; i++)
            {
                Value(array[i], items, $"{path}[{i}]");
            }

            if (Integer(schema, "maxItems") is { } maxItems && array.Count > maxItems)
            {
                Add(path, "FieldValueTooMany", $"Too many: {array.Count}: must have at most {maxItems} {Plural(maxItems, "item")}");
            }

            if (Integer(schema, "minItems") is { } minItems && array.Count < minItems)
            {
                Invalid(path, array.Count.ToString(CultureInfo.InvariantCulture), $"{Subject(path)} in body should have at least {minItems} items");
            }

            var listType = schema["x-kubernetes-list-type"]?.GetValue<string>();
            if (listType == "set" || (listType is null && Flag(schema, "uniqueItems")))
            {
                for (var i = 0; i < array.Count; i++)
                {
                    if (array.Take(i).Any(previous => JsonNode.DeepEquals(previous, array[i])))
                    {
                        Add($"{path}[{i}]", "FieldValueDuplicate", $"Duplicate value: {Format(array[i])}");
                    }
                }
            }
            else if (listType == "map" && schema["x-kubernetes-list-map-keys"] is JsonArray keyNames)
            {
                var keys = keyNames.Select(k => k!.GetValue<string>()).ToList();
                var seen = new List<JsonObject>();
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is not JsonObject item)
                    {
                        continue;
                    }

                    var key = new JsonObject(keys.Where(item.ContainsKey).Select(k => KeyValuePair.Create(k, item[k]?.DeepClone())));
                    if (seen.Any(s => JsonNode.DeepEquals(s, key)))
                    {
                        Add($"{path}[{i}]", "FieldValueDuplicate", $"Duplicate value: {FormatMap(key)}");
                    }

                    seen.Add(key);
                }
            }
        }

        private void String(string value, JsonObject schema, string path)
        {
            var length = value.EnumerateRunes().Count();
            if (Integer(schema, "maxLength") is { } maxLength && length > maxLength)
            {
                Add(path, "FieldValueTooLong", $"Too long: may not be more than {maxLength} {Plural(maxLength, "byte")}");
            }

            if (Integer(schema, "minLength") is { } minLength && length < minLength)
            {
                Invalid(path, Quote(value), $"{Subject(path)} in body should be at least {minLength} chars long");
            }

            if (schema["pattern"]?.GetValue<string>() is { } pattern)
            {
                bool matches;
                try
                {
                    matches = owner.Pattern(pattern).IsMatch(value);
                }
                catch (ArgumentException e)
                {
                    throw new InvalidOperationException($"the CRD schema at {Subject(path)} has a pattern .NET cannot compile: {pattern}", e);
                }

                if (!matches)
                {
                    Invalid(path, Quote(value), $"{Subject(path)} in body should match '{pattern}'");
                }
            }

            if (schema["format"]?.GetValue<string>() is { } format && !StringFormats.IsValid(format, value))
            {
                Add(path, "FieldValueTypeInvalid", $"Invalid value: {Quote(value)}: {Subject(path)} in body must be of type {format}: {Quote(value)}");
            }
        }

        private void Number(JsonNode node, JsonObject schema, string path)
        {
            var value = ToDouble(node);
            var shown = node.ToJsonString();
            if (Double(schema, "maximum") is { } maximum)
            {
                var exclusive = Flag(schema, "exclusiveMaximum");
                if (exclusive ? value >= maximum : value > maximum)
                {
                    Invalid(path, shown, $"{Subject(path)} in body should be less than {(exclusive ? "" : "or equal to ")}{FormatNumber(maximum)}");
                }
            }

            if (Double(schema, "minimum") is { } minimum)
            {
                var exclusive = Flag(schema, "exclusiveMinimum");
                if (exclusive ? value <= minimum : value < minimum)
                {
                    Invalid(path, shown, $"{Subject(path)} in body should be greater than {(exclusive ? "" : "or equal to ")}{FormatNumber(minimum)}");
                }
            }

            if (Double(schema, "multipleOf") is { } factor && factor > 0 && Math.Abs(Math.IEEERemainder(value, factor)) > 1e-9)
            {
                Invalid(path, shown, $"{Subject(path)} in body should be a multiple of {FormatNumber(factor)}");
            }
        }

        private void Enum(JsonNode node, JsonObject schema, string path)
        {
            if (schema["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, node)))
            {
                var supported = string.Join(", ", allowed.Select(Format));
                Add(path, "FieldValueNotSupported", $"Unsupported value: {Format(node)}: supported values: {supported}");
            }
        }

        private void TypeError(string path, string actual, string expected) =>
            Add(path, "FieldValueTypeInvalid", $"Invalid value: \"{actual}\": {Subject(path)} in body must be of type {expected}: \"{actual}\"");

        private void Invalid(string path, string shownValue, string detail) =>
            Add(path, "FieldValueInvalid", $"Invalid value: {shownValue}: {detail}");

        private void Add(string path, string reason, string body) =>
            Errors.Add(new(path, reason, body));

        private static string Subject(string path) => path.Length == 0 ? "<root>" : path;

        private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

        private static bool Flag(JsonObject schema, string name) =>
            schema[name] is JsonValue v && v.GetValueKind() == JsonValueKind.True;

        private static string? Type(JsonObject schema) => schema["type"]?.GetValue<string>();

        private static long? Integer(JsonObject schema, string name) =>
            schema[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? (long)ToDouble(v) : null;

        private static double? Double(JsonObject schema, string name) =>
            schema[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? ToDouble(v) : null;

        // A number may be held as JsonElement (parsed JSON) or as a CLR long/int/double (built from YAML or code).
        private static double ToDouble(JsonNode node) => double.Parse(node.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);

        private static bool IsInteger(JsonNode node) =>
            node.GetValueKind() == JsonValueKind.Number && Math.Floor(ToDouble(node)) == ToDouble(node);

        private static bool HasType(JsonNode node, string type) => type switch
        {
            "object" => node is JsonObject,
            "array" => node is JsonArray,
            "string" => node.GetValueKind() == JsonValueKind.String,
            "boolean" => node.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
            "number" => node.GetValueKind() == JsonValueKind.Number,
            "integer" => IsInteger(node),
            _ => true,
        };

        private static string TypeName(JsonNode node) => node.GetValueKind() switch
        {
            JsonValueKind.Object => "object",
            JsonValueKind.Array => "array",
            JsonValueKind.String => "string",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Number => IsInteger(node) ? "integer" : "number",
            _ => "null",
        };

        private static string Plural(long count, string word) => count == 1 ? word : word + "s";

        private static string Quote(string value) => JsonSerializer.Serialize(value, GoQuoting);

        private static string FormatNumber(double value) => value.ToString("R", CultureInfo.InvariantCulture);

        // Go's %v of a decoded JSON value: strings quoted, numbers and booleans bare.
        private static string Format(JsonNode? node) => node switch
        {
            null => "null",
            JsonObject obj => FormatMap(obj),
            _ when node.GetValueKind() == JsonValueKind.String => Quote(node.GetValue<string>()),
            _ => node.ToJsonString(),
        };

        private static string FormatMap(JsonObject obj)
        {
            var text = new StringBuilder("map[");
            text.AppendJoin(" ", obj.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}:{(p.Value?.GetValueKind() == JsonValueKind.String ? p.Value.GetValue<string>() : Format(p.Value))}"));
            return text.Append(']').ToString();
        }
    }
}

/// <summary>The string formats kube-openapi checks for CRDs (apiextensions-apiserver's supported formats).</summary>
internal static partial class StringFormats
{
    public static bool IsValid(string format, string value) => format switch
    {
        "date-time" or "datetime" => IsDateTime(value),
        "date" => DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _),
        "byte" => IsBase64(value),
        "uuid" or "uuid3" or "uuid4" or "uuid5" => Uuid().IsMatch(value),
        "ipv4" => IPAddress.TryParse(value, out var v4) && v4.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork && value.Count(c => c == '.') == 3,
        "ipv6" => IPAddress.TryParse(value, out var v6) && v6.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6,
        "cidr" => IPNetwork.TryParse(value, out _),
        "mac" => Mac().IsMatch(value),
        "hostname" => value.Length <= 255 && Hostname().IsMatch(value),
        "email" => Email().IsMatch(value),
        "uri" => Uri.TryCreate(value, UriKind.Absolute, out _),
        "duration" => Duration().IsMatch(value),
        _ => true, // int32, int64, float, double, password and unknown formats are not checked on strings by the API server.
    };

    // RFC 3339 as strfmt.DateTime reads it; .NET takes at most 7 fraction digits, Go 9.
    private static bool IsDateTime(string value)
    {
        var match = DateTime().Match(value);
        if (!match.Success)
        {
            return false;
        }

        var fraction = match.Groups["fraction"].Value;
        var normalized = match.Groups["date"].Value + "T" + match.Groups["time"].Value
            + (fraction.Length > 8 ? fraction[..8] : fraction) + match.Groups["zone"].Value.ToUpperInvariant();
        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
    }

    private static bool IsBase64(string value)
    {
        Span<byte> buffer = new byte[value.Length];
        return Convert.TryFromBase64String(value, buffer, out _);
    }

    [GeneratedRegex(@"^(?<date>\d{4}-\d{2}-\d{2})[Tt ](?<time>\d{2}:\d{2}:\d{2})(?<fraction>\.\d+)?(?<zone>[Zz]|[+-]\d{2}:\d{2})$")]
    private static partial Regex DateTime();

    [GeneratedRegex("^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$")]
    private static partial Regex Uuid();

    [GeneratedRegex("^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$")]
    private static partial Regex Mac();

    [GeneratedRegex(@"^[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$")]
    private static partial Regex Hostname();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+$")]
    private static partial Regex Email();

    // strfmt.Duration: Go durations ("1h30m", "500ms") and "N unit" forms ("3 days").
    [GeneratedRegex(@"^(([0-9]+(\.[0-9]+)?(ns|us|µs|ms|s|m|h))+|[0-9]+\s*(ns|us|µs|ms|s|m|h|d|w|seconds?|minutes?|hours?|days?|weeks?))$")]
    private static partial Regex Duration();
}
