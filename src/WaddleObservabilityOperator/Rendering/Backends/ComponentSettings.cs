using System.Collections.Immutable;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The effective settings of the managed components of a policy, one record per component, found by its type.
/// Immutable; equal when the same records are equal, so <see cref="EffectivePolicy"/> keeps its value equality.
/// </summary>
public sealed class ComponentSettings : IEquatable<ComponentSettings>
{
    private readonly ImmutableDictionary<Type, IComponentSettings> _byType;

    private ComponentSettings(ImmutableDictionary<Type, IComponentSettings> byType) => _byType = byType;

    public static ComponentSettings Empty { get; } = new(ImmutableDictionary<Type, IComponentSettings>.Empty);

    /// <summary>The settings record of type <typeparamref name="T"/>.</summary>
    /// <exception cref="InvalidOperationException">No component put a <typeparamref name="T"/> here.</exception>
    public T Get<T>()
        where T : class, IComponentSettings =>
        _byType.TryGetValue(typeof(T), out var settings)
            ? (T)settings
            : throw new InvalidOperationException($"No {typeof(T).Name} in the policy's component settings; is its component in ManagedComponents.All?");

    /// <summary>A copy with <paramref name="settings"/> in place of the record of the same type.</summary>
    public ComponentSettings With(IComponentSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return new(_byType.SetItem(settings.GetType(), settings));
    }

    public bool Equals(ComponentSettings? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (_byType.Count == other._byType.Count
                && _byType.All(kv => other._byType.TryGetValue(kv.Key, out var theirs) && Equals(kv.Value, theirs))));

    public override bool Equals(object? obj) => Equals(obj as ComponentSettings);

    public override int GetHashCode() => _byType.Aggregate(0, (hash, kv) => hash ^ HashCode.Combine(kv.Key, kv.Value));
}
