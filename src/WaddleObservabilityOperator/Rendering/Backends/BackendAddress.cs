using System.Globalization;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>In-cluster addresses of a managed component's Service: namespace-qualified, without the cluster domain (not always cluster.local).</summary>
internal static class BackendAddress
{
    /// <summary>The DNS name of the Service <paramref name="serviceName"/> in <paramref name="namespace"/>.</summary>
    public static string HostName(string serviceName, string @namespace) => $"{serviceName}.{@namespace}.svc";

    /// <summary><c>http://&lt;service&gt;.&lt;namespace&gt;.svc:&lt;port&gt;</c> of a component of <paramref name="policy"/>.</summary>
    public static string ServiceUrl(EffectivePolicy policy, Func<string, string> serviceName, int port)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var policyName = policy.Name
            ?? throw new ArgumentException("The built-in default policy has no managed backends, so no backend address.", nameof(policy));
        return $"http://{HostName(serviceName(policyName), policy.Namespace)}:{port.ToString(CultureInfo.InvariantCulture)}";
    }
}
