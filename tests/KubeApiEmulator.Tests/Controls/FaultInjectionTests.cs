using System.Net;
using System.Text;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeApiEmulator.Faults;
using KubeApiEmulator.Tests.Core;

namespace KubeApiEmulator.Tests.Controls;

public sealed class FaultInjectionTests
{
    [Fact]
    public async Task FailNext_fails_exactly_that_many_requests_of_the_verb()
    {
        await using var scope = await EmulatorScope.StartAsync();
        scope.Api.Faults.FailNext("list", 2, 503);

        var first = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.ListNamespacedConfigMapAsync("default"));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.Response.StatusCode);
        Assert.Equal("ServiceUnavailable", KubernetesJson.Deserialize<V1Status>(first.Response.Content).Reason);
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "unaffected" } }, "default");
        await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.ListNamespacedConfigMapAsync("default"));

        Assert.Single((await scope.Client.CoreV1.ListNamespacedConfigMapAsync("default")).Items);
    }

    [Fact]
    public async Task Error_rate_one_fails_every_request_until_cleared()
    {
        await using var scope = await EmulatorScope.StartAsync();
        scope.Api.Faults.FailRate("*", 1.0);

        for (var i = 0; i < 3; i++)
        {
            var error = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.ReadNamespaceAsync("default"));
            Assert.Equal(HttpStatusCode.InternalServerError, error.Response.StatusCode);
            Assert.Equal("InternalError", KubernetesJson.Deserialize<V1Status>(error.Response.Content).Reason);
        }

        scope.Api.Faults.Clear();
        Assert.Equal("default", (await scope.Client.CoreV1.ReadNamespaceAsync("default")).Metadata.Name);
    }

    [Fact]
    public async Task Error_rate_is_a_fraction_of_requests()
    {
        await using var scope = await EmulatorScope.StartAsync();
        scope.Api.Faults.FailRate("get", 0.5);
        var failures = 0;
        for (var i = 0; i < 200; i++)
        {
            try
            {
                await scope.Client.CoreV1.ReadNamespaceAsync("default");
            }
            catch (HttpOperationException)
            {
                failures++;
            }
        }

        Assert.InRange(failures, 50, 150);
    }

    [Fact]
    public async Task Throttling_answers_429_with_Retry_After()
    {
        await using var scope = await EmulatorScope.StartAsync();
        scope.Api.Faults.Throttle(1.0, TimeSpan.FromSeconds(3), count: 1);
        using var http = new HttpClient();

        using var throttled = await http.GetAsync($"{scope.Api.Url}/api/v1/namespaces");
        using var next = await http.GetAsync($"{scope.Api.Url}/api/v1/namespaces");

        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.Equal("3", throttled.Headers.GetValues("Retry-After").Single());
        Assert.Contains("\"retryAfterSeconds\":3", await throttled.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }

    [Fact]
    public async Task A_targeted_fault_hits_only_its_verb_resource_and_user_agent()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var other = new Kubernetes(scope.Api.ClientConfiguration());
        using var mine = new HttpClient();
        mine.DefaultRequestHeaders.UserAgent.ParseAdd("instance-a/1.0");
        scope.Api.Faults.FailRate(new FaultTarget("get", "configmaps", "instance-a"), 1.0, 503);
        await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "m" } }, "default");

        using var hit = await mine.GetAsync($"{scope.Api.Url}/api/v1/namespaces/default/configmaps/m");
        using var otherResource = await mine.GetAsync($"{scope.Api.Url}/api/v1/namespaces/default");
        using var otherVerb = await mine.GetAsync($"{scope.Api.Url}/api/v1/namespaces/default/configmaps");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, hit.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherResource.StatusCode);
        Assert.Equal(HttpStatusCode.OK, otherVerb.StatusCode);
        Assert.Equal("m", (await other.CoreV1.ReadNamespacedConfigMapAsync("m", "default")).Metadata.Name);
    }

    [Fact]
    public async Task A_targeted_throttle_answers_429_to_its_requests_only()
    {
        await using var scope = await EmulatorScope.StartAsync();
        scope.Api.Faults.Throttle(new FaultTarget("list", "configmaps"), 1.0, TimeSpan.FromSeconds(2), count: 2);
        using var http = new HttpClient();

        using var namespaces = await http.GetAsync($"{scope.Api.Url}/api/v1/namespaces");
        using var first = await http.GetAsync($"{scope.Api.Url}/api/v1/namespaces/default/configmaps");
        using var second = await http.GetAsync($"{scope.Api.Url}/api/v1/namespaces/default/configmaps");
        using var third = await http.GetAsync($"{scope.Api.Url}/api/v1/namespaces/default/configmaps");

        Assert.Equal(HttpStatusCode.OK, namespaces.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, first.StatusCode);
        Assert.Equal("2", second.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        var logged = scope.Api.Requests.Snapshot().Where(r => r.Resource == "configmaps").Select(r => r.Status).ToList();
        Assert.Equal([429, 429, 200], logged);
    }

    [Fact]
    public async Task Interference_changes_the_object_before_a_write_so_a_stale_update_conflicts_and_the_other_change_stays()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var map = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "m" }, Data = new Dictionary<string, string> { ["k"] = "v1" } }, "default");
        scope.Api.Faults.Interfere(new FaultTarget("update", "configmaps"), 1.0, obj =>
        {
            obj["data"]!["other"] = "writer";
            return obj;
        }, count: 1);

        map.Data["k"] = "v2";
        var conflict = await Assert.ThrowsAsync<HttpOperationException>(() => scope.Client.CoreV1.ReplaceNamespacedConfigMapAsync(map, "m", "default"));
        Assert.Equal(HttpStatusCode.Conflict, conflict.Response.StatusCode);
        var current = await scope.Client.CoreV1.ReadNamespacedConfigMapAsync("m", "default");
        Assert.Equal("writer", current.Data["other"]);
        Assert.Equal("v1", current.Data["k"]);

        // Used up: the retry from a fresh read goes through and keeps the other writer's change.
        current.Data["k"] = "v2";
        var updated = await scope.Client.CoreV1.ReplaceNamespacedConfigMapAsync(current, "m", "default");
        Assert.Equal(new Dictionary<string, string> { ["k"] = "v2", ["other"] = "writer" }, updated.Data);
        Assert.All(scope.Api.Requests.Snapshot(), r => Assert.True(r.Elapsed >= TimeSpan.Zero));
    }

    [Fact]
    public async Task Added_latency_holds_every_answer()
    {
        await using var scope = await EmulatorScope.StartAsync();
        scope.Api.Faults.Latency = TimeSpan.FromMinutes(5);
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => http.GetAsync($"{scope.Api.Url}/api/v1/namespaces"));

        scope.Api.Faults.Latency = TimeSpan.Zero;
        using var fast = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        Assert.Equal(HttpStatusCode.OK, (await fast.GetAsync($"{scope.Api.Url}/api/v1/namespaces")).StatusCode);
    }

    [Fact]
    public async Task Faults_switch_over_http()
    {
        await using var scope = await EmulatorScope.StartAsync();
        using var http = new HttpClient();

        using var set = await http.PutAsync($"{scope.Api.Url}/emulator/faults",
            new StringContent("{\"errors\":[{\"verb\":\"get\",\"count\":1,\"status\":500}]}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.NoContent, set.StatusCode);
        using var failed = await http.GetAsync($"{scope.Api.Url}/api/v1/namespaces/default");
        Assert.Equal(HttpStatusCode.InternalServerError, failed.StatusCode);

        await http.PutAsync($"{scope.Api.Url}/emulator/faults",
            new StringContent("{\"errors\":[{\"verb\":\"get\",\"resource\":\"configmaps\",\"count\":1,\"status\":503}]}", Encoding.UTF8, "application/json"));
        using var namespaceRead = await http.GetAsync($"{scope.Api.Url}/api/v1/namespaces/default");
        using var configMapRead = await http.GetAsync($"{scope.Api.Url}/api/v1/namespaces/default/configmaps/x");
        Assert.Equal(HttpStatusCode.OK, namespaceRead.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, configMapRead.StatusCode);

        await http.PutAsync($"{scope.Api.Url}/emulator/faults", new StringContent("{\"errors\":[{\"verb\":\"*\",\"rate\":1}]}", Encoding.UTF8, "application/json"));
        using var cleared = await http.DeleteAsync($"{scope.Api.Url}/emulator/faults");
        using var ok = await http.GetAsync($"{scope.Api.Url}/api/v1/namespaces/default");
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
    }

    [Fact]
    public async Task Tamper_changes_an_object_behind_the_clients_back_with_a_watch_event_and_no_logged_request()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var map = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "m" }, Data = new Dictionary<string, string> { ["k"] = "operator" } }, "default");
        scope.Api.Requests.Clear();

        var changed = scope.Api.Tamper("v1", "configmaps", "default", "m", obj =>
        {
            obj["data"]!["k"] = "user";
            return obj;
        });

        Assert.NotNull(changed);
        Assert.Empty(scope.Api.Requests.Snapshot());
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await foreach (var (type, item) in scope.Client.CoreV1.WatchListNamespacedConfigMapAsync("default", resourceVersion: map.Metadata.ResourceVersion, onError: e => throw e, cancellationToken: cancel.Token))
        {
            Assert.Equal(WatchEventType.Modified, type);
            Assert.Equal("user", item.Data["k"]);
            break;
        }

        using var http = new HttpClient();
        using var patched = await http.PatchAsync($"{scope.Api.Url}/emulator/tamper/api/v1/namespaces/default/configmaps/m",
            new StringContent("{\"data\":{\"k\":\"over-http\"}}", Encoding.UTF8, "application/merge-patch+json"));
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        Assert.Equal("over-http", (await scope.Client.CoreV1.ReadNamespacedConfigMapAsync("m", "default")).Data["k"]);
    }

    [Fact]
    public async Task Dropping_watches_and_compacting_over_http()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var first = await scope.Client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "a" } }, "default");
        using var http = new HttpClient();

        using var compacted = await http.PostAsync($"{scope.Api.Url}/emulator/compact", null);
        using var dropped = await http.PostAsync($"{scope.Api.Url}/emulator/watches/drop", null);

        Assert.Equal(HttpStatusCode.NoContent, compacted.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, dropped.StatusCode);
        Assert.True(scope.Api.Store.Log.CompactedThrough >= long.Parse(first.Metadata.ResourceVersion));
    }
}
