using System.Text.Json.Nodes;
using System.Threading.Channels;
using KubeApiEmulator.Registry;
using KubeApiEmulator.Storage;
using KubeApiEmulator.Watch;

namespace KubeApiEmulator.GarbageCollection;

/// <summary>
/// The controllers a test cluster cannot do without, run asynchronously after commits like the real ones:
/// owner-reference garbage collection (background, foreground via the foregroundDeletion finalizer, orphan via the
/// orphan finalizer; switchable off like envtest) and namespace termination (deletes the namespace's content).
/// </summary>
internal sealed class GarbageCollector : IAsyncDisposable
{
    private const string Orphan = "orphan";
    private const string ForegroundDeletion = "foregroundDeletion";

    private readonly ObjectStore _store;
    private readonly ObjectWriter _writer;
    private readonly bool _collectGarbage;
    private readonly ILogger _logger;
    private readonly Channel<string> _work = Channel.CreateUnbounded<string>();
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<TaskCompletionSource> _idleWaiters = [];
    private readonly Task _loop;
    private int _pending;

    public GarbageCollector(ObjectStore store, ObjectWriter writer, bool collectGarbage, ILogger logger)
    {
        _store = store;
        _writer = writer;
        _collectGarbage = collectGarbage;
        _logger = logger;
        store.Committed += OnCommitted;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>Completes when no collection work is queued or running.</summary>
    public Task WaitForIdleAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_pending == 0)
            {
                return Task.CompletedTask;
            }

            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _idleWaiters.Add(waiter);
            return waiter.Task.WaitAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _store.Committed -= OnCommitted;
        await _stop.CancelAsync();
        _work.Writer.TryComplete();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }

    /// <summary>Runs inside the store's commit lock: only decides what to look at later.</summary>
    private void OnCommitted(LoggedChange change)
    {
        var obj = change.Object;
        if (change.Type == WatchEvent.Deleted)
        {
            foreach (var dependent in _store.DependentsOf(obj.Uid))
            {
                Enqueue(dependent.Uid);
            }

            EnqueueDeletingOwners(obj);
            if (obj.Namespace.Length > 0)
            {
                EnqueueTerminatingNamespace(obj.Namespace);
            }

            return;
        }

        if (obj.IsDeleting && (obj.Finalizers.Contains(Orphan) || obj.Finalizers.Contains(ForegroundDeletion) || IsNamespace(obj)))
        {
            Enqueue(obj.Uid);
        }

        var ownersChanged = change.Previous is null || !change.Previous.Owners.Select(o => o.Uid).SequenceEqual(obj.Owners.Select(o => o.Uid));
        if (obj.Owners.Count > 0 && ownersChanged)
        {
            Enqueue(obj.Uid);
        }

        if (change.Previous is { } previous && (ownersChanged || obj.IsDeleting))
        {
            EnqueueDeletingOwners(previous);
        }
    }

    private void EnqueueDeletingOwners(StoredObject dependent)
    {
        foreach (var owner in dependent.Owners)
        {
            if (_store.FindByUid(owner.Uid) is { IsDeleting: true } deleting)
            {
                Enqueue(deleting.Uid);
            }
        }
    }

    private void EnqueueTerminatingNamespace(string ns)
    {
        if (_store.Get(new StorageKey("", "namespaces"), new ObjectKey("", ns)) is { IsDeleting: true } terminating)
        {
            Enqueue(terminating.Uid);
        }
    }

    private void Enqueue(string uid)
    {
        lock (_gate)
        {
            _pending++;
        }

        _work.Writer.TryWrite(uid);
    }

    private async Task RunAsync()
    {
        await foreach (var uid in _work.Reader.ReadAllAsync(_stop.Token))
        {
            try
            {
                if (_store.FindByUid(uid) is { } obj)
                {
                    Process(obj);
                }
            }
            catch (ApiException e)
            {
                // Another writer got there first; the commit it made queues a fresh look.
                _logger.LogDebug("Garbage collection of {Uid} skipped: {Message}", uid, e.Message);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One bad object must not stop collection for everything else.
                _logger.LogWarning(e, "Garbage collection of {Uid} failed", uid);
            }
            finally
            {
                Done();
            }
        }
    }

    private void Done()
    {
        lock (_gate)
        {
            if (--_pending > 0)
            {
                return;
            }

            foreach (var waiter in _idleWaiters)
            {
                waiter.TrySetResult();
            }

            _idleWaiters.Clear();
        }
    }

    private void Process(StoredObject obj)
    {
        if (IsNamespace(obj))
        {
            if (obj.IsDeleting)
            {
                TerminateNamespace(obj);
            }

            return;
        }

        if (!_collectGarbage)
        {
            return;
        }

        if (obj.IsDeleting && obj.Finalizers.Contains(Orphan))
        {
            OrphanDependents(obj);
        }
        else if (obj.IsDeleting && obj.Finalizers.Contains(ForegroundDeletion))
        {
            DeleteDependentsInForeground(obj);
        }

        if (obj.Owners.Count > 0)
        {
            AttemptToDelete(obj);
        }
    }

    /// <summary>A dependent goes when none of its owners remain; references to owners that are gone are dropped.</summary>
    private void AttemptToDelete(StoredObject dependent)
    {
        var present = dependent.Owners.Select(o => (Link: o, Owner: _store.FindByUid(o.Uid))).ToList();
        var solid = present.Where(p => p.Owner is not null && !(p.Owner.IsDeleting && p.Owner.Finalizers.Contains(ForegroundDeletion))).ToList();
        var waiting = present.Where(p => p.Owner is not null && p.Owner.IsDeleting && p.Owner.Finalizers.Contains(ForegroundDeletion)).ToList();
        var dangling = present.Where(p => p.Owner is null).Select(p => p.Link.Uid).ToHashSet();
        if (solid.Count > 0)
        {
            if (dangling.Count > 0)
            {
                _writer.Mutate(dependent, obj => WithoutOwners(obj, dangling));
            }

            return;
        }

        if (dependent.IsDeleting)
        {
            // Already on its way out; its removal re-examines the owners it blocks.
            return;
        }

        var policy = waiting.Count > 0 ? "Foreground" : "Background";
        _logger.LogDebug("Collecting {Object} ({Policy})", dependent, policy);
        _writer.Delete(dependent.Type, dependent.Namespace, dependent.Name, new DeleteOptions(policy, PreconditionUid: dependent.Uid));
    }

    private void OrphanDependents(StoredObject owner)
    {
        foreach (var dependent in _store.DependentsOf(owner.Uid))
        {
            _writer.Mutate(dependent, obj => WithoutOwners(obj, new HashSet<string> { owner.Uid }));
        }

        _writer.Mutate(owner, obj => WithoutFinalizer(obj, Orphan));
    }

    private void DeleteDependentsInForeground(StoredObject owner)
    {
        var dependents = _store.DependentsOf(owner.Uid);
        foreach (var dependent in dependents.Where(d => !d.IsDeleting))
        {
            AttemptToDelete(dependent);
        }

        var blocking = _store.DependentsOf(owner.Uid)
            .Where(d => d.Owners.Any(o => o.Uid == owner.Uid && o.BlockOwnerDeletion))
            .ToList();
        if (blocking.Count == 0)
        {
            _writer.Mutate(owner, obj => WithoutFinalizer(obj, ForegroundDeletion));
        }
    }

    private void TerminateNamespace(StoredObject ns)
    {
        var content = _store.InNamespace(ns.Name);
        foreach (var obj in content.Where(o => !o.IsDeleting))
        {
            _writer.Delete(obj.Type, obj.Namespace, obj.Name, new DeleteOptions(PreconditionUid: obj.Uid));
        }

        if (_store.InNamespace(ns.Name).Count == 0 && ns.Finalizers.Count == 0)
        {
            _writer.RemoveNow(ns);
        }
    }

    private static JsonObject WithoutOwners(JsonObject obj, IReadOnlySet<string> uids)
    {
        var metadata = obj["metadata"]!.AsObject();
        var kept = (metadata["ownerReferences"] as JsonArray ?? [])
            .Where(r => !uids.Contains(r?["uid"]?.GetValue<string>() ?? ""))
            .Select(r => r!.DeepClone())
            .ToArray();
        metadata.Remove("ownerReferences");
        if (kept.Length > 0)
        {
            metadata["ownerReferences"] = new JsonArray(kept);
        }

        return obj;
    }

    private static JsonObject WithoutFinalizer(JsonObject obj, string finalizer)
    {
        var metadata = obj["metadata"]!.AsObject();
        var kept = (metadata["finalizers"] as JsonArray ?? [])
            .Where(f => f?.GetValue<string>() != finalizer)
            .Select(f => f!.DeepClone())
            .ToArray();
        metadata["finalizers"] = new JsonArray(kept);
        return obj;
    }

    private static bool IsNamespace(StoredObject obj) => obj.Type.Group.Length == 0 && obj.Type.Plural == "namespaces";
}
