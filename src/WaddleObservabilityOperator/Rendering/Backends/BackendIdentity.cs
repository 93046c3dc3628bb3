using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>Who a managed backend object is: its policy, app name and component, and the labels and owner derived from them.</summary>
internal sealed record BackendIdentity(EffectivePolicy Policy, string AppName, string Component, string InstanceName)
{
    public string PolicyName => Policy.Name ?? throw new InvalidOperationException("The built-in default policy has no managed backends.");

    public string Namespace => Policy.Namespace;

    /// <summary>The labels that select the backend's pods; a subset of <see cref="Labels"/> that never changes.</summary>
    public Dictionary<string, string> SelectorLabels() => new(StringComparer.Ordinal)
    {
        [WellKnown.NameLabel] = AppName,
        [WellKnown.InstanceLabel] = InstanceName,
    };

    public Dictionary<string, string> Labels() => new(StringComparer.Ordinal)
    {
        [WellKnown.NameLabel] = AppName,
        [WellKnown.ComponentLabel] = Component,
        [WellKnown.InstanceLabel] = InstanceName,
        [WellKnown.ManagedByLabel] = WellKnown.ManagedByValue,
        [WellKnown.PolicyLabel] = PolicyName,
    };

    /// <summary>Metadata of a child named <paramref name="name"/>: labels and, when the policy's uid is known, the owner reference.</summary>
    public V1ObjectMeta Metadata(string name) => new()
    {
        Name = name,
        NamespaceProperty = Namespace,
        Labels = Labels(),
        // The API server rejects an owner reference without a uid; a policy read from a file has none, so an offline
        // render shows the object without one and the controller, which reads the policy from the cluster, adds it.
        OwnerReferences = Policy.Uid is { Length: > 0 } uid
            ?
            [
                new V1OwnerReference
                {
                    ApiVersion = ApiGroup.ApiVersion,
                    Kind = ObservabilityPolicy.KindName,
                    Name = PolicyName,
                    Uid = uid,
                    Controller = true,
                    BlockOwnerDeletion = true,
                },
            ]
            : null,
    };

    /// <summary>
    /// Metadata of a cluster-scoped child named <paramref name="name"/>: no namespace and no owner reference (a cluster-scoped
    /// object's owner reference to a namespaced policy would make garbage collection delete it), and the policy's name and
    /// namespace as labels, by which the operator finds and deletes it.
    /// </summary>
    public V1ObjectMeta ClusterScopedMetadata(string name)
    {
        var labels = Labels();
        labels[WellKnown.PolicyNamespaceLabel] = Namespace;
        return new V1ObjectMeta { Name = name, Labels = labels };
    }

    /// <summary>Metadata of a pod template: the labels and the config hash, which rolls the pods when the configuration changes.</summary>
    public V1ObjectMeta PodTemplateMetadata(string configHash) => new()
    {
        Labels = Labels(),
        Annotations = new Dictionary<string, string>(StringComparer.Ordinal) { [WellKnown.ConfigHashAnnotation] = configHash },
    };

    /// <summary>Metadata of a pod template whose configuration is reloaded in place: the labels, no config hash.</summary>
    public V1ObjectMeta PodTemplateMetadata() => new() { Labels = Labels() };

    /// <summary>A NetworkPolicy that admits traffic to the backend's pods on <paramref name="ports"/> only.</summary>
    public V1NetworkPolicy NetworkPolicy(string name, IEnumerable<int> ports) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = Metadata(name),
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = new V1LabelSelector { MatchLabels = SelectorLabels() },
            PolicyTypes = ["Ingress"],
            Ingress =
            [
                new V1NetworkPolicyIngressRule
                {
                    Ports = ports.Select(port => new V1NetworkPolicyPort { Protocol = "TCP", Port = port }).ToList(),
                },
            ],
        },
    };
}
