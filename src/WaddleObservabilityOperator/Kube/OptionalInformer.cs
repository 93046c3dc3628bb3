using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>The part of an <see cref="OptionalInformer{T}"/> that <see cref="OptionalApis"/> drives, whatever the kind.</summary>
public interface IOptionalInformer : IInformer
{
    /// <summary>Its informer is running (the API was found served).</summary>
    bool Started { get; }

    /// <summary>Raised when the running informer's list or watch fails (a 404 once the API is gone).</summary>
    event Action<Exception>? Failed;

    /// <summary>Starts an informer (the API appeared); returns once its cache has synced. Does nothing when one runs.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops the informer and drops its cache (the API went away).</summary>
    void Stop();
}

/// <summary>
/// An informer for a kind whose API may be missing, such as a CRD that is installed later: <see cref="OptionalApis"/>
/// starts it when the API is served and stops it when it is not. Handlers are kept across restarts, so a controller
/// declares its watch once.
/// </summary>
public sealed class OptionalInformer<T>(ResourceType type, Func<ResourceInformer<T>> create) : IInformer<T>, IOptionalInformer
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly Lock _gate = new();
    private readonly List<IResourceEventHandler<T>> _handlers = [];
    private ResourceInformer<T>? _current;
    private CancellationTokenSource? _stop;
    private Task _run = Task.CompletedTask;

    public ResourceType Type { get; } = type ?? throw new ArgumentNullException(nameof(type));

    public ResourceInformer<T>? Current
    {
        get
        {
            lock (_gate)
            {
                return _current;
            }
        }
    }

    public bool Started => Current is not null;

    public bool HasSynced => Current?.HasSynced != false;

    public event Action<Exception>? Failed;

    public void AddHandler(IResourceEventHandler<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_gate)
        {
            _handlers.Add(handler);
            _current?.AddHandler(handler);
        }
    }

    /// <summary>Waits for cancellation (informers are started by <see cref="StartAsync"/>), then stops the running one.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        Task run;
        lock (_gate)
        {
            run = _run;
        }

        Stop();
        await run.ConfigureAwait(false);
    }

    public IReadOnlyList<ObjectKey> CachedKeys() => Current?.Cache.Keys() ?? [];

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => Current?.WaitForSyncAsync(cancellationToken) ?? Task.CompletedTask;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        ResourceInformer<T> informer;
        lock (_gate)
        {
            if (_current is not null)
            {
                informer = _current;
            }
            else
            {
                informer = create();
                informer.Failed += e => Failed?.Invoke(e);
                foreach (var handler in _handlers)
                {
                    informer.AddHandler(handler);
                }

                _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var stop = _stop.Token;
                _current = informer;
                _run = Task.Run(() => informer.RunAsync(stop), CancellationToken.None);
            }
        }

        await informer.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
    }

    public void Stop()
    {
        lock (_gate)
        {
            _stop?.Cancel();
            _stop?.Dispose();
            _stop = null;
            _current = null;
        }
    }
}
