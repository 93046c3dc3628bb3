using System.Text.Json.Serialization;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The prometheus.yml of a managed Prometheus: the policy's global settings, one scrape job per WaddleService with
/// metrics on (Kubernetes discovery by EndpointSlice in its namespace, relabelled down to the Service its selector
/// names and the named port), and a job scraping Prometheus itself.
/// </summary>
public static class PrometheusConfigDocument
{
    public const int WebPort = 9090;
    public const string SelfJobName = "prometheus";

    /// <summary>The external label that tells the pods of a highly available Prometheus apart (the one Thanos and Mimir deduplicate on).</summary>
    public const string ReplicaLabel = "replica";

    /// <summary>The environment variable holding the pod's name (downward API), expanded in external_labels.</summary>
    public const string PodNameVariable = "POD_NAME";

    /// <summary>The scrape job name of a WaddleService; unique per namespace and name, so never a duplicate job.</summary>
    public static string JobName(ResolvedService service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return $"waddle/{service.Namespace}/{service.Name}";
    }

    /// <summary>The generated prometheus.yml. <paramref name="services"/> must already be checked by <see cref="ManagedBackendsRenderer.Validate"/>.</summary>
    public static string Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(services);
        return ConfigYaml.Serialize(Build(policy, services));
    }

    internal static PrometheusConfig Build(EffectivePolicy policy, IReadOnlyList<ResolvedService> services)
    {
        var globalInterval = RequireDuration(policy.Metrics.ScrapeInterval, "spec.metrics.scrapeInterval");
        var globalTimeout = RequireDuration(policy.Metrics.ScrapeTimeout, "spec.metrics.scrapeTimeout");

        var jobs = new List<PrometheusScrapeConfig>();
        foreach (var service in ScrapedServices(policy, services))
        {
            jobs.Add(ServiceJob(policy, service, globalTimeout));
        }

        // What the other components ask it to scrape (exporters, the kubelets), to evaluate and where to send alerts.
        jobs.AddRange(ManagedComponents.All.SelectMany(c => c.ScrapeJobs(policy)).Select(job => ComponentJob(policy, job)));

        jobs.Add(new PrometheusScrapeConfig
        {
            JobName = SelfJobName,
            StaticConfigs = [new PrometheusStaticConfig { Targets = [$"localhost:{WebPort}"] }],
        });

        var rules = PrometheusRulesDocument.Rules(policy);
        var sloFiles = Slos.SloRulesFiles.Of(services);
        List<string> ruleFiles = [.. rules.Count > 0 ? [PrometheusRulesDocument.FileName] : Array.Empty<string>(), .. sloFiles.Select(f => f.FileName)];
        var alertmanagers = ManagedComponents.All.SelectMany(c => c.AlertmanagerAddresses(policy)).ToList();
        var settings = PrometheusComponent.Settings(policy);
        return new PrometheusConfig
        {
            Global = new PrometheusGlobalConfig
            {
                ScrapeInterval = policy.Metrics.ScrapeInterval,
                // Prometheus refuses the whole file when a timeout exceeds its interval; the policy's validation reports
                // that case, and the file stays loadable by capping the timeout at the interval.
                ScrapeTimeout = globalTimeout > globalInterval ? policy.Metrics.ScrapeInterval : policy.Metrics.ScrapeTimeout,
                // Rules are evaluated as often as targets are scraped (Prometheus's default is 1m).
                EvaluationInterval = ruleFiles.Count > 0 ? policy.Metrics.ScrapeInterval : null,
                ExternalLabels = ExternalLabels(settings),
            },
            ScrapeConfigs = jobs,
            // Relative: Prometheus reads it next to prometheus.yml, from the same ConfigMap.
            RuleFiles = ruleFiles.Count > 0 ? ruleFiles : null,
            Alerting = alertmanagers.Count > 0
                ? new PrometheusAlertingConfig
                {
                    // As prometheus-operator does for its replica label: the replicas' alerts are the same alert, so
                    // Alertmanager gets them without it and deduplicates them.
                    AlertRelabelConfigs = settings.HighlyAvailable ? [new PrometheusRelabelConfig { Action = "labeldrop", Regex = ReplicaLabel }] : null,
                    Alertmanagers = [.. alertmanagers.Select(a => new PrometheusAlertmanagerConfig
                    {
                        Scheme = a.Scheme,
                        PathPrefix = a.PathPrefix,
                        StaticConfigs = [new PrometheusStaticConfig { Targets = [a.Target] }],
                    })],
                }
                : null,
            // Read only with --enable-feature=exemplar-storage (PrometheusBackend); resized by a reload.
            Storage = policy.Metrics.Exemplars.Enabled
                ? new PrometheusStorageConfig { Exemplars = new PrometheusExemplarsConfig { MaxExemplars = policy.Metrics.Exemplars.MaxExemplars } }
                : null,
            RemoteWrite = settings.RemoteWrites.Count > 0 ? [.. settings.RemoteWrites.Select(RemoteWrite)] : null,
        };
    }

    /// <summary>
    /// One remote store. Credentials are files the kubelet mounts from the referenced Secret keys
    /// (<see cref="RemoteWriteSecrets"/>); the user name of basic auth is written as given, because Prometheus 2.42
    /// refuses username_file, a later addition.
    /// </summary>
    private static PrometheusRemoteWriteConfig RemoteWrite(Api.RemoteWriteSpec spec)
    {
        var queue = spec.QueueConfig;
        return new PrometheusRemoteWriteConfig
        {
            Url = spec.Url,
            Name = spec.Name,
            RemoteTimeout = spec.RemoteTimeout,
            Headers = spec.Headers is { Count: > 0 } headers ? new SortedDictionary<string, string>(headers, StringComparer.Ordinal) : null,
            BasicAuth = spec.BasicAuth is { } basic
                ? new PrometheusBasicAuth { Username = basic.Username, PasswordFile = RemoteWriteSecrets.FilePath(basic.Password) }
                : null,
            Authorization = spec.Authorization is { } authorization
                ? new PrometheusAuthorization { Type = authorization.Type, CredentialsFile = RemoteWriteSecrets.FilePath(authorization.Credentials) }
                : null,
            QueueConfig = queue is null
                ? null
                : new PrometheusQueueConfig
                {
                    Capacity = queue.Capacity,
                    MaxShards = queue.MaxShards,
                    MinShards = queue.MinShards,
                    MaxSamplesPerSend = queue.MaxSamplesPerSend,
                    BatchSendDeadline = queue.BatchSendDeadline,
                    MinBackoff = queue.MinBackoff,
                    MaxBackoff = queue.MaxBackoff,
                },
            WriteRelabelConfigs = spec.WriteRelabelConfigs is { Count: > 0 } rules
                ? [.. rules.Select(r => new PrometheusRelabelConfig
                {
                    Action = r.Action is { } action ? RelabelActionName(action) : null,
                    SourceLabels = r.SourceLabels is { Count: > 0 } sources ? [.. sources] : null,
                    Separator = r.Separator,
                    Regex = r.Regex,
                    Modulus = r.Modulus,
                    Replacement = r.Replacement,
                    TargetLabel = r.TargetLabel,
                })]
                : null,
        };
    }

    /// <summary>The name Prometheus gives a relabel action (the API's enum value).</summary>
    internal static string RelabelActionName(Api.RelabelAction action) => action switch
    {
        Api.RelabelAction.Replace => "replace",
        Api.RelabelAction.Keep => "keep",
        Api.RelabelAction.Drop => "drop",
        Api.RelabelAction.HashMod => "hashmod",
        Api.RelabelAction.LabelMap => "labelmap",
        Api.RelabelAction.LabelDrop => "labeldrop",
        Api.RelabelAction.LabelKeep => "labelkeep",
        Api.RelabelAction.Lowercase => "lowercase",
        Api.RelabelAction.Uppercase => "uppercase",
        Api.RelabelAction.KeepEqual => "keepequal",
        Api.RelabelAction.DropEqual => "dropequal",
        _ => throw new ArgumentOutOfRangeException(nameof(action), action, "not a relabel action"),
    };

    /// <summary>The scrape job name of a component's <see cref="ScrapeJob"/>: never a service's, whose names have no '/'.</summary>
    public static string JobName(EffectivePolicy policy, ScrapeJob job)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(job);
        return $"waddle/{policy.Namespace}/{job.Name}";
    }

    /// <summary>Where a pod finds its service account's token and the cluster CA.</summary>
    public const string ServiceAccountDirectory = "/var/run/secrets/kubernetes.io/serviceaccount";

    private static PrometheusScrapeConfig ComponentJob(EffectivePolicy policy, ScrapeJob job)
    {
        var rules = new List<PrometheusRelabelConfig>();
        if (job.Role == ScrapeRole.ServiceEndpoints)
        {
            // As for a service: the selected Service and port, no finished pods, then the target's names.
            rules.AddRange(EndpointTargets(job.ServiceSelector, job.Port ?? ""));
        }
        else
        {
            rules.Add(Copy(["__meta_kubernetes_node_name"], "node"));
            rules.Add(new PrometheusRelabelConfig { TargetLabel = "metrics_path", Replacement = job.Path });
        }

        if (job.JobSource is { } jobSource)
        {
            rules.Add(Copy([jobSource], "job"));
        }
        else if (job.Job is { } fixedJob)
        {
            rules.Add(new PrometheusRelabelConfig { TargetLabel = "job", Replacement = PrometheusSyntax.EscapeExpansion(fixedJob) });
        }

        foreach (var (name, value) in job.Labels)
        {
            rules.Add(new PrometheusRelabelConfig { TargetLabel = name, Replacement = PrometheusSyntax.EscapeExpansion(value) });
        }

        if (job.Instance is { } instance)
        {
            rules.Add(new PrometheusRelabelConfig { TargetLabel = "instance", Replacement = PrometheusSyntax.EscapeExpansion(instance) });
        }
        else if (job.InstanceSource is { } instanceSource)
        {
            rules.Add(Copy([instanceSource], "instance"));
        }

        var kubelets = job.Role == ScrapeRole.Kubelets;
        return new PrometheusScrapeConfig
        {
            JobName = JobName(policy, job),
            HonorLabels = job.HonorLabels,
            MetricsPath = job.Path,
            KubernetesSdConfigs =
            [
                kubelets
                    ? new PrometheusKubernetesSdConfig { Role = "node" }
                    : new PrometheusKubernetesSdConfig { Role = "endpointslice", Namespaces = new PrometheusNamespaceDiscovery { Names = [policy.Namespace] } },
            ],
            RelabelConfigs = rules,
            Scheme = kubelets ? "https" : null,
            // The kubelet authorizes /metrics/cadvisor as get on nodes/metrics for the bearer of this token.
            Authorization = kubelets ? new PrometheusAuthorization { CredentialsFile = $"{ServiceAccountDirectory}/token" } : null,
            TlsConfig = kubelets
                ? job.TlsVerify
                    ? new PrometheusTlsConfig { CaFile = $"{ServiceAccountDirectory}/ca.crt" }
                    : new PrometheusTlsConfig { InsecureSkipVerify = true }
                : null,
        };
    }

    /// <summary>The services this policy's Prometheus scrapes, in job-name order.</summary>
    internal static IEnumerable<ResolvedService> ScrapedServices(EffectivePolicy policy, IReadOnlyList<ResolvedService> services) =>
        services
            .Where(s => s.MetricsEnabled && s.Policy.Name == policy.Name && s.Policy.Namespace == policy.Namespace)
            .OrderBy(s => s.Namespace, StringComparer.Ordinal)
            .ThenBy(s => s.Name, StringComparer.Ordinal);

    private static PrometheusScrapeConfig ServiceJob(EffectivePolicy policy, ResolvedService service, long policyTimeout)
    {
        var interval = RequireDuration(service.ScrapeInterval, $"WaddleService {service.Namespace}/{service.Name}: scrape interval");
        return new PrometheusScrapeConfig
        {
            JobName = JobName(service),
            HonorLabels = false,
            ScrapeInterval = service.ScrapeInterval,
            ScrapeTimeout = policyTimeout > interval ? service.ScrapeInterval : policy.Metrics.ScrapeTimeout,
            MetricsPath = service.MetricsPath,
            SampleLimit = policy.Metrics.SampleLimit > 0 ? policy.Metrics.SampleLimit : null,
            KubernetesSdConfigs =
            [
                new PrometheusKubernetesSdConfig
                {
                    Role = "endpointslice",
                    Namespaces = new PrometheusNamespaceDiscovery { Names = [service.Namespace] },
                },
            ],
            RelabelConfigs = Relabelings(service),
        };
    }

    // The same rules prometheus-operator generates for a ServiceMonitor endpoint with role EndpointSlice, so series
    // look the same whichever Prometheus scrapes them: keep the selected Service and port, then name the target.
    private static List<PrometheusRelabelConfig> Relabelings(ResolvedService service)
    {
        var rules = EndpointTargets(service.ServiceSelector, service.MetricsPort);
        rules.Add(Copy(["__meta_kubernetes_service_name"], "job"));
        // The labels the operator's ServiceMonitors add, so dashboards read the same series from either Prometheus.
        rules.Add(new PrometheusRelabelConfig
        {
            Action = "replace",
            TargetLabel = WellKnown.ServiceMetricLabel,
            Replacement = PrometheusSyntax.EscapeExpansion(service.ServiceName),
        });
        rules.Add(new PrometheusRelabelConfig
        {
            Action = "replace",
            TargetLabel = WellKnown.LayerMetricLabel,
            Replacement = EnvInjectionPlanner.LayerName(service.Source.Spec.Layer),
        });
        // instance = <pod>:<port name>, stable across pod IP changes and readable; targets without a pod keep the
        // address Prometheus puts there by default (the regex needs both parts).
        rules.Add(new PrometheusRelabelConfig
        {
            SourceLabels = ["__meta_kubernetes_pod_name", "__meta_kubernetes_endpointslice_port_name"],
            Regex = "(.+);(.+)",
            Replacement = "${1}:${2}",
            TargetLabel = "instance",
        });
        return rules;
    }

    /// <summary>
    /// The endpoints of the Services <paramref name="selector"/> selects, on the port named <paramref name="port"/>,
    /// without finished pods, each target labelled with its namespace, Service, pod and container: what a service's
    /// job and an exporter's job share.
    /// </summary>
    private static List<PrometheusRelabelConfig> EndpointTargets(IEnumerable<KeyValuePair<string, string>> selector, string port)
    {
        var rules = new List<PrometheusRelabelConfig>();
        foreach (var (key, value) in selector.OrderBy(l => l.Key, StringComparer.Ordinal))
        {
            var label = PrometheusSyntax.SanitizeLabelName(key);
            rules.Add(new PrometheusRelabelConfig
            {
                Action = "keep",
                SourceLabels = [$"__meta_kubernetes_service_label_{label}", $"__meta_kubernetes_service_labelpresent_{label}"],
                Regex = $"({PrometheusSyntax.QuoteRegex(value)});true",
            });
        }

        rules.Add(new PrometheusRelabelConfig
        {
            Action = "keep",
            SourceLabels = ["__meta_kubernetes_endpointslice_port_name"],
            Regex = PrometheusSyntax.QuoteRegex(port),
        });
        rules.Add(new PrometheusRelabelConfig
        {
            Action = "drop",
            SourceLabels = ["__meta_kubernetes_pod_phase"],
            Regex = "(Failed|Succeeded)",
        });
        rules.Add(Copy(["__meta_kubernetes_namespace"], "namespace"));
        rules.Add(Copy(["__meta_kubernetes_service_name"], "service"));
        rules.Add(Copy(["__meta_kubernetes_pod_name"], "pod"));
        rules.Add(Copy(["__meta_kubernetes_pod_container_name"], "container"));
        return rules;
    }

    private static PrometheusRelabelConfig Copy(IReadOnlyList<string> sources, string target) =>
        new() { SourceLabels = sources, TargetLabel = target };

    private static SortedDictionary<string, string>? ExternalLabels(EffectivePrometheus settings)
    {
        if (settings.ExternalLabels.Count == 0 && !settings.HighlyAvailable)
        {
            return null;
        }

        var sorted = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in settings.ExternalLabels)
        {
            sorted[name] = PrometheusSyntax.EscapeExpansion(value);
        }

        if (settings.HighlyAvailable)
        {
            // One ConfigMap for every pod: Prometheus expands the pod's own name from its environment (downward API),
            // with --enable-feature=expand-external-labels in 2.x and always in 3.x.
            sorted[ReplicaLabel] = $"${{{PodNameVariable}}}";
        }

        return sorted;
    }

    private static long RequireDuration(string text, string what) =>
        PrometheusDuration.TryParseMilliseconds(text, out var milliseconds)
            ? milliseconds
            : throw new ArgumentException($"{what}: \"{text}\" is not a Prometheus duration (e.g. 15s, 1m30s, 30d).");
}

// The typed model of the file, limited to keys Prometheus 2.42 and 3.x both accept. Property order is key order.
#pragma warning disable CA1812 // instantiated through object initializers above; serialized by reflection

internal sealed record PrometheusConfig
{
    [JsonPropertyName("global"), JsonPropertyOrder(0)] public required PrometheusGlobalConfig Global { get; init; }
    [JsonPropertyName("scrape_configs"), JsonPropertyOrder(1)] public required IReadOnlyList<PrometheusScrapeConfig> ScrapeConfigs { get; init; }
    [JsonPropertyName("rule_files"), JsonPropertyOrder(2)] public IReadOnlyList<string>? RuleFiles { get; init; }
    [JsonPropertyName("alerting"), JsonPropertyOrder(3)] public PrometheusAlertingConfig? Alerting { get; init; }
    [JsonPropertyName("storage"), JsonPropertyOrder(4)] public PrometheusStorageConfig? Storage { get; init; }
    [JsonPropertyName("remote_write"), JsonPropertyOrder(5)] public IReadOnlyList<PrometheusRemoteWriteConfig>? RemoteWrite { get; init; }
}

internal sealed record PrometheusStorageConfig
{
    [JsonPropertyName("exemplars")] public required PrometheusExemplarsConfig Exemplars { get; init; }
}

internal sealed record PrometheusExemplarsConfig
{
    [JsonPropertyName("max_exemplars")] public required long MaxExemplars { get; init; }
}

internal sealed record PrometheusRemoteWriteConfig
{
    [JsonPropertyName("url"), JsonPropertyOrder(0)] public required string Url { get; init; }
    [JsonPropertyName("name"), JsonPropertyOrder(1)] public string? Name { get; init; }
    [JsonPropertyName("remote_timeout"), JsonPropertyOrder(2)] public string? RemoteTimeout { get; init; }
    [JsonPropertyName("headers"), JsonPropertyOrder(3)] public SortedDictionary<string, string>? Headers { get; init; }
    [JsonPropertyName("basic_auth"), JsonPropertyOrder(4)] public PrometheusBasicAuth? BasicAuth { get; init; }
    [JsonPropertyName("authorization"), JsonPropertyOrder(5)] public PrometheusAuthorization? Authorization { get; init; }
    [JsonPropertyName("queue_config"), JsonPropertyOrder(6)] public PrometheusQueueConfig? QueueConfig { get; init; }
    [JsonPropertyName("write_relabel_configs"), JsonPropertyOrder(7)] public IReadOnlyList<PrometheusRelabelConfig>? WriteRelabelConfigs { get; init; }
}

internal sealed record PrometheusBasicAuth
{
    [JsonPropertyName("username"), JsonPropertyOrder(0)] public required string Username { get; init; }
    [JsonPropertyName("password_file"), JsonPropertyOrder(1)] public required string PasswordFile { get; init; }
}

internal sealed record PrometheusQueueConfig
{
    [JsonPropertyName("capacity"), JsonPropertyOrder(0)] public int? Capacity { get; init; }
    [JsonPropertyName("max_shards"), JsonPropertyOrder(1)] public int? MaxShards { get; init; }
    [JsonPropertyName("min_shards"), JsonPropertyOrder(2)] public int? MinShards { get; init; }
    [JsonPropertyName("max_samples_per_send"), JsonPropertyOrder(3)] public int? MaxSamplesPerSend { get; init; }
    [JsonPropertyName("batch_send_deadline"), JsonPropertyOrder(4)] public string? BatchSendDeadline { get; init; }
    [JsonPropertyName("min_backoff"), JsonPropertyOrder(5)] public string? MinBackoff { get; init; }
    [JsonPropertyName("max_backoff"), JsonPropertyOrder(6)] public string? MaxBackoff { get; init; }
}

internal sealed record PrometheusGlobalConfig
{
    [JsonPropertyName("scrape_interval"), JsonPropertyOrder(0)] public required string ScrapeInterval { get; init; }
    [JsonPropertyName("scrape_timeout"), JsonPropertyOrder(1)] public required string ScrapeTimeout { get; init; }
    [JsonPropertyName("external_labels"), JsonPropertyOrder(2)] public SortedDictionary<string, string>? ExternalLabels { get; init; }
    [JsonPropertyName("evaluation_interval"), JsonPropertyOrder(3)] public string? EvaluationInterval { get; init; }
}

internal sealed record PrometheusAlertingConfig
{
    [JsonPropertyName("alert_relabel_configs"), JsonPropertyOrder(0)] public IReadOnlyList<PrometheusRelabelConfig>? AlertRelabelConfigs { get; init; }
    [JsonPropertyName("alertmanagers"), JsonPropertyOrder(1)] public required IReadOnlyList<PrometheusAlertmanagerConfig> Alertmanagers { get; init; }
}

internal sealed record PrometheusAlertmanagerConfig
{
    [JsonPropertyName("scheme"), JsonPropertyOrder(0)] public string? Scheme { get; init; }
    [JsonPropertyName("path_prefix"), JsonPropertyOrder(1)] public string? PathPrefix { get; init; }
    [JsonPropertyName("static_configs"), JsonPropertyOrder(2)] public required IReadOnlyList<PrometheusStaticConfig> StaticConfigs { get; init; }
}

internal sealed record PrometheusAuthorization
{
    [JsonPropertyName("type"), JsonPropertyOrder(0)] public string? Type { get; init; }
    [JsonPropertyName("credentials_file"), JsonPropertyOrder(1)] public required string CredentialsFile { get; init; }
}

internal sealed record PrometheusTlsConfig
{
    [JsonPropertyName("ca_file"), JsonPropertyOrder(0)] public string? CaFile { get; init; }
    [JsonPropertyName("insecure_skip_verify"), JsonPropertyOrder(1)] public bool? InsecureSkipVerify { get; init; }
}

internal sealed record PrometheusScrapeConfig
{
    [JsonPropertyName("job_name"), JsonPropertyOrder(0)] public required string JobName { get; init; }
    [JsonPropertyName("honor_labels"), JsonPropertyOrder(1)] public bool? HonorLabels { get; init; }
    [JsonPropertyName("scrape_interval"), JsonPropertyOrder(2)] public string? ScrapeInterval { get; init; }
    [JsonPropertyName("scrape_timeout"), JsonPropertyOrder(3)] public string? ScrapeTimeout { get; init; }
    [JsonPropertyName("metrics_path"), JsonPropertyOrder(4)] public string? MetricsPath { get; init; }
    [JsonPropertyName("sample_limit"), JsonPropertyOrder(5)] public long? SampleLimit { get; init; }
    [JsonPropertyName("kubernetes_sd_configs"), JsonPropertyOrder(6)] public IReadOnlyList<PrometheusKubernetesSdConfig>? KubernetesSdConfigs { get; init; }
    [JsonPropertyName("static_configs"), JsonPropertyOrder(7)] public IReadOnlyList<PrometheusStaticConfig>? StaticConfigs { get; init; }
    [JsonPropertyName("relabel_configs"), JsonPropertyOrder(8)] public IReadOnlyList<PrometheusRelabelConfig>? RelabelConfigs { get; init; }
    [JsonPropertyName("scheme"), JsonPropertyOrder(9)] public string? Scheme { get; init; }
    [JsonPropertyName("authorization"), JsonPropertyOrder(10)] public PrometheusAuthorization? Authorization { get; init; }
    [JsonPropertyName("tls_config"), JsonPropertyOrder(11)] public PrometheusTlsConfig? TlsConfig { get; init; }
}

internal sealed record PrometheusKubernetesSdConfig
{
    [JsonPropertyName("role"), JsonPropertyOrder(0)] public required string Role { get; init; }

    /// <summary>The namespaces to discover in; none for the cluster-scoped node role.</summary>
    [JsonPropertyName("namespaces"), JsonPropertyOrder(1)] public PrometheusNamespaceDiscovery? Namespaces { get; init; }
}

internal sealed record PrometheusNamespaceDiscovery
{
    [JsonPropertyName("names")] public required IReadOnlyList<string> Names { get; init; }
}

internal sealed record PrometheusStaticConfig
{
    [JsonPropertyName("targets")] public required IReadOnlyList<string> Targets { get; init; }
}

internal sealed record PrometheusRelabelConfig
{
    [JsonPropertyName("action"), JsonPropertyOrder(0)] public string? Action { get; init; }
    [JsonPropertyName("source_labels"), JsonPropertyOrder(1)] public IReadOnlyList<string>? SourceLabels { get; init; }
    [JsonPropertyName("regex"), JsonPropertyOrder(2)] public string? Regex { get; init; }
    [JsonPropertyName("replacement"), JsonPropertyOrder(3)] public string? Replacement { get; init; }
    [JsonPropertyName("target_label"), JsonPropertyOrder(4)] public string? TargetLabel { get; init; }
    [JsonPropertyName("separator"), JsonPropertyOrder(5)] public string? Separator { get; init; }
    [JsonPropertyName("modulus"), JsonPropertyOrder(6)] public long? Modulus { get; init; }
}
#pragma warning restore CA1812
