using System.Net;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Json;

namespace WaddleObservabilityOperator.Kube;

/// <summary>A resource by API group, version and plural, e.g. monitoring.coreos.com/v1 servicemonitors.</summary>
public sealed record GroupVersionResource(string Group, string Version, string Plural)
{
    public override string ToString() => Group.Length == 0 ? $"{Version}/{Plural}" : $"{Group}/{Version}/{Plural}";
}

/// <summary>Whether a tracked resource became served or stopped being served; <see cref="Previous"/> is null for the first check.</summary>
public sealed record ApiAvailabilityChange(GroupVersionResource Resource, bool? Previous, bool Served);

/// <summary>Reads the resource list of one group/version (GET /apis/group/version).</summary>
public interface IApiDiscoveryClient
{
    /// <summary>The plural names served in the group/version, or null when the group/version is not served (404).</summary>
    Task<IReadOnlyCollection<string>?> GetResourcesAsync(string group, string version, CancellationToken cancellationToken);
}

/// <summary>
/// Tracks optional APIs (e.g. prometheus-operator's ServiceMonitor): checks them at start, every interval, and on demand
/// (<see cref="RequestRefresh"/>, e.g. on a CustomResourceDefinition event), and raises <see cref="Changed"/> when one
/// appears or disappears, so installing an API later takes effect without a restart.
/// </summary>
/// <remarks>
/// With <c>recheckWhileServed</c> false, once every tracked resource is served only <see cref="RequestRefresh"/>
/// triggers a check (the caller's informer of the resource notices it going away), so a converged operator sends no
/// discovery requests.
/// </remarks>
public sealed class OptionalApiDiscovery(IApiDiscoveryClient client, TimeProvider time, ILogger logger, TimeSpan? interval = null, bool recheckWhileServed = true)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<GroupVersionResource, bool?> _served = [];
    private readonly SemaphoreSlim _wake = new(0);
    private readonly TaskCompletionSource _firstCheck = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public static TimeSpan DefaultInterval { get; } = TimeSpan.FromMinutes(1);

    public TimeSpan Interval { get; } = interval ?? DefaultInterval;

    public event Action<ApiAvailabilityChange>? Changed;

    public void Track(GroupVersionResource resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        lock (_gate)
        {
            _served.TryAdd(resource, null);
        }
    }

    /// <summary>Served as of the last check (false before the first check or when it failed).</summary>
    public bool IsServed(GroupVersionResource resource)
    {
        lock (_gate)
        {
            return _served.GetValueOrDefault(resource) == true;
        }
    }

    public Task WaitForFirstCheckAsync(CancellationToken cancellationToken) => _firstCheck.Task.WaitAsync(cancellationToken);

    /// <summary>Asks the running loop to check again now.</summary>
    public void RequestRefresh() => _wake.Release();

    /// <summary>Checks every tracked resource once; a group/version that cannot be read keeps its last known state.</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        List<GroupVersionResource> tracked;
        lock (_gate)
        {
            tracked = [.. _served.Keys];
        }

        foreach (var group in tracked.GroupBy(r => (r.Group, r.Version)))
        {
            IReadOnlyCollection<string>? resources;
            try
            {
                resources = await client.GetResourcesAsync(group.Key.Group, group.Key.Version, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpRequestException or k8s.Autorest.HttpOperationException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
            {
                logger.LogWarning("Discovery of {Group}/{Version} failed: {Message}; keeping the last known state", group.Key.Group, group.Key.Version, e.Message);
                continue;
            }

            foreach (var resource in group)
            {
                var served = resources?.Contains(resource.Plural) == true;
                bool? previous;
                lock (_gate)
                {
                    previous = _served[resource];
                    _served[resource] = served;
                }

                if (previous != served)
                {
                    logger.LogInformation("{Resource} is {State}", resource, served ? "served" : "not served");
                    Changed?.Invoke(new ApiAvailabilityChange(resource, previous, served));
                }
            }
        }

        _firstCheck.TrySetResult();
    }

    private bool AllServed()
    {
        lock (_gate)
        {
            return _served.Values.All(v => v == true);
        }
    }

    /// <summary>Checks now, then every <see cref="Interval"/> and whenever <see cref="RequestRefresh"/> is called, until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(cancellationToken).ConfigureAwait(false);
                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var woken = _wake.WaitAsync(wait.Token);
                await Task.WhenAny(woken, Task.Delay(recheckWhileServed || !AllServed() ? Interval : Timeout.InfiniteTimeSpan, time, wait.Token)).ConfigureAwait(false);
                await wait.CancelAsync().ConfigureAwait(false);
                while (_wake.CurrentCount > 0)
                {
                    await _wake.WaitAsync(cancellationToken).ConfigureAwait(false); // coalesce requests that piled up
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}

/// <summary>Discovery over a KubernetesClient: the client's own HttpClient (with its handlers) and credentials.</summary>
public sealed class KubernetesApiDiscoveryClient(Kubernetes client, TimeProvider time) : IApiDiscoveryClient
{
    public async Task<IReadOnlyCollection<string>?> GetResourcesAsync(string group, string version, CancellationToken cancellationToken)
    {
        var path = string.IsNullOrEmpty(group) ? $"api/{version}" : $"apis/{group}/{version}";
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri.ToString().TrimEnd('/') + "/" + path));
        if (client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
        }

        // The client's HttpClient has no timeout of its own (KubernetesClient sets one per call).
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        using var response = await client.HttpClient.SendAsync(request, linked.Token).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET /{path} answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        var body = await response.Content.ReadAsStringAsync(linked.Token).ConfigureAwait(false);
        var list = OperatorJson.Deserialize<V1APIResourceList>(body);
        return list.Resources?.Select(r => r.Name).Where(n => !n.Contains('/', StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal) ?? [];
    }
}

/// <summary>
/// Whether resources are served, found by listing each with limit=1 (404: not served) instead of reading the group's
/// discovery document: the read an informer of the resource makes anyway, and no GET of a converged operator.
/// <paramref name="namespaceScope"/>, when set, lists the (namespaced) resources in that namespace only: an operator
/// whose RBAC is a Role per watched namespace may not list them cluster-wide.
/// </summary>
public sealed class ResourceListApiProbe(Kubernetes client, IReadOnlyList<GroupVersionResource> resources, TimeProvider time, string? namespaceScope = null) : IApiDiscoveryClient
{
    public async Task<IReadOnlyCollection<string>?> GetResourcesAsync(string group, string version, CancellationToken cancellationToken)
    {
        var served = new HashSet<string>(StringComparer.Ordinal);
        var any = false;
        foreach (var resource in resources.Where(r => r.Group == group && r.Version == version))
        {
            var scope = string.IsNullOrEmpty(namespaceScope) ? "" : $"namespaces/{Uri.EscapeDataString(namespaceScope)}/";
            var path = string.IsNullOrEmpty(group) ? $"api/{version}/{scope}{resource.Plural}" : $"apis/{group}/{version}/{scope}{resource.Plural}";
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri.ToString().TrimEnd('/') + "/" + path + "?limit=1"));
            if (client.Credentials is { } credentials)
            {
                await credentials.ProcessHttpRequestAsync(request, cancellationToken).ConfigureAwait(false);
            }

            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            using var response = await client.HttpClient.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked.Token).ConfigureAwait(false);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                continue;
            }

            if (!response.IsSuccessStatusCode)
            {
                throw new HttpRequestException($"GET /{path}?limit=1 answered {(int)response.StatusCode}", null, response.StatusCode);
            }

            served.Add(resource.Plural);
            any = true;
        }

        return any ? served : null;
    }
}
