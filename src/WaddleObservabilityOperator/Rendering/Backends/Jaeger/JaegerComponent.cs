using System.Globalization;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// The managed Jaeger v2 (<c>spec.backends.jaeger</c>): its defaults, validation, objects (<see cref="JaegerBackend"/>,
/// <see cref="JaegerConfigDocument"/>) and addresses. Besides its status address it has the injection addresses: the
/// tracing defaults send traces to <see cref="HostName"/> and the remote sampler polls it when it is managed.
/// </summary>
public sealed class JaegerComponent : ManagedComponent<EffectiveJaeger>
{
    /// <summary>The pinned Jaeger v2 image.</summary>
    public const string DefaultImage = "jaegertracing/jaeger:2.20.0";

    /// <summary>Traces kept by the in-memory store by default.</summary>
    public const int DefaultMaxTraces = 10_000;

    public static JaegerComponent Instance { get; } = new();

    private JaegerComponent()
    {
    }

    public override string Name => "jaeger";

    public override string DisplayName => "Jaeger";

    /// <summary>Name of the managed Jaeger's Service and Deployment.</summary>
    public static string InstanceName(string policyName) => $"{policyName}-jaeger";

    /// <summary>In-cluster DNS name of a policy's managed Jaeger Service.</summary>
    public static string HostName(string policyName, string @namespace) => BackendAddress.HostName(InstanceName(policyName), @namespace);

    /// <summary>The managed Jaeger's OTLP address for the policy's protocol: gRPC on 4317, HTTP on 4318.</summary>
    public static string Endpoint(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var port = policy.Tracing.Protocol == OtlpProtocol.HttpProtobuf ? JaegerConfigDocument.OtlpHttpPort : JaegerConfigDocument.OtlpGrpcPort;
        return BackendAddress.ServiceUrl(policy, InstanceName, port);
    }

    /// <summary>The managed Jaeger's remote sampling address over gRPC (5779), the form OTEL_TRACES_SAMPLER_ARG's endpoint takes.</summary>
    public static string SamplingGrpcEndpoint(EffectivePolicy policy) =>
        BackendAddress.ServiceUrl(policy, InstanceName, JaegerConfigDocument.SamplingGrpcPort);

    /// <summary>The managed Jaeger's remote sampling address over HTTP (5778), for SDKs whose sampler speaks only HTTP (Go, Python).</summary>
    public static string SamplingHttpEndpoint(EffectivePolicy policy) =>
        BackendAddress.ServiceUrl(policy, InstanceName, JaegerConfigDocument.SamplingHttpPort) + "/sampling";

    /// <summary>The managed Jaeger's UI and query API.</summary>
    public static string QueryEndpoint(EffectivePolicy policy) =>
        BackendAddress.ServiceUrl(policy, InstanceName, JaegerConfigDocument.QueryHttpPort);

    public override EffectiveJaeger Resolve(ObservabilityPolicySpec? spec, bool owned)
    {
        var jaeger = spec?.Backends?.Jaeger;
        var maxTraces = jaeger?.MaxTraces ?? DefaultMaxTraces;
        return new EffectiveJaeger(
            owned && (jaeger?.Managed ?? false),
            string.IsNullOrEmpty(jaeger?.Image) ? DefaultImage : jaeger.Image,
            maxTraces,
            jaeger?.Resources,
            jaeger?.Replicas ?? 1,
            ResolveStore(jaeger?.Storage, maxTraces),
            StorageMismatch(jaeger?.Storage));
    }

    /// <summary>The store of spec.backends.jaeger.storage, its unset fields defaulted; null for memory.</summary>
    private static JaegerTraceStore? ResolveStore(JaegerStorage? storage, int maxTraces)
    {
        switch (storage?.Type ?? JaegerStorageType.Memory)
        {
            case JaegerStorageType.Badger:
                var badger = storage!.Badger;
                return new BadgerTraceStore(
                    NonEmpty(badger?.Size) ?? BadgerTraceStore.DefaultSize,
                    NonEmpty(badger?.StorageClassName),
                    NonEmpty(badger?.Retention) ?? BadgerTraceStore.DefaultRetention);
            case JaegerStorageType.Elasticsearch or JaegerStorageType.Opensearch:
                var type = storage!.Type!.Value;
                var search = type == JaegerStorageType.Opensearch ? storage.Opensearch : storage.Elasticsearch;
                return new SearchTraceStore(
                    type,
                    [.. search?.ServerUrls ?? []],
                    NonEmpty(search?.IndexPrefix) ?? DefaultIndexPrefix,
                    search?.Shards,
                    search?.IndexReplicas,
                    search?.UsernameSecretRef,
                    search?.PasswordSecretRef,
                    search?.CaSecretRef);
            case JaegerStorageType.Cassandra:
                var cassandra = storage!.Cassandra;
                return new CassandraTraceStore(
                    [.. cassandra?.Servers ?? []],
                    cassandra?.Port ?? CassandraTraceStore.DefaultPort,
                    NonEmpty(cassandra?.Keyspace) ?? CassandraTraceStore.DefaultKeyspace,
                    cassandra?.CreateSchema ?? true,
                    cassandra?.UsernameSecretRef,
                    cassandra?.PasswordSecretRef,
                    cassandra?.CaSecretRef);
            default:
                return null;
        }
    }

    /// <summary>Settings of a store other than the chosen type: ignored by the render, so a mistake the policy is told about.</summary>
    private static string? StorageMismatch(JaegerStorage? storage)
    {
        if (storage is null)
        {
            return null;
        }

        var type = storage.Type ?? JaegerStorageType.Memory;
        var others = new (JaegerStorageType Type, string Name, bool Set)[]
            {
                (JaegerStorageType.Badger, "badger", storage.Badger is not null),
                (JaegerStorageType.Elasticsearch, "elasticsearch", storage.Elasticsearch is not null),
                (JaegerStorageType.Opensearch, "opensearch", storage.Opensearch is not null),
                (JaegerStorageType.Cassandra, "cassandra", storage.Cassandra is not null),
            }
            .Where(o => o.Set && o.Type != type)
            .Select(o => $"spec.backends.jaeger.storage.{o.Name}")
            .ToList();
        return others.Count == 0 ? null
            : $"{string.Join(" and ", others)} set, but spec.backends.jaeger.storage.type is {(storage.Type is null ? "not set (memory)" : TypeName(type))}: set the type of the store you mean, and only its settings.";
    }

    private static string TypeName(JaegerStorageType type) => type.ToString().ToLowerInvariant();

    /// <summary>The prefix of Jaeger's Elasticsearch and OpenSearch indices by default.</summary>
    public const string DefaultIndexPrefix = "waddlebot";

    public override IReadOnlyList<string> ServiceNames(EffectivePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return [InstanceName(policy.Name!)];
    }

    public override void Validate(EffectivePolicy policy, IReadOnlyList<ResolvedService> services, List<string> problems)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(problems);
        var jaeger = Settings(policy);
        var store = jaeger.TraceStore;
        BackendValidation.CheckName(
            problems,
            policy.Name!,
            InstanceName(policy.Name!),
            store is BadgerTraceStore ? BackendValidation.MaxStatefulSetNameLength : BackendValidation.MaxServiceNameLength,
            store is BadgerTraceStore ? "Service and StatefulSet" : "Service and Deployment");
        BackendValidation.CheckImage(problems, jaeger.Image, "spec.backends.jaeger.image");
        if (jaeger.StorageMismatch is { } mismatch)
        {
            problems.Add(mismatch);
        }

        if (jaeger.Replicas < 1)
        {
            problems.Add($"spec.backends.jaeger.replicas must be at least 1, got {jaeger.Replicas.ToString(CultureInfo.InvariantCulture)}.");
        }

        store.Validate(jaeger.Replicas, problems);
    }

    /// <summary>A store other than memory: say where the traces are, and that none moved there from an in-memory Jaeger.</summary>
    public override string? StatusNote(EffectivePolicy policy)
    {
        var store = Settings(policy).TraceStore;
        return store is InMemoryTraceStore ? null
            : $"Jaeger stores traces in {store.Description}; traces an earlier in-memory Jaeger held are not migrated to it";
    }

    /// <summary>
    /// The storage type of the running Jaeger (its workload's pod template annotation; a Jaeger from before storage types
    /// had none and was in memory) against the policy's: a change replaces the pods, and no trace moves between stores.
    /// </summary>
    public override IReadOnlyList<ComponentChange> Changes(EffectivePolicy policy, IReadOnlyList<IKubernetesObject<V1ObjectMeta>> observed)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(observed);
        var name = InstanceName(policy.Name!);
        var running = observed
            .Select(o => o switch
            {
                V1Deployment d when d.Metadata.Name == name => StorageOf(d.Spec?.Template) ?? "memory",
                V1StatefulSet s when s.Metadata.Name == name => StorageOf(s.Spec?.Template) ?? "badger",
                _ => null,
            })
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var store = Settings(policy).TraceStore;
        var changes = new List<ComponentChange>();
        foreach (var previous in running.Where(r => r != store.TypeName))
        {
            var left = previous switch
            {
                "memory" => "the traces held in memory are not migrated and are gone once the old pod stops",
                "badger" => $"the traces on the badger volume are not migrated (its claim data-{name}-0 is kept until you delete it)",
                _ => $"the traces already in {previous} stay there and are not migrated",
            };
            changes.Add(new ComponentChange(
                Reasons.JaegerStorageChanged,
                $"Jaeger's storage changes from {previous} to {store.TypeName} ({store.Description}): its pods are replaced; {left}"));
        }

        return changes;
    }

    public override IEnumerable<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services) =>
        JaegerBackend.Render(policy);

    public override string StatusEndpoint(EffectivePolicy policy) => Endpoint(policy);

    public override void SetStatus(ObservabilityPolicyStatus status, BackendStatus entry)
    {
        ArgumentNullException.ThrowIfNull(status);
        status.Jaeger = entry;
    }

    private static string? StorageOf(V1PodTemplateSpec? template) =>
        template?.Metadata?.Annotations is { } annotations && annotations.TryGetValue(JaegerBackend.StorageAnnotation, out var type) ? type : null;

    private static string? NonEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
