using KubeApiEmulator.Storage;

namespace KubeApiEmulator.Selectors;

/// <summary>What a list or watch selects: a namespace (null for all), labels and fields.</summary>
public sealed record ObjectFilter(string? Namespace, LabelSelector Labels, FieldSelector Fields)
{
    public bool Matches(StoredObject obj) =>
        (Namespace is null || obj.Namespace == Namespace) && Labels.Matches(obj.Labels) && Fields.Matches(obj);
}
