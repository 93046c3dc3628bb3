using System.Text.Json.Serialization;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The managed Alertmanager's configuration when the policy gives none (no configSecretRef): a root route whose only
/// receiver has no integration, so every alert is received, grouped and shown in Alertmanager's UI and API, and no
/// notification goes anywhere. A user's own configuration (with receivers and their credentials) comes from a Secret
/// the operator mounts and never reads.
/// </summary>
public static class AlertmanagerConfigDocument
{
    public const string FileName = "alertmanager.yml";

    /// <summary>The receiver that drops notifications.</summary>
    public const string NullReceiver = "null";

    public static string Render() => ConfigYaml.Serialize(new AlertmanagerConfig
    {
        Route = new Route
        {
            Receiver = NullReceiver,
            GroupBy = ["alertname", "namespace"],
            GroupWait = "30s",
            GroupInterval = "5m",
            RepeatInterval = "12h",
        },
        Receivers = [new Receiver { Name = NullReceiver }],
    });

#pragma warning disable CA1812 // instantiated above; serialized by reflection
    internal sealed record AlertmanagerConfig
    {
        [JsonPropertyName("route"), JsonPropertyOrder(0)] public required Route Route { get; init; }
        [JsonPropertyName("receivers"), JsonPropertyOrder(1)] public required IReadOnlyList<Receiver> Receivers { get; init; }
    }

    internal sealed record Route
    {
        [JsonPropertyName("receiver"), JsonPropertyOrder(0)] public required string Receiver { get; init; }
        [JsonPropertyName("group_by"), JsonPropertyOrder(1)] public required IReadOnlyList<string> GroupBy { get; init; }
        [JsonPropertyName("group_wait"), JsonPropertyOrder(2)] public required string GroupWait { get; init; }
        [JsonPropertyName("group_interval"), JsonPropertyOrder(3)] public required string GroupInterval { get; init; }
        [JsonPropertyName("repeat_interval"), JsonPropertyOrder(4)] public required string RepeatInterval { get; init; }
    }

    internal sealed record Receiver
    {
        [JsonPropertyName("name")] public required string Name { get; init; }
    }
#pragma warning restore CA1812
}
