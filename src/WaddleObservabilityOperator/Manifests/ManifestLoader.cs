using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Api.Validation;
using WaddleObservabilityOperator.Json;

namespace WaddleObservabilityOperator.Manifests;

/// <summary>
/// Reads manifests from files and folders the way kubectl would accept them: every object checked (kind,
/// apiVersion, name, the custom resources' schema, typing, unknown fields, duplicates), and every error reported,
/// not only the first.
/// </summary>
public static partial class ManifestLoader
{
    public const string DefaultNamespace = "default";

    private static readonly string[] Extensions = [".yaml", ".yml", ".json"];

    /// <summary>The path that means standard input, as in <c>kubectl apply -f -</c>.</summary>
    public const string StandardInput = "-";

    /// <summary>
    /// Loads files and folders (recursively: *.yaml, *.yml, *.json, in ordinal path order); <c>-</c> reads YAML
    /// from <paramref name="standardInput"/>.
    /// </summary>
    public static ManifestLoadResult Load(IEnumerable<string> paths, TextReader? standardInput = null)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var errors = new List<ManifestError>();
        var files = new List<ManifestFile>();
        foreach (var file in ExpandPaths(paths, errors))
        {
            if (file.FullPath == StandardInput)
            {
                files.Add(new ManifestFile(file.Display, standardInput?.ReadToEnd() ?? ""));
                continue;
            }

            try
            {
                files.Add(new ManifestFile(file.Display, File.ReadAllText(file.FullPath)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add(new ManifestError(file.Display, "", null, $"cannot read: {e.Message}"));
            }
        }

        return Load(files, errors);
    }

    /// <summary>Validates and types the objects of files already read; <paramref name="earlierErrors"/> are kept in front.</summary>
    public static ManifestLoadResult Load(IEnumerable<ManifestFile> files, IEnumerable<ManifestError>? earlierErrors = null)
    {
        ArgumentNullException.ThrowIfNull(files);
        var errors = new List<ManifestError>(earlierErrors ?? []);
        var objects = new List<IKubernetesObject<V1ObjectMeta>>();
        var seen = new Dictionary<string, ManifestDocument>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var document in ManifestDocumentReader.Read(file.Name, file.Text, errors))
            {
                if (Accept(document, errors) is not { } accepted)
                {
                    continue;
                }

                var key = $"{accepted.Kind}/{accepted.Metadata.NamespaceProperty}/{accepted.Metadata.Name}";
                if (seen.TryGetValue(key, out var first))
                {
                    errors.Add(new ManifestError(document.File, Describe(accepted), null,
                        $"declared twice: also in {first.File} ({first.Position})"));
                    continue;
                }

                seen.Add(key, document);
                objects.Add(accepted);
            }
        }

        if (errors.Count > 0)
        {
            return new ManifestLoadResult(ManifestSet.Empty, errors);
        }

        var set = new ManifestSet(
            [.. objects.OfType<ObservabilityPolicy>()],
            [.. objects.OfType<WaddleService>()],
            [.. objects.OfType<V1Deployment>()],
            [.. objects.OfType<V1StatefulSet>()],
            [.. objects.OfType<V1DaemonSet>()],
            [.. objects.OfType<V1Service>()],
            [.. objects.OfType<V1Namespace>()]);
        return new ManifestLoadResult(set, errors);
    }

    private sealed record InputFile(string FullPath, string Display);

    private static List<InputFile> ExpandPaths(IEnumerable<string> paths, List<ManifestError> errors)
    {
        var files = new List<InputFile>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var display = path.Replace('\\', '/');
            if (path == StandardInput)
            {
                if (files.All(f => f.FullPath != StandardInput))
                {
                    files.Add(new InputFile(StandardInput, "<stdin>"));
                }
            }
            else if (File.Exists(path))
            {
                Add(path, display);
            }
            else if (Directory.Exists(path))
            {
                var found = Directory
                    .EnumerateFiles(path, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.Hidden })
                    .Where(f => Extensions.Any(e => f.EndsWith(e, StringComparison.OrdinalIgnoreCase)))
                    .Select(f => (Full: f, Relative: Path.GetRelativePath(path, f).Replace('\\', '/')))
                    .OrderBy(f => f.Relative, StringComparer.Ordinal)
                    .ToList();
                if (found.Count == 0)
                {
                    errors.Add(new ManifestError(display, "", null, "no *.yaml, *.yml or *.json files in this folder"));
                }

                foreach (var (full, relative) in found)
                {
                    Add(full, $"{display.TrimEnd('/')}/{relative}");
                }
            }
            else
            {
                errors.Add(new ManifestError(display, "", null, "no such file or folder"));
            }
        }

        return files;

        void Add(string path, string display)
        {
            if (seen.Add(Path.GetFullPath(path)))
            {
                files.Add(new InputFile(path, display));
            }
        }
    }

    private static IKubernetesObject<V1ObjectMeta>? Accept(ManifestDocument document, List<ManifestError> errors)
    {
        var file = document.File;
        var position = document.Position;
        if (document.Content is not JsonObject input)
        {
            errors.Add(new ManifestError(file, position, null, $"expected an object with apiVersion and kind, got {Describe(document.Content)}"));
            return null;
        }

        var apiVersion = ReadString(input, "apiVersion", file, position, errors);
        var kindName = ReadString(input, "kind", file, position, errors);
        if (apiVersion is null || kindName is null)
        {
            return null;
        }

        var kind = ManifestKind.Find(kindName);
        if (kind is null)
        {
            var accepted = string.Join(", ", ManifestKind.All.Select(k => k.Kind));
            errors.Add(new ManifestError(file, position, "kind", $"{kindName} is not a kind render reads (accepted: {accepted})"));
            return null;
        }

        if (apiVersion != kind.ApiVersion)
        {
            errors.Add(new ManifestError(file, position, "apiVersion", $"{kind.Kind} must be {kind.ApiVersion}, got {apiVersion}"));
            return null;
        }

        if (ReadMetadata(input, kind, file, position, errors) is not { } identity)
        {
            return null;
        }

        var label = identity.Label;
        var content = input.DeepClone().AsObject();
        if (kind.Namespaced && identity.Namespace is null)
        {
            content["metadata"]!["namespace"] = DefaultNamespace;
        }

        // The custom resources get what the API server would check with their CRD (schema, enums, bounds, patterns,
        // unknown fields, metadata); built-in kinds get their labels checked, and their schema through typing below.
        var before = errors.Count;
        var fieldErrors = kind.IsCustomResource ? ApiValidator.Validate(content) : BuiltInMetadataErrors(content);
        errors.AddRange(fieldErrors.Select(e => new ManifestError(file, label, e.Path.Length == 0 ? null : e.Path, e.Message)));
        if (errors.Count > before)
        {
            return null;
        }

        IKubernetesObject<V1ObjectMeta> typed;
        try
        {
            typed = kind.Deserialize(content);
        }
        catch (JsonException e)
        {
            var field = FieldPath.FromJsonPath(e.Path);
            errors.Add(new ManifestError(file, label, field.Length == 0 ? null : field, DescribeTypeError(e, content, field)));
            return null;
        }

        var unknown = UnknownFields.Find(content, OperatorJson.ToNode(typed));
        foreach (var field in unknown)
        {
            errors.Add(new ManifestError(file, label, field, "unknown field"));
        }

        return unknown.Count == 0 ? typed : null;
    }

    private static List<FieldError> BuiltInMetadataErrors(JsonObject content)
    {
        var errors = new List<FieldError>();
        switch (content["metadata"]?["labels"])
        {
            case null:
                break;
            case JsonObject labels:
                LabelSyntax.CheckLabelMap(labels, "metadata.labels", errors);
                break;
            default:
                errors.Add(new FieldError("metadata.labels", "must be a map of strings"));
                break;
        }

        return errors;
    }

    private sealed record Identity(string? Namespace, string Label);

    private static Identity? ReadMetadata(JsonObject input, ManifestKind kind, string file, string position, List<ManifestError> errors)
    {
        if (input["metadata"] is not JsonObject metadata)
        {
            errors.Add(new ManifestError(file, $"{position} ({kind.Kind})", "metadata", input.ContainsKey("metadata") ? "must be an object" : "is required"));
            return null;
        }

        var unnamed = $"{position} ({kind.Kind})";
        var name = ReadString(metadata, "name", file, unnamed, errors, "metadata.");
        if (name is null)
        {
            return null;
        }

        string? ns = null;
        if (kind.Namespaced && metadata["namespace"] is not null)
        {
            ns = ReadString(metadata, "namespace", file, $"{kind.Kind} {name}", errors, "metadata.");
            if (ns is null)
            {
                return null;
            }
        }

        var label = kind.Namespaced ? $"{kind.Kind} {ns ?? DefaultNamespace}/{name}" : $"{kind.Kind} {name}";
        var valid = CheckName(name, kind.NameRule, file, label, "metadata.name", errors);
        if (ns is not null)
        {
            valid &= CheckName(ns, NameRule.Label, file, label, "metadata.namespace", errors);
        }

        return valid ? new Identity(ns, label) : null;
    }

    private static bool CheckName(string name, NameRule rule, string file, string label, string field, List<ManifestError> errors)
    {
        var (valid, expected) = rule switch
        {
            NameRule.Subdomain => (name.Length <= 253 && SubdomainPattern().IsMatch(name),
                "a lowercase RFC 1123 subdomain (a-z, 0-9, '-' and '.', starting and ending alphanumeric, at most 253 characters)"),
            NameRule.Label => (name.Length <= 63 && LabelPattern().IsMatch(name),
                "a lowercase RFC 1123 label (a-z, 0-9 and '-', starting and ending alphanumeric, at most 63 characters)"),
            _ => (name.Length <= 63 && Rfc1035LabelPattern().IsMatch(name),
                "a lowercase RFC 1035 label (a-z, 0-9 and '-', starting with a letter, ending alphanumeric, at most 63 characters)"),
        };
        if (!valid)
        {
            errors.Add(new ManifestError(file, label, field, $"must be {expected}, got \"{name}\""));
        }

        return valid;
    }

    private static string? ReadString(JsonObject node, string property, string file, string where, List<ManifestError> errors, string prefix = "")
    {
        var value = node[property];
        if (value is JsonValue v && v.TryGetValue<string>(out var text) && text.Length > 0)
        {
            return text;
        }

        errors.Add(new ManifestError(file, where, prefix + property,
            value is null ? "is required" : $"must be a non-empty string, got {Describe(value)}"));
        return null;
    }

    private static string Describe(IKubernetesObject<V1ObjectMeta> o) =>
        o is V1Namespace ? $"{o.Kind} {o.Metadata.Name}" : $"{o.Kind} {o.Metadata.NamespaceProperty}/{o.Metadata.Name}";

    /// <summary>A short rendering of a JSON value for messages.</summary>
    internal static string Describe(JsonNode? node)
    {
        var text = node switch
        {
            null => "null",
            JsonObject => "an object",
            JsonArray => "a list",
            _ => node.ToJsonString(),
        };
        return text.Length > 80 ? text[..77] + "..." : text;
    }

    private static string DescribeTypeError(JsonException e, JsonObject content, string field)
    {
        var expected = ExpectedTypeText(e.Message);
        var actual = Navigate(content, field);
        return expected is null
            ? $"invalid value {Describe(actual)}"
            : $"must be {expected}, got {Describe(actual)}";
    }

    // System.Text.Json reports "The JSON value could not be converted to System.Nullable`1[System.Int32]. Path: ...".
    private static string? ExpectedTypeText(string message)
    {
        var match = ConvertedToPattern().Match(message);
        if (!match.Success)
        {
            return null;
        }

        var typeName = match.Groups["type"].Value;
        var inner = NullablePattern().Match(typeName) is { Success: true } nullable ? nullable.Groups["inner"].Value : typeName;
        return inner switch
        {
            "System.Int32" or "System.Int64" or "System.Int16" => "an integer",
            "System.Double" or "System.Single" or "System.Decimal" => "a number",
            "System.Boolean" => "a boolean (true or false)",
            "System.String" => "a string",
            "System.DateTime" or "System.DateTimeOffset" => "an RFC 3339 timestamp",
            _ when inner.StartsWith("System.Collections.Generic.IDictionary", StringComparison.Ordinal) => "a map",
            _ when inner.StartsWith("System.Collections.Generic.", StringComparison.Ordinal) => "a list",
            _ => ApiEnums.NamesOf(inner) is { } names
                ? "one of " + string.Join(", ", names)
                : "an object",
        };
    }

    private static JsonNode? Navigate(JsonNode root, string field)
    {
        var node = root;
        foreach (Match segment in FieldSegmentPattern().Matches(field))
        {
            node = segment.Groups["index"].Success
                ? (node as JsonArray) is { } array && int.Parse(segment.Groups["index"].Value, System.Globalization.CultureInfo.InvariantCulture) is var i && i < array.Count ? array[i] : null
                : (node as JsonObject)?[segment.Groups["key"].Success ? segment.Groups["key"].Value : segment.Groups["name"].Value];
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    [GeneratedRegex(@"could not be converted to (?<type>\S+?)\.(\s|$)")]
    private static partial Regex ConvertedToPattern();

    [GeneratedRegex(@"^System\.Nullable`1\[(?<inner>.+)\]$")]
    private static partial Regex NullablePattern();

    [GeneratedRegex(@"\[(?<index>[0-9]+)\]|\[(?<key>[^\]]+)\]|(?<name>[^.\[]+)")]
    private static partial Regex FieldSegmentPattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")]
    private static partial Regex SubdomainPattern();

    [GeneratedRegex("^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex LabelPattern();

    [GeneratedRegex("^[a-z]([-a-z0-9]*[a-z0-9])?$")]
    private static partial Regex Rfc1035LabelPattern();
}
