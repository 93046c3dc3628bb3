using System.Net;
using k8s.Autorest;
using WaddleObservabilityOperator.Kube;

namespace WaddleObservabilityOperator.Tests.Kube;

public sealed class WriteFailuresTests
{
    private static HttpOperationException ServerError(string message) =>
        new(message) { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.InternalServerError), "") };

    [Fact]
    public async Task Every_write_is_tried_and_the_first_failure_fails_the_reconcile_after_them()
    {
        var failures = new WriteFailures();
        var tried = new List<int>();
        foreach (var i in Enumerable.Range(0, 4))
        {
            await failures.TryAsync(() =>
            {
                tried.Add(i);
                return i == 1 ? throw ServerError("first") : Task.CompletedTask;
            });
        }

        Assert.Equal([0, 1, 2, 3], tried);
        Assert.Equal("first", Assert.Throws<HttpOperationException>(failures.ThrowIfAny).Message);
    }

    [Fact]
    public async Task Several_failures_are_reported_together_and_a_result_stands_in_for_a_failed_write()
    {
        var failures = new WriteFailures();
        Assert.Equal("failed", await failures.TryAsync(() => Task.FromException<string>(ServerError("one")), "failed"));
        Assert.Equal("failed", await failures.TryAsync(() => Task.FromException<string>(new HttpRequestException("reset")), "failed"));
        Assert.Equal("written", await failures.TryAsync(() => Task.FromResult("written"), "failed"));
        var all = Assert.Throws<AggregateException>(failures.ThrowIfAny);
        Assert.Equal(2, all.InnerExceptions.Count);
        Assert.StartsWith("2 writes failed; the first: one", all.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_write_or_a_cancellation_ends_the_reconcile_at_once()
    {
        var failures = new WriteFailures();
        await Assert.ThrowsAsync<WriteRefusedException>(() => failures.TryAsync(() => Task.FromException(new WriteRefusedException("not the leader"))));
        await Assert.ThrowsAsync<OperationCanceledException>(() => failures.TryAsync(() => Task.FromException(new OperationCanceledException())));
        failures.ThrowIfAny();
        Assert.Equal(0, failures.Count);
    }
}
