using k8s.Models;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// The metadata of a WaddleService's monitoring child (its ServiceMonitor, its PrometheusRule): the policy's extra
/// labels for it (the ones a Prometheus selects on), then the operator's own labels, which win so ownership stays
/// recognisable, and the service's owner reference.
/// </summary>
internal static class ServiceChildMetadata
{
    public static V1ObjectMeta For(ResolvedService service, string name, IEnumerable<KeyValuePair<string, string>> extraLabels)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in extraLabels)
        {
            labels[key] = value;
        }

        labels[WellKnown.ManagedByLabel] = WellKnown.ManagedByValue;
        labels[WellKnown.ServiceLabel] = service.Name;
        if (service.Policy.Name is { } policy)
        {
            labels[WellKnown.PolicyLabel] = policy;
        }

        return new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = service.Namespace,
            Labels = new Dictionary<string, string>(labels),
            OwnerReferences = OwnerReferences.To(service.Source),
        };
    }
}
