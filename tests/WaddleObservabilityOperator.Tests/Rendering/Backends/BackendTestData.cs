using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>A representative policy with both backends managed and three WaddleServices, built directly as effective settings.</summary>
internal static class BackendTestData
{
    public const string Namespace = "waddlebot";
    public const string PolicyName = "waddlebot";
    public const string PolicyUid = "5f0c9a52-2a53-4a8e-9d0e-3f1b2c4d5e6f";

    public static EffectivePolicy Policy(
        bool jaeger = true,
        bool prometheus = true,
        PersistentStorage? storage = null,
        bool networkPolicy = false,
        IReadOnlyList<KeyValuePair<string, string>>? externalLabels = null,
        string? uid = PolicyUid,
        string name = PolicyName,
        double defaultRatio = 0.1,
        int maxTraces = 10_000,
        string scrapeInterval = "15s",
        string scrapeTimeout = "10s",
        EffectiveGrafana? grafana = null,
        int prometheusReplicas = 1,
        IReadOnlyList<RemoteWriteSpec>? remoteWrite = null) => new(
        Name: name,
        Namespace: Namespace,
        Priority: 0,
        ResourceAttributes: [new("deployment.environment", "production")],
        Tracing: new EffectiveTracing(
            Enabled: true,
            Exporter: TraceExporter.Otlp,
            Endpoint: "",
            Protocol: OtlpProtocol.Grpc,
            HeadersSecret: null,
            Propagators: [Propagator.TraceContext, Propagator.Baggage],
            SamplingMode: SamplingMode.Remote,
            DefaultRatio: defaultRatio,
            PollingInterval: "60s",
            Operations: [new OperationSampling { Operation = "GET /health", Ratio = 0.05 }]),
        Correlation: new EffectiveCorrelation("X-Correlation-ID", "X-Request-ID", GenerateRequestId: true),
        Metrics: new EffectiveMetrics(
            Enabled: true,
            Namespace: "waddlebot",
            ScrapeInterval: scrapeInterval,
            ScrapeTimeout: scrapeTimeout,
            SampleLimit: 50_000,
            ServiceMonitorMode: ServiceMonitorMode.Auto,
            ServiceMonitorLabels: []),
        // Every registered component's defaults (none managed), then the two this policy runs.
        Components: ManagedComponents.Resolve(null, owned: false)
            .With(new EffectiveJaeger(Managed: jaeger, Image: "jaegertracing/jaeger:2.19.0", MaxTraces: maxTraces, Resources: null))
            .With(new EffectivePrometheus(
                Managed: prometheus,
                Image: "prom/prometheus:v3.5.0",
                Retention: "30d",
                Storage: storage,
                ExternalLabels: externalLabels ?? [new("environment", "production"), new("cluster", "waddle-prod")],
                Resources: null,
                ConfigReloaderImage: PrometheusComponent.DefaultConfigReloaderImage,
                Replicas: prometheusReplicas,
                RemoteWrite: remoteWrite))
            .With(grafana ?? Grafana(managed: false)),
        NetworkPolicy: networkPolicy,
        Uid: uid);

    /// <summary>The representative policy with the Jaeger of <paramref name="store"/> (null: memory) and <paramref name="replicas"/>.</summary>
    public static EffectivePolicy WithJaeger(JaegerTraceStore? store, int replicas = 1, EffectivePolicy? policy = null)
    {
        var basis = policy ?? Policy();
        return basis with { Components = basis.Components.With(JaegerComponent.Settings(basis) with { Store = store, Replicas = replicas }) };
    }

    /// <summary>One Jaeger store of each remote and local type, as a user would set them, with the replicas each allows.</summary>
    public static TheoryData<string> JaegerStoreNames() => ["memory", "badger", "elasticsearch", "opensearch", "cassandra"];

    public static (JaegerTraceStore? Store, int Replicas) JaegerStore(string type) => type switch
    {
        "memory" => (null, 1),
        "badger" => (new BadgerTraceStore("20Gi", "fast-ssd", "168h"), 1),
        "elasticsearch" => (new SearchTraceStore(
            JaegerStorageType.Elasticsearch,
            ["https://es-0.logging.svc:9200", "https://es-1.logging.svc:9200"],
            "waddlebot",
            Shards: 1,
            IndexReplicas: 1,
            new SecretKeyReference { Name = "jaeger-es", Key = "username" },
            new SecretKeyReference { Name = "jaeger-es", Key = "password" },
            new SecretKeyReference { Name = "jaeger-es-ca", Key = "ca.crt" }), 3),
        "opensearch" => (new SearchTraceStore(JaegerStorageType.Opensearch, ["http://opensearch.logging.svc:9200"], "traces", null, null, null, null, null), 2),
        "cassandra" => (new CassandraTraceStore(
            ["cassandra-0.db.svc", "cassandra-1.db.svc"],
            9042,
            "waddlebot_traces",
            CreateSchema: true,
            new SecretKeyReference { Name = "jaeger-cassandra", Key = "user" },
            new SecretKeyReference { Name = "jaeger-cassandra", Key = "password" },
            null), 2),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "no such Jaeger store"),
    };

    /// <summary>Grafana's settings: the defaults (dashboards on, WaddleBot's RED metrics) with an admin Secret, managed or not.</summary>
    public static EffectiveGrafana Grafana(
        bool managed = true,
        PersistentStorage? storage = null,
        bool anonymousViewing = false,
        string? prometheusUrl = null,
        string? jaegerQueryUrl = null,
        bool dashboards = true,
        IReadOnlyList<KeyValuePair<string, string>>? labels = null,
        string folder = "WaddleBot",
        EffectiveRed? red = null) => new(
        Managed: managed,
        Image: "grafana/grafana:13.1.3",
        AdminSecret: new GrafanaAdminSecret("grafana-admin", "admin-user", "admin-password"),
        AnonymousViewing: anonymousViewing,
        Resources: null,
        Storage: storage,
        PrometheusUrl: prometheusUrl,
        JaegerQueryUrl: jaegerQueryUrl,
        Dashboards: new EffectiveDashboards(
            dashboards,
            labels ?? [new("grafana_dashboard", "1")],
            folder,
            red ?? new EffectiveRed("waddlebot_http_requests_total", "waddlebot_http_request_duration_seconds", "status", "5..")));

    /// <summary>The spec of the exporters and alerting of <see cref="Everything"/>: two PostgreSQL servers, one Redis with a password, the node exporter, the kubelet scrape, a managed and an external Alertmanager.</summary>
    public static ObservabilityPolicySpec ExportersSpec() => new()
    {
        Exporters = new ExportersPolicy
        {
            Postgres =
            [
                new PostgresExporter
                {
                    Name = "main",
                    Host = "waddlebot-postgres",
                    SslMode = PostgresSslMode.Disable,
                    Database = "waddlebot",
                    UserSecretRef = new SecretKeyReference { Name = "waddlebot-postgres", Key = "username" },
                    PasswordSecretRef = new SecretKeyReference { Name = "waddlebot-postgres", Key = "password" },
                },
                new PostgresExporter
                {
                    Name = "analytics",
                    Host = "analytics-db.data.svc",
                    Port = 6432,
                    UserSecretRef = new SecretKeyReference { Name = "analytics-db", Key = "user" },
                    PasswordSecretRef = new SecretKeyReference { Name = "analytics-db", Key = "password" },
                    Resources = new V1ResourceRequirements
                    {
                        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("5m"), ["memory"] = new("24Mi") },
                        Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("64Mi") },
                    },
                },
            ],
            Redis =
            [
                new RedisExporter
                {
                    Name = "cache",
                    Address = "waddlebot-redis:6379",
                    PasswordSecretRef = new SecretKeyReference { Name = "waddlebot-redis", Key = "password" },
                },
            ],
            Node = new NodeExporter { Enabled = true },
            Kubelet = new KubeletScrape { Enabled = true },
        },
        Alerting = new AlertingPolicy
        {
            Alertmanager = new WaddleObservabilityOperator.Api.AlertmanagerBackend
            {
                Managed = true,
                Urls = ["https://alertmanager.monitoring.example:9443/team-a"],
            },
        },
    };

    /// <summary>
    /// <see cref="Policy"/> with every component on (<see cref="ExportersSpec"/>, resolved by the components themselves),
    /// in a namespace enforcing <paramref name="podSecurity"/> (null: no label) where the ServiceMonitor API is served as asked.
    /// </summary>
    public static EffectivePolicy Everything(
        bool networkPolicy = false,
        string? podSecurity = "privileged",
        bool serviceMonitorApi = true,
        ObservabilityPolicySpec? spec = null,
        bool prometheus = true,
        string scrapeInterval = "15s",
        string scrapeTimeout = "10s",
        PersistentStorage? storage = null,
        EffectiveGrafana? grafana = null)
    {
        var basis = Policy(networkPolicy: networkPolicy, prometheus: prometheus, scrapeInterval: scrapeInterval, scrapeTimeout: scrapeTimeout, storage: storage, grafana: grafana);
        var components = ManagedComponents.Resolve(spec ?? ExportersSpec(), owned: true)
            .With(basis.Jaeger)
            .With(basis.Prometheus)
            .With(basis.Components.Get<EffectiveGrafana>());
        return basis with
        {
            Components = components,
            Cluster = new ClusterFacts(serviceMonitorApi, new NamespaceFacts(Namespace, podSecurity)),
        };
    }

    public static ResolvedService Service(
        EffectivePolicy policy,
        string name,
        string? serviceName = null,
        bool metrics = true,
        string port = "http-metrics",
        string path = "/metrics",
        string? interval = null,
        IReadOnlyList<KeyValuePair<string, string>>? selector = null,
        string @namespace = Namespace) => new(
        Source: new WaddleService
        {
            Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = @namespace },
            Spec = new WaddleServiceSpec { Layer = ServiceLayer.Core, Workload = new WorkloadReference { Name = name } },
        },
        Policy: policy,
        ServiceName: serviceName ?? name,
        TracingEnabled: true,
        SamplingRatio: 0.1,
        Operations: [],
        MetricsEnabled: metrics,
        MetricsPort: port,
        MetricsPath: path,
        ScrapeInterval: interval ?? policy.Metrics.ScrapeInterval,
        ServiceSelector: selector ?? [new(WellKnownNameLabel, serviceName ?? name)]);

    private const string WellKnownNameLabel = "app.kubernetes.io/name";

    /// <summary>Three services in deliberately unsorted order: one with its own interval and selector, one with a 5 s interval below the policy timeout.</summary>
    public static IReadOnlyList<ResolvedService> ThreeServices(EffectivePolicy policy) =>
    [
        Service(policy, "router", interval: "30s", selector: [new("app.kubernetes.io/name", "router"), new("app.kubernetes.io/part-of", "waddlebot")]),
        Service(policy, "ai", port: "metrics", path: "/internal/metrics"),
        Service(policy, "twitch", interval: "5s"),
    ];

    /// <summary>Two remote stores as a production policy declares them: Thanos Receive with basic auth and a tenant header, Mimir with a bearer token, queue settings and write relabelling.</summary>
    public static IReadOnlyList<RemoteWriteSpec> RemoteWrites() =>
    [
        new RemoteWriteSpec
        {
            Name = "thanos",
            Url = "https://thanos-receive.monitoring.svc:19291/api/v1/receive",
            RemoteTimeout = "30s",
            Headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["THANOS-TENANT"] = "waddlebot" },
            BasicAuth = new RemoteWriteBasicAuth { Username = "waddlebot", Password = new SecretKeyReference { Name = "thanos-remote-write", Key = "password" } },
            QueueConfig = new RemoteWriteQueueConfig { Capacity = 10_000, MaxShards = 50, MinShards = 1, MaxSamplesPerSend = 2_000, BatchSendDeadline = "5s", MinBackoff = "30ms", MaxBackoff = "5s" },
            WriteRelabelConfigs =
            [
                new WriteRelabelConfig { Action = RelabelAction.Drop, SourceLabels = ["__name__"], Regex = "go_gc_.*" },
                new WriteRelabelConfig { Action = RelabelAction.Replace, TargetLabel = "source", Replacement = "waddlebot-$1", SourceLabels = ["namespace"], Separator = "/" },
            ],
        },
        new RemoteWriteSpec
        {
            Name = "mimir",
            Url = "https://mimir.example.com/api/v1/push",
            Headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["X-Scope-OrgID"] = "waddlebot" },
            Authorization = new RemoteWriteAuthorization { Type = "Bearer", Credentials = new SecretKeyReference { Name = "mimir.token", Key = "token" } },
        },
    ];
}
