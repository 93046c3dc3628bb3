using System.Collections.Concurrent;
using System.Text.Json;
using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>Hands out the <see cref="IResourceClient{T}"/> for a kind.</summary>
public interface IResourceClientProvider
{
    IResourceClient<T> For<T>()
        where T : IKubernetesObject<V1ObjectMeta>;
}

/// <summary>
/// One <see cref="KubernetesResourceClient{T}"/> per kind over a shared KubernetesClient, located through the registry.
/// Bodies are read and written with <paramref name="json"/>: the operator's generated context by default, which knows
/// every kind the operator uses; a program with kinds of its own (a test's) passes options that know them too.
/// </summary>
public sealed class ResourceClients(Kubernetes client, ResourceTypeRegistry registry, string? fieldManager = null, JsonSerializerOptions? json = null) : IResourceClientProvider
{
    private readonly ConcurrentDictionary<Type, object> _clients = new();

    public ResourceTypeRegistry Registry { get; } = registry ?? throw new ArgumentNullException(nameof(registry));

    public IResourceClient<T> For<T>()
        where T : IKubernetesObject<V1ObjectMeta> =>
        (IResourceClient<T>)_clients.GetOrAdd(typeof(T), _ => new KubernetesResourceClient<T>(client, Registry.Get<T>(), fieldManager, json));
}
