using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using k8s;
using k8s.Models;
using KubeApiEmulator;
using Microsoft.Extensions.Logging.Abstractions;
using WaddleObservabilityOperator.Json;
using WaddleObservabilityOperator.Kube;

namespace WaddleObservabilityOperator.Tests.Kube;

/// <summary>
/// A controller declared with the builder gets its informers, its event routing, its owned kinds and its RBAC from the
/// declaration alone, including an optional API that is installed and removed while it runs (against the emulator).
/// </summary>
public sealed class ControllerDeclarationTests : IAsyncLifetime
{
    private const string Ns = "default";
    private static readonly ResourceType WidgetType = new(Widget.Group, "v1", "widgets", "Widget", Namespaced: true);

    // Widget is this test's own kind: the operator's generated JSON context does not know it, reflection does.
    private static readonly JsonSerializerOptions WidgetJson = OperatorJson.With(new DefaultJsonTypeInfoResolver());
    private readonly CancellationTokenSource _stop = new();
    private ApiEmulator _api = null!;
    private Kubernetes _client = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiEmulator.StartAsync(new ApiEmulatorOptions { BookmarkInterval = TimeSpan.FromSeconds(1) });
        _client = KubernetesClientFactory.Create(_api.ClientConfiguration(), new ApiClientOptions(), TimeProvider.System);
    }

    public async Task DisposeAsync()
    {
        await _stop.CancelAsync();
        _client.Dispose();
        await _api.DisposeAsync();
        _stop.Dispose();
    }

    /// <summary>A Service controller that reads ConfigMaps (by an "owner" label) and owns Widgets, an optional API.</summary>
    private static ControllerDeclaration Declaration() =>
        ControllerDeclaration.For<V1Service>("services", Access.UpdateStatus, "reconciles Services")
            .Watches<V1ConfigMap>("settings", c => c.Versions.Select(cm => cm.Metadata.Labels is { } l && l.TryGetValue("owner", out var owner) ? owner : null).OfType<string>().Select(o => (Wake)new ObjectKey(c.Object.Metadata.NamespaceProperty, o)), Access.Update)
            .Owns<Widget>("its widgets", c => [new ObjectKey(c.Object.Metadata.NamespaceProperty, c.Object.Metadata.Name)], optional: true)
            .Permits(new PermissionRule("events.k8s.io", ["events"], ["create"], "events"))
            .Build();

    [Fact]
    public void The_rbac_follows_from_the_declaration()
    {
        var registry = new ResourceTypeRegistry().Register<Widget>(WidgetType);
        var rules = RbacRules.From([Declaration()], [new PermissionRule("coordination.k8s.io", ["leases"], ["update", "get"], "lease", PermissionScope.OperatorNamespace)], registry);

        string Line(RbacRule r) => $"{r.Scope} {r.Group}/{string.Join(",", r.Resources)} [{string.Join(",", r.ResourceNames)}] {string.Join(",", r.Verbs)}";
        Assert.Equal(
            [
                "Watched /services [] list,watch",
                "Watched /services/status [] update",
                "Watched /configmaps [] list,watch,update",
                "Watched example.com/widgets [] list,watch,create,update,delete",
                "Cluster apiextensions.k8s.io/customresourcedefinitions [widgets.example.com] list,watch",
                "Watched events.k8s.io/events [] create",
                "OperatorNamespace coordination.k8s.io/leases [] get,update",
            ],
            rules.Select(Line));
        Assert.Equal(["services: its widgets"], rules.Single(r => r.Resources[0] == "widgets").Reasons);
    }

    [Fact]
    public void Cluster_scoped_kinds_are_granted_cluster_wide_and_namespaces_as_the_watched_namespace_objects()
    {
        var declaration = ControllerDeclaration.For<V1Service>("services", Access.Read, "reconciles Services")
            .Owns<V1ClusterRole>("its ClusterRoles", _ => [])
            .Watches<V1Namespace>("its namespace", _ => [])
            .Build();
        var rules = RbacRules.From([declaration], [], new ResourceTypeRegistry());

        Assert.Equal(
            [
                (PermissionScope.Watched, "services", "list,watch"),
                (PermissionScope.Cluster, "clusterroles", "list,watch,create,update,delete"),
                (PermissionScope.WatchedNamespaceObjects, "namespaces", "list,watch"),
            ],
            rules.Select(r => (r.Scope, r.Resources[0], string.Join(",", r.Verbs))));
    }

    [Fact]
    public void A_kind_cannot_be_both_optional_and_required()
    {
        var other = ControllerDeclaration.For<V1ConfigMap>("configmaps", Access.Read, "reconciles ConfigMaps")
            .Watches<Widget>("widgets", _ => [])
            .Build();
        var factory = new InformerFactory(new ResourceClients(_client, new ResourceTypeRegistry().Register<Widget>(WidgetType), json: WidgetJson), new InformerOptions(), TimeProvider.System, NullLoggerFactory.Instance);
        var e = Assert.Throws<ArgumentException>(() => new InformerSet([Declaration(), other], factory));
        Assert.Contains("Widget is declared both optional and required", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Events_reach_the_queue_through_the_declared_mappers_and_an_optional_api_follows_its_crd()
    {
        var registry = new ResourceTypeRegistry().Register<Widget>(WidgetType);
        var clients = new ResourceClients(_client, registry, "test-operator", WidgetJson);
        var options = new InformerOptions { Namespaces = [Ns] };
        var factory = new InformerFactory(clients, options, TimeProvider.System, NullLoggerFactory.Instance);
        var declaration = Declaration();
        var informers = new InformerSet([declaration], factory);
        using var queue = new WorkQueue<ObjectKey>("services", TimeProvider.System);
        informers.Route(declaration, queue);
        var owned = Assert.Single(informers.OwnedKinds(declaration, new OwnedObjectWriter(clients, new OwnershipRule("managed-by", "test"), NullLogger.Instance), clients));
        Assert.Equal(typeof(Widget), owned.ClrType);
        var probe = new ResourceListApiProbe(_client, [OptionalApis.Resource(WidgetType)], TimeProvider.System, Ns);
        var apis = new OptionalApis(informers.Optional, new OptionalApiDiscovery(probe, TimeProvider.System, NullLogger.Instance, TimeSpan.FromMinutes(10), recheckWhileServed: false),
            factory, NullLogger<OptionalApis>.Instance);
        var changes = new List<string>();
        apis.Changed += type => { lock (changes) { changes.Add(type.Kind); } };
        _ = informers.RunAsync(_stop.Token);
        _ = apis.RunAsync(_stop.Token);
        await informers.WaitForSyncAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        await apis.FirstCheck.WaitAsync(TimeSpan.FromSeconds(20));
        Assert.True(informers.HasSynced);
        Assert.False(apis.IsServed(WidgetType));
        Assert.Null(informers.GetOptional<Widget>().Current);

        // The primary kind wakes itself; a ConfigMap wakes the Service its label names.
        await _client.CoreV1.CreateNamespacedServiceAsync(new V1Service { Metadata = new V1ObjectMeta { Name = "api" }, Spec = new V1ServiceSpec { Ports = [new V1ServicePort { Port = 80 }] } }, Ns);
        Assert.Equal(new ObjectKey(Ns, "api"), await NextAsync(queue));
        await _client.CoreV1.CreateNamespacedConfigMapAsync(new V1ConfigMap { Metadata = new V1ObjectMeta { Name = "settings", Labels = new Dictionary<string, string> { ["owner"] = "web" } } }, Ns);
        Assert.Equal(new ObjectKey(Ns, "web"), await NextAsync(queue));

        // The optional API appears: its informer starts by itself (the CRD's event), and a widget wakes its key.
        await _client.ApiextensionsV1.CreateCustomResourceDefinitionAsync(WidgetCrd());
        await Eventually(() => apis.IsServed(WidgetType));
        Assert.Contains("Widget", changes);
        Assert.NotNull(informers.GetOptional<Widget>().Current);
        await _client.CustomObjects.CreateNamespacedCustomObjectAsync(new Widget { Metadata = new V1ObjectMeta { Name = "w1" } }, Widget.Group, "v1", Ns, "widgets");
        Assert.Equal(new ObjectKey(Ns, "w1"), await NextAsync(queue));
        Assert.Single(informers.KeysOf(declaration));

        // It goes away: the informer stops and its cache is gone.
        await _client.ApiextensionsV1.DeleteCustomResourceDefinitionAsync(OptionalApis.CrdName(WidgetType));
        await Eventually(() => !apis.IsServed(WidgetType));
        Assert.Null(informers.GetOptional<Widget>().Current);
        Assert.Empty(owned.Managed(Ns));
    }

    private async Task<ObjectKey> NextAsync(WorkQueue<ObjectKey> queue)
    {
        var item = await queue.TakeAsync(_stop.Token).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.NotNull(item);
        queue.Done(item.Key);
        return item.Key;
    }

    private static V1CustomResourceDefinition WidgetCrd() => new()
    {
        Metadata = new V1ObjectMeta { Name = OptionalApis.CrdName(WidgetType) },
        Spec = new V1CustomResourceDefinitionSpec
        {
            Group = Widget.Group,
            Scope = "Namespaced",
            Names = new V1CustomResourceDefinitionNames { Kind = "Widget", ListKind = "WidgetList", Plural = "widgets", Singular = "widget" },
            Versions = [new V1CustomResourceDefinitionVersion { Name = "v1", Served = true, Storage = true, Schema = new V1CustomResourceValidation { OpenAPIV3Schema = new V1JSONSchemaProps { Type = "object", XKubernetesPreserveUnknownFields = true } } }],
        },
    };

    private static async Task Eventually(Func<bool> condition)
    {
        for (var i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition(), "condition not reached within 20 s");
    }

    /// <summary>A custom resource served only once its CRD is installed.</summary>
    public sealed class Widget : IKubernetesObject<V1ObjectMeta>
    {
        public const string Group = "example.com";

        [JsonPropertyName("apiVersion")]
        public string ApiVersion { get; set; } = Group + "/v1";

        [JsonPropertyName("kind")]
        public string Kind { get; set; } = "Widget";

        [JsonPropertyName("metadata")]
        public V1ObjectMeta Metadata { get; set; } = new();
    }
}
