using System.Runtime.ExceptionServices;
using k8s.Autorest;

namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// Lets a reconcile try every one of its independent writes when some fail on the API server: a failed write is kept
/// and the next one is tried; <see cref="ThrowIfAny"/> then fails the reconcile, which is retried with backoff.
/// A reconcile that stopped at its first failed write made, under a 20 % error rate, about four of a policy's twenty
/// children per attempt, so its key's backoff doubled a dozen times before the last child was written (the fault
/// suite's lifecycle scenario waited 81 s for one retry); trying all of them needs about three attempts. Only API and
/// transport failures are kept: a refused write (lost leadership) or a cancellation still ends the reconcile at once.
/// </summary>
public sealed class WriteFailures
{
    private readonly List<Exception> _failures = [];

    public int Count => _failures.Count;

    /// <summary>Runs <paramref name="write"/>; returns its result, or <paramref name="failed"/> when the API server or the transport failed it.</summary>
    public async Task<T> TryAsync<T>(Func<Task<T>> write, T failed)
    {
        try
        {
            return await write().ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpOperationException or HttpRequestException)
        {
            _failures.Add(e);
            return failed;
        }
    }

    public async Task TryAsync(Func<Task> write) =>
        await TryAsync(async () =>
        {
            await write().ConfigureAwait(false);
            return true;
        }, false).ConfigureAwait(false);

    /// <summary>Fails the reconcile with the first failure kept (and how many more there were).</summary>
    public void ThrowIfAny()
    {
        switch (_failures.Count)
        {
            case 0:
                return;
            case 1:
                ExceptionDispatchInfo.Throw(_failures[0]);
                break;
            default:
                throw new AggregateException($"{_failures.Count} writes failed; the first: {_failures[0].Message}", _failures);
        }
    }
}
