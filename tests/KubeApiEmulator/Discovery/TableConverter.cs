using System.Text.Json.Nodes;
using KubeApiEmulator.Http;
using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Discovery;

/// <summary>
/// Server-side printing for <c>kubectl get</c> (Accept: as=Table;g=meta.k8s.io;v=v1): a CRD's printer columns, or
/// Name and Age for built-ins.
/// </summary>
internal sealed class TableConverter(TimeProvider time)
{
    public static bool Wants(string? accept) =>
        accept is not null && accept.Split(',').FirstOrDefault()?.Contains("as=Table", StringComparison.Ordinal) == true;

    public JsonObject Convert(ResourceType type, IEnumerable<StoredObject> objects, long resourceVersion, string? continueToken, string includeObject)
    {
        var columns = Columns(type);
        var rows = new JsonArray();
        foreach (var stored in objects)
        {
            rows.Add(Row(type, columns, stored, includeObject));
        }

        var metadata = new JsonObject { ["resourceVersion"] = resourceVersion.ToString() };
        if (continueToken is not null)
        {
            metadata["continue"] = continueToken;
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = metadata,
            ["columnDefinitions"] = new JsonArray([.. columns.Select(c => (JsonNode)new JsonObject
            {
                ["name"] = c.Name,
                ["type"] = c.Type,
                ["format"] = c.Format ?? (c.Name == "Name" ? "name" : ""),
                ["description"] = c.Description,
                ["priority"] = c.Priority,
            })]),
            ["rows"] = rows,
        };
    }

    private JsonObject Row(ResourceType type, IReadOnlyList<PrinterColumn> columns, StoredObject stored, string includeObject)
    {
        var obj = JsonNode.Parse(ApiResponses.Bytes(type, stored))!.AsObject();
        var cells = new JsonArray();
        foreach (var column in columns)
        {
            cells.Add(Cell(obj, column));
        }

        var row = new JsonObject { ["cells"] = cells };
        switch (includeObject)
        {
            case "None":
                break;
            case "Object":
                row["object"] = obj;
                break;
            default:
                row["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = obj["metadata"]?.DeepClone(),
                };
                break;
        }

        return row;
    }

    private JsonNode? Cell(JsonObject obj, PrinterColumn column)
    {
        if (column.JsonPath == ".metadata.name")
        {
            return obj["metadata"]?["name"]?.DeepClone();
        }

        var value = PrinterJsonPath.FirstValue(obj, column.JsonPath);
        if (column.Type == "date")
        {
            return value is JsonValue v && v.TryGetValue<string>(out var text) && DateTimeOffset.TryParse(text, out var at)
                ? HumanDuration(time.GetUtcNow() - at)
                : "<unknown>";
        }

        return value switch
        {
            null => null,
            JsonValue scalar => scalar,
            _ => value.ToJsonString(),
        };
    }

    private static IReadOnlyList<PrinterColumn> Columns(ResourceType type)
    {
        var name = new PrinterColumn("Name", "string", ".metadata.name", "Name must be unique within a namespace.", 0, "name");
        var age = new PrinterColumn("Age", "date", ".metadata.creationTimestamp", "CreationTimestamp is a timestamp representing the server time when this object was created.", 0, null);
        if (type.IsCustom && type.PrinterColumns.Count > 0)
        {
            return [name, .. type.PrinterColumns];
        }

        return [name, age];
    }

    /// <summary>k8s.io/apimachinery duration.HumanDuration.</summary>
    public static string HumanDuration(TimeSpan d)
    {
        var seconds = (long)d.TotalSeconds;
        if (seconds < -1)
        {
            return "<invalid>";
        }

        if (seconds < 0)
        {
            return "0s";
        }

        if (seconds < 120)
        {
            return $"{seconds}s";
        }

        var minutes = seconds / 60;
        if (minutes < 10)
        {
            var s = seconds % 60;
            return s == 0 ? $"{minutes}m" : $"{minutes}m{s}s";
        }

        if (minutes < 180)
        {
            return $"{minutes}m";
        }

        var hours = minutes / 60;
        if (hours < 8)
        {
            var m = minutes % 60;
            return m == 0 ? $"{hours}h" : $"{hours}h{m}m";
        }

        if (hours < 48)
        {
            return $"{hours}h";
        }

        if (hours < 24 * 8)
        {
            var h = hours % 24;
            return h == 0 ? $"{hours / 24}d" : $"{hours / 24}d{h}h";
        }

        if (hours < 24 * 365 * 2)
        {
            return $"{hours / 24}d";
        }

        if (hours < 24 * 365 * 8)
        {
            var dy = hours / 24 % 365;
            return dy == 0 ? $"{hours / 24 / 365}y" : $"{hours / 24 / 365}y{dy}d";
        }

        return $"{hours / 24 / 365}y";
    }
}
