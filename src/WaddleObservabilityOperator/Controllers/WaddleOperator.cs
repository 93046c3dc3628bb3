using k8s;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Telemetry;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// One operator instance: the caches, the two controllers and their queues, the event wiring between them, discovery
/// of the ServiceMonitor API, periodic resync and, when asked, leader election. Informers run on every instance (a
/// standby has warm caches); reconciles and writes only on the leader.
/// </summary>
public sealed class WaddleOperator : IAsyncDisposable
{
    private readonly OperatorOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Kubernetes _client;
    private readonly OperatorCaches _caches;
    private readonly WorkQueue<ObjectKey> _serviceQueue;
    private readonly WorkQueue<ObjectKey> _policyQueue;
    private readonly Controller<ObjectKey> _serviceController;
    private readonly Controller<ObjectKey> _policyController;
    private readonly OptionalApis _optionalApis;
    private readonly IReadOnlyList<(ControllerDeclaration Declaration, WorkQueue<ObjectKey> Queue)> _queues;
    private readonly LeaderElector? _election;
    private int _active;
    private readonly PolicyReconcileCosts _policyCosts = new();

    public WaddleOperator(KubernetesClientConfiguration config, OperatorOptions options, OperatorMetrics metrics, ILoggerFactory loggers, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _options = options ?? throw new ArgumentNullException(nameof(options));
        Metrics = metrics ?? throw new ArgumentNullException(nameof(metrics));
        _time = time ?? TimeProvider.System;
        _logger = loggers.CreateLogger<WaddleOperator>();

        // Outermost first: the write permit (the one place it is enforced), retries, the rate limit per attempt, then
        // telemetry of what actually went out. The permit is the leader elector's once it exists (it needs the client).
        var permit = new DeferredWritePermit();
        _client = KubernetesClientFactory.Create(config, new ApiClientOptions { Qps = options.Qps, Burst = options.Burst }, _time,
            writePermit: permit, telemetry: new ApiRequestTelemetryHandler(metrics, options.Identity));

        var clients = new ResourceClients(_client, OperatorControllers.ResourceTypes(), WellKnown.FieldManager);
        var informerOptions = new InformerOptions
        {
            Namespaces = options.Namespaces.Count == 0 ? null : options.Namespaces,
            MinWatchTimeout = options.MinWatchTimeout,
        };

        // What each controller reconciles, owns and watches; the informers, the routing and the owned kinds follow.
        EventRouting? routing = null;
        var controllers = OperatorControllers.Declare(() => routing!);
        var factory = new InformerFactory(clients, informerOptions, _time, loggers);
        var informers = new InformerSet(controllers, factory);
        _caches = new OperatorCaches(informers);
        routing = new EventRouting(_caches, PolicyDebounce, _time);

        _election = options.LeaderElect
            ? LeaderElector.ForLease(_client, new LeaderElectionOptions
            {
                LeaseNamespace = options.LeaseNamespace,
                LeaseName = options.LeaseName,
                Identity = options.Identity,
                LeaseDuration = options.LeaseDuration,
                RenewDeadline = options.RenewDeadline,
                RetryPeriod = options.RetryPeriod,
            }, _time, loggers.CreateLogger<LeaderElector>())
            : null;
        if (_election is not null)
        {
            _election.LeaderChanged += leader => metrics.SetLeader(options.LeaseName, leader == options.Identity);
        }

        permit.Permit = _election is null ? AlwaysWritePermit.Instance : _election;

        // Optional APIs are probed by a one-item list (the read their informer makes anyway, not a discovery GET); while
        // served, only CRD events and list/watch failures trigger a check, so a converged operator sends no discovery
        // requests. With --namespaces, in the first watched one: the RBAC is then a Role per namespace.
        var optional = informers.Optional.ToList();
        var probe = new ResourceListApiProbe(_client, [.. optional.Select(i => OptionalApis.Resource(i.Type))], _time, options.Namespaces.FirstOrDefault());
        _optionalApis = new OptionalApis(optional, new OptionalApiDiscovery(probe, _time, loggers.CreateLogger<OptionalApiDiscovery>(), options.DiscoveryInterval, recheckWhileServed: false),
            factory, loggers.CreateLogger<OptionalApis>());

        var writer = new OwnedObjectWriter(clients, OperatorControllers.Ownership, loggers.CreateLogger<OwnedObjectWriter>());
        var statusWriter = new StatusWriter(clients, loggers.CreateLogger<StatusWriter>());
        var events = new EventRecorder(_client, options.Identity, _time, loggers.CreateLogger<EventRecorder>());
        var published = new PublishedSampling();
        var serviceController = controllers.Single(c => c.Name == WaddleServiceReconciler.ControllerName);
        var policyController = controllers.Single(c => c.Name == ObservabilityPolicyReconciler.ControllerName);
        var services = new WaddleServiceReconciler(_caches, clients, informers.OwnedKinds(serviceController, writer, clients), published, statusWriter, events, _time,
            loggers.CreateLogger<WaddleServiceReconciler>());
        var policies = new ObservabilityPolicyReconciler(_caches, informers.OwnedKinds(policyController, writer, clients), published, key => _serviceQueue!.Add(key),
            clients, statusWriter, events, metrics, _time, loggers.CreateLogger<ObservabilityPolicyReconciler>(), options.Namespaces, _policyCosts);

        _serviceQueue = new WorkQueue<ObjectKey>(WaddleServiceReconciler.ControllerName, _time, RetryBackoff(options), metrics);
        _policyQueue = new WorkQueue<ObjectKey>(ObservabilityPolicyReconciler.ControllerName, _time, RetryBackoff(options), metrics);
        _serviceController = new Controller<ObjectKey>(WaddleServiceReconciler.ControllerName, _serviceQueue,
            (key, ct) => TracedAsync(WaddleServiceReconciler.ControllerName, services.ReconcileAsync, key, ct),
            _time, loggers.CreateLogger("controller.waddleservice"), options.Concurrency, metrics)
        { MaxWorkers = options.MaxConcurrency };
        _policyController = new Controller<ObjectKey>(ObservabilityPolicyReconciler.ControllerName, _policyQueue,
            (key, ct) => TracedAsync(ObservabilityPolicyReconciler.ControllerName, policies.ReconcileAsync, key, ct),
            _time, loggers.CreateLogger("controller.observabilitypolicy"), options.Concurrency, metrics)
        { MaxWorkers = options.MaxConcurrency };
        informers.Route(serviceController, _serviceQueue);
        informers.Route(policyController, _policyQueue);

        // An optional API that appears or goes away changes what every controller declaring it renders.
        _queues = [(serviceController, _serviceQueue), (policyController, _policyQueue)];
        _optionalApis.Changed += type => EnqueueAll(c => c.Watches.Any(w => w.Optional && clients.Registry.Get(w.ClrType) == type));
        metrics.BeforeCollect(CollectGauges);
    }

    public OperatorMetrics Metrics { get; }

    /// <summary>Caches synced: reconciles would see the whole world (the /readyz answer).</summary>
    public bool IsReady => _caches.HasSynced;

    /// <summary>Nothing queued, waiting or being reconciled: the operator has caught up with what it has seen.</summary>
    public bool IsIdle => Volatile.Read(ref _active) == 0 && _serviceQueue.Count == 0 && _serviceQueue.DelayedCount == 0 && _policyQueue.Count == 0 && _policyQueue.DelayedCount == 0;

    /// <summary>What keeps the instance busy, for diagnostics: keys queued and waiting (backoff or requeue-after) per controller.</summary>
    public string Backlog =>
        $"waddleservice {_serviceQueue.Count} queued, {_serviceQueue.DelayedCount} waiting; observabilitypolicy {_policyQueue.Count} queued, {_policyQueue.DelayedCount} waiting; {Volatile.Read(ref _active)} reconciling";

    /// <summary>This instance holds the lease (always true without leader election once running).</summary>
    public bool IsLeader => _election?.CanWrite ?? true;

    /// <summary>The identity written into the Lease and the User-Agent.</summary>
    public string Identity => _options.Identity;

    /// <summary>Runs until <paramref name="cancellationToken"/> fires (SIGTERM); then stops reconciling, releases the lease and returns.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        _logger.LogInformation("Starting operator {Identity}: namespaces {Namespaces}, leader election {LeaderElect}, concurrency {Concurrency}, resync {Resync}",
            _options.Identity, _options.Namespaces.Count == 0 ? "all" : string.Join(",", _options.Namespaces), _options.LeaderElect, _options.Concurrency, _options.ResyncPeriod);
        var informers = _caches.RunAsync(cancellationToken);
        var discovery = _optionalApis.RunAsync(cancellationToken);
        try
        {
            await _caches.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await _optionalApis.FirstCheck.WaitAsync(cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Caches synced");
            if (_election is null)
            {
                await RunControllersAsync(cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _election.RunAsync(RunControllersAsync, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            await Task.WhenAll(informers, discovery).ConfigureAwait(false);
            _logger.LogInformation("Operator {Identity} stopped", _options.Identity);
        }
    }

    /// <summary>Reconciles while leading (or always, without election): everything once, then on events and every resync period.</summary>
    private async Task RunControllersAsync(CancellationToken cancellationToken)
    {
        Metrics.SetLeader(_options.LeaseName, true);
        try
        {
            EnqueueAll();
            var resync = ResyncAsync(cancellationToken);
            await Task.WhenAll(_serviceController.RunAsync(cancellationToken), _policyController.RunAsync(cancellationToken), resync).ConfigureAwait(false);
        }
        finally
        {
            Metrics.SetLeader(_options.LeaseName, false);
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_options.ResyncPeriod, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _logger.LogDebug("Resync: reconciling every cached WaddleService and ObservabilityPolicy");
            EnqueueAll();
        }
    }

    /// <summary>Every cached key of each controller in <paramref name="only"/> (all of them when null), into its queue.</summary>
    private void EnqueueAll(Func<ControllerDeclaration, bool>? only = null)
    {
        foreach (var (declaration, queue) in _queues.Where(q => only?.Invoke(q.Declaration) != false))
        {
            foreach (var key in _caches.Informers.KeysOf(declaration))
            {
                queue.Add(key);
            }
        }
    }

    private async Task<ReconcileResult> TracedAsync(string controller, Func<ObjectKey, CancellationToken, Task<ReconcileResult>> reconcile, ObjectKey key, CancellationToken cancellationToken)
    {
        using var activity = OperatorTracing.StartReconcile(controller, key.Namespace ?? "", key.Name);
        Interlocked.Increment(ref _active);
        var started = _time.GetTimestamp();
        try
        {
            var result = await reconcile(key, cancellationToken).ConfigureAwait(false);
            var outcome = result.RequeueDelay is { } d && d > TimeSpan.Zero ? Kube.ReconcileOutcome.RequeueAfter
                : result.RetryWithBackoff ? Kube.ReconcileOutcome.Requeue
                : Kube.ReconcileOutcome.Success;
            OperatorTracing.SetOutcome(activity, outcome);
            return result;
        }
        catch (Exception e)
        {
            OperatorTracing.SetOutcome(activity, Kube.ReconcileOutcome.Error, e);
            throw;
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    /// <summary>
    /// How long service changes are gathered into one policy reconcile: twice what a policy reconcile rendering on
    /// <paramref name="path"/> (the path the change will cause) has recently cost, at most
    /// <see cref="OperatorOptions.PolicyDebounce"/>. A change after a quiet window is applied at once; during a burst a
    /// policy spends at most half its time rendering (an incremental render costs milliseconds at 10 000 services, a
    /// full one about a hundred).
    /// </summary>
    private TimeSpan PolicyDebounce(PolicyRenderPath path)
    {
        var cost = _policyCosts.Recent(path);
        return cost * 2 < _options.PolicyDebounce ? cost * 2 : _options.PolicyDebounce;
    }

    private static ItemExponentialBackoff<ObjectKey> RetryBackoff(OperatorOptions options) =>
        new(ItemExponentialBackoff<ObjectKey>.DefaultBaseDelay, options.MaxRetryDelay);

    private void CollectGauges()
    {
        var all = _caches.WaddleServices.Cache.List();
        var ready = all.Count(s => s.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == "True") == true);
        Metrics.SetServices(ready, all.Count - ready);
        Metrics.SetInjectedWorkloads(_caches.InjectedWorkloadCount());
    }

    public ValueTask DisposeAsync()
    {
        _serviceQueue.Dispose();
        _policyQueue.Dispose();
        _client.Dispose();
        return ValueTask.CompletedTask;
    }
}
