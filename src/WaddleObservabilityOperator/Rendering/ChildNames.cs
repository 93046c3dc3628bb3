namespace WaddleObservabilityOperator.Rendering;

/// <summary>Names of the objects the operator creates. Kept here so controllers and renderers agree.</summary>
public static class ChildNames
{
    public static string ServiceMonitor(string waddleServiceName) => waddleServiceName;
    public static string SamplingConfigMap(string policyName) => $"{policyName}-sampling";
    public static string Jaeger(string policyName) => $"{policyName}-jaeger";
    public static string Prometheus(string policyName) => $"{policyName}-prometheus";

    /// <summary>File name of the strategies document inside the sampling ConfigMap.</summary>
    public const string SamplingFileName = "strategies.json";
}
