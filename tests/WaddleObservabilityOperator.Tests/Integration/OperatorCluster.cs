using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using KubeApiEmulator;
using KubeApiEmulator.Http;
using Microsoft.Extensions.Logging;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Chaos;
using WaddleObservabilityOperator.Controllers;
using WaddleObservabilityOperator.Manifests;
using WaddleObservabilityOperator.Rendering.Models;
using WaddleObservabilityOperator.Telemetry;
using WaddleObservabilityOperator.Tests.Api;
using WaddleObservabilityOperator.Tests.Upstream;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

/// <summary>
/// A user's cluster for a scenario: the API emulator with the operator's CRDs (and, optionally, prometheus-operator's
/// ServiceMonitor CRD), a KubernetesClient acting as the user, and operator instances running in-process.
/// </summary>
internal sealed class OperatorCluster : IAsyncDisposable
{
    public const string Namespace = "waddlebot";
    public const string Policy = "waddlebot";

    /// <summary>How long a scenario waits for the operator to converge: generous, because the machine is shared. A wait, not a timed assertion.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    private static readonly string[] WriteVerbs = ["create", "update", "patch", "delete", "deletecollection"];

    private readonly ITestOutputHelper _output;
    private readonly List<ChaosOperator> _operators = [];

    private OperatorCluster(ApiEmulator api, ITestOutputHelper output)
    {
        Api = api;
        _output = output;
        User = new Kubernetes(api.ClientConfiguration());
    }

    public ApiEmulator Api { get; }

    /// <summary>The user's client: requests from it are not the operator's.</summary>
    public Kubernetes User { get; }

    public static async Task<OperatorCluster> StartAsync(ITestOutputHelper output, bool serviceMonitorCrd = true, bool recordRequestBodies = false)
    {
        var api = await ApiEmulator.StartAsync(new ApiEmulatorOptions { BookmarkInterval = TimeSpan.FromSeconds(5), RecordRequestBodies = recordRequestBodies, SimulateWorkloads = true });
        var cluster = new OperatorCluster(api, output);
        foreach (var file in Directory.GetFiles(RepositoryLayout.PathOf("config", "crds"), "*.yaml").Order(StringComparer.Ordinal))
        {
            await cluster.ApplyCrdAsync(file);
        }

        if (serviceMonitorCrd)
        {
            await cluster.InstallServiceMonitorCrdAsync();
        }

        return cluster;
    }

    public Task InstallServiceMonitorCrdAsync() =>
        ApplyCrdAsync(PrometheusOperatorSchemas.StandInServiceMonitorCrd);

    /// <summary>Installs prometheus-operator's PrometheusRule API (the stand-in CRD), as a user installing the prometheus-operator CRDs later would.</summary>
    public Task InstallPrometheusRuleCrdAsync() =>
        ApplyCrdAsync(PrometheusOperatorSchemas.StandInPrometheusRuleCrd);

    /// <summary>The PrometheusRules of a namespace; none while the API is not served.</summary>
    public async Task<IReadOnlyList<PrometheusRule>> PrometheusRulesAsync(string ns = Namespace)
    {
        try
        {
            return (await User.CustomObjects.ListNamespacedCustomObjectAsync<CustomResourceList<PrometheusRule>>(PrometheusRule.Group, PrometheusRule.Version, ns, PrometheusRule.Plural)).Items.ToList();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return [];
        }
    }

    private async Task ApplyCrdAsync(string file)
    {
        var crd = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(await File.ReadAllTextAsync(file));
        await User.ApiextensionsV1.CreateCustomResourceDefinitionAsync(crd);
    }

    /// <summary>Applies config/samples/waddlebot as a user would: namespace, policy, then each service's WaddleService, Deployment and Service.</summary>
    public async Task ApplySamplesAsync(Func<ManifestSet, ManifestSet>? edit = null)
    {
        var loaded = ManifestLoader.Load([RepositoryLayout.PathOf("config", "samples", "waddlebot")]);
        Assert.True(loaded.IsValid, string.Join("\n", loaded.Errors));
        var set = edit is null ? loaded.Manifests : edit(loaded.Manifests);
        foreach (var ns in set.Namespaces)
        {
            await User.CoreV1.CreateNamespaceAsync(ns);
        }

        // The Secrets the samples reference, created first as the samples' comments and the README tell a user to (the
        // emulator's workload simulator, like a kubelet, never starts a pod whose Secret is missing).
        if (set.Namespaces.Any(n => n.Metadata.Name == Namespace))
        {
            foreach (var secret in SampleSecrets())
            {
                await User.CoreV1.CreateNamespacedSecretAsync(secret, Namespace);
            }
        }

        foreach (var policy in set.Policies)
        {
            await CreateAsync(policy);
        }

        foreach (var deployment in set.Deployments)
        {
            await User.AppsV1.CreateNamespacedDeploymentAsync(deployment, deployment.Metadata.NamespaceProperty);
        }

        foreach (var service in set.Services)
        {
            await User.CoreV1.CreateNamespacedServiceAsync(service, service.Metadata.NamespaceProperty);
        }

        foreach (var service in set.WaddleServices)
        {
            await CreateAsync(service);
        }
    }

    /// <summary>The Secrets config/samples/waddlebot references: Grafana's admin login, the PostgreSQL and Redis exporters' credentials (test values).</summary>
    public static IReadOnlyList<V1Secret> SampleSecrets() =>
    [
        Secret("grafana-admin", ("admin-user", "admin"), ("admin-password", "sample-admin-password")),
        Secret("waddlebot-postgres", ("username", "waddlebot_monitor"), ("password", "sample-postgres-password")),
        Secret("waddlebot-redis", ("password", "sample-redis-password")),
    ];

    private static V1Secret Secret(string name, params (string Key, string Value)[] data) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        StringData = data.ToDictionary(d => d.Key, d => d.Value),
    };

    public Task CreateAsync(ObservabilityPolicy policy) =>
        User.CustomObjects.CreateNamespacedCustomObjectAsync(policy, ApiGroup.Group, ApiGroup.Version, policy.Metadata.NamespaceProperty, ObservabilityPolicy.Plural);

    public Task CreateAsync(WaddleService service) =>
        User.CustomObjects.CreateNamespacedCustomObjectAsync(service, ApiGroup.Group, ApiGroup.Version, service.Metadata.NamespaceProperty, WaddleService.Plural);

    public async Task<WaddleService?> WaddleServiceAsync(string name, string ns = Namespace)
    {
        try
        {
            return await User.CustomObjects.GetNamespacedCustomObjectAsync<WaddleService>(ApiGroup.Group, ApiGroup.Version, ns, WaddleService.Plural, name);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<WaddleService>> WaddleServicesAsync(string ns = Namespace) =>
        (await User.CustomObjects.ListNamespacedCustomObjectAsync<CustomResourceList<WaddleService>>(ApiGroup.Group, ApiGroup.Version, ns, WaddleService.Plural)).Items.ToList();

    public async Task<ObservabilityPolicy> PolicyAsync(string name = Policy, string ns = Namespace) =>
        await User.CustomObjects.GetNamespacedCustomObjectAsync<ObservabilityPolicy>(ApiGroup.Group, ApiGroup.Version, ns, ObservabilityPolicy.Plural, name);

    public async Task<IReadOnlyList<ServiceMonitor>> ServiceMonitorsAsync(string ns = Namespace)
    {
        try
        {
            return (await User.CustomObjects.ListNamespacedCustomObjectAsync<CustomResourceList<ServiceMonitor>>(ServiceMonitor.Group, ServiceMonitor.Version, ns, ServiceMonitor.Plural)).Items.ToList();
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return [];
        }
    }

    public async Task<V1ConfigMap?> ConfigMapAsync(string name, string ns = Namespace)
    {
        try
        {
            return await User.CoreV1.ReadNamespacedConfigMapAsync(name, ns);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
    }

    /// <summary>Changes the policy's spec as a user would (merge patch).</summary>
    public Task PatchPolicyAsync(JsonObject spec, string name = Policy, string ns = Namespace) =>
        User.CustomObjects.PatchNamespacedCustomObjectAsync(new V1Patch(new JsonObject { ["spec"] = spec }.ToJsonString(), V1Patch.PatchType.MergePatch),
            ApiGroup.Group, ApiGroup.Version, ns, ObservabilityPolicy.Plural, name);

    /// <summary>Starts an operator instance in-process; it runs until the cluster is disposed or it is stopped. <paramref name="logs"/>, when given, also receives its logs at every level, e.g. to search them.</summary>
    public ChaosOperator StartOperator(string name, OperatorOptions? options = null, ILoggerProvider? logs = null)
    {
        var loggers = LoggerFactory.Create(l =>
        {
            l.AddProvider(new TestOutputLoggerProvider(_output, name)).SetMinimumLevel(logs is null ? LogLevel.Information : LogLevel.Trace);
            if (logs is not null)
            {
                l.AddProvider(logs);
            }
        });
        options ??= new OperatorOptions();
        options = options with
        {
            Identity = name,
            DiscoveryInterval = options.DiscoveryInterval == new OperatorOptions().DiscoveryInterval ? TimeSpan.FromSeconds(1) : options.DiscoveryInterval,
            PolicyDebounce = TimeSpan.FromMilliseconds(300),
            Qps = 200,
            Burst = 400,
        };
        var instance = new WaddleOperator(Api.ClientConfiguration(), options, new OperatorMetrics(), loggers);
        var running = new ChaosOperator(instance, loggers);
        _operators.Add(running);
        return running;
    }

    /// <summary>Requests the operator instance <paramref name="identity"/> made (its User-Agent names it), oldest first.</summary>
    public IReadOnlyList<RequestRecord> RequestsBy(string identity) =>
        Api.Requests.Snapshot().Where(r => r.UserAgent?.Contains($"({identity})", StringComparison.Ordinal) == true).ToList();

    /// <summary>Writes (create, update, patch, delete) by the operator instance, leaving out its Lease renewals.</summary>
    public IReadOnlyList<RequestRecord> WritesBy(string identity) =>
        RequestsBy(identity).Where(r => WriteVerbs.Contains(r.Verb) && r.Resource != "leases").ToList();

    /// <summary>Polls until <paramref name="probe"/> holds; fails with <paramref name="what"/> and the last observation after <see cref="Patience"/>.</summary>
    public static async Task WaitUntilAsync(string what, Func<Task<(bool Done, string Observed)>> probe, TimeSpan? patience = null)
    {
        using var limit = new CancellationTokenSource(patience ?? Patience);
        var observed = "";
        while (!limit.IsCancellationRequested)
        {
            try
            {
                (var done, observed) = await probe();
                if (done)
                {
                    return;
                }
            }
            catch (HttpOperationException e)
            {
                observed = $"HTTP {(int)e.Response.StatusCode}: {e.Response.Content}";
            }

            await Task.Delay(200);
        }

        throw new Xunit.Sdk.XunitException($"gave up waiting for {what}; last observed: {observed}");
    }

    /// <summary>Waits until the instance has nothing queued or running for a second and a half in a row (caught up).</summary>
    public static async Task WaitForIdleAsync(ChaosOperator running)
    {
        var quietSince = DateTime.UtcNow;
        await WaitUntilAsync($"{running.Identity} to be idle", () =>
        {
            if (!running.Instance.IsIdle)
            {
                quietSince = DateTime.UtcNow;
            }

            return Task.FromResult((DateTime.UtcNow - quietSince > TimeSpan.FromSeconds(1.5), "busy"));
        });
    }

    /// <summary>Waits until every WaddleService of the namespace reports Ready=True for its current generation.</summary>
    public Task WaitForAllReadyAsync(int expected, string ns = Namespace) =>
        WaitUntilAsync($"{expected} WaddleServices Ready", async () =>
        {
            var services = await WaddleServicesAsync(ns);
            var notReady = services.Where(s => !IsReady(s)).Select(s => $"{s.Metadata.Name}: {Describe(s)}").ToList();
            return (services.Count == expected && notReady.Count == 0, $"{services.Count} services; not ready: {string.Join(" | ", notReady.Take(5))}");
        });

    public static bool IsReady(WaddleService service) =>
        service.Status?.ObservedGeneration == service.Metadata.Generation
        && service.Status?.Conditions?.Any(c => c.Type == ConditionTypes.Ready && c.Status == "True") == true;

    public static V1Condition? Condition(WaddleService service, string type) => service.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public static V1Condition? Condition(ObservabilityPolicy policy, string type) => policy.Status?.Conditions?.FirstOrDefault(c => c.Type == type);

    public static string Describe(WaddleService service) =>
        string.Join(", ", service.Status?.Conditions?.Where(c => c.Status != "True").Select(c => $"{c.Type}={c.Status} {c.Reason}: {c.Message}") ?? ["no status"]);

    /// <summary>The env of a Deployment's first container, by name.</summary>
    public async Task<(V1Deployment Deployment, IReadOnlyDictionary<string, V1EnvVar> Env)> DeploymentAsync(string name, string ns = Namespace)
    {
        var deployment = await User.AppsV1.ReadNamespacedDeploymentAsync(name, ns);
        var env = deployment.Spec.Template.Spec.Containers[0].Env?.ToDictionary(e => e.Name) ?? [];
        return (deployment, env);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var running in _operators)
        {
            await running.DisposeAsync();
        }

        User.Dispose();
        await Api.DisposeAsync();
    }
}

/// <summary>A list of custom resources as the API returns it.</summary>
internal sealed class CustomResourceList<T> : IKubernetesObject<V1ListMeta>, IItems<T>
{
    public string ApiVersion { get; set; } = "";
    public string Kind { get; set; } = "";
    public V1ListMeta Metadata { get; set; } = new();
    public IList<T> Items { get; set; } = [];
}
