using k8s.Models;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Rendering.Backends;
using YamlDotNet.RepresentationModel;

namespace WaddleObservabilityOperator.Tests.RealPrograms;

/// <summary>A pod as the test runs it: its name and labels (from the rendered pod template) and its container.</summary>
internal sealed record SimulatedPod(string Name, IDictionary<string, string> Labels, LaunchedContainer Container);

/// <summary>
/// Kubernetes service discovery done from the rendered objects, for a Prometheus that runs outside a cluster: each
/// <c>kubernetes_sd_configs</c> block of a job becomes <c>static_configs</c> holding what that discovery would hand the
/// job, targets and <c>__meta_kubernetes_*</c> labels alike, while every relabelling rule of the job stays as rendered.
/// Role endpointslice gets every endpoint of every rendered Service of the namespace (a pod whose labels match the
/// Service's selector, on the container port its target port names), so a job's keep rules must pick out its own;
/// role node gets the one node and its kubelet.
/// </summary>
internal static class SimulatedDiscovery
{
    public static string Apply(string config, string @namespace, IReadOnlyList<V1Service> services, IReadOnlyList<SimulatedPod> pods, string nodeName, string kubeletAddress)
    {
        var root = YamlTree.Load(config);
        foreach (var job in root.Items("scrape_configs").Cast<YamlMappingNode>())
        {
            var key = new YamlScalarNode("kubernetes_sd_configs");
            if (!job.Children.TryGetValue(key, out var discovery))
            {
                continue;
            }

            var block = Assert.Single(Assert.IsType<YamlSequenceNode>(discovery).Children);
            var targets = block.Text("role") switch
            {
                "endpointslice" => EndpointSlices(Assert.Single(block.Items("namespaces", "names")).Text(), @namespace, services, pods, nodeName),
                "node" => [Target(kubeletAddress, new() { ["instance"] = nodeName, ["__meta_kubernetes_node_name"] = nodeName, ["__meta_kubernetes_node_address_InternalIP"] = "127.0.0.1" })],
                var role => throw new InvalidOperationException($"a discovery role this simulation does not know: {role}"),
            };
            job.Children.Remove(key);
            job.Children.Add(new YamlScalarNode("static_configs"), new YamlSequenceNode(targets));
        }

        return YamlTree.Save(root);
    }

    private static List<YamlNode> EndpointSlices(string discovered, string @namespace, IReadOnlyList<V1Service> services, IReadOnlyList<SimulatedPod> pods, string nodeName)
    {
        Assert.Equal(@namespace, discovered);
        var targets = new List<YamlNode>();
        foreach (var service in services)
        {
            foreach (var pod in pods.Where(p => service.Spec.Selector.All(s => p.Labels.TryGetValue(s.Key, out var v) && v == s.Value)))
            {
                foreach (var port in service.Spec.Ports)
                {
                    var labels = new Dictionary<string, string>(StringComparer.Ordinal)
                    {
                        ["__meta_kubernetes_namespace"] = @namespace,
                        ["__meta_kubernetes_service_name"] = service.Metadata.Name,
                        ["__meta_kubernetes_endpointslice_port_name"] = port.Name,
                        ["__meta_kubernetes_pod_name"] = pod.Name,
                        ["__meta_kubernetes_pod_phase"] = "Running",
                        ["__meta_kubernetes_pod_node_name"] = nodeName,
                        ["__meta_kubernetes_pod_container_name"] = pod.Container.Container.Name,
                    };
                    foreach (var (name, value) in service.Metadata.Labels)
                    {
                        labels[$"__meta_kubernetes_service_label_{PrometheusSyntax.SanitizeLabelName(name)}"] = value;
                        labels[$"__meta_kubernetes_service_labelpresent_{PrometheusSyntax.SanitizeLabelName(name)}"] = "true";
                    }

                    targets.Add(Target(pod.Container.Address(port.TargetPort.Value), labels));
                }
            }
        }

        return targets;
    }

    private static YamlMappingNode Target(string address, Dictionary<string, string> labels) => new(
        new YamlScalarNode("targets"), new YamlSequenceNode(new YamlScalarNode(address)),
        new YamlScalarNode("labels"), new YamlMappingNode(labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l =>
            new KeyValuePair<YamlNode, YamlNode>(new YamlScalarNode(l.Key), new YamlScalarNode(l.Value) { Style = YamlDotNet.Core.ScalarStyle.DoubleQuoted }))));
}
