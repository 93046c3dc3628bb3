namespace WaddleObservabilityOperator.Rendering.Backends;

// What a component asks of the policy's managed Prometheus, besides the WaddleServices it scrapes anyway: targets to
// scrape, alerting rules, Alertmanagers to send alerts to. The Prometheus component asks every registered component
// (IManagedComponent.ScrapeJobs, AlertRules, AlertmanagerAddresses) and names none of them.

/// <summary>How a scrape job finds its targets.</summary>
public enum ScrapeRole
{
    /// <summary>The endpoints of the Services in the policy's namespace that carry <see cref="ScrapeJob.ServiceSelector"/>, on the port named <see cref="ScrapeJob.Port"/>.</summary>
    ServiceEndpoints,

    /// <summary>Every node's kubelet (node discovery; the kubelet's own port), over HTTPS with the Prometheus service account's token.</summary>
    Kubelets,
}

/// <summary>
/// A set of targets a component asks the managed Prometheus to scrape. <see cref="Labels"/> are added to every series;
/// <see cref="Instance"/> (a fixed value) or <see cref="InstanceSource"/> (a discovery label) replaces the instance label,
/// and <see cref="JobSource"/> (a discovery label) the job label; null keeps what Prometheus sets.
/// </summary>
public sealed record ScrapeJob(
    string Name,
    ScrapeRole Role,
    string Path,
    IReadOnlyList<KeyValuePair<string, string>> Labels)
{
    /// <summary>The labels of the Services to scrape (<see cref="ScrapeRole.ServiceEndpoints"/>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ServiceSelector { get; init; } = [];

    /// <summary>The name of the Service port to scrape (<see cref="ScrapeRole.ServiceEndpoints"/>).</summary>
    public string? Port { get; init; }

    public string? Instance { get; init; }

    public string? InstanceSource { get; init; }

    public string? JobSource { get; init; }

    /// <summary>A fixed job label, e.g. <c>kubelet</c>.</summary>
    public string? Job { get; init; }

    /// <summary>Keep the target's own labels where they clash with the target labels (cAdvisor's namespace, pod, container).</summary>
    public bool HonorLabels { get; init; }

    /// <summary>For <see cref="ScrapeRole.Kubelets"/>: check the serving certificate against the cluster CA (false: skip the check).</summary>
    public bool TlsVerify { get; init; }
}

/// <summary>An alerting rule of the managed Prometheus, in the group named <paramref name="Group"/>.</summary>
public sealed record AlertRule(
    string Group,
    string Alert,
    string Expr,
    string For,
    IReadOnlyList<KeyValuePair<string, string>> Labels,
    IReadOnlyList<KeyValuePair<string, string>> Annotations);

/// <summary>An Alertmanager the managed Prometheus sends alerts to: <c>&lt;Scheme&gt;://&lt;Target&gt;&lt;PathPrefix&gt;</c> (API v2).</summary>
public sealed record AlertmanagerAddress(string Scheme, string Target, string? PathPrefix);

/// <summary>
/// Why a component the policy asks for is not run although its settings are valid (the cluster does not admit it), with
/// the BackendsReady reason it reports; the policy's other components are rendered all the same.
/// </summary>
public sealed record ComponentRefusal(string Reason, string Message);
