namespace WaddleObservabilityOperator.Kube;

/// <summary>What an informer watches and how it recovers.</summary>
public sealed record InformerOptions
{
    /// <summary>Namespaces to watch; null or empty means all namespaces (and is required for cluster-scoped kinds).</summary>
    public IReadOnlyList<string>? Namespaces { get; init; }

    /// <summary>
    /// Only the objects of these names, each listed and watched on its own with <c>fieldSelector=metadata.name=&lt;name&gt;</c>
    /// (which RBAC can grant by resourceNames); null or empty means every object. Not with <see cref="Namespaces"/>.
    /// </summary>
    public IReadOnlyList<string>? Names { get; init; }

    /// <summary>Only objects matching this label selector, e.g. "app.kubernetes.io/managed-by=x".</summary>
    public string? LabelSelector { get; init; }

    /// <summary>Only objects matching this field selector, e.g. "metadata.name=servicemonitors.monitoring.coreos.com".</summary>
    public string? FieldSelector { get; init; }

    internal ListSelector Selector => new(LabelSelector, FieldSelector);

    /// <summary>Items per list page (limit/continue).</summary>
    public int PageSize { get; init; } = 500;

    /// <summary>Each watch asks the server to end it after a random time in [this, 2 x this) (client-go: 5..10 min), so no watch lives forever.</summary>
    public TimeSpan MinWatchTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>A watch with no event or bookmark for this long is presumed hung and restarted. Default: 2 x MinWatchTimeout + 1 min, i.e. past the point where the server should have ended it.</summary>
    public TimeSpan? WatchdogTimeout { get; init; }

    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(800);

    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A watch that lasted at least this long, or delivered an event, resets the backoff.</summary>
    public TimeSpan HealthyWatch { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Every this often, every cached object is delivered to the handlers again as an update (old == new) without any
    /// API call, so level-based controllers re-check the world (client-go's resync). Null turns it off.
    /// </summary>
    public TimeSpan? ResyncPeriod { get; init; }

    internal TimeSpan EffectiveWatchdogTimeout => WatchdogTimeout ?? (2 * MinWatchTimeout) + TimeSpan.FromMinutes(1);
}
