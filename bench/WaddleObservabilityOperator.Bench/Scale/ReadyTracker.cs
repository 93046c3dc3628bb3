using System.Collections.Concurrent;
using System.Diagnostics;
using k8s;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Kube;

namespace WaddleObservabilityOperator.Bench.Scale;

/// <summary>
/// Follows every WaddleService as a user's watch would (list, then watch; again when the watch ends) and knows which
/// are Ready for their current generation, and when each became so: the clock of convergence and of change latency.
/// </summary>
public sealed class ReadyTracker
{
    private readonly ConcurrentDictionary<(string Namespace, string Name), State> _states = new();
    private readonly ConcurrentDictionary<(string Namespace, string Name, long Generation), TaskCompletionSource<long>> _waiters = new();
    private int _ready;

    private sealed record State(long Generation, bool Ready);

    /// <summary>WaddleServices Ready=True with observedGeneration equal to their generation.</summary>
    public int ReadyCount => Volatile.Read(ref _ready);

    public int Count => _states.Count;

    /// <summary>The Stopwatch timestamp at which the service was first seen Ready at <paramref name="generation"/> or later.</summary>
    public Task<long> ReadyAtAsync(string ns, string name, long generation)
    {
        var waiter = _waiters.GetOrAdd((ns, name, generation), _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));
        if (_states.TryGetValue((ns, name), out var state) && state.Ready && state.Generation >= generation)
        {
            waiter.TrySetResult(Stopwatch.GetTimestamp());
        }

        return waiter.Task;
    }

    public async Task RunAsync(Kubernetes user, CancellationToken cancellationToken)
    {
        var client = new ResourceClients(user, new ResourceTypeRegistry()).For<WaddleService>();
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                string? resourceVersion = null;
                string? next = null;
                do
                {
                    var page = await client.ListAsync(null, ListSelector.Everything, 1000, next, cancellationToken).ConfigureAwait(false);
                    foreach (var service in page.Items)
                    {
                        Observe(service, deleted: false);
                    }

                    resourceVersion = page.ResourceVersion;
                    next = page.Continue;
                }
                while (next is not null);

                await foreach (var change in client.WatchAsync(null, ListSelector.Everything, resourceVersion, 3600, cancellationToken).ConfigureAwait(false))
                {
                    if (change.Type is WatchEventKind.Added or WatchEventKind.Modified or WatchEventKind.Deleted)
                    {
                        Observe(change.Object, change.Type == WatchEventKind.Deleted);
                    }
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                // A watch that ended with an error (410 Expired included): list again.
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private void Observe(WaddleService service, bool deleted)
    {
        var key = (Namespace: service.Metadata.NamespaceProperty, Name: service.Metadata.Name);
        var generation = service.Metadata.Generation ?? 0;
        var ready = !deleted
            && service.Status?.ObservedGeneration == generation
            && service.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == "True") == true;
        var now = Stopwatch.GetTimestamp();
        State? before = null;
        if (deleted)
        {
            _states.TryRemove(key, out before);
        }
        else
        {
            _states.AddOrUpdate(key, _ => new State(generation, ready), (_, old) =>
            {
                before = old;
                return new State(generation, ready);
            });
        }

        var delta = (ready ? 1 : 0) - (before?.Ready == true ? 1 : 0);
        if (delta != 0)
        {
            Interlocked.Add(ref _ready, delta);
        }

        if (ready)
        {
            foreach (var waiter in _waiters.Where(w => w.Key.Namespace == key.Namespace && w.Key.Name == key.Name && w.Key.Generation <= generation))
            {
                waiter.Value.TrySetResult(now);
            }
        }
    }
}
