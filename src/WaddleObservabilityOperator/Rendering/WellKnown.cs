namespace WaddleObservabilityOperator.Rendering;

/// <summary>Labels, annotations, finalizer and field manager the operator puts on objects. Changing one is a breaking change.</summary>
public static class WellKnown
{
    public const string ManagedByLabel = "app.kubernetes.io/managed-by";
    public const string ManagedByValue = "waddle-observability-operator";
    public const string NameLabel = "app.kubernetes.io/name";
    public const string ComponentLabel = "app.kubernetes.io/component";
    public const string InstanceLabel = "app.kubernetes.io/instance";
    public const string PartOfLabel = "app.kubernetes.io/part-of";

    /// <summary>Labels under this prefix on the operator's children are its own: one it no longer renders is removed.</summary>
    public const string OwnedLabelPrefix = "observability.waddlebot.io/";

    /// <summary>On a workload the operator injected into: the WaddleService's name. Lets the operator cache exactly those workloads.</summary>
    public const string InjectedByLabel = "observability.waddlebot.io/injected-by";

    /// <summary>On a child: the ObservabilityPolicy it belongs to.</summary>
    public const string PolicyLabel = "observability.waddlebot.io/policy";

    /// <summary>
    /// On a cluster-scoped child (which cannot carry an owner reference to a namespaced policy): the namespace of the
    /// ObservabilityPolicy it belongs to. With <see cref="PolicyLabel"/> it names the policy, which deletes it by these labels.
    /// </summary>
    public const string PolicyNamespaceLabel = "observability.waddlebot.io/policy-namespace";

    /// <summary>
    /// On an ObservabilityPolicy that has cluster-scoped children: garbage collection cannot remove them, so the policy's
    /// deletion waits until the operator has.
    /// </summary>
    public const string PolicyFinalizer = "observability.waddlebot.io/cluster-children";

    /// <summary>Target label on every series of an exporter or the kubelet scrape: which one (postgres, redis, node, kubelet).</summary>
    public const string ExporterMetricLabel = "waddlebot_exporter";

    /// <summary>On a child: the WaddleService it belongs to.</summary>
    public const string ServiceLabel = "observability.waddlebot.io/service";

    /// <summary>
    /// Pod-template annotation: canonical JSON object, container name -> (env name -> fingerprint of the injected
    /// entry). The fingerprint tells the operator's entry from one the user edited or added with the same name.
    /// </summary>
    public const string InjectedEnvAnnotation = "observability.waddlebot.io/injected-env";

    /// <summary>Pod-template annotation: hash of the injected values; a change rolls the workload, no change never does.</summary>
    public const string ConfigHashAnnotation = "observability.waddlebot.io/config-hash";

    public const string Finalizer = "observability.waddlebot.io/finalizer";
    public const string FieldManager = "waddle-observability-operator";

    /// <summary>Target label a ServiceMonitor (and the managed Prometheus) adds to every scraped series: the service name.</summary>
    public const string ServiceMetricLabel = "waddlebot_service";

    /// <summary>Target label with the service's layer.</summary>
    public const string LayerMetricLabel = "waddlebot_layer";
}
