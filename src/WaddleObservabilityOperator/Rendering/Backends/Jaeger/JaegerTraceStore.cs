using System.Globalization;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The managed Jaeger's trace store, one type per kind of spec.backends.jaeger.storage: its entry of the jaeger_storage
/// extension, the environment and volumes it needs in the pod, and its checks. Credentials never enter the config file:
/// the file names environment variables (<c>${env:VAR}</c>, which the OpenTelemetry Collector's confmap expands when
/// Jaeger loads it) and the variables come from the user's Secret by <c>valueFrom.secretKeyRef</c>.
/// </summary>
public abstract record JaegerTraceStore
{
    /// <summary>The variable holding the store's user name, from the Secret.</summary>
    public const string UsernameVariable = "JAEGER_STORAGE_USERNAME";

    /// <summary>The variable holding the store's password, from the Secret.</summary>
    public const string PasswordVariable = "JAEGER_STORAGE_PASSWORD";

    /// <summary>Where the CA bundle of a remote store is mounted (a Secret volume, as a directory).</summary>
    public const string CaDirectory = "/etc/jaeger/storage-ca";

    public const string CaFileName = "ca.crt";

    internal const string CaVolume = "storage-ca";

    /// <summary>Its spec.backends.jaeger.storage.type.</summary>
    public abstract JaegerStorageType Type { get; }

    /// <summary>The type's name as the API writes it.</summary>
    public string TypeName => Type switch
    {
        JaegerStorageType.Memory => "memory",
        JaegerStorageType.Badger => "badger",
        JaegerStorageType.Elasticsearch => "elasticsearch",
        JaegerStorageType.Opensearch => "opensearch",
        JaegerStorageType.Cassandra => "cassandra",
        _ => throw new InvalidOperationException($"unknown storage type {Type}"),
    };

    /// <summary>Whether the store is a server outside the pod, so that several Jaeger pods can share it.</summary>
    public virtual bool Remote => false;

    /// <summary>The backend's name in jaeger_storage, which jaeger_query and the exporter refer to.</summary>
    public virtual string BackendName => TypeName;

    /// <summary>Its entry under extensions.jaeger_storage.backends.</summary>
    internal abstract JaegerStorageBackend Backend();

    /// <summary>The environment the config file reads (credentials by secretKeyRef only).</summary>
    public virtual IReadOnlyList<V1EnvVar> Environment() => [];

    /// <summary>Volumes the store needs besides the config (a CA bundle), with their mounts.</summary>
    public virtual IReadOnlyList<(V1Volume Volume, V1VolumeMount Mount)> Volumes() => [];

    /// <summary>Adds what is wrong with its settings, naming the field, to <paramref name="problems"/>.</summary>
    public abstract void Validate(int replicas, List<string> problems);

    /// <summary>What it is, for messages: "Elasticsearch at https://es:9200".</summary>
    public abstract string Description { get; }

    private protected static V1EnvVar FromSecret(string name, SecretKeyReference reference) =>
        new() { Name = name, ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = reference.Name, Key = reference.Key } } };

    private protected static string Env(string variable) => $"${{env:{variable}}}";

    private protected static (V1Volume, V1VolumeMount) CaVolumeOf(SecretKeyReference ca) =>
        (new V1Volume
        {
            Name = CaVolume,
            Secret = new V1SecretVolumeSource { SecretName = ca.Name, Items = [new V1KeyToPath { Key = ca.Key, Path = CaFileName }] },
        },
        new V1VolumeMount { Name = CaVolume, MountPath = CaDirectory, ReadOnlyProperty = true });

    private protected static void CheckSecret(List<string> problems, SecretKeyReference? reference, string field)
    {
        if (reference is not null && (string.IsNullOrEmpty(reference.Name) || string.IsNullOrEmpty(reference.Key)))
        {
            problems.Add($"{field} needs both name and key.");
        }
    }

    private protected static void CheckCredentials(List<string> problems, SecretKeyReference? username, SecretKeyReference? password, string path)
    {
        CheckSecret(problems, username, $"{path}.usernameSecretRef");
        CheckSecret(problems, password, $"{path}.passwordSecretRef");
        if ((username is null) != (password is null))
        {
            problems.Add($"{path}: usernameSecretRef and passwordSecretRef go together (basic authentication needs both).");
        }
    }

    private protected static void CheckSingleReplica(List<string> problems, int replicas, string why)
    {
        if (replicas > 1)
        {
            problems.Add($"spec.backends.jaeger.replicas is {replicas.ToString(CultureInfo.InvariantCulture)}, but {why}: more than one replica needs a remote store (elasticsearch, opensearch or cassandra).");
        }
    }
}

/// <summary>Jaeger's in-memory store: lost on restart, one pod.</summary>
public sealed record InMemoryTraceStore(int MaxTraces) : JaegerTraceStore
{
    public override JaegerStorageType Type => JaegerStorageType.Memory;

    // The name of the store before storage types existed: an unchanged config (and config hash) for in-memory policies.
    public override string BackendName => "memstore";

    public override string Description => $"memory (at most {MaxTraces.ToString(CultureInfo.InvariantCulture)} traces)";

    internal override JaegerStorageBackend Backend() => new() { Memory = new JaegerMemoryStore { MaxTraces = MaxTraces } };

    public override void Validate(int replicas, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (MaxTraces <= 0)
        {
            problems.Add($"spec.backends.jaeger.maxTraces must be at least 1, got {MaxTraces.ToString(CultureInfo.InvariantCulture)}.");
        }

        CheckSingleReplica(problems, replicas, "the in-memory store lives in one pod (each pod would hold different traces)");
    }
}

/// <summary>Badger on the Jaeger StatefulSet's volume: one pod, which locks the directory.</summary>
public sealed record BadgerTraceStore(string Size, string? StorageClassName, string Retention) : JaegerTraceStore
{
    public const string DefaultSize = "10Gi";
    public const string DefaultRetention = "72h";

    /// <summary>Where the claim is mounted; keys and values in two directories of it.</summary>
    public const string DataDirectory = "/badger";

    public override JaegerStorageType Type => JaegerStorageType.Badger;

    public override string Description => $"badger on a {Size} volume (spans kept {Retention})";

    internal override JaegerStorageBackend Backend() => new()
    {
        Badger = new JaegerBadgerConfig
        {
            Directories = new JaegerBadgerDirectories { Keys = $"{DataDirectory}/keys", Values = $"{DataDirectory}/values" },
            // Jaeger's default is ephemeral (a temporary directory): the volume would be unused.
            Ephemeral = false,
            Ttl = new JaegerBadgerTtl { Spans = Retention },
        },
    };

    public override void Validate(int replicas, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        BackendValidation.CheckQuantity(problems, Size, "spec.backends.jaeger.storage.badger.size");
        if (!System.Text.RegularExpressions.Regex.IsMatch(Retention, JaegerBadgerStorage.GoDurationPattern, System.Text.RegularExpressions.RegexOptions.CultureInvariant)
            || Retention.All(c => c is '0' or 'h' or 'm' or 's'))
        {
            problems.Add($"spec.backends.jaeger.storage.badger.retention: \"{Retention}\" is not a positive Go duration (e.g. 72h, 1h30m).");
        }

        CheckSingleReplica(problems, replicas, "badger is a local store that one process opens (it locks its directory)");
    }
}

/// <summary>An Elasticsearch or OpenSearch cluster (the same settings in Jaeger v2).</summary>
public sealed record SearchTraceStore(
    JaegerStorageType Kind,
    IReadOnlyList<string> ServerUrls,
    string IndexPrefix,
    int? Shards,
    int? IndexReplicas,
    SecretKeyReference? Username,
    SecretKeyReference? Password,
    SecretKeyReference? Ca) : JaegerTraceStore
{
    public override JaegerStorageType Type => Kind;

    public override bool Remote => true;

    private string Path => $"spec.backends.jaeger.storage.{TypeName}";

    public override string Description =>
        $"{(Kind == JaegerStorageType.Opensearch ? "OpenSearch" : "Elasticsearch")} at {string.Join(", ", ServerUrls)} (indices {IndexPrefix}-jaeger-*)";

    internal override JaegerStorageBackend Backend()
    {
        var index = Shards is null && IndexReplicas is null ? null : new JaegerIndexOptions { Shards = Shards, Replicas = IndexReplicas };
        var config = new JaegerSearchConfig
        {
            ServerUrls = ServerUrls,
            Indices = new JaegerIndices { IndexPrefix = IndexPrefix, Spans = index, Services = index, Dependencies = index, Sampling = index },
            // Daily indices (<prefix>-jaeger-span-YYYY-MM-DD) whose templates Jaeger puts at start: a fresh cluster needs
            // nothing else. ILM and rollover aliases need an es-rollover init job first, which the operator does not run.
            CreateMappings = true,
            UseAliases = false,
            UseIlm = false,
            Auth = Username is null ? null : new JaegerSearchAuth { Basic = new JaegerBasicAuth { Username = Env(UsernameVariable), Password = Env(PasswordVariable) } },
            Tls = Ca is null ? null : new JaegerTls { CaFile = $"{CaDirectory}/{CaFileName}" },
        };
        return Kind == JaegerStorageType.Opensearch ? new JaegerStorageBackend { Opensearch = config } : new JaegerStorageBackend { Elasticsearch = config };
    }

    public override IReadOnlyList<V1EnvVar> Environment() =>
        Username is null || Password is null ? [] : [FromSecret(UsernameVariable, Username), FromSecret(PasswordVariable, Password)];

    public override IReadOnlyList<(V1Volume Volume, V1VolumeMount Mount)> Volumes() => Ca is null ? [] : [CaVolumeOf(Ca)];

    public override void Validate(int replicas, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (ServerUrls.Count == 0)
        {
            problems.Add($"{Path}.serverUrls is required for storage type {TypeName}: the URLs of your cluster, e.g. https://{TypeName}.logging.svc:9200.");
        }

        foreach (var url in ServerUrls)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host) || !string.IsNullOrEmpty(uri.UserInfo))
            {
                problems.Add($"{Path}.serverUrls: \"{url}\" is not an absolute http or https URL without credentials (give them by usernameSecretRef and passwordSecretRef).");
            }
        }

        CheckCredentials(problems, Username, Password, Path);
        CheckSecret(problems, Ca, $"{Path}.caSecretRef");
    }
}

/// <summary>A Cassandra cluster.</summary>
public sealed record CassandraTraceStore(
    IReadOnlyList<string> Servers,
    int Port,
    string Keyspace,
    bool CreateSchema,
    SecretKeyReference? Username,
    SecretKeyReference? Password,
    SecretKeyReference? Ca) : JaegerTraceStore
{
    public const int DefaultPort = 9042;
    public const string DefaultKeyspace = "jaeger_v1_dc1";

    private const string Path = "spec.backends.jaeger.storage.cassandra";

    public override JaegerStorageType Type => JaegerStorageType.Cassandra;

    public override bool Remote => true;

    public override string Description => $"Cassandra at {string.Join(", ", Servers)}:{Port.ToString(CultureInfo.InvariantCulture)} (keyspace {Keyspace})";

    internal override JaegerStorageBackend Backend() => new()
    {
        Cassandra = new JaegerCassandraConfig
        {
            Schema = new JaegerCassandraSchema { Keyspace = Keyspace, Create = CreateSchema },
            Connection = new JaegerCassandraConnection
            {
                Servers = Servers,
                Port = Port,
                Auth = Username is null ? null : new JaegerCassandraAuth { Basic = new JaegerBasicAuth { Username = Env(UsernameVariable), Password = Env(PasswordVariable) } },
                // Jaeger's Cassandra client speaks TLS unless told insecure: plain without a CA, verified against it with one.
                Tls = Ca is null ? new JaegerTls { Insecure = true } : new JaegerTls { CaFile = $"{CaDirectory}/{CaFileName}" },
            },
        },
    };

    public override IReadOnlyList<V1EnvVar> Environment() =>
        Username is null || Password is null ? [] : [FromSecret(UsernameVariable, Username), FromSecret(PasswordVariable, Password)];

    public override IReadOnlyList<(V1Volume Volume, V1VolumeMount Mount)> Volumes() => Ca is null ? [] : [CaVolumeOf(Ca)];

    public override void Validate(int replicas, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (Servers.Count == 0)
        {
            problems.Add($"{Path}.servers is required for storage type cassandra: the contact points of your cluster, e.g. cassandra.db.svc.");
        }

        CheckCredentials(problems, Username, Password, Path);
        CheckSecret(problems, Ca, $"{Path}.caSecretRef");
    }
}
