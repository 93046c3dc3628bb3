using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Time.Testing;
using WaddleObservabilityOperator.Kube;

namespace WaddleObservabilityOperator.Tests.Kube;

public sealed class ApiClientPolicyTests
{
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Token_bucket_allows_the_burst_then_spaces_requests_at_the_rate()
    {
        var bucket = new TokenBucket(qps: 2, burst: 3, _time);

        Assert.Equal([TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero], [bucket.Reserve(), bucket.Reserve(), bucket.Reserve()]);
        Assert.Equal(TimeSpan.FromSeconds(0.5), bucket.Reserve());
        Assert.Equal(TimeSpan.FromSeconds(1), bucket.Reserve());

        _time.Advance(TimeSpan.FromSeconds(10)); // refills, but never above the burst
        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.Equal(TimeSpan.Zero, bucket.Reserve());
        Assert.Equal(TimeSpan.FromSeconds(0.5), bucket.Reserve());
    }

    [Fact]
    public void Defaults_are_50_qps_and_a_burst_of_100()
    {
        var options = new ApiClientOptions();
        Assert.Equal(50, options.Qps);
        Assert.Equal(100, options.Burst);
    }

    [Fact]
    public async Task The_rate_limit_handler_holds_a_request_until_a_token_is_due()
    {
        var server = new ScriptedServer(_ => new HttpResponseMessage(HttpStatusCode.OK));
        using var client = new HttpMessageInvoker(new ClientRateLimitHandler(new TokenBucket(1, 1, _time)) { InnerHandler = server });

        (await client.SendAsync(Get("/api/v1/namespaces/ns/configmaps"), CancellationToken.None)).Dispose();
        var second = client.SendAsync(Get("/api/v1/namespaces/ns/configmaps"), CancellationToken.None);
        Assert.False(second.IsCompleted);
        Assert.Equal(1, server.Requests);

        _time.Advance(TimeSpan.FromSeconds(1));
        (await second.WaitAsync(TimeSpan.FromSeconds(10))).Dispose();
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task Throttled_requests_wait_for_retry_after_then_succeed()
    {
        var server = new ScriptedServer(n =>
        {
            if (n == 1)
            {
                var throttled = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
                throttled.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
                return throttled;
            }

            return new HttpResponseMessage(HttpStatusCode.Created);
        });
        using var client = new HttpMessageInvoker(new ApiRetryHandler(new ApiClientOptions(), _time) { InnerHandler = server });

        var send = client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "http://api/api/v1/namespaces/ns/configmaps") { Content = new StringContent("{}") }, CancellationToken.None);
        await WaitUntilAsync(() => server.Requests == 1);
        _time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(send.IsCompleted);
        _time.Advance(TimeSpan.FromSeconds(0.1));

        using var response = await send.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(2, server.Requests);
    }

    [Fact]
    public async Task Inside_a_reconcile_a_throttled_request_fails_at_once_with_its_retry_after_and_is_not_sent_again()
    {
        var server = new ScriptedServer(_ =>
        {
            var throttled = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            throttled.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(3));
            return throttled;
        });
        using var client = new HttpMessageInvoker(new ApiRetryHandler(new ApiClientOptions(), _time) { InnerHandler = server });

        var thrown = await Assert.ThrowsAsync<ApiThrottledException>(async () =>
        {
            ApiThrottling.Defer();
            using var _ = await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, "http://api/apis/apps/v1/namespaces/ns/deployments/router") { Content = new StringContent("{}") }, CancellationToken.None);
        });

        Assert.Equal(TimeSpan.FromSeconds(3), thrown.RetryAfter);
        Assert.Equal(HttpStatusCode.TooManyRequests, thrown.StatusCode);
        Assert.Equal(1, server.Requests);
        Assert.False(ApiThrottling.IsDeferred); // the flow that deferred has returned: this one waits again
        Assert.Equal(TimeSpan.FromSeconds(3), ApiThrottling.RetryAfterOf(new AggregateException(thrown, new ApiThrottledException("GET", "/x", TimeSpan.FromSeconds(1)))));
        Assert.Null(ApiThrottling.RetryAfterOf(new AggregateException(thrown, new HttpRequestException("reset"))));
    }

    [Theory]
    [InlineData("GET", "/api/v1/namespaces/ns/configmaps", 4)]
    [InlineData("GET", "/api/v1/namespaces/ns/configmaps?watch=true", 1)]
    [InlineData("PUT", "/api/v1/namespaces/ns/configmaps/a", 1)]
    [InlineData("POST", "/api/v1/namespaces/ns/configmaps", 1)]
    public async Task Server_errors_are_retried_only_for_reads(string method, string path, int expectedAttempts)
    {
        var server = new ScriptedServer(_ => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        using var client = new HttpMessageInvoker(new ApiRetryHandler(new ApiClientOptions { MaxReadRetries = 3 }, _time) { InnerHandler = server });

        var send = client.SendAsync(new HttpRequestMessage(new HttpMethod(method), "http://api" + path), CancellationToken.None);
        for (var i = 0; i < 200 && !send.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(2);
        }

        using var response = await send.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(expectedAttempts, server.Requests);
    }

    [Fact]
    public async Task Requests_are_counted_by_verb_and_code()
    {
        var counted = new List<(string, string)>();
        var server = new ScriptedServer(n => new HttpResponseMessage(n == 2 ? HttpStatusCode.Conflict : HttpStatusCode.OK));
        using var client = new HttpMessageInvoker(new ApiRequestCountingHandler(new ListMetrics(counted)) { InnerHandler = server });

        (await client.SendAsync(Get("/api/v1/namespaces/ns/configmaps"), CancellationToken.None)).Dispose();
        (await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, "http://api/api/v1/namespaces/ns/configmaps/a"), CancellationToken.None)).Dispose();

        Assert.Equal([("list", "200"), ("update", "409")], counted);
    }

    [Theory]
    [InlineData("GET", "/api/v1/namespaces/ns/configmaps", "list")]
    [InlineData("GET", "/api/v1/namespaces/ns/configmaps/a", "get")]
    [InlineData("GET", "/api/v1/namespaces", "list")]
    [InlineData("GET", "/api/v1/namespaces/ns", "get")]
    [InlineData("GET", "/apis/apps/v1/deployments?allowWatchBookmarks=true&watch=true", "watch")]
    [InlineData("GET", "/apis/monitoring.coreos.com/v1", "get")]
    [InlineData("PUT", "/apis/observability.waddlebot.io/v1alpha1/namespaces/ns/waddleservices/a/status", "update")]
    [InlineData("PATCH", "/apis/apps/v1/namespaces/ns/deployments/a", "patch")]
    [InlineData("POST", "/apis/coordination.k8s.io/v1/namespaces/ns/leases", "create")]
    [InlineData("DELETE", "/api/v1/namespaces/ns/configmaps/a", "delete")]
    [InlineData("DELETE", "/api/v1/namespaces/ns/configmaps", "deletecollection")]
    public void Verbs_follow_the_api_server_names(string method, string path, string verb)
    {
        Assert.Equal(verb, ApiVerb.Of(new HttpRequestMessage(new HttpMethod(method), "https://10.0.0.1:6443" + path)));
    }

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, "http://api" + path);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private sealed class ListMetrics(List<(string, string)> counted) : IApiRequestMetrics
    {
        public void RequestCompleted(string verb, string code) => counted.Add((verb, code));
    }

    private sealed class ScriptedServer(Func<int, HttpResponseMessage> respond) : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(respond(Interlocked.Increment(ref _requests)));
    }
}
