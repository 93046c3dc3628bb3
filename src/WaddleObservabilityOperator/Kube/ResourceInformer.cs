using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// Keeps a cache of one kind in step with the API server: a paged list, then a watch from the list's resourceVersion
/// (bookmarks on, server-side timeout), re-watching from the last seen resourceVersion when a watch ends. On 410 Expired
/// (as an HTTP status or as an ERROR event in the stream) it relists and emits Deleted for objects that vanished and
/// Added/Modified for those that changed. Errors reconnect with exponential backoff and jitter; a watchdog restarts a
/// watch that has been silent for too long. Each namespace in scope (or all namespaces) gets its own list/watch loop.
/// </summary>
public sealed class ResourceInformer<T> : IInformer<T>
    where T : IKubernetesObject<V1ObjectMeta>
{
    private readonly IResourceClient<T> _client;
    private readonly InformerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Random _random;
    private readonly Func<T, T>? _transform;
    private readonly Lock _dispatch = new();
    private readonly List<IResourceEventHandler<T>> _handlers = [];
    private readonly TaskCompletionSource _synced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly IReadOnlyList<ListScope> _scopes;
    private int _unsyncedScopes;
    private int _started;

    /// <summary>
    /// An informer over <paramref name="client"/>. <paramref name="transform"/> is what the cache keeps of each object,
    /// applied once as the object is decoded (from a list page, a watch event or the answer to a write of ours) and
    /// before any handler sees it: controller-runtime's <c>cache.TransformFunc</c>. It gets an object nothing else holds
    /// and returns what to keep (that object, changed, or a smaller one).
    /// </summary>
    public ResourceInformer(IResourceClient<T> client, InformerOptions options, TimeProvider time, ILogger logger, Random? random = null, Func<T, T>? transform = null)
    {
        _transform = transform;
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _logger = logger ?? throw new ArgumentNullException(nameof(logger));
        _random = random ?? Random.Shared;
        if (!client.Type.Namespaced && options.Namespaces is { Count: > 0 })
        {
            throw new ArgumentException($"{client.Type} is cluster-scoped: an informer for it cannot be limited to namespaces", nameof(options));
        }

        if (options.Names is { Count: > 0 } && options.Namespaces is { Count: > 0 })
        {
            throw new ArgumentException($"an informer for {client.Type} is limited either by namespace or by name, not both", nameof(options));
        }

        _scopes = options.Namespaces is { Count: > 0 } namespaces ? [.. namespaces.Distinct(StringComparer.Ordinal).Select(ns => new ListScope(ns, null))]
            : options.Names is { Count: > 0 } names ? [.. names.Distinct(StringComparer.Ordinal).Select(name => new ListScope(null, name))]
            : [new ListScope(null, null)];

        _unsyncedScopes = _scopes.Count;
    }

    public ResourceCache<T> Cache { get; } = new();

    /// <summary>Raised when a list or watch fails (before the backoff), e.g. 404 once the resource is no longer served.</summary>
    public event Action<Exception>? Failed;

    public ResourceType Type => _client.Type;

    public IReadOnlyList<ObjectKey> CachedKeys() => Cache.Keys();

    /// <summary>This informer: it always runs.</summary>
    public ResourceInformer<T> Current => this;

    /// <summary>True once every namespace in scope has been listed and its objects delivered to the handlers.</summary>
    public bool HasSynced => _synced.Task.IsCompleted;

    public Task WaitForSyncAsync(CancellationToken cancellationToken) => _synced.Task.WaitAsync(cancellationToken);

    /// <summary>Adds a handler; objects already cached are delivered to it as Added first, so a late handler misses nothing.</summary>
    public void AddHandler(IResourceEventHandler<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        lock (_dispatch)
        {
            _handlers.Add(handler);
            foreach (var obj in Cache.List())
            {
                Notify(handler, h => h.OnAdded(obj));
            }
        }
    }

    /// <summary>
    /// Takes the server's answer to an update of ours into the cache at once (and tells the handlers), so the next
    /// reconcile does not act on the version it just replaced and earn a 409. Only when the cache still holds
    /// <paramref name="basedOnResourceVersion"/>, the version the update was made from: if the watch has delivered
    /// anything newer (or a deletion), the cache is already ahead and stays as it is. The watch event of the same
    /// version that follows is then a replay and is skipped. Creates are not taken in: an absent entry cannot tell a
    /// not-yet-seen object from one already deleted.
    /// </summary>
    public bool ObserveUpdate(T written, string? basedOnResourceVersion)
    {
        ArgumentNullException.ThrowIfNull(written);
        if (string.IsNullOrEmpty(basedOnResourceVersion) || string.IsNullOrEmpty(written.Metadata?.ResourceVersion))
        {
            return false;
        }

        lock (_dispatch)
        {
            if (Cache.Get(ObjectKey.Of(written))?.Metadata?.ResourceVersion != basedOnResourceVersion)
            {
                return false;
            }

            Apply(written);
            return true;
        }
    }

    /// <summary>Runs the list/watch loops (and the resync, when configured) until cancelled. Call once.</summary>
    public Task RunAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _started, 1) == 1)
        {
            throw new InvalidOperationException($"the informer for {Type} is already running");
        }

        var loops = _scopes.Select(scope => Task.Run(() => ReflectAsync(scope, cancellationToken), CancellationToken.None)).ToList();
        if (_options.ResyncPeriod is { } period && period > TimeSpan.Zero)
        {
            loops.Add(ResyncAsync(period, cancellationToken));
        }

        return Task.WhenAll(loops);
    }

    private async Task ResyncAsync(TimeSpan period, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(period, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                lock (_dispatch)
                {
                    foreach (var obj in Cache.List())
                    {
                        NotifyAll(h => h.OnUpdated(obj, obj));
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped.
        }
    }

    private async Task ReflectAsync(ListScope scope, CancellationToken cancellationToken)
    {
        var backoff = new ReconnectBackoff(_options.InitialBackoff, _options.MaxBackoff, random: _random);
        string? resourceVersion = null;
        var synced = false;
        var expiredInARow = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                if (resourceVersion is null)
                {
                    resourceVersion = await ListAndReplaceAsync(scope, cancellationToken).ConfigureAwait(false);
                    if (!synced)
                    {
                        synced = true;
                        if (Interlocked.Decrement(ref _unsyncedScopes) == 0)
                        {
                            _synced.TrySetResult();
                        }
                    }
                }

                var outcome = await WatchAsync(scope, resourceVersion, cancellationToken).ConfigureAwait(false);
                resourceVersion = outcome.ResourceVersion;
                if (outcome.Healthy)
                {
                    backoff.Reset();
                    expiredInARow = 0;
                    continue;
                }

                _logger.LogDebug("Watch of {Resource} in {Scope} ended early without events", Type, scope);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (KubeErrors.IsExpired(e))
            {
                // The server no longer has history from our resourceVersion: start over from a fresh list.
                _logger.LogInformation("Resource version of {Resource} in {Scope} expired ({Message}); relisting", Type, scope, e.Message);
                resourceVersion = null;
                if (++expiredInARow == 1)
                {
                    continue; // relist at once the first time; back off if the fresh list expires again before a healthy watch
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                if (e is WatchRestartException restart)
                {
                    resourceVersion = restart.ResourceVersion;
                }

                var cause = e is WatchRestartException { InnerException: { } inner } ? inner : e;
                var level = KubeErrors.StatusCode(cause) is null ? LogLevel.Information : LogLevel.Warning;
                _logger.Log(level, cause, "List/watch of {Resource} in {Scope} failed: {Message}; reconnecting", Type, scope, e.Message);
                Failed?.Invoke(cause);
            }

            try
            {
                await Task.Delay(backoff.Next(), _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task<string> ListAndReplaceAsync(ListScope scope, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        string? continueToken = null;
        string resourceVersion;
        do
        {
            var page = await _client.ListAsync(scope.Namespace, scope.Selector(_options.Selector), _options.PageSize, continueToken, cancellationToken).ConfigureAwait(false);

            // Trimmed page by page, so a list of thousands never holds them all whole.
            items.AddRange(page.Items.Select(Transform));
            resourceVersion = page.ResourceVersion;
            continueToken = page.Continue;
        }
        while (continueToken is not null);

        lock (_dispatch)
        {
            var listed = new HashSet<ObjectKey>();
            foreach (var obj in items)
            {
                listed.Add(ObjectKey.Of(obj));
                Apply(obj, transformed: true);
            }

            foreach (var key in Cache.Keys().Where(k => scope.Contains(k) && !listed.Contains(k)))
            {
                // Deleted while we were not watching (client-go's DeletedFinalStateUnknown): the last state we knew.
                if (Cache.Remove(key) is { } gone)
                {
                    NotifyAll(h => h.OnDeleted(gone));
                }
            }
        }

        _logger.LogDebug("Listed {Count} {Resource} in {Scope} at resourceVersion {ResourceVersion}", items.Count, Type, scope, resourceVersion);
        return resourceVersion;
    }

    private async Task<WatchOutcome> WatchAsync(ListScope scope, string resourceVersion, CancellationToken cancellationToken)
    {
        var timeoutSeconds = (int)(_options.MinWatchTimeout.TotalSeconds * (1 + _random.NextDouble()));
        var started = _time.GetTimestamp();
        var events = 0;
        using var watchCts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var watchdog = new Watchdog(_time, _options.EffectiveWatchdogTimeout, watchCts);
        try
        {
            await foreach (var ev in _client.WatchAsync(scope.Namespace, scope.Selector(_options.Selector), resourceVersion, Math.Max(1, timeoutSeconds), watchCts.Token).ConfigureAwait(false))
            {
                watchdog.Reset();
                events++;
                switch (ev.Type)
                {
                    case WatchEventKind.Added or WatchEventKind.Modified:
                        lock (_dispatch)
                        {
                            Apply(ev.Object);
                        }

                        break;
                    case WatchEventKind.Deleted:
                        lock (_dispatch)
                        {
                            if (Cache.Remove(ObjectKey.Of(ev.Object)) is not null)
                            {
                                var gone = Transform(ev.Object);
                                NotifyAll(h => h.OnDeleted(gone));
                            }
                        }

                        break;
                    case WatchEventKind.Bookmark:
                        break;
                    default:
                        throw new InvalidOperationException($"unexpected watch event type {ev.Type}");
                }

                if (!string.IsNullOrEmpty(ev.ResourceVersion))
                {
                    resourceVersion = ev.ResourceVersion;
                }
            }
        }
        catch (OperationCanceledException) when (watchdog.Fired && !cancellationToken.IsCancellationRequested)
        {
            // Not a server error: restart at once from where we were.
            _logger.LogWarning("Watch of {Resource} in {Scope} had no event for {Timeout}; restarting it", Type, scope, _options.EffectiveWatchdogTimeout);
            return new WatchOutcome(resourceVersion, Healthy: true);
        }
        catch (Exception e) when (IsEndOfWatch(e))
        {
            // The server closed an idle watch (KubernetesClient surfaces that as EndOfStream): a normal end.
        }
        catch (Exception e) when (!KubeErrors.IsExpired(e) && e is not OperationCanceledException)
        {
            if (KubeErrors.StatusCode(e) is null && (events > 0 || _time.GetElapsedTime(started) >= _options.HealthyWatch))
            {
                // The connection broke under a watch that was working (it delivered events or lasted): resume at once
                // from the last resourceVersion, as after a clean end. Backing off here made every dropped connection
                // grow the delay, so under repeated drops the cache lagged the cluster by up to the maximum backoff.
                _logger.LogInformation("Watch of {Resource} in {Scope} broke after {Events} events ({Message}); resuming from resourceVersion {ResourceVersion}",
                    Type, scope, events, e.Message, resourceVersion);
                return new WatchOutcome(resourceVersion, Healthy: true);
            }

            throw new WatchRestartException(resourceVersion, e);
        }

        var healthy = events > 0 || _time.GetElapsedTime(started) >= _options.HealthyWatch;
        return new WatchOutcome(resourceVersion, healthy);
    }

    // What the cache keeps of a decoded object. metadata.managedFields is dropped from every kind (controller-runtime's
    // TransformStripManagedFields): nothing reads it, an update that omits it keeps the server's, and on a real cluster
    // it is a large part of every object. Then the kind's own transform, if its declaration names one.
    private T Transform(T obj)
    {
        if (obj.Metadata is { } metadata)
        {
            metadata.ManagedFields = null;
        }

        return _transform is null ? obj : _transform(obj);
    }

    // Under _dispatch: store the object and tell the handlers, unless this exact version is already cached (a replay).
    private void Apply(T obj, bool transformed = false)
    {
        var cached = Cache.Get(ObjectKey.Of(obj));
        if (cached is not null && cached.Metadata?.ResourceVersion == obj.Metadata?.ResourceVersion)
        {
            return;
        }

        if (!transformed)
        {
            obj = Transform(obj);
        }

        var old = Cache.Upsert(obj);
        if (old is null)
        {
            NotifyAll(h => h.OnAdded(obj));
        }
        else
        {
            NotifyAll(h => h.OnUpdated(old, obj));
        }
    }

    /// <summary>What one list/watch loop covers: a namespace (or all), or one object by name (fieldSelector metadata.name, which RBAC grants by resourceNames).</summary>
    private readonly record struct ListScope(string? Namespace, string? Name)
    {
        public bool Contains(ObjectKey key) => (Namespace is null || key.Namespace == Namespace) && (Name is null || key.Name == Name);

        public ListSelector Selector(ListSelector options) => Name is null
            ? options
            : options with { Fields = string.IsNullOrEmpty(options.Fields) ? $"metadata.name={Name}" : $"{options.Fields},metadata.name={Name}" };

        public override string ToString() => Name is not null ? $"name {Name}" : Namespace ?? "all namespaces";
    }

    private static bool IsEndOfWatch(Exception e) =>
        e is HttpRequestException { InnerException: EndOfStreamException } || e is EndOfStreamException;

    private void NotifyAll(Action<IResourceEventHandler<T>> action)
    {
        foreach (var handler in _handlers)
        {
            Notify(handler, action);
        }
    }

    private void Notify(IResourceEventHandler<T> handler, Action<IResourceEventHandler<T>> action)
    {
        try
        {
            action(handler);
        }
        catch (Exception e)
        {
            // A failing handler must not stop the informer or starve the other handlers.
            _logger.LogError(e, "Event handler for {Resource} failed", Type);
        }
    }

    private sealed record WatchOutcome(string ResourceVersion, bool Healthy);

    /// <summary>Cancels the watch when no event arrived for the timeout (a half-open connection never ends by itself).</summary>
    private sealed class Watchdog : IDisposable
    {
        private readonly ITimer _timer;
        private readonly TimeSpan _timeout;
        private int _fired;

        public Watchdog(TimeProvider time, TimeSpan timeout, CancellationTokenSource watch)
        {
            _timeout = timeout;
            _timer = time.CreateTimer(
                _ =>
                {
                    Interlocked.Exchange(ref _fired, 1);
                    try
                    {
                        watch.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                        // The watch ended as the watchdog fired.
                    }
                },
                null,
                timeout,
                Timeout.InfiniteTimeSpan);
        }

        public bool Fired => Volatile.Read(ref _fired) == 1;

        public void Reset() => _timer.Change(_timeout, Timeout.InfiniteTimeSpan);

        public void Dispose() => _timer.Dispose();
    }
}

/// <summary>A watch failed after it had advanced the resourceVersion; the reflector resumes from <see cref="ResourceVersion"/>.</summary>
internal sealed class WatchRestartException(string resourceVersion, Exception inner)
    : Exception(inner.Message, inner)
{
    public string ResourceVersion { get; } = resourceVersion;
}
