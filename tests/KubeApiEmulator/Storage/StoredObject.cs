using System.Text.Json.Nodes;

namespace KubeApiEmulator.Storage;

/// <summary>
/// One committed version of an object. Immutable: the JSON is kept as bytes so concurrent readers never share a
/// mutable JsonNode; writers parse a private copy.
/// </summary>
public sealed class StoredObject
{
    private StoredObject(ResourceType type, byte[] json, JsonObject parsed)
    {
        Type = type;
        Json = json;
        var metadata = parsed["metadata"] as JsonObject;
        Namespace = metadata?["namespace"]?.GetValue<string>() ?? "";
        Name = metadata?["name"]?.GetValue<string>() ?? "";
        Uid = metadata?["uid"]?.GetValue<string>() ?? "";
        ResourceVersion = long.Parse(metadata?["resourceVersion"]?.GetValue<string>() ?? "0");
        Labels = StringMap(metadata?["labels"]);
        Finalizers = metadata?["finalizers"] is JsonArray finalizers
            ? [.. finalizers.Select(f => f?.GetValue<string>() ?? "")]
            : [];
        IsDeleting = metadata?["deletionTimestamp"] is not null;
        Owners = metadata?["ownerReferences"] is JsonArray owners
            ? [.. owners.OfType<JsonObject>().Select(OwnerLink.From)]
            : [];
    }

    /// <summary>The served version the object was last written through (its apiVersion).</summary>
    public ResourceType Type { get; }

    public byte[] Json { get; }
    public string Namespace { get; }
    public string Name { get; }
    public string Uid { get; }
    public long ResourceVersion { get; }
    public IReadOnlyDictionary<string, string> Labels { get; }
    public IReadOnlyList<string> Finalizers { get; }
    public bool IsDeleting { get; }
    public IReadOnlyList<OwnerLink> Owners { get; }

    public ObjectKey Key => new(Namespace, Name);

    internal static StoredObject From(ResourceType type, JsonObject obj) =>
        new(type, Http.WireJson.Bytes(obj), obj);

    /// <summary>A private, mutable copy.</summary>
    public JsonObject ToJsonObject() => JsonNode.Parse(Json)!.AsObject();

    public override string ToString() => $"{Type.GroupResource} {Namespace}/{Name}@{ResourceVersion}";

    private static Dictionary<string, string> StringMap(JsonNode? node)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is JsonObject obj)
        {
            foreach (var (key, value) in obj)
            {
                map[key] = value?.ToString() ?? "";
            }
        }

        return map;
    }
}

/// <summary>The parts of an ownerReference garbage collection needs.</summary>
public sealed record OwnerLink(string Uid, string ApiVersion, string Kind, string Name, bool BlockOwnerDeletion)
{
    internal static OwnerLink From(JsonObject reference) => new(
        reference["uid"]?.GetValue<string>() ?? "",
        reference["apiVersion"]?.GetValue<string>() ?? "",
        reference["kind"]?.GetValue<string>() ?? "",
        reference["name"]?.GetValue<string>() ?? "",
        reference["blockOwnerDeletion"]?.GetValue<bool>() ?? false);
}

/// <summary>Namespace ("" for cluster-scoped) and name; ordered namespace first, ordinally, as lists are.</summary>
public readonly record struct ObjectKey(string Namespace, string Name) : IComparable<ObjectKey>
{
    public int CompareTo(ObjectKey other)
    {
        var byNamespace = string.CompareOrdinal(Namespace, other.Namespace);
        return byNamespace != 0 ? byNamespace : string.CompareOrdinal(Name, other.Name);
    }

    public override string ToString() => Namespace.Length == 0 ? Name : $"{Namespace}/{Name}";
}
