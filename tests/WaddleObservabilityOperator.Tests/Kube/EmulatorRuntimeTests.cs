using k8s;
using k8s.Models;
using KubeApiEmulator;
using Microsoft.Extensions.Logging.Abstractions;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Kube;
using LeaderElector = WaddleObservabilityOperator.Kube.LeaderElector;

namespace WaddleObservabilityOperator.Tests.Kube;

/// <summary>The runtime against the in-process API emulator, through KubernetesClient over HTTP.</summary>
public sealed class EmulatorRuntimeTests : IAsyncLifetime
{
    private const string Ns = "default";
    private static readonly OwnershipRule Ownership = new("app.kubernetes.io/managed-by", "test-operator");
    private static readonly string[] WriteMethods = ["POST", "PUT", "PATCH", "DELETE"];
    private readonly CancellationTokenSource _stop = new();
    private ApiEmulator _api = null!;
    private Kubernetes _client = null!;
    private ResourceClients _clients = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiEmulator.StartAsync(new ApiEmulatorOptions { BookmarkInterval = TimeSpan.FromSeconds(1) });
        _client = KubernetesClientFactory.Create(_api.ClientConfiguration(), new ApiClientOptions(), TimeProvider.System);
        _clients = new ResourceClients(_client, new ResourceTypeRegistry(), "test-operator");
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _client.Dispose();
        await _api.DisposeAsync();
        _stop.Dispose();
    }

    [Fact]
    public async Task The_informer_holds_every_change_exactly_once_across_dropped_watches_and_a_410_relist()
    {
        var events = new EventLog();
        var informer = new ResourceInformer<V1ConfigMap>(_clients.For<V1ConfigMap>(), new InformerOptions { Namespaces = [Ns], PageSize = 2 }, TimeProvider.System, NullLogger.Instance);
        informer.AddHandler(events);
        _ = informer.RunAsync(_stop.Token);
        for (var i = 0; i < 5; i++)
        {
            await Create($"cm-{i}", ("v", "0"));
        }

        await informer.WaitForSyncAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        await Eventually(() => CacheMatchesServer(informer));

        // A dropped connection: the informer resumes from its resourceVersion and misses nothing.
        _api.DropWatches();
        await Update("cm-0", ("v", "1"));
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("cm-1", Ns);
        await Create("cm-5", ("v", "0"));
        await Eventually(() => CacheMatchesServer(informer));
        var listsBefore = Lists();

        // Changes while disconnected, then compaction: the watch from the old resourceVersion gets 410 and the informer relists.
        _api.Faults.FailNext("watch", 1, 500);
        _api.DropWatches();
        await Update("cm-2", ("v", "1"));
        await _client.CoreV1.DeleteNamespacedConfigMapAsync("cm-3", Ns);
        await Create("cm-6", ("v", "0"));
        _api.CompactEventLog();
        await Eventually(() => CacheMatchesServer(informer) && Lists() > listsBefore && events.Deleted.Count == 2 && events.AddedNames.Count == 7);

        Assert.Empty(events.Duplicates());
        Assert.Equal(["cm-1", "cm-3"], events.Deleted.Order());
        Assert.Equal(["cm-0", "cm-2"], events.UpdatedNames.Distinct().Order());
        Assert.Equal(7, events.AddedNames.Count);
        Assert.Equal(["cm-0", "cm-2", "cm-4", "cm-5", "cm-6"], informer.Cache.List(Ns).Select(m => m.Metadata.Name).Order());
    }

    [Fact]
    public async Task The_informer_converges_under_error_rates_and_repeated_drops()
    {
        var events = new EventLog();
        var informer = new ResourceInformer<V1ConfigMap>(_clients.For<V1ConfigMap>(), new InformerOptions { Namespaces = [Ns], PageSize = 3 }, TimeProvider.System, NullLogger.Instance);
        informer.AddHandler(events);
        _ = informer.RunAsync(_stop.Token);
        await informer.WaitForSyncAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(20));

        _api.Faults.FailRate("list", 0.3);
        _api.Faults.FailRate("watch", 0.3, 503);
        for (var round = 0; round < 6; round++)
        {
            await Create($"r{round}", ("v", "0"));
            if (round > 0)
            {
                await Update($"r{round - 1}", ("v", "1"));
            }

            if (round > 1)
            {
                await _client.CoreV1.DeleteNamespacedConfigMapAsync($"r{round - 2}", Ns);
            }

            _api.DropWatches();
            if (round % 2 == 1)
            {
                _api.CompactEventLog();
            }
        }

        _api.Faults.Clear();
        await Eventually(() => CacheMatchesServer(informer));
        var cached = informer.Cache.List(Ns).Select(m => m.Metadata.Name).Order().ToList();
        Assert.Equal(["r4", "r5"], cached);

        // Whatever the handlers were told exists and is now gone, they were also told was deleted, exactly once. The
        // handlers hear of a deletion just after the cache drops the object, so the log is awaited, not read at once.
        await Eventually(() => events.AddedNames.Except(cached).Order().SequenceEqual(events.Deleted.Order()));
        Assert.Empty(events.Duplicates());
        Assert.Equal(events.AddedNames.Except(cached).Order(), events.Deleted.Order());
    }

    [Fact]
    public async Task The_writer_makes_no_request_for_a_converged_object_and_creates_updates_only_on_a_difference()
    {
        var informer = await StartInformer<V1ConfigMap>("app.kubernetes.io/managed-by=test-operator");
        var writer = new OwnedObjectWriter(_clients, Ownership, NullLogger.Instance);

        Assert.Equal(WriteAction.Created, (await writer.ApplyAsync(Desired("sampling", ("a", "1")), null, _stop.Token)).Action);
        await Eventually(() => informer.Cache.Get(Ns, "sampling") is not null);
        _api.Requests.Clear();

        for (var i = 0; i < 3; i++)
        {
            var outcome = await writer.ApplyAsync(Desired("sampling", ("a", "1")), informer.Cache.Get(Ns, "sampling"), _stop.Token);
            Assert.Equal(WriteAction.Unchanged, outcome.Action);
        }

        Assert.DoesNotContain(_api.Requests.Snapshot(), r => WriteMethods.Contains(r.Method));

        var changed = await writer.ApplyAsync(Desired("sampling", ("a", "2")), informer.Cache.Get(Ns, "sampling"), _stop.Token);
        Assert.Equal(WriteAction.Updated, changed.Action);
        Assert.Equal("2", (await _client.CoreV1.ReadNamespacedConfigMapAsync("sampling", Ns)).Data["a"]);
        Assert.Single(_api.Requests.Snapshot(), r => WriteMethods.Contains(r.Method));
    }

    [Fact]
    public async Task A_deployment_as_the_server_stores_it_is_converged()
    {
        var informer = await StartInformer<V1Deployment>("app.kubernetes.io/managed-by=test-operator");
        var writer = new OwnedObjectWriter(_clients, Ownership, NullLogger.Instance);
        var desired = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "jaeger", NamespaceProperty = Ns, Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "test-operator" } },
            Spec = new V1DeploymentSpec
            {
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "jaeger" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "jaeger" } },
                    Spec = new V1PodSpec { Containers = [new V1Container { Name = "jaeger", Image = "jaegertracing/jaeger:2.1.0", Ports = [new V1ContainerPort { ContainerPort = 4317 }] }] },
                },
            },
        };

        await writer.ApplyAsync(desired, null, _stop.Token);
        await Eventually(() => informer.Cache.Get(Ns, "jaeger") is not null);
        _api.Requests.Clear();

        Assert.Equal(WriteAction.Unchanged, (await writer.ApplyAsync(desired, informer.Cache.Get(Ns, "jaeger"), _stop.Token)).Action);
        Assert.Empty(_api.Requests.Snapshot());
    }

    [Fact]
    public async Task A_foreign_object_is_never_touched()
    {
        await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "sampling" }, Data = new Dictionary<string, string> { ["a"] = "theirs" } }, Ns);
        var informer = await StartInformer<V1ConfigMap>(null);
        await Eventually(() => informer.Cache.Get(Ns, "sampling") is not null);
        var before = await _client.CoreV1.ReadNamespacedConfigMapAsync("sampling", Ns);
        var writer = new OwnedObjectWriter(_clients, Ownership, NullLogger.Instance);
        _api.Requests.Clear();

        var outcome = await writer.ApplyAsync(Desired("sampling", ("a", "ours")), informer.Cache.Get(Ns, "sampling"), _stop.Token);

        Assert.Equal(WriteAction.NotOwned, outcome.Action);
        Assert.Empty(_api.Requests.Snapshot());
        var after = await _client.CoreV1.ReadNamespacedConfigMapAsync("sampling", Ns);
        Assert.Equal(before.Metadata.ResourceVersion, after.Metadata.ResourceVersion);
        Assert.Equal("theirs", after.Data["a"]);
    }

    [Fact]
    public async Task A_change_made_behind_the_cache_makes_the_update_a_conflict()
    {
        var writer = new OwnedObjectWriter(_clients, Ownership, NullLogger.Instance);
        var created = (await writer.ApplyAsync(Desired("sampling", ("a", "1")), null, _stop.Token)).Object!;
        _api.Tamper("v1", "configmaps", Ns, "sampling", obj =>
        {
            obj["data"]!["a"] = "edited";
            return obj;
        });

        var outcome = await writer.ApplyAsync(Desired("sampling", ("a", "2")), created, _stop.Token);

        Assert.Equal(WriteAction.Conflict, outcome.Action);
        Assert.Equal("edited", (await _client.CoreV1.ReadNamespacedConfigMapAsync("sampling", Ns)).Data["a"]);
    }

    [Fact]
    public async Task A_delete_removes_only_the_owned_object_as_it_was_seen()
    {
        var writer = new OwnedObjectWriter(_clients, Ownership, NullLogger.Instance);
        var seen = (await writer.ApplyAsync(Desired("sampling", ("a", "1")), null, _stop.Token)).Object!;
        _api.Tamper("v1", "configmaps", Ns, "sampling", obj =>
        {
            obj["data"]!["a"] = "edited";
            return obj;
        });

        Assert.Equal(WriteAction.Conflict, (await writer.DeleteAsync(seen, OwnerMatch.LabelOnly, _stop.Token)).Action);
        var current = await _client.CoreV1.ReadNamespacedConfigMapAsync("sampling", Ns);
        Assert.Equal(WriteAction.Deleted, (await writer.DeleteAsync(current, OwnerMatch.LabelOnly, _stop.Token)).Action);

        var list = await _client.CoreV1.ListNamespacedConfigMapAsync(Ns);
        Assert.DoesNotContain(list.Items, m => m.Metadata.Name == "sampling");
    }

    [Fact]
    public async Task Custom_resources_list_watch_and_write_status_only_when_it_changes()
    {
        await InstallCrd("observability.waddlebot.io_waddleservices.yaml");
        var informer = await StartInformer<WaddleService>(null);
        var service = new WaddleService
        {
            Metadata = new V1ObjectMeta { Name = "router", NamespaceProperty = Ns },
            Spec = new WaddleServiceSpec { Layer = ServiceLayer.Processing, Workload = new WorkloadReference { Name = "router" } },
        };
        await _clients.For<WaddleService>().CreateAsync(Ns, service, _stop.Token);
        await Eventually(() => informer.Cache.Get(Ns, "router") is not null);
        var cached = informer.Cache.Get(Ns, "router")!;
        Assert.Equal(ServiceLayer.Processing, cached.Spec.Layer);

        var statusWriter = new StatusWriter(_clients, NullLogger.Instance);
        var status = new WaddleServiceStatus { ObservedGeneration = cached.Metadata.Generation, Policy = "default" };
        Assert.Equal(WriteAction.Updated, (await statusWriter.UpdateAsync(cached, status, _stop.Token)).Action);
        await Eventually(() => informer.Cache.Get(Ns, "router")?.Status?.Policy == "default");
        _api.Requests.Clear();

        var again = await statusWriter.UpdateAsync(informer.Cache.Get(Ns, "router")!, new WaddleServiceStatus { ObservedGeneration = cached.Metadata.Generation, Policy = "default" }, _stop.Token);

        Assert.Equal(WriteAction.Unchanged, again.Action);
        Assert.Empty(_api.Requests.Snapshot());
    }

    [Fact]
    public async Task Of_two_electors_only_one_leads_and_stopping_it_hands_over()
    {
        var options = new LeaderElectionOptions
        {
            LeaseNamespace = Ns,
            LeaseName = "test-operator",
            Identity = "a",
            LeaseDuration = TimeSpan.FromSeconds(3),
            RenewDeadline = TimeSpan.FromSeconds(2),
            RetryPeriod = TimeSpan.FromMilliseconds(300),
        };
        var a = LeaderElector.ForLease(_client, options, TimeProvider.System, NullLogger.Instance);
        var b = LeaderElector.ForLease(_client, options with { Identity = "b" }, TimeProvider.System, NullLogger.Instance);
        using var stopA = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        using var stopB = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
        var leading = new[] { new TaskCompletionSource(), new TaskCompletionSource() };
        var runs = new[]
        {
            a.RunAsync(ct => { leading[0].TrySetResult(); return Task.Delay(Timeout.Infinite, ct); }, stopA.Token),
            b.RunAsync(ct => { leading[1].TrySetResult(); return Task.Delay(Timeout.Infinite, ct); }, stopB.Token),
        };

        var first = await Task.WhenAny(leading.Select(l => l.Task)).WaitAsync(TimeSpan.FromSeconds(20));
        var (leader, standby, stopLeader, standbyLeading) = first == leading[0].Task ? (a, b, stopA, leading[1]) : (b, a, stopB, leading[0]);
        for (var i = 0; i < 20; i++)
        {
            Assert.False(a.CanWrite && b.CanWrite);
            Assert.False(standbyLeading.Task.IsCompleted);
            await Task.Delay(100);
        }

        Assert.True(leader.CanWrite);
        await stopLeader.CancelAsync();
        await standbyLeading.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.True(standby.CanWrite);
        Assert.False(leader.CanWrite);
        var lease = await _client.CoordinationV1.ReadNamespacedLeaseAsync("test-operator", Ns);
        Assert.Equal(standby.Identity, lease.Spec.HolderIdentity);
        Assert.Equal(1, lease.Spec.LeaseTransitions);
    }

    [Fact]
    public async Task Discovery_sees_an_api_installed_later()
    {
        var serviceMonitors = new GroupVersionResource("monitoring.coreos.com", "v1", "servicemonitors");
        var discovery = new OptionalApiDiscovery(new KubernetesApiDiscoveryClient(_client, TimeProvider.System), TimeProvider.System, NullLogger.Instance);
        discovery.Track(serviceMonitors);
        _ = discovery.RunAsync(_stop.Token);
        await discovery.WaitForFirstCheckAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.False(discovery.IsServed(serviceMonitors));

        await _client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(new V1CustomResourceDefinition
        {
            Metadata = new V1ObjectMeta { Name = "servicemonitors.monitoring.coreos.com" },
            Spec = new V1CustomResourceDefinitionSpec
            {
                Group = "monitoring.coreos.com",
                Scope = "Namespaced",
                Names = new V1CustomResourceDefinitionNames { Kind = "ServiceMonitor", ListKind = "ServiceMonitorList", Plural = "servicemonitors", Singular = "servicemonitor" },
                Versions = [new V1CustomResourceDefinitionVersion { Name = "v1", Served = true, Storage = true, Schema = new V1CustomResourceValidation { OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true } } }],
            },
        });
        discovery.RequestRefresh();

        await Eventually(() => discovery.IsServed(serviceMonitors));
    }

    [Fact]
    public async Task Throttled_requests_are_retried_after_retry_after()
    {
        _api.Faults.Throttle(1.0, TimeSpan.FromSeconds(1), count: 2);
        var counted = new List<(string Verb, string Code)>();
        using var client = KubernetesClientFactory.Create(_api.ClientConfiguration(), new ApiClientOptions(), TimeProvider.System, new ListMetrics(counted));

        var list = await client.CoreV1.ListNamespacedConfigMapAsync(Ns);

        Assert.NotNull(list);
        Assert.Equal([("list", "429"), ("list", "429"), ("list", "200")], counted);

        // A throttled write was not processed, so it is sent again, body and all.
        _api.Faults.Throttle(1.0, TimeSpan.FromSeconds(1), count: 1);
        await client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "after-throttle" }, Data = new Dictionary<string, string> { ["k"] = "v" } }, Ns);
        Assert.Equal("v", (await client.CoreV1.ReadNamespacedConfigMapAsync("after-throttle", Ns)).Data["k"]);
        Assert.Equal([("create", "429"), ("create", "201")], counted.Skip(3).Take(2));
    }

    [Fact]
    public async Task A_cluster_scoped_informer_with_a_name_field_selector_caches_that_one_object_through_create_and_delete()
    {
        var informer = new ResourceInformer<V1CustomResourceDefinition>(_clients.For<V1CustomResourceDefinition>(),
            new InformerOptions { FieldSelector = "metadata.name=waddleservices.observability.waddlebot.io" }, TimeProvider.System, NullLogger.Instance);
        var events = new NameLog();
        informer.AddHandler(new ResourceEventHandler<V1CustomResourceDefinition>(o => events.Add("added " + o.Metadata.Name), null, o => events.Add("deleted " + o.Metadata.Name)));
        _ = informer.RunAsync(_stop.Token);
        await informer.WaitForSyncAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(20));

        await InstallCrd("observability.waddlebot.io_observabilitypolicies.yaml");
        await InstallCrd("observability.waddlebot.io_waddleservices.yaml");
        await Eventually(() => informer.Cache.Count == 1);
        Assert.Equal("waddleservices.observability.waddlebot.io", Assert.Single(informer.Cache.List()).Metadata.Name);

        await _client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync("waddleservices.observability.waddlebot.io");
        await Eventually(() => informer.Cache.Count == 0 && events.Snapshot().Count == 2);
        Assert.Equal(["added waddleservices.observability.waddlebot.io", "deleted waddleservices.observability.waddlebot.io"], events.Snapshot());
    }

    private async Task<ResourceInformer<T>> StartInformer<T>(string? labelSelector)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var informer = new ResourceInformer<T>(_clients.For<T>(), new InformerOptions { Namespaces = [Ns], LabelSelector = labelSelector }, TimeProvider.System, NullLogger.Instance);
        _ = informer.RunAsync(_stop.Token);
        await informer.WaitForSyncAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        return informer;
    }

    private async Task InstallCrd(string file)
    {
        var crd = await KubernetesYaml.LoadFromFileAsync<V1CustomResourceDefinition>(Path.Combine(RepoRoot(), "config", "crds", file));
        await _client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
        await Eventually(() => _api.Resources.Find(crd.Spec.Group, crd.Spec.Versions[0].Name, crd.Spec.Names.Plural) is not null);
    }

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "WaddleObservabilityOperator.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("WaddleObservabilityOperator.sln not found above " + AppContext.BaseDirectory);
    }

    private static V1ConfigMap Desired(string name, params (string Key, string Value)[] data) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = Ns, Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "test-operator" } },
        Data = data.ToDictionary(d => d.Key, d => d.Value),
    };

    private Task Create(string name, params (string Key, string Value)[] data) =>
        _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = name }, Data = data.ToDictionary(d => d.Key, d => d.Value) }, Ns);

    private async Task Update(string name, params (string Key, string Value)[] data)
    {
        var map = await _client.CoreV1.ReadNamespacedConfigMapAsync(name, Ns);
        map.Data = data.ToDictionary(d => d.Key, d => d.Value);
        await _client.CoreV1.ReplaceNamespacedConfigMapAsync(map, name, Ns);
    }

    private int Lists() => _api.Requests.Snapshot().Count(r => r.Verb == "list" && r.Resource == "configmaps");

    private bool CacheMatchesServer(ResourceInformer<V1ConfigMap> informer)
    {
        var server = _client.CoreV1.ListNamespacedConfigMap(Ns).Items.Select(m => $"{m.Metadata.Name}@{m.Metadata.ResourceVersion}").Order();
        var cached = informer.Cache.List(Ns).Select(m => $"{m.Metadata.Name}@{m.Metadata.ResourceVersion}").Order();
        return server.SequenceEqual(cached);
    }

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "condition not reached within 20 s");
    }

    private sealed class ListMetrics(List<(string, string)> counted) : IApiRequestMetrics
    {
        public void RequestCompleted(string verb, string code)
        {
            lock (counted)
            {
                counted.Add((verb, code));
            }
        }
    }

    /// <summary>
    /// What the handlers were told, recorded under a lock: the informer calls them on its own thread, after it has
    /// updated its cache, so a test reads snapshots and waits for the events it expects rather than for the cache alone.
    /// </summary>
    private sealed class EventLog : IResourceEventHandler<V1ConfigMap>
    {
        private readonly Lock _gate = new();
        private readonly List<string> _seen = [];
        private readonly List<string> _added = [];
        private readonly List<string> _updated = [];
        private readonly List<string> _deleted = [];

        public IReadOnlyList<string> AddedNames => Snapshot(_added);

        public IReadOnlyList<string> UpdatedNames => Snapshot(_updated);

        public IReadOnlyList<string> Deleted => Snapshot(_deleted);

        public IReadOnlyList<string> Duplicates()
        {
            lock (_gate)
            {
                return [.. _seen.GroupBy(s => s).Where(g => g.Count() > 1).Select(g => g.Key)];
            }
        }

        public void OnAdded(V1ConfigMap obj) => Record(obj, _added);

        public void OnUpdated(V1ConfigMap oldObj, V1ConfigMap newObj) => Record(newObj, _updated);

        public void OnDeleted(V1ConfigMap obj)
        {
            lock (_gate)
            {
                _deleted.Add(obj.Metadata.Name);
            }
        }

        private IReadOnlyList<string> Snapshot(List<string> names)
        {
            lock (_gate)
            {
                return [.. names];
            }
        }

        private void Record(V1ConfigMap obj, List<string> names)
        {
            lock (_gate)
            {
                _seen.Add($"{obj.Metadata.Name}@{obj.Metadata.ResourceVersion}");
                names.Add(obj.Metadata.Name);
            }
        }
    }

    /// <summary>Names the handlers were told of, in order; written by the informer's thread, read as snapshots.</summary>
    private sealed class NameLog
    {
        private readonly Lock _gate = new();
        private readonly List<string> _entries = [];

        public void Add(string entry)
        {
            lock (_gate)
            {
                _entries.Add(entry);
            }
        }

        public IReadOnlyList<string> Snapshot()
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }
}
