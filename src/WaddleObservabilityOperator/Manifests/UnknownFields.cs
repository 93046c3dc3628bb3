using System.Text.Json.Nodes;

namespace WaddleObservabilityOperator.Manifests;

/// <summary>
/// Finds fields the typed model does not know (a typo such as <c>spec.replica</c>) by comparing the input with the
/// typed object serialized back: whatever did not survive the round trip is unknown. The API server rejects these
/// under kubectl's default strict field validation, so render does too rather than silently dropping them.
/// </summary>
public static class UnknownFields
{
    public static IReadOnlyList<string> Find(JsonNode input, JsonNode? roundTrip)
    {
        ArgumentNullException.ThrowIfNull(input);
        var unknown = new List<string>();
        Walk(input, roundTrip, "", unknown);
        return unknown;
    }

    private static void Walk(JsonNode input, JsonNode? roundTrip, string path, List<string> unknown)
    {
        switch (input, roundTrip)
        {
            case (JsonObject inputObject, JsonObject outputObject):
                foreach (var (name, value) in inputObject)
                {
                    if (value is null)
                    {
                        continue; // an explicit null means "unset", which serializes as absent
                    }

                    var child = FieldPath.Append(path, name);
                    if (outputObject.TryGetPropertyValue(name, out var output))
                    {
                        Walk(value, output, child, unknown);
                    }
                    else
                    {
                        unknown.Add(child);
                    }
                }

                break;
            case (JsonArray inputArray, JsonArray outputArray):
                for (var i = 0; i < Math.Min(inputArray.Count, outputArray.Count); i++)
                {
                    if (inputArray[i] is { } item)
                    {
                        Walk(item, outputArray[i], $"{path}[{i}]", unknown);
                    }
                }

                break;
        }
    }
}

/// <summary>Field paths in the form Kubernetes prints them: <c>spec.template.spec.containers[0].env</c>, <c>metadata.labels[app.kubernetes.io/name]</c>.</summary>
public static class FieldPath
{
    public static string Append(string path, string name)
    {
        if (name.Length > 0 && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '$'))
        {
            return path.Length == 0 ? name : $"{path}.{name}";
        }

        return $"{path}[{name}]";
    }

    /// <summary>Converts a System.Text.Json path (<c>$.spec.containers[0]['app.kubernetes.io/name']</c>) to the Kubernetes form.</summary>
    public static string FromJsonPath(string? jsonPath)
    {
        if (string.IsNullOrEmpty(jsonPath) || jsonPath == "$")
        {
            return "";
        }

        var result = "";
        var i = jsonPath.StartsWith('$') ? 1 : 0;
        while (i < jsonPath.Length)
        {
            if (jsonPath[i] == '.')
            {
                var end = jsonPath.IndexOfAny(['.', '['], i + 1);
                end = end < 0 ? jsonPath.Length : end;
                result = Append(result, jsonPath[(i + 1)..end]);
                i = end;
            }
            else if (jsonPath.AsSpan(i).StartsWith("['"))
            {
                var end = jsonPath.IndexOf("']", i + 2, StringComparison.Ordinal);
                end = end < 0 ? jsonPath.Length : end;
                result = Append(result, jsonPath[(i + 2)..end]);
                i = Math.Min(end + 2, jsonPath.Length);
            }
            else
            {
                var end = jsonPath.IndexOf(']', i);
                end = end < 0 ? jsonPath.Length - 1 : end;
                result += jsonPath[i..(end + 1)];
                i = end + 1;
            }
        }

        return result;
    }
}
