namespace WaddleObservabilityOperator.Rendering;

/// <summary>Names of the objects the operator creates. Kept here so controllers and renderers agree.</summary>
public static class ChildNames
{
    public static string ServiceMonitor(string waddleServiceName) => waddleServiceName;
    public static string SamplingConfigMap(string policyName) => $"{policyName}-sampling";

    // A managed component names its own objects (Rendering/Backends/<Component>/).

    /// <summary>File name of the strategies document inside the sampling ConfigMap.</summary>
    public const string SamplingFileName = "strategies.json";
}
