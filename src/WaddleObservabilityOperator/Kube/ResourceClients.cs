using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Kube;

/// <summary>Hands out the <see cref="IResourceClient{T}"/> for a kind.</summary>
public interface IResourceClientProvider
{
    IResourceClient<T> For<T>()
        where T : IKubernetesObject<V1ObjectMeta>;
}

/// <summary>One <see cref="KubernetesResourceClient{T}"/> per kind over a shared KubernetesClient, located through the registry.</summary>
public sealed class ResourceClients(IKubernetes client, ResourceTypeRegistry registry, string? fieldManager = null) : IResourceClientProvider
{
    private readonly ConcurrentDictionary<Type, object> _clients = new();

    public ResourceTypeRegistry Registry { get; } = registry ?? throw new ArgumentNullException(nameof(registry));

    public IResourceClient<T> For<T>()
        where T : IKubernetesObject<V1ObjectMeta> =>
        (IResourceClient<T>)_clients.GetOrAdd(typeof(T), _ => new KubernetesResourceClient<T>(client, Registry.Get<T>(), fieldManager));
}
