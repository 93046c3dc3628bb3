using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// Follows whether the cluster serves each optional API (a CRD that may be installed or removed at any time, such as
/// prometheus-operator's ServiceMonitor) through <see cref="OptionalApiDiscovery"/>, and starts and stops its
/// <see cref="IOptionalInformer"/> with it, so installing the CRD later takes effect without a restart. Discovery runs
/// periodically while an API is absent and, through a watch on that one CustomResourceDefinition (a field selector on
/// its name, which RBAC grants by <c>resourceNames</c>), at once when it is created, established or deleted; while an
/// API is served, a failing list or watch of its informer (404) asks for a check.
/// </summary>
public sealed class OptionalApis
{
    private readonly OptionalApiDiscovery _discovery;
    private readonly Dictionary<GroupVersionResource, IOptionalInformer> _informers = [];
    private readonly List<IInformer> _crds = [];
    private readonly HashSet<GroupVersionResource> _served = [];
    private readonly HashSet<GroupVersionResource> _unchecked;
    private readonly Lock _gate = new();
    private readonly ILogger _logger;
    private readonly TaskCompletionSource _firstCheck = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private CancellationToken _stopping;

    public OptionalApis(IEnumerable<IOptionalInformer> informers, OptionalApiDiscovery discovery, InformerFactory factory, ILogger<OptionalApis> logger)
    {
        ArgumentNullException.ThrowIfNull(informers);
        ArgumentNullException.ThrowIfNull(factory);
        _discovery = discovery ?? throw new ArgumentNullException(nameof(discovery));
        _logger = logger;
        foreach (var informer in informers)
        {
            var resource = Resource(informer.Type);
            _informers[resource] = informer;
            discovery.Track(resource);
            var crd = factory.Create<V1CustomResourceDefinition>(CrdInformerOptions(factory.Options, informer.Type));
            crd.AddHandler(new ResourceEventHandler<V1CustomResourceDefinition>(_ => discovery.RequestRefresh(), (_, _) => discovery.RequestRefresh(), _ => discovery.RequestRefresh()));
            _crds.Add(crd);
            informer.Failed += _ => discovery.RequestRefresh();
        }

        _unchecked = [.. _informers.Keys];
        if (_unchecked.Count == 0)
        {
            _firstCheck.TrySetResult();
        }

        discovery.Changed += OnChanged;
    }

    public static GroupVersionResource Resource(ResourceType type) =>
        new((type ?? throw new ArgumentNullException(nameof(type))).Group, type.Version, type.Plural);

    /// <summary>The name of the CustomResourceDefinition that serves <paramref name="type"/>: plural.group.</summary>
    public static string CrdName(ResourceType type) => $"{(type ?? throw new ArgumentNullException(nameof(type))).Plural}.{type.Group}";

    /// <summary>
    /// A CRD informer's options: cluster-wide, only that CRD (a field selector, so other CRDs' large schemas are never
    /// cached), no resync (a missed event is covered by the periodic probe while the API is absent and by the informer's
    /// failures while it is served).
    /// </summary>
    public static InformerOptions CrdInformerOptions(InformerOptions operatorInformers, ResourceType type)
    {
        ArgumentNullException.ThrowIfNull(operatorInformers);
        return operatorInformers with { Namespaces = null, LabelSelector = null, FieldSelector = $"metadata.name={CrdName(type)}", ResyncPeriod = null };
    }

    /// <summary>Served, and its cache synced: objects of the kind can be read and written.</summary>
    public bool IsServed(ResourceType type)
    {
        lock (_gate)
        {
            return _served.Contains(Resource(type));
        }
    }

    /// <summary>An API appeared or went away (after its informer started and synced, or stopped).</summary>
    public event Action<ResourceType>? Changed;

    /// <summary>Completes once every optional API was checked and, where served, its cache has synced.</summary>
    public Task FirstCheck => _firstCheck.Task;

    /// <summary>Runs discovery and the CRD informers until cancelled. The first check of each API always reports a change (from unknown).</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        _stopping = cancellationToken;
        return Task.WhenAll(_crds.Select(c => c.RunAsync(cancellationToken)).Append(_discovery.RunAsync(cancellationToken)));
    }

    private void OnChanged(ApiAvailabilityChange change)
    {
        if (!_informers.TryGetValue(change.Resource, out var informer))
        {
            return;
        }

        if (change.Served)
        {
            _ = StartAsync(change.Resource, informer);
        }
        else
        {
            informer.Stop();
            Settle(change.Resource, served: false, informer);
        }
    }

    private async Task StartAsync(GroupVersionResource resource, IOptionalInformer informer)
    {
        try
        {
            await informer.StartAsync(_stopping).ConfigureAwait(false);
            Settle(resource, served: true, informer);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            _logger.LogError(e, "Could not start watching {Resource}", resource);
        }
    }

    private void Settle(GroupVersionResource resource, bool served, IOptionalInformer informer)
    {
        bool allChecked;
        lock (_gate)
        {
            _ = served ? _served.Add(resource) : _served.Remove(resource);
            _unchecked.Remove(resource);
            allChecked = _unchecked.Count == 0;
        }

        if (allChecked)
        {
            _firstCheck.TrySetResult();
        }

        Changed?.Invoke(informer.Type);
    }
}
