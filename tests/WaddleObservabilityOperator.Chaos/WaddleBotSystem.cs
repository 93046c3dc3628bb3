using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Manifests;

namespace WaddleObservabilityOperator.Chaos;

/// <summary>
/// What a user applies: WaddleBot's sample namespace, policy and services (config/samples/waddlebot), grown or cut to
/// <c>N</c> services. Service <c>i</c> is sample <c>i mod 19</c>; copies past the first 19 get a suffix (<c>router-1</c>)
/// on every name the sample's objects share (workload, Service, labels, selectors, container), so each copy is a
/// complete service of its own with the user's hand-set env.
/// </summary>
public sealed partial class WaddleBotSystem
{
    private WaddleBotSystem(ManifestSet manifests) => Manifests = manifests;

    public ManifestSet Manifests { get; }

    public string Namespace => Manifests.Namespaces[0].Metadata.Name;

    public int ServiceCount => Manifests.WaddleServices.Count;

    /// <summary><paramref name="services"/> services in <paramref name="ns"/>, made from the samples in <paramref name="samplesDirectory"/>.</summary>
    public static WaddleBotSystem Generate(string samplesDirectory, int services, string ns = "waddlebot")
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(services, 1);
        var loaded = ManifestLoader.Load([samplesDirectory]);
        if (!loaded.IsValid)
        {
            throw new InvalidOperationException("the samples do not load: " + string.Join("; ", loaded.Errors));
        }

        var samples = loaded.Manifests;
        var policies = samples.Policies.Select(p => Renamed(p, ns, new Dictionary<string, string>())).ToList();
        var waddleServices = new List<WaddleService>();
        var deployments = new List<V1Deployment>();
        var kubeServices = new List<V1Service>();
        for (var i = 0; i < services; i++)
        {
            var sample = samples.WaddleServices[i % samples.WaddleServices.Count];
            var name = sample.Metadata.Name;
            var copy = i / samples.WaddleServices.Count;
            var names = copy == 0 ? new Dictionary<string, string>() : new Dictionary<string, string> { [name] = $"{name}-{copy}" };
            var workload = sample.Spec.Workload.Name;
            if (copy > 0)
            {
                names[workload] = $"{workload}-{copy}";
            }

            waddleServices.Add(Renamed(sample, ns, names));
            deployments.AddRange(samples.Deployments.Where(d => d.Metadata.Name == workload).Select(d => Renamed(d, ns, names)));
            kubeServices.AddRange(samples.Services.Where(s => s.Metadata.Name == workload || s.Metadata.Name == name).Select(s => Renamed(s, ns, names)));
        }

        var namespaces = new List<V1Namespace> { new() { Metadata = new V1ObjectMeta { Name = ns } } };
        return new WaddleBotSystem(new ManifestSet(policies, waddleServices, deployments, [], [], kubeServices, namespaces));
    }

    /// <summary>The Deployment <paramref name="name"/> as the user's manifest has it (no injection).</summary>
    public V1Deployment Deployment(string name) => Clone(Manifests.Deployments.Single(d => d.Metadata.Name == name));

    /// <summary>Each workload's env as the user set it, by Deployment and container.</summary>
    public IReadOnlyDictionary<(string Deployment, string Container), IReadOnlyList<V1EnvVar>> UserEnv() =>
        Manifests.Deployments.SelectMany(d => d.Spec.Template.Spec.Containers.Select(c => (d.Metadata.Name, c)))
            .ToDictionary(x => (x.Name, x.c.Name), x => (IReadOnlyList<V1EnvVar>)(x.c.Env?.ToList() ?? []));

    /// <summary>Applies everything as a user would: namespace, policies, Deployments and Services, then the WaddleServices.</summary>
    public async Task ApplyAsync(IKubernetes user, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(user);
        foreach (var ns in Manifests.Namespaces)
        {
            await user.CoreV1.CreateNamespaceAsync(Clone(ns), cancellationToken: cancellationToken);
        }

        foreach (var policy in Manifests.Policies)
        {
            await user.CustomObjects.CreateNamespacedCustomObjectAsync(Clone(policy), ApiGroup.Group, ApiGroup.Version, Namespace, ObservabilityPolicy.Plural, cancellationToken: cancellationToken);
        }

        foreach (var deployment in Manifests.Deployments)
        {
            await user.AppsV1.CreateNamespacedDeploymentAsync(Clone(deployment), Namespace, cancellationToken: cancellationToken);
        }

        foreach (var service in Manifests.Services)
        {
            await user.CoreV1.CreateNamespacedServiceAsync(Clone(service), Namespace, cancellationToken: cancellationToken);
        }

        foreach (var service in Manifests.WaddleServices)
        {
            await user.CustomObjects.CreateNamespacedCustomObjectAsync(Clone(service), ApiGroup.Group, ApiGroup.Version, Namespace, WaddleService.Plural, cancellationToken: cancellationToken);
        }
    }

    public static T Clone<T>(T obj) => KubernetesJson.Deserialize<T>(KubernetesJson.Serialize(obj));

    // Every JSON string value equal to a renamed name takes the new name; the namespace moves to ns.
    private static T Renamed<T>(T obj, string ns, IReadOnlyDictionary<string, string> names)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        var json = KubernetesJson.Serialize(obj);
        if (names.Count > 0)
        {
            json = StringValue().Replace(json, m => names.TryGetValue(m.Groups["value"].Value, out var renamed) ? $"{m.Groups["lead"].Value}\"{renamed}\"" : m.Value);
        }

        var copy = KubernetesJson.Deserialize<T>(json);
        copy.Metadata.NamespaceProperty = ns;
        return copy;
    }

    [GeneratedRegex("(?<lead>[:\\[,])\"(?<value>[a-z0-9.-]+)\"")]
    private static partial Regex StringValue();
}
