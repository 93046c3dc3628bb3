using System.Net;
using System.Text.Json.Nodes;
using k8s;
using KubeApiEmulator.Crds;
using KubeApiEmulator.Discovery;
using KubeApiEmulator.Faults;
using KubeApiEmulator.GarbageCollection;
using KubeApiEmulator.Http;
using KubeApiEmulator.Registry;
using KubeApiEmulator.Storage;
using KubeApiEmulator.Watch;
using KubeApiEmulator.Workloads;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging.Abstractions;

namespace KubeApiEmulator;

/// <summary>
/// An in-process Kubernetes API server on 127.0.0.1 over HTTP:
/// <c>await using var api = await ApiEmulator.StartAsync();</c> then <see cref="ClientConfiguration"/> or
/// <see cref="WriteKubeconfig"/>. Tests reach its state, request log and fault injection directly.
/// </summary>
public sealed class ApiEmulator : IAsyncDisposable
{
    private static readonly string[] InitialNamespaces = ["default", "kube-system", "kube-public", "kube-node-lease"];

    private readonly WebApplication _app;
    private readonly GarbageCollector _collector;
    private readonly ObjectWriter _writer;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _bookmarks;

    private ApiEmulator(WebApplication app, string url, ObjectStore store, ResourceRegistry registry, ObjectWriter writer, GarbageCollector collector, WorkloadSimulator workloads, RequestLog requests, FaultInjector faults, ApiEmulatorOptions options)
    {
        _app = app;
        Url = url;
        Store = store;
        Resources = registry;
        _writer = writer;
        _collector = collector;
        Workloads = workloads;
        Requests = requests;
        Faults = faults;
        _bookmarks = options.BookmarkInterval is { } interval ? SendBookmarksAsync(interval, options.Time, _stop.Token) : Task.CompletedTask;
    }

    /// <summary>http://127.0.0.1:PORT</summary>
    public string Url { get; }

    public RequestLog Requests { get; }
    public FaultInjector Faults { get; }

    /// <summary>The workload status simulator (<see cref="ApiEmulatorOptions.SimulateWorkloads"/>).</summary>
    public WorkloadSimulator Workloads { get; }
    public ObjectStore Store { get; }
    public ResourceRegistry Resources { get; }

    /// <summary>Which bearer tokens TokenReviews accept and what SubjectAccessReviews allow; everything until a test registers a token.</summary>
    public AccessReviews Reviews => _writer.Reviews;

    public static async Task<ApiEmulator> StartAsync(ApiEmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new ApiEmulatorOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        if (options.LoggerProvider is { } provider)
        {
            builder.Logging.AddProvider(provider);
        }

        builder.WebHost.UseKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, options.Port);
            kestrel.Limits.MaxRequestBodySize = 16 * 1024 * 1024;
        });
        var app = builder.Build();
        var loggers = app.Services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;

        var time = options.Time;
        var registry = new ResourceRegistry(BuiltInResources.All());
        var store = new ObjectStore(options.History);
        var crds = new CustomResourceDefinitions(store, registry, time);
        var writer = new ObjectWriter(store, time, crds, new CustomResourceValidation());
        var collector = new GarbageCollector(store, writer, options.GarbageCollection, loggers.CreateLogger<GarbageCollector>());
        var workloads = new WorkloadSimulator(store, registry, writer, time, options.SimulateWorkloads, loggers.CreateLogger<WorkloadSimulator>());
        var requests = new RequestLog();
        var faults = new FaultInjector(options.FaultSeed);
        var tables = new TableConverter(time);
        var router = new ApiRouter(
            registry,
            new ResourceHandlers(writer, tables, new WatchStreamer(store, tables)),
            new DiscoveryDocuments(registry),
            new OpenApiEndpoints(registry),
            new ControlEndpoints(requests, faults, store, registry, writer),
            faults,
            store,
            writer,
            requests,
            time,
            loggers.CreateLogger<ApiRouter>());
        if (options.RecordRequestBodies)
        {
            app.Use(async (context, next) =>
            {
                if (context.Request.Method is "POST" or "PUT" or "PATCH")
                {
                    context.Request.EnableBuffering();
                    using var reader = new StreamReader(context.Request.Body, leaveOpen: true);
                    context.Items[RequestRecord.BodyItem] = await reader.ReadToEndAsync(context.RequestAborted);
                    context.Request.Body.Position = 0;
                }

                await next(context);
            });
        }

        app.Run(router.HandleAsync);

        var namespaceType = registry.Find("", "v1", "namespaces")!;
        foreach (var ns in InitialNamespaces)
        {
            writer.Create(namespaceType, "", new JsonObject { ["metadata"] = new JsonObject { ["name"] = ns } }, WriteOptions.Default);
        }

        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var url = address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        return new ApiEmulator(app, url, store, registry, writer, collector, workloads, requests, faults, options);
    }

    /// <summary>A client configuration for this emulator (plain HTTP, no credentials needed).</summary>
    public KubernetesClientConfiguration ClientConfiguration() =>
        KubernetesClientConfiguration.BuildConfigFromConfigObject(Kubeconfig.For(Url));

    /// <summary>Writes a kubeconfig for kubectl and helm; its current context points here.</summary>
    public void WriteKubeconfig(string path) => Kubeconfig.Write(Url, path);

    /// <summary>Ends every open watch as a broken connection would; returns how many it ended.</summary>
    public int DropWatches() => Store.DropWatches();

    /// <summary>Compacts the event log now: a watch from any earlier resourceVersion gets 410 Expired.</summary>
    public void CompactEventLog() => Store.Compact();

    /// <summary>Sends a BOOKMARK to every watch that allows them.</summary>
    public void SendBookmarks() => Store.SendBookmarks();

    /// <summary>
    /// Changes an object as another actor would (a user's kubectl edit): through the normal update rules, with a new
    /// resourceVersion and a watch event, but without a request in the log or any fault. Null when it does not exist.
    /// </summary>
    public JsonObject? Tamper(string apiVersion, string plural, string? ns, string name, Func<JsonObject, JsonObject> change, string? subresource = null)
    {
        var (group, version) = apiVersion.Contains('/') ? (apiVersion.Split('/')[0], apiVersion.Split('/')[1]) : ("", apiVersion);
        var type = Resources.Find(group, version, plural) ?? throw new ArgumentException($"{plural} in {apiVersion} is not served", nameof(plural));
        var current = Store.Get(type.StorageKey, new ObjectKey(type.Namespaced ? ns ?? "" : "", name));
        return current is null ? null : _writer.Mutate(current, change, subresource)?.ToJsonObject();
    }

    /// <summary>Completes once garbage collection and namespace termination have nothing left to do.</summary>
    public Task WaitForGarbageCollectionAsync(CancellationToken cancellationToken = default) => _collector.WaitForIdleAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Store.DropWatches();
        await _app.StopAsync();
        await _app.DisposeAsync();
        await _collector.DisposeAsync();
        await Workloads.DisposeAsync();
        try
        {
            await _bookmarks;
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }

        _stop.Dispose();
    }

    private async Task SendBookmarksAsync(TimeSpan interval, TimeProvider time, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        while (await timer.WaitForNextTickAsync(cancellationToken))
        {
            Store.SendBookmarks();
        }
    }
}
