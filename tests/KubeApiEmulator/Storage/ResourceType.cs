using System.Text.Json.Nodes;

namespace KubeApiEmulator.Storage;

/// <summary>One served resource of one group version, as discovery describes it.</summary>
public sealed record ResourceType(
    string Group,
    string Version,
    string Plural,
    string Singular,
    string Kind,
    bool Namespaced)
{
    public static readonly IReadOnlyList<string> AllVerbs =
        ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

    public IReadOnlyList<string> ShortNames { get; init; } = [];
    public IReadOnlyList<string> Categories { get; init; } = [];
    public IReadOnlyList<string> Verbs { get; init; } = AllVerbs;

    /// <summary>A /status subresource exists: main-resource writes keep the stored status, /status writes change only status.</summary>
    public bool HasStatus { get; init; }

    /// <summary>A /scale subresource exists (autoscaling/v1 Scale over spec.replicas, status.replicas and the selector).</summary>
    public bool HasScale { get; init; }

    /// <summary>metadata.generation is maintained (CRDs always; built-ins whose strategy does).</summary>
    public bool TracksGeneration { get; init; }

    /// <summary>DELETE answers with the deleted object instead of a Success Status (pods, custom resources).</summary>
    public bool ReturnsDeletedObject { get; init; }

    /// <summary>Served from a CustomResourceDefinition (strategic merge patch is refused for these).</summary>
    public bool IsCustom { get; init; }

    /// <summary>Create-only review kinds (TokenReview, SubjectAccessReview): answered, never stored.</summary>
    public bool IsReview { get; init; }

    public JsonNode? Schema { get; init; }
    public IReadOnlyList<PrinterColumn> PrinterColumns { get; init; } = [];

    public string ApiVersion => Group.Length == 0 ? Version : $"{Group}/{Version}";

    /// <summary>The "configmaps" / "deployments.apps" form the API server uses in messages.</summary>
    public string GroupResource => Group.Length == 0 ? Plural : $"{Plural}.{Group}";

    /// <summary>The "ConfigMap" / "WaddleService.observability.waddlebot.io" form used in Invalid messages.</summary>
    public string GroupKind => Group.Length == 0 ? Kind : $"{Kind}.{Group}";

    /// <summary>The list kind (a CRD may name its own; built-ins are Kind + "List").</summary>
    public string ListKind
    {
        get => _listKind ?? Kind + "List";
        init => _listKind = string.IsNullOrEmpty(value) ? null : value;
    }

    private readonly string? _listKind;

    public StorageKey StorageKey => new(Group, Plural);

    public bool Supports(string verb) => Verbs.Contains(verb);
}

/// <summary>Objects of all versions of a group's resource share one storage.</summary>
public readonly record struct StorageKey(string Group, string Plural)
{
    public override string ToString() => Group.Length == 0 ? Plural : $"{Plural}.{Group}";
}

/// <summary>An additionalPrinterColumns entry (or a built-in column).</summary>
public sealed record PrinterColumn(string Name, string Type, string JsonPath, string Description, int Priority, string? Format);
