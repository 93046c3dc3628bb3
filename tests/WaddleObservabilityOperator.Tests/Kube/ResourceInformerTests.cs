using System.Net;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WaddleObservabilityOperator.Kube;
using static WaddleObservabilityOperator.Tests.Kube.ScriptedResourceClient;

namespace WaddleObservabilityOperator.Tests.Kube;

public sealed class ResourceInformerTests : IDisposable
{
    private readonly FakeTimeProvider _time = new();
    private readonly ScriptedResourceClient _client = new();
    private readonly RecordingHandler _events = new();
    private readonly CancellationTokenSource _stop = new();

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private ResourceInformer<V1ConfigMap> Start(InformerOptions? options = null)
    {
        var informer = new ResourceInformer<V1ConfigMap>(_client, options ?? new InformerOptions(), _time, NullLogger.Instance, new Random(7));
        informer.AddHandler(_events);
        _ = informer.RunAsync(_stop.Token);
        return informer;
    }

    [Fact]
    public async Task Lists_then_watches_from_the_list_version_and_rewatches_from_the_last_bookmark()
    {
        _client.Put(Map("ns", "a", "1"));
        _client.Put(Map("ns", "b", "2"));
        _client.ListResourceVersion = "2";
        var informer = Start();

        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var first = await _client.NextWatchAsync();
        Assert.Equal("2", first.ResourceVersion);
        Assert.InRange(first.TimeoutSeconds, 300, 599);

        first.Send(WatchEventKind.Modified, Map("ns", "a", "3"));
        first.Send(WatchEventKind.Added, Map("ns", "c", "4"));
        first.Send(WatchEventKind.Deleted, Map("ns", "b", "5"));
        first.Bookmark("9");
        first.End();

        var second = await _client.NextWatchAsync();
        Assert.Equal("9", second.ResourceVersion);
        Assert.Equal(["added ns/a@1", "added ns/b@2", "updated ns/a@1->3", "added ns/c@4", "deleted ns/b@5"], _events.Seen);
        Assert.Equal(["ns/a@3", "ns/c@4"], informer.Cache.List().Select(Describe).Order());
        Assert.Single(_client.ListCalls);
    }

    [Fact]
    public async Task An_update_of_ours_is_cached_at_once_only_over_the_version_it_replaced_and_its_watch_event_is_a_replay()
    {
        _client.Put(Map("ns", "a", "1"));
        _client.Put(Map("ns", "b", "2"));
        _client.ListResourceVersion = "2";
        var informer = Start();
        var watch = await _client.NextWatchAsync();

        // Our update of a (made from version 1) answered with version 3: cached and handed to the handlers now.
        Assert.True(informer.ObserveUpdate(Map("ns", "a", "3"), basedOnResourceVersion: "1"));
        Assert.Equal("3", informer.Cache.Get("ns", "a")!.Metadata.ResourceVersion);

        // The watch already brought b past the version our update was made from: the cache keeps the newer one.
        watch.Send(WatchEventKind.Modified, Map("ns", "b", "5"));
        await WaitUntilAsync(() => informer.Cache.Get("ns", "b")!.Metadata.ResourceVersion == "5");
        Assert.False(informer.ObserveUpdate(Map("ns", "b", "4"), basedOnResourceVersion: "2"));
        Assert.Equal("5", informer.Cache.Get("ns", "b")!.Metadata.ResourceVersion);

        // Gone meanwhile, or never seen: nothing is resurrected or invented.
        Assert.False(informer.ObserveUpdate(Map("ns", "zz", "6"), basedOnResourceVersion: "1"));
        Assert.Null(informer.Cache.Get("ns", "zz"));

        // The watch event for our own write is a replay: no second notification.
        watch.Send(WatchEventKind.Modified, Map("ns", "a", "3"));
        watch.Send(WatchEventKind.Modified, Map("ns", "c-marker", "7"));
        await WaitUntilAsync(() => informer.Cache.Get("ns", "c-marker") is not null);
        Assert.Equal(["added ns/a@1", "added ns/b@2", "updated ns/a@1->3", "updated ns/b@2->5", "added ns/c-marker@7"], _events.Seen);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    public static TheoryData<string> ExpiredKinds => ["in-stream ERROR event", "HTTP 410"];

    [Theory]
    [MemberData(nameof(ExpiredKinds))]
    public async Task Expired_relists_and_emits_exactly_the_changes_missed(string kind)
    {
        _client.Put(Map("ns", "a", "1"));
        _client.Put(Map("ns", "b", "2"));
        _client.Put(Map("ns", "c", "3"));
        _client.ListResourceVersion = "3";
        var informer = Start();
        var watch = await _client.NextWatchAsync();

        // Changes the informer never saw as events: a changed, b deleted, d created, c untouched.
        _client.Put(Map("ns", "a", "5"));
        _client.Remove("ns", "b");
        _client.Put(Map("ns", "d", "6"));
        _client.ListResourceVersion = "7";
        watch.End(kind == "HTTP 410"
            ? new HttpOperationException("gone") { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.Gone), "") }
            : new KubernetesException(new V1Status { Code = 410, Reason = "Expired", Message = "too old resource version: 3 (6)" }));

        var next = await _client.NextWatchAsync();
        Assert.Equal("7", next.ResourceVersion);
        Assert.Equal(2, _client.ListCalls.Count);
        Assert.Equal(
            ["added ns/a@1", "added ns/b@2", "added ns/c@3", "updated ns/a@1->5", "added ns/d@6", "deleted ns/b@2"],
            _events.Seen);
        Assert.Equal(["ns/a@5", "ns/c@3", "ns/d@6"], informer.Cache.List().Select(Describe).Order());
    }

    [Fact]
    public async Task Lists_in_pages()
    {
        foreach (var name in new[] { "a", "b", "c", "d", "e" })
        {
            _client.Put(Map("ns", name, "1"));
        }

        var informer = Start(new InformerOptions { PageSize = 2 });
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([null, "2", "4"], _client.ListCalls.Select(c => c.Continue));
        Assert.All(_client.ListCalls, c => Assert.Equal(2, c.Limit));
        Assert.Equal(5, informer.Cache.Count);
    }

    [Fact]
    public async Task A_silent_watch_is_restarted_by_the_watchdog_from_the_same_version()
    {
        _client.ListResourceVersion = "4";
        Start(new InformerOptions { WatchdogTimeout = TimeSpan.FromSeconds(30) });
        var hung = await _client.NextWatchAsync();
        hung.Send(WatchEventKind.Added, Map("ns", "a", "5"));
        await _events.WaitForCountAsync(1);

        _time.Advance(TimeSpan.FromSeconds(29));
        _time.Advance(TimeSpan.FromSeconds(2));

        var restarted = await _client.NextWatchAsync();
        Assert.Equal("5", restarted.ResourceVersion);
        Assert.Single(_client.ListCalls);
    }

    [Fact]
    public async Task A_failed_watch_reconnects_after_backoff_without_relisting()
    {
        _client.ListResourceVersion = "4";
        Start();
        var failing = await _client.NextWatchAsync();
        failing.Send(WatchEventKind.Added, Map("ns", "a", "6"));
        failing.End(new HttpOperationException("boom") { Response = new HttpResponseMessageWrapper(new HttpResponseMessage(HttpStatusCode.InternalServerError), "") });

        var next = await AdvanceUntilNextWatchAsync();
        Assert.Equal("6", next.ResourceVersion);
        Assert.Single(_client.ListCalls);
    }

    [Fact]
    public async Task A_failed_list_is_retried_with_backoff()
    {
        _client.ListFailures.Enqueue(new HttpRequestException("connection refused"));
        var informer = Start();

        await AdvanceUntilNextWatchAsync();
        Assert.True(informer.HasSynced);
        Assert.Equal(2, _client.ListCalls.Count);
    }

    [Fact]
    public async Task Each_namespace_has_its_own_list_and_watch_and_a_relist_only_touches_its_namespace()
    {
        _client.Put(Map("ns1", "a", "1"));
        _client.Put(Map("ns2", "b", "2"));
        _client.Put(Map("other", "c", "3"));
        var informer = Start(new InformerOptions { Namespaces = ["ns1", "ns2"] });
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var watches = new[] { await _client.NextWatchAsync(), await _client.NextWatchAsync() };
        Assert.Equal(["ns1", "ns2"], watches.Select(w => w.Namespace).Order());
        Assert.Equal(["ns1/a@1", "ns2/b@2"], informer.Cache.List().Select(Describe).Order());

        _client.Remove("ns1", "a");
        watches.Single(w => w.Namespace == "ns1").End(new KubernetesException(new V1Status { Code = 410, Reason = "Expired" }));
        await _client.NextWatchAsync();

        Assert.Equal(["ns2/b@2"], informer.Cache.List().Select(Describe));
        Assert.Equal("deleted ns1/a@1", _events.Seen[^1]);
    }

    [Fact]
    public async Task Each_name_has_its_own_list_and_watch_by_field_selector_and_a_relist_only_touches_its_object()
    {
        _client.Put(Map("x", "a", "1"));
        _client.Put(Map("x", "b", "2"));
        _client.Put(Map("y", "c", "3"));
        var informer = Start(new InformerOptions { Names = ["a", "b"] });
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        var watches = new[] { await _client.NextWatchAsync(), await _client.NextWatchAsync() };
        Assert.Equal(["metadata.name=a", "metadata.name=b"], watches.Select(w => w.FieldSelector).Order());
        Assert.Equal(["metadata.name=a", "metadata.name=b"], _client.ListFieldSelectors.Order());
        Assert.Equal(["x/a@1", "x/b@2"], informer.Cache.List().Select(Describe).Order());

        _client.Remove("x", "a");
        watches.Single(w => w.FieldSelector == "metadata.name=a").End(new KubernetesException(new V1Status { Code = 410, Reason = "Expired" }));
        await _client.NextWatchAsync();

        Assert.Equal(["x/b@2"], informer.Cache.List().Select(Describe));
        Assert.Equal("deleted x/a@1", _events.Seen[^1]);
    }

    [Fact]
    public void Names_and_namespaces_together_are_refused()
    {
        Assert.Throws<ArgumentException>(() => new ResourceInformer<V1ConfigMap>(_client, new InformerOptions { Names = ["a"], Namespaces = ["ns"] }, _time, NullLogger.Instance));
    }

    [Fact]
    public async Task A_cluster_scoped_kind_in_an_operator_limited_to_namespaces_is_watched_whole_but_the_namespaces_by_name()
    {
        var api = await KubeApiEmulator.ApiEmulator.StartAsync(new KubeApiEmulator.ApiEmulatorOptions());
        try
        {
            using var client = KubernetesClientFactory.Create(api.ClientConfiguration(), new ApiClientOptions(), TimeProvider.System);
            var clients = new ResourceClients(client, new ResourceTypeRegistry(), "test");
            var factory = new InformerFactory(clients, new InformerOptions { Namespaces = ["watched"] }, TimeProvider.System, NullLoggerFactory.Instance);
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "watched" } });
            await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = "other" } });
            await client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole { Metadata = new V1ObjectMeta { Name = "any" } });

            var namespaces = factory.Create<V1Namespace>();
            var roles = factory.Create<V1ClusterRole>();
            _ = namespaces.RunAsync(_stop.Token);
            _ = roles.RunAsync(_stop.Token);
            await Task.WhenAll(namespaces.WaitForSyncAsync(_stop.Token), roles.WaitForSyncAsync(_stop.Token)).WaitAsync(TimeSpan.FromSeconds(10));

            Assert.Equal(["watched"], namespaces.Cache.List().Select(n => n.Metadata.Name));
            Assert.Contains(roles.Cache.List(), r => r.Metadata.Name == "any");
            Assert.Contains(api.Requests.Snapshot(), r => r.Resource == "namespaces" && r.Query.Contains("fieldSelector=metadata.name%3Dwatched", StringComparison.Ordinal));
            Assert.DoesNotContain(api.Requests.Snapshot(), r => r.Resource == "namespaces" && r.Verb == "list" && !r.Query.Contains("fieldSelector", StringComparison.Ordinal));
        }
        finally
        {
            await api.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_replayed_event_of_a_cached_version_is_not_delivered_twice()
    {
        _client.Put(Map("ns", "a", "1"));
        Start();
        var watch = await _client.NextWatchAsync();
        watch.Send(WatchEventKind.Added, Map("ns", "a", "1"));
        watch.Send(WatchEventKind.Modified, Map("ns", "a", "2"));
        await _events.WaitForCountAsync(2);

        Assert.Equal(["added ns/a@1", "updated ns/a@1->2"], _events.Seen);
    }

    [Fact]
    public async Task Objects_are_cached_without_managed_fields_whether_listed_or_watched()
    {
        var listed = Map("ns", "a", "1");
        listed.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl", Operation = "Update" }];
        _client.Put(listed);
        var informer = Start();
        var watch = await _client.NextWatchAsync();
        var watched = Map("ns", "b", "2");
        watched.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl", Operation = "Update" }];
        watch.Send(WatchEventKind.Added, watched);
        await _events.WaitForCountAsync(2);

        Assert.All(informer.Cache.List(), o => Assert.Null(o.Metadata.ManagedFields));
        Assert.Equal(2, informer.Cache.Count);
    }

    [Fact]
    public async Task A_handler_added_late_gets_the_cached_objects_as_added()
    {
        _client.Put(Map("ns", "a", "1"));
        var informer = Start();
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        var late = new RecordingHandler();
        informer.AddHandler(late);

        Assert.Equal(["added ns/a@1"], late.Seen);
    }

    [Fact]
    public async Task Resync_redelivers_every_cached_object_as_an_update_without_api_calls()
    {
        _client.Put(Map("ns", "a", "1"));
        _client.Put(Map("ns", "b", "2"));
        var informer = Start(new InformerOptions { ResyncPeriod = TimeSpan.FromMinutes(10) });
        await informer.WaitForSyncAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await _client.NextWatchAsync();

        _time.Advance(TimeSpan.FromMinutes(10));
        await _events.WaitForCountAsync(4);

        Assert.Equal(["updated ns/a@1->1", "updated ns/b@2->2"], _events.Seen.Skip(2).Order());
        Assert.Single(_client.ListCalls);
        Assert.Throws<InvalidOperationException>(() => { _ = informer.RunAsync(CancellationToken.None); });
    }

    [Fact]
    public async Task Label_and_owner_indexes_follow_changes()
    {
        var informer = new ResourceInformer<V1ConfigMap>(_client, new InformerOptions(), _time, NullLogger.Instance);
        informer.Cache.AddLabelIndex("team");
        informer.Cache.AddOwnerIndex();
        informer.AddHandler(_events);
        _ = informer.RunAsync(_stop.Token);
        var watch = await _client.NextWatchAsync();

        var owned = Map("ns", "a", "2");
        owned.Metadata.Labels = new Dictionary<string, string> { ["team"] = "red" };
        owned.Metadata.OwnerReferences = [new V1OwnerReference { Uid = "u1", Name = "o", Kind = "K", ApiVersion = "v1" }];
        watch.Send(WatchEventKind.Added, owned);
        await _events.WaitForCountAsync(1);
        Assert.Equal(["ns/a@2"], informer.Cache.ByLabel("team", "red").Select(Describe));
        Assert.Equal(["ns/a@2"], informer.Cache.ByOwner("u1").Select(Describe));

        var relabelled = Map("ns", "a", "3");
        relabelled.Metadata.Labels = new Dictionary<string, string> { ["team"] = "blue" };
        watch.Send(WatchEventKind.Modified, relabelled);
        await _events.WaitForCountAsync(2);
        Assert.Empty(informer.Cache.ByLabel("team", "red"));
        Assert.Empty(informer.Cache.ByOwner("u1"));
        Assert.Equal(["ns/a@3"], informer.Cache.ByLabel("team", "blue").Select(Describe));
    }

    private async Task<ScriptedWatch> AdvanceUntilNextWatchAsync()
    {
        var next = _client.NextWatchAsync();
        for (var i = 0; i < 500 && !next.IsCompleted; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(200));
            await Task.Delay(10);
        }

        return await next;
    }

    [Fact]
    public async Task A_transform_runs_once_per_decoded_object_before_the_cache_and_the_handlers_see_it()
    {
        var given = new List<string>();
        V1ConfigMap Trim(V1ConfigMap map)
        {
            // managedFields are stripped before the kind's transform, which gets the object with its data.
            Assert.Null(map.Metadata.ManagedFields);
            lock (given)
            {
                given.Add($"{Describe(map)}={map.Data?["v"]}");
            }

            return new V1ConfigMap { Metadata = new V1ObjectMeta { NamespaceProperty = map.Metadata.NamespaceProperty, Name = map.Metadata.Name, ResourceVersion = map.Metadata.ResourceVersion } };
        }

        V1ConfigMap WithManagedFields(V1ConfigMap map)
        {
            map.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "kubectl" }];
            return map;
        }

        _client.Put(WithManagedFields(Map("ns", "a", "1", "big")));
        _client.Put(WithManagedFields(Map("ns", "b", "2", "big")));
        _client.ListResourceVersion = "2";
        var seen = new List<V1ConfigMap>();
        var informer = new ResourceInformer<V1ConfigMap>(_client, new InformerOptions(), _time, NullLogger.Instance, new Random(7), Trim);
        informer.AddHandler(new ResourceEventHandler<V1ConfigMap>(seen.Add, (_, after) => seen.Add(after), seen.Add));
        _ = informer.RunAsync(_stop.Token);
        var watch = await _client.NextWatchAsync();

        watch.Send(WatchEventKind.Modified, WithManagedFields(Map("ns", "a", "3", "bigger")));
        watch.Send(WatchEventKind.Deleted, Map("ns", "b", "4", "big"));
        await WaitUntilAsync(() => informer.Cache.Get("ns", "b") is null && informer.Cache.Get("ns", "a")?.Metadata.ResourceVersion == "3");
        Assert.True(informer.ObserveUpdate(WithManagedFields(Map("ns", "a", "5", "ours")), basedOnResourceVersion: "3"));

        Assert.Equal(["ns/a@1=big", "ns/b@2=big", "ns/a@3=bigger", "ns/b@4=big", "ns/a@5=ours"], given);
        Assert.Equal(["ns/a@1", "ns/b@2", "ns/a@3", "ns/b@4", "ns/a@5"], seen.Select(Describe));
        Assert.All(seen, m => Assert.Null(m.Data));
        Assert.Null(informer.Cache.Get("ns", "a")!.Data);
    }

    [Fact]
    public void A_kind_takes_one_cache_transform_however_many_controllers_declare_it()
    {
        static V1ConfigMap Keep(V1ConfigMap map) => map;
        static V1ConfigMap Drop(V1ConfigMap map) => new() { Metadata = map.Metadata };
        IEnumerable<Wake> None(ResourceChange<V1ConfigMap> change) => [];
        var factory = new InformerFactory(new ResourceClients(new k8s.Kubernetes(new KubernetesClientConfiguration { Host = "http://localhost" }), new ResourceTypeRegistry()),
            new InformerOptions(), _time, NullLoggerFactory.Instance);
        var first = ControllerDeclaration.For<V1Secret>("a", Access.Read, "test").Watches<V1ConfigMap>("read", None, cacheTransform: Keep).Build();
        var second = ControllerDeclaration.For<V1Service>("b", Access.Read, "test").Watches<V1ConfigMap>("read", None, cacheTransform: Drop).Build();
        var third = ControllerDeclaration.For<V1Namespace>("c", Access.Read, "test").Watches<V1ConfigMap>("read", None).Build();

        var error = Assert.Throws<ArgumentException>(() => new InformerSet([first, second], factory));
        Assert.Contains("V1ConfigMap is declared with 2 cache transforms", error.Message, StringComparison.Ordinal);
        _ = new InformerSet([first, third], factory);
    }

    private static string Describe(V1ConfigMap map) => $"{ObjectKey.Of(map)}@{map.Metadata.ResourceVersion}";

    private sealed class RecordingHandler : IResourceEventHandler<V1ConfigMap>
    {
        private readonly Lock _gate = new();
        private readonly List<string> _seen = [];

        public IReadOnlyList<string> Seen
        {
            get
            {
                lock (_gate)
                {
                    return [.. _seen];
                }
            }
        }

        public void OnAdded(V1ConfigMap obj) => Record($"added {Describe(obj)}");

        public void OnUpdated(V1ConfigMap oldObj, V1ConfigMap newObj) => Record($"updated {Describe(oldObj)}->{newObj.Metadata.ResourceVersion}");

        public void OnDeleted(V1ConfigMap obj) => Record($"deleted {Describe(obj)}");

        public async Task WaitForCountAsync(int count)
        {
            for (var i = 0; i < 1000 && Seen.Count < count; i++)
            {
                await Task.Delay(10);
            }

            Assert.True(Seen.Count >= count, $"expected {count} events, saw: {string.Join(", ", Seen)}");
        }

        private void Record(string line)
        {
            lock (_gate)
            {
                _seen.Add(line);
            }
        }
    }
}
