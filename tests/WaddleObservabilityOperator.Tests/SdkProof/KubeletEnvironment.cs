using System.Text;
using k8s.Models;

namespace WaddleObservabilityOperator.Tests.SdkProof;

/// <summary>The pod a container runs in, as far as the downward API tells it.</summary>
internal sealed record PodFacts(string Name, string Namespace, string Uid, string NodeName, string PodIp, string ServiceAccount = "default");

/// <summary>
/// A container's environment as the kubelet computes it: variables in order; <c>fieldRef</c> from the pod
/// (metadata.name, metadata.namespace, metadata.uid, spec.nodeName, spec.serviceAccountName, status.podIP);
/// <c>secretKeyRef</c> and <c>configMapKeyRef</c> from the given objects (a missing one that is not optional stops the
/// container, here an exception); and <c>$(VAR)</c> in a value expanded with the variables defined before it, as
/// Kubernetes' expansion package does: <c>$$</c> is one <c>$</c>, a reference to an undefined variable stays as written,
/// a <c>$</c> before anything else stays.
/// </summary>
internal static class KubeletEnvironment
{
    public static Dictionary<string, string> Expand(IEnumerable<V1EnvVar> env, PodFacts pod, IEnumerable<V1Secret>? secrets = null, IEnumerable<V1ConfigMap>? configMaps = null)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in env)
        {
            result[variable.Name] = variable.ValueFrom switch
            {
                null => ExpandReferences(variable.Value ?? "", result),
                { FieldRef: { } field } => field.FieldPath switch
                {
                    "metadata.name" => pod.Name,
                    "metadata.namespace" => pod.Namespace,
                    "metadata.uid" => pod.Uid,
                    "spec.nodeName" => pod.NodeName,
                    "spec.serviceAccountName" => pod.ServiceAccount,
                    "status.podIP" => pod.PodIp,
                    var other => throw new InvalidOperationException($"{variable.Name}: fieldRef {other} is not emulated here"),
                },
                { SecretKeyRef: { } reference } => SecretValue(variable.Name, reference, secrets ?? []),
                { ConfigMapKeyRef: { } reference } => (configMaps ?? []).FirstOrDefault(c => c.Metadata.Name == reference.Name)?.Data?.TryGetValue(reference.Key, out var value) == true
                    ? value!
                    : throw new InvalidOperationException($"{variable.Name}: no key {reference.Key} in ConfigMap {reference.Name}; the kubelet would not start the container"),
                _ => throw new InvalidOperationException($"{variable.Name}: a valueFrom this emulation does not know"),
            };
        }

        return result;
    }

    private static string SecretValue(string name, V1SecretKeySelector reference, IEnumerable<V1Secret> secrets)
    {
        var secret = secrets.FirstOrDefault(s => s.Metadata.Name == reference.Name);
        if (secret?.Data?.TryGetValue(reference.Key, out var bytes) == true)
        {
            return Encoding.UTF8.GetString(bytes);
        }

        if (secret?.StringData?.TryGetValue(reference.Key, out var text) == true)
        {
            return text;
        }

        throw new InvalidOperationException($"{name}: no key {reference.Key} in Secret {reference.Name}; the kubelet would not start the container");
    }

    /// <summary>Kubernetes' <c>expansion.Expand</c> with the variables defined so far.</summary>
    public static string ExpandReferences(string input, IReadOnlyDictionary<string, string> defined)
    {
        var output = new StringBuilder();
        for (var i = 0; i < input.Length; i++)
        {
            if (input[i] != '$' || i + 1 >= input.Length)
            {
                output.Append(input[i]);
                continue;
            }

            var next = input[i + 1];
            if (next == '$')
            {
                output.Append('$');
                i++;
            }
            else if (next == '(')
            {
                var close = input.IndexOf(')', i + 2);
                if (close < 0)
                {
                    // Unterminated: kept as written.
                    output.Append(input, i, input.Length - i);
                    break;
                }

                var name = input[(i + 2)..close];
                output.Append(defined.TryGetValue(name, out var value) ? value : $"$({name})");
                i = close;
            }
            else
            {
                output.Append('$').Append(next);
                i++;
            }
        }

        return output.ToString();
    }
}
