using System.Text.Json.Serialization;
using k8s.Models;

namespace WaddleObservabilityOperator.Api;

public sealed class ExportersPolicy
{
    /// <summary>PostgreSQL servers to export metrics of (pg_up, connections, transactions, locks...), one postgres_exporter each.</summary>
    [JsonPropertyName("postgres")]
    [ListMapKey("name")]
    [MaxItems(16)]
    public IList<PostgresExporter>? Postgres { get; set; }

    /// <summary>Redis servers to export metrics of (redis_up, memory, clients, commands...), one redis_exporter each.</summary>
    [JsonPropertyName("redis")]
    [ListMapKey("name")]
    [MaxItems(16)]
    public IList<RedisExporter>? Redis { get; set; }

    /// <summary>A node_exporter on every node (a DaemonSet). It needs the host's network, process namespace and filesystems, which only the Pod Security level privileged admits: it runs only where the namespace's pod-security.kubernetes.io/enforce label admits it.</summary>
    [JsonPropertyName("node")]
    public NodeExporter? Node { get; set; }

    /// <summary>The containers' CPU, memory, network and filesystem use, from the cAdvisor the kubelet embeds (/metrics/cadvisor on every node): a job with node discovery in the managed Prometheus, and a ServiceMonitor for prometheus-operator's kubelet Service.</summary>
    [JsonPropertyName("kubelet")]
    public KubeletScrape? Kubelet { get; set; }
}

/// <summary>One PostgreSQL server and the postgres_exporter that watches it. The credentials are read by the exporter from a Secret (DATA_SOURCE_USER and DATA_SOURCE_PASS as valueFrom.secretKeyRef), never by the operator, and never put in a URL.</summary>
public sealed class PostgresExporter
{
    /// <summary>The instance name: the instance label of its series, and part of the exporter's object names (&lt;policy&gt;-postgres-exporter-&lt;name&gt;).</summary>
    [JsonPropertyName("name")]
    [RequiredField]
    [Length(1, 30)]
    [Pattern(NamePatterns.Dns1035Label)]
    public string Name { get; set; } = "";

    /// <summary>Host name or address of the server, e.g. waddlebot-postgres or waddlebot-postgres.data.svc.</summary>
    [JsonPropertyName("host")]
    [RequiredField]
    [Length(1, 253)]
    [Pattern(NamePatterns.Host)]
    public string Host { get; set; } = "";

    /// <summary>Port of the server. Default 5432.</summary>
    [JsonPropertyName("port")]
    [Bounds(1, 65535)]
    public int? Port { get; set; }

    /// <summary>The database to connect to. Default postgres.</summary>
    [JsonPropertyName("database")]
    [Length(1, 63)]
    [Pattern("^[A-Za-z0-9_][A-Za-z0-9_$-]*$")]
    public string? Database { get; set; }

    /// <summary>TLS to the server (libpq sslmode). Default require; disable for a server without TLS.</summary>
    [JsonPropertyName("sslMode")]
    public PostgresSslMode? SslMode { get; set; }

    /// <summary>The Secret key holding the user name (DATA_SOURCE_USER). A role with pg_monitor is enough.</summary>
    [JsonPropertyName("userSecretRef")]
    [RequiredField]
    public SecretKeyReference UserSecretRef { get; set; } = new();

    /// <summary>The Secret key holding the password (DATA_SOURCE_PASS). Special characters are safe: the exporter escapes it into the connection URL itself.</summary>
    [JsonPropertyName("passwordSecretRef")]
    [RequiredField]
    public SecretKeyReference PasswordSecretRef { get; set; } = new();

    /// <summary>Container image. Default the operator's pinned postgres_exporter image.</summary>
    [JsonPropertyName("image")]
    [Length(1, 512)]
    public string? Image { get; set; }

    /// <summary>Compute resources of the exporter container.</summary>
    [JsonPropertyName("resources")]
    public V1ResourceRequirements? Resources { get; set; }
}

/// <summary>How the postgres_exporter connects to the server over TLS (the sslmode of libpq and Go's lib/pq).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<PostgresSslMode>))]
public enum PostgresSslMode
{
    /// <summary>No TLS.</summary>
    [JsonStringEnumMemberName("disable")] Disable,
    /// <summary>TLS, without checking the server's certificate.</summary>
    [JsonStringEnumMemberName("require")] Require,
    /// <summary>TLS, with a certificate signed by a trusted CA.</summary>
    [JsonStringEnumMemberName("verify-ca")] VerifyCa,
    /// <summary>TLS, with a trusted certificate for the host name.</summary>
    [JsonStringEnumMemberName("verify-full")] VerifyFull,
}

/// <summary>One Redis server and the redis_exporter that watches it. A password is read by the exporter from a Secret (REDIS_PASSWORD as valueFrom.secretKeyRef), never by the operator.</summary>
public sealed class RedisExporter
{
    /// <summary>The instance name: the instance label of its series, and part of the exporter's object names (&lt;policy&gt;-redis-exporter-&lt;name&gt;).</summary>
    [JsonPropertyName("name")]
    [RequiredField]
    [Length(1, 30)]
    [Pattern(NamePatterns.Dns1035Label)]
    public string Name { get; set; } = "";

    /// <summary>Address of the server (REDIS_ADDR): host:port, redis://host:port or rediss://host:port (TLS), e.g. waddlebot-redis:6379.</summary>
    [JsonPropertyName("address")]
    [RequiredField]
    [Length(1, 512)]
    [Pattern("^(rediss?://)?[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?(:[0-9]{1,5})?$")]
    public string Address { get; set; } = "";

    /// <summary>The Secret key holding the ACL user name (REDIS_USER, Redis 6 and later); none for the default user.</summary>
    [JsonPropertyName("userSecretRef")]
    public SecretKeyReference? UserSecretRef { get; set; }

    /// <summary>The Secret key holding the password (REDIS_PASSWORD); none for a server without authentication.</summary>
    [JsonPropertyName("passwordSecretRef")]
    public SecretKeyReference? PasswordSecretRef { get; set; }

    /// <summary>Container image. Default the operator's pinned redis_exporter image.</summary>
    [JsonPropertyName("image")]
    [Length(1, 512)]
    public string? Image { get; set; }

    /// <summary>Compute resources of the exporter container.</summary>
    [JsonPropertyName("resources")]
    public V1ResourceRequirements? Resources { get; set; }
}

public sealed class NodeExporter
{
    /// <summary>Run node_exporter on every node. Default false.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }

    /// <summary>The port it listens on, on each node's network (the pods use the host network). Default 9100; change it when another node_exporter already holds 9100.</summary>
    [JsonPropertyName("port")]
    [Bounds(1024, 65535)]
    public int? Port { get; set; }

    /// <summary>Container image. Default the operator's pinned node_exporter image.</summary>
    [JsonPropertyName("image")]
    [Length(1, 512)]
    public string? Image { get; set; }

    /// <summary>Compute resources of the node_exporter container.</summary>
    [JsonPropertyName("resources")]
    public V1ResourceRequirements? Resources { get; set; }
}

public sealed class KubeletScrape
{
    /// <summary>Scrape the kubelets' cAdvisor. Default false. With a managed Prometheus it needs cluster-wide rights (list and watch nodes, get nodes/metrics), which the operator grants that Prometheus with a ClusterRole and ClusterRoleBinding of its own.</summary>
    [JsonPropertyName("enabled")]
    public bool? Enabled { get; set; }

    /// <summary>Check the kubelets' serving certificates against the cluster CA. Default false: most kubelets serve a self-signed certificate (unless serverTLSBootstrap is on), as kube-prometheus assumes too.</summary>
    [JsonPropertyName("tlsVerify")]
    public bool? TlsVerify { get; set; }
}

public sealed class AlertingPolicy
{
    /// <summary>The Alertmanagers the managed Prometheus sends its alerts to.</summary>
    [JsonPropertyName("alertmanager")]
    public AlertmanagerBackend? Alertmanager { get; set; }
}

public sealed class AlertmanagerBackend
{
    /// <summary>Run an Alertmanager for this policy (one replica, cluster gossip off). Default false.</summary>
    [JsonPropertyName("managed")]
    public bool? Managed { get; set; }

    /// <summary>Container image. Default the operator's pinned Alertmanager image.</summary>
    [JsonPropertyName("image")]
    [Length(1, 512)]
    public string? Image { get; set; }

    /// <summary>The Secret key holding your alertmanager.yml, with the receivers and their credentials: mounted into the Alertmanager, never read by the operator. Without it, a configuration whose only receiver drops every notification, so alerts are visible in Alertmanager's UI and API and go nowhere.</summary>
    [JsonPropertyName("configSecretRef")]
    public SecretKeyReference? ConfigSecretRef { get; set; }

    /// <summary>Compute resources of the Alertmanager container.</summary>
    [JsonPropertyName("resources")]
    public V1ResourceRequirements? Resources { get; set; }

    /// <summary>Alertmanagers the operator does not run, e.g. http://alertmanager-operated.monitoring.svc:9093: the managed Prometheus sends to each (as well as to the managed one when on). List every replica of a highly available Alertmanager, never a load-balanced address.</summary>
    [JsonPropertyName("urls")]
    [MaxItems(8)]
    [ListSet]
    [ItemPattern(AlertmanagerUrlPattern)]
    public IList<string>? Urls { get; set; }

    /// <summary>An http or https URL with a host, an optional port and an optional path prefix, and nothing else.</summary>
    public const string AlertmanagerUrlPattern = "^https?://[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?(:[0-9]{1,5})?(/[-A-Za-z0-9._~/]*)?$";
}
