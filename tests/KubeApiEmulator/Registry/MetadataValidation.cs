using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Registry;

/// <summary>
/// The API server's checks every object gets whatever its kind (label and annotation syntax and size) and the size
/// limit of ConfigMaps and Secrets, with apimachinery's messages.
/// </summary>
internal static partial class MetadataValidation
{
    /// <summary>ConfigMap and Secret payload limit (core.MaxSecretSize).</summary>
    public const int MaxPayloadBytes = 1024 * 1024;

    private const int MaxAnnotationBytes = 256 * 1024;

    private const string NameMessage =
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

    private const string ValueMessage =
        "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

    public static IEnumerable<FieldError> Validate(ResourceType type, JsonObject obj)
    {
        var metadata = obj["metadata"] as JsonObject;
        foreach (var (key, value) in metadata?["labels"] as JsonObject ?? [])
        {
            foreach (var error in QualifiedName("metadata.labels", key))
            {
                yield return error;
            }

            var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "";
            if (text.Length > 63)
            {
                yield return FieldError.InvalidValue("metadata.labels", text, "must be no more than 63 characters");
            }
            else if (text.Length > 0 && !LabelValue().IsMatch(text))
            {
                yield return FieldError.InvalidValue("metadata.labels", text, ValueMessage);
            }
        }

        var annotationBytes = 0;
        foreach (var (key, value) in metadata?["annotations"] as JsonObject ?? [])
        {
            foreach (var error in QualifiedName("metadata.annotations", key.ToLowerInvariant()))
            {
                yield return error;
            }

            annotationBytes += key.Length + Encoding.UTF8.GetByteCount(value is JsonValue v && v.TryGetValue<string>(out var s) ? s : "");
        }

        if (annotationBytes > MaxAnnotationBytes)
        {
            yield return new FieldError("metadata.annotations", "FieldValueTooLong", $"Too long: may not be more than {MaxAnnotationBytes} bytes");
        }

        if (type.Group.Length == 0 && type.Plural is "configmaps" or "secrets")
        {
            var payload = 0;
            foreach (var field in new[] { "data", "binaryData", "stringData" })
            {
                foreach (var (key, value) in obj[field] as JsonObject ?? [])
                {
                    if (!DataKey().IsMatch(key) || key is "." or "..")
                    {
                        yield return FieldError.InvalidValue($"{field}[{key}]", key, "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')");
                    }

                    var text = value is JsonValue v && v.TryGetValue<string>(out var s) ? s : "";
                    payload += type.Plural == "secrets" && field == "data" ? Base64Length(text) : Encoding.UTF8.GetByteCount(text);
                }
            }

            if (payload > MaxPayloadBytes)
            {
                yield return new FieldError(type.Plural == "secrets" ? "data" : "[]", "FieldValueTooLong", $"Too long: may not be more than {MaxPayloadBytes} bytes");
            }
        }
    }

    private static IEnumerable<FieldError> QualifiedName(string field, string key)
    {
        var slash = key.IndexOf('/');
        var name = slash < 0 ? key : key[(slash + 1)..];
        if (slash >= 0)
        {
            var prefix = key[..slash];
            if (prefix.Length == 0 || prefix.Length > 253 || !Subdomain().IsMatch(prefix))
            {
                yield return FieldError.InvalidValue(field, key, "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
            }
        }

        if (name.Length == 0)
        {
            yield return FieldError.InvalidValue(field, key, "name part must be non-empty");
        }
        else if (name.Length > 63)
        {
            yield return FieldError.InvalidValue(field, key, "name part must be no more than 63 characters");
        }
        else if (!LabelValue().IsMatch(name))
        {
            yield return FieldError.InvalidValue(field, key, NameMessage);
        }
    }

    /// <summary>Decoded size of a base64 Secret value (what the server limits).</summary>
    private static int Base64Length(string text)
    {
        var padding = text.EndsWith("==", StringComparison.Ordinal) ? 2 : text.EndsWith('=') ? 1 : 0;
        return Math.Max(0, (text.Length / 4 * 3) - padding);
    }

    [GeneratedRegex("^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")]
    private static partial Regex LabelValue();

    [GeneratedRegex(@"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex Subdomain();

    [GeneratedRegex("^[-._a-zA-Z0-9]+$")]
    private static partial Regex DataKey();
}
