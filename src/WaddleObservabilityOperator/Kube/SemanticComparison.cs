using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// Compares JSON the way the API server's round trip demands: numbers by value (1 == 1.0), null, missing, empty
/// objects/arrays and empty strings alike (Go's omitempty drops them), resource quantities by value under
/// requests/limits/capacity ("1000m" == "1"), and an int-or-string port number equal to its string.
/// </summary>
public static class SemanticComparison
{
    private static readonly string[] QuantityParents = ["requests", "limits", "capacity", "allocatable", "hard", "used"];

    /// <summary>
    /// True when everything <paramref name="desired"/> sets is also in <paramref name="actual"/>: objects by their desired
    /// properties (extra properties in actual, e.g. server defaults, are ignored), arrays element by element with equal length.
    /// </summary>
    public static bool Contains(JsonNode? actual, JsonNode? desired) => Differences(actual, desired, "", subset: true).Count == 0;

    /// <summary>True when the two are equal up to the normalisations above (no extra properties allowed on either side).</summary>
    public static bool Equivalent(JsonNode? left, JsonNode? right) => Differences(left, right, "", subset: false).Count == 0;

    /// <summary>Paths at which <paramref name="actual"/> lacks or differs from <paramref name="desired"/> (for logs and tests).</summary>
    public static IReadOnlyList<string> Differences(JsonNode? actual, JsonNode? desired, string path, bool subset)
    {
        var found = new List<string>();
        Compare(actual, desired, path, subset, found);
        return found;
    }

    public static bool IsVacuous(JsonNode? node) => node switch
    {
        null => true,
        JsonObject obj => obj.All(p => IsVacuous(p.Value)),
        JsonArray arr => arr.Count == 0,
        JsonValue value => value.GetValueKind() is JsonValueKind.Null || (value.GetValueKind() is JsonValueKind.String && IsEmptyString(value)),
        _ => false,
    };

    // Parsed JSON keeps a string as UTF-8 in its document, and every GetValue<string> decodes a new copy: a ConfigMap's
    // 100 KB sampling document would be decoded several times per comparison. Parsed strings are compared and measured
    // where they lie; only strings set in code (already .NET strings) are read as such.
    private static bool IsEmptyString(JsonValue value) =>
        value.TryGetValue(out JsonElement element) ? JsonMarshal.GetRawUtf8Value(element).Length == 2 : value.GetValue<string>().Length == 0;

    private static bool StringsEqual(JsonValue actual, JsonValue desired)
    {
        if (actual.TryGetValue(out JsonElement a) && desired.TryGetValue(out JsonElement d))
        {
            return JsonMarshal.GetRawUtf8Value(a).SequenceEqual(JsonMarshal.GetRawUtf8Value(d)) || JsonElement.DeepEquals(a, d);
        }

        return actual.GetValue<string>() == desired.GetValue<string>();
    }

    private static void Compare(JsonNode? actual, JsonNode? desired, string path, bool subset, List<string> found)
    {
        if (IsVacuous(desired))
        {
            // Unset in desired: a subset check does not care; an equivalence check needs actual unset too.
            if (!subset && !IsVacuous(actual))
            {
                found.Add(path);
            }

            return;
        }

        if (IsVacuous(actual))
        {
            found.Add(path);
            return;
        }

        switch (desired)
        {
            case JsonObject desiredObject when actual is JsonObject actualObject:
                foreach (var (name, value) in desiredObject)
                {
                    Compare(actualObject[name], value, $"{path}.{name}", subset, found);
                }

                if (!subset)
                {
                    foreach (var (name, value) in actualObject)
                    {
                        if (!desiredObject.ContainsKey(name) && !IsVacuous(value))
                        {
                            found.Add($"{path}.{name}");
                        }
                    }
                }

                return;
            case JsonArray desiredArray when actual is JsonArray actualArray:
                if (desiredArray.Count != actualArray.Count)
                {
                    found.Add(path);
                    return;
                }

                for (var i = 0; i < desiredArray.Count; i++)
                {
                    Compare(actualArray[i], desiredArray[i], $"{path}[{i}]", subset, found);
                }

                return;
            case JsonValue desiredValue when actual is JsonValue actualValue:
                if (!ScalarsEqual(actualValue, desiredValue, path))
                {
                    found.Add(path);
                }

                return;
            default:
                found.Add(path);
                return;
        }
    }

    private static bool ScalarsEqual(JsonValue actual, JsonValue desired, string path)
    {
        var actualKind = actual.GetValueKind();
        var desiredKind = desired.GetValueKind();
        if (actualKind == JsonValueKind.Number && desiredKind == JsonValueKind.Number)
        {
            return actual.GetValue<JsonElement>().GetDecimal() == desired.GetValue<JsonElement>().GetDecimal();
        }

        if (actualKind == JsonValueKind.String && desiredKind == JsonValueKind.String)
        {
            return StringsEqual(actual, desired) || (IsQuantityPath(path) && QuantitiesEqual(actual.GetValue<string>(), desired.GetValue<string>()));
        }

        if (actualKind is JsonValueKind.True or JsonValueKind.False && desiredKind is JsonValueKind.True or JsonValueKind.False)
        {
            return actualKind == desiredKind;
        }

        // int-or-string: 8080 and "8080" name the same port.
        if (actualKind is JsonValueKind.Number or JsonValueKind.String && desiredKind is JsonValueKind.Number or JsonValueKind.String)
        {
            return ScalarText(actual) == ScalarText(desired);
        }

        return false;
    }

    private static string ScalarText(JsonValue value) => value.GetValueKind() == JsonValueKind.String
        ? value.GetValue<string>()
        : value.GetValue<JsonElement>().GetDecimal().ToString(CultureInfo.InvariantCulture);

    private static bool IsQuantityPath(string path)
    {
        var lastDot = path.LastIndexOf('.');
        if (lastDot <= 0)
        {
            return false;
        }

        var parent = path[..lastDot];
        var parentName = parent[(parent.LastIndexOf('.') + 1)..];
        return QuantityParents.Contains(parentName, StringComparer.Ordinal) || path.EndsWith(".storage", StringComparison.Ordinal);
    }

    private static bool QuantitiesEqual(string actual, string desired)
    {
        try
        {
            return new ResourceQuantity(actual).ToDecimal() == new ResourceQuantity(desired).ToDecimal();
        }
        catch (Exception e) when (e is FormatException or ArgumentException or OverflowException)
        {
            return false;
        }
    }
}
