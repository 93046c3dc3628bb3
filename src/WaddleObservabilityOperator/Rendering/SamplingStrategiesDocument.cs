using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Json;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>The sampling ConfigMap of a policy (null when it cannot be written), the policy outcome and one SamplingPublished outcome per service.</summary>
public sealed record SamplingDocumentResult(
    V1ConfigMap? ConfigMap,
    string Json,
    int ServiceStrategies,
    long SizeBytes,
    ConditionOutcome Outcome,
    IReadOnlyDictionary<string, ConditionOutcome> ServiceOutcomes,
    IReadOnlyList<string> Conflicts);

/// <summary>
/// A Jaeger file-based sampling strategies document (research/jaeger.md section 1) for one policy:
/// <c>default_strategy</c> probabilistic at the policy's default ratio with the policy's operations, and one
/// <c>service_strategies</c> entry per service whose sampling differs from that default. Operation strategies
/// are probabilistic only (Jaeger drops ratelimiting ones); a service's operation equal to the default's is left
/// out because Jaeger merges the default's operations into every service; entries are ordered by service name,
/// then operation, so the bytes depend only on the settings. Built in O(n log n) for n services, or kept up to date
/// member by member from the same pieces (<see cref="SamplingDocumentState"/>).
/// </summary>
public static class SamplingStrategiesDocument
{
    /// <summary>The API server's limit on a ConfigMap's data.</summary>
    public const long ConfigMapLimitBytes = 1024 * 1024;

    /// <summary>Head-room for what the server adds (managedFields, resourceVersion, annotations) beyond what is rendered here.</summary>
    public const long MarginBytes = 16 * 1024;

    public static long LimitBytes => ConfigMapLimitBytes - MarginBytes;

    private const string Probabilistic = "probabilistic";

    /// <summary>A service strategy as it would be written: its service name, ratio and the operations that differ from the default's.</summary>
    internal sealed record Entry(string ServiceName, double Ratio, IReadOnlyList<OperationSampling> Operations);

    /// <summary>
    /// What one member brings to the document on its own: a candidate <see cref="Entry"/> (decided with the other
    /// members of its service name, <see cref="DecideGroup"/>), or the outcome it has without one (tracing off, an
    /// invalid ratio).
    /// </summary>
    internal readonly record struct Contribution(Entry? Candidate, ConditionOutcome? Outcome);

    /// <param name="policy">The policy object (owner of the ConfigMap).</param>
    /// <param name="effective">Its effective settings.</param>
    /// <param name="services">The services resolved to the policy.</param>
    /// <param name="limitBytes">Size limit; defaults to <see cref="LimitBytes"/>.</param>
    public static SamplingDocumentResult Render(ObservabilityPolicy policy, EffectivePolicy effective, IReadOnlyList<ResolvedService> services, long? limitBytes = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(effective);
        ArgumentNullException.ThrowIfNull(services);
        var outcomes = new Dictionary<string, ConditionOutcome>(StringComparer.Ordinal);
        if (InvalidDefault(effective) is { } failure)
        {
            return Failed(failure, services.Select(s => s.Name));
        }

        var defaultOpRatios = DefaultOperationRatios(effective);

        // Candidates: traced services with valid ratios, sorted by service name, then WaddleService name.
        var candidates = new List<(ResolvedService Service, Entry Entry)>(services.Count);
        foreach (var service in services)
        {
            var contribution = Contribute(service, effective, defaultOpRatios);
            if (contribution.Candidate is { } entry)
            {
                candidates.Add((service, entry));
            }
            else
            {
                outcomes[service.Name] = contribution.Outcome!;
            }
        }

        candidates.Sort((a, b) =>
        {
            var byService = string.CompareOrdinal(a.Entry.ServiceName, b.Entry.ServiceName);
            return byService != 0 ? byService : string.CompareOrdinal(a.Service.Name, b.Service.Name);
        });

        var entries = new List<Entry>();
        var conflicts = new List<string>();
        for (var i = 0; i < candidates.Count;)
        {
            var j = i + 1;
            while (j < candidates.Count && candidates[j].Entry.ServiceName == candidates[i].Entry.ServiceName)
            {
                j++;
            }

            if (DecideGroup(policy.Metadata.Name, effective, candidates[i..j], outcomes, conflicts) is { } entry)
            {
                entries.Add(entry);
            }

            i = j;
        }

        return Assemble(policy, effective, entries, outcomes, conflicts, limitBytes);
    }

    /// <summary>The failure of every member when the policy's own default ratios are invalid; null when they are valid.</summary>
    internal static ConditionOutcome? InvalidDefault(EffectivePolicy effective) =>
        InvalidRatios(effective.Tracing.DefaultRatio, effective.Tracing.Operations) is { } invalid
            ? Condition(false, Reasons.InvalidRatio, $"spec.tracing.sampling: {invalid}")
            : null;

    /// <summary>The document when the default is invalid: none, and <paramref name="failure"/> for every member.</summary>
    internal static SamplingDocumentResult Failed(ConditionOutcome failure, IEnumerable<string> members)
    {
        var outcomes = new Dictionary<string, ConditionOutcome>(StringComparer.Ordinal);
        foreach (var member in members)
        {
            outcomes[member] = failure;
        }

        return new(null, "", 0, 0, failure, outcomes, []);
    }

    /// <summary>The default's operations by name, which a service's equal operations are left out against.</summary>
    internal static Dictionary<string, double> DefaultOperationRatios(EffectivePolicy effective) =>
        effective.Tracing.Operations.ToDictionary(o => o.Operation, o => o.Ratio, StringComparer.Ordinal);

    /// <summary>What one member brings to the document of a policy whose default is valid.</summary>
    internal static Contribution Contribute(ResolvedService service, EffectivePolicy effective, IReadOnlyDictionary<string, double> defaultOpRatios)
    {
        if (!service.TracingEnabled || effective.Tracing.Exporter == TraceExporter.None)
        {
            return new(null, Condition(true, Reasons.TracingDisabled, "tracing is off for this service; it has no sampling strategy"));
        }

        if (InvalidRatios(service.SamplingRatio, service.Operations) is { } invalid)
        {
            return new(null, Condition(false, Reasons.InvalidRatio, $"spec.tracing: {invalid}"));
        }

        // Operations equal to the default's are redundant: Jaeger appends the default's operations to every service.
        var own = service.Operations
            .Where(o => !(defaultOpRatios.TryGetValue(o.Operation, out var r) && r.Equals(o.Ratio)))
            .ToList();
        return new(new Entry(service.ServiceName, service.SamplingRatio, own), null);
    }

    /// <summary>
    /// Decides the candidates sharing one service name, given in WaddleService name order: the first applies, with those
    /// of the same sampling; each other one is a conflict. Sets the outcome of every one of them, adds the conflicts,
    /// and returns the group's entry, or null when its sampling equals the policy default (no entry needed).
    /// </summary>
    internal static Entry? DecideGroup(string policyName, EffectivePolicy effective, IReadOnlyList<(ResolvedService Service, Entry Entry)> group,
        IDictionary<string, ConditionOutcome> outcomes, ICollection<string> conflicts)
    {
        var first = group[0];
        var same = new List<ResolvedService> { first.Service };
        for (var k = 1; k < group.Count; k++)
        {
            var other = group[k];
            if (SameSampling(first.Entry, other.Entry))
            {
                same.Add(other.Service);
                continue;
            }

            var message = $"WaddleServices \"{first.Service.Name}\" and \"{other.Service.Name}\" both use service name \"{first.Entry.ServiceName}\" with different sampling; Jaeger looks strategies up by service name, so \"{first.Service.Name}\" (first by name) applies";
            conflicts.Add(message);
            outcomes[other.Service.Name] = Condition(false, Reasons.ServiceNameConflict, message);
        }

        var differs = !first.Entry.Ratio.Equals(effective.Tracing.DefaultRatio) || first.Entry.Operations.Count > 0;
        var configMap = ChildNames.SamplingConfigMap(policyName);
        var outcome = differs
            ? Condition(true, Reasons.Published, $"service strategy \"{first.Entry.ServiceName}\" is in ConfigMap \"{configMap}\"")
            : Condition(true, Reasons.DefaultSampling, $"sampling equals the policy default; covered by default_strategy in ConfigMap \"{configMap}\"");
        foreach (var service in same)
        {
            outcomes[service.Name] = outcome;
        }

        return differs ? first.Entry : null;
    }

    /// <summary>
    /// The document of <paramref name="entries"/> (in service name order), its ConfigMap and the policy's outcome; over
    /// the limit, no ConfigMap and every member that would be published fails. Takes <paramref name="outcomes"/> over.
    /// </summary>
    internal static SamplingDocumentResult Assemble(ObservabilityPolicy policy, EffectivePolicy effective, IReadOnlyCollection<Entry> entries,
        Dictionary<string, ConditionOutcome> outcomes, List<string> conflicts, long? limitBytes)
    {
        var json = Write(effective.Tracing.DefaultRatio, effective.Tracing.Operations, entries);
        var configMap = ConfigMap(policy, json);
        var size = Size(configMap);
        var limit = limitBytes ?? LimitBytes;
        if (size > limit)
        {
            var message = $"the sampling strategies document of ObservabilityPolicy \"{policy.Metadata.Name}\" is {size.ToString(CultureInfo.InvariantCulture)} bytes with its ConfigMap metadata ({entries.Count.ToString(CultureInfo.InvariantCulture)} service strategies after dropping redundant entries), over the limit of {limit.ToString(CultureInfo.InvariantCulture)} bytes (the 1 MiB ConfigMap limit minus a safety margin); the ConfigMap is not written. Move shared ratios to the policy default or remove per-service operations";
            var failure = Condition(false, Reasons.SamplingDocumentTooLarge, message);
            foreach (var name in outcomes.Where(o => o.Value.Reason is Reasons.Published or Reasons.DefaultSampling).Select(o => o.Key).ToList())
            {
                outcomes[name] = failure;
            }

            return new SamplingDocumentResult(null, json, entries.Count, size, failure, outcomes, conflicts);
        }

        var summary = $"ConfigMap \"{configMap.Metadata.Name}\": default ratio {Ratio.Format(effective.Tracing.DefaultRatio)}, {entries.Count.ToString(CultureInfo.InvariantCulture)} service strategies, {size.ToString(CultureInfo.InvariantCulture)} bytes";
        return new SamplingDocumentResult(configMap, json, entries.Count, size,
            conflicts.Count == 0
                ? Condition(true, Reasons.Published, summary)
                : Condition(true, Reasons.ServiceNameConflict, $"{summary}; {string.Join("; ", conflicts)}"),
            outcomes, conflicts);
    }

    /// <summary>The compact JSON document.</summary>
    private static string Write(double defaultRatio, IReadOnlyList<OperationSampling> defaultOperations, IEnumerable<Entry> services)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WritePropertyName("default_strategy");
            WriteStrategy(writer, null, defaultRatio, defaultOperations);
            writer.WriteStartArray("service_strategies");
            foreach (var entry in services)
            {
                WriteStrategy(writer, entry.ServiceName, entry.Ratio, entry.Operations);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static void WriteStrategy(Utf8JsonWriter writer, string? service, double ratio, IReadOnlyList<OperationSampling> operations)
    {
        writer.WriteStartObject();
        if (service is not null)
        {
            writer.WriteString("service", service);
        }

        writer.WriteString("type", Probabilistic);
        writer.WritePropertyName("param");
        writer.WriteRawValue(Ratio.Format(ratio), skipInputValidation: true);
        if (operations.Count > 0)
        {
            writer.WriteStartArray("operation_strategies");
            foreach (var operation in operations)
            {
                writer.WriteStartObject();
                writer.WriteString("operation", operation.Operation);
                writer.WriteString("type", Probabilistic);
                writer.WritePropertyName("param");
                writer.WriteRawValue(Ratio.Format(operation.Ratio), skipInputValidation: true);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static V1ConfigMap ConfigMap(ObservabilityPolicy policy, string json) => new()
    {
        ApiVersion = "v1",
        Kind = "ConfigMap",
        Metadata = new V1ObjectMeta
        {
            Name = ChildNames.SamplingConfigMap(policy.Metadata.Name),
            NamespaceProperty = policy.Metadata.NamespaceProperty,
            Labels = new Dictionary<string, string>
            {
                [WellKnown.ComponentLabel] = "sampling-strategies",
                [WellKnown.ManagedByLabel] = WellKnown.ManagedByValue,
                [WellKnown.PolicyLabel] = policy.Metadata.Name,
            },
            OwnerReferences = OwnerReferences.To(policy),
        },
        Data = new Dictionary<string, string> { [ChildNames.SamplingFileName] = json },
    };

    /// <summary>What the object costs against the limit: its data plus its serialized metadata.</summary>
    private static long Size(V1ConfigMap configMap) =>
        configMap.Data.Sum(kv => (long)Encoding.UTF8.GetByteCount(kv.Key) + Encoding.UTF8.GetByteCount(kv.Value))
        + Encoding.UTF8.GetByteCount(OperatorJson.Serialize(configMap.Metadata));

    private static bool SameSampling(Entry a, Entry b) =>
        a.Ratio.Equals(b.Ratio)
        && a.Operations.Count == b.Operations.Count
        && a.Operations.Zip(b.Operations).All(p => p.First.Operation == p.Second.Operation && p.First.Ratio.Equals(p.Second.Ratio));

    private static string? InvalidRatios(double ratio, IReadOnlyList<OperationSampling> operations)
    {
        if (!EnvInjectionPlanner.IsRatio(ratio))
        {
            return $"ratio {ratio.ToString(CultureInfo.InvariantCulture)} is outside 0..1";
        }

        var bad = operations.FirstOrDefault(o => !EnvInjectionPlanner.IsRatio(o.Ratio));
        return bad is null ? null : $"operation \"{bad.Operation}\" ratio {bad.Ratio.ToString(CultureInfo.InvariantCulture)} is outside 0..1";
    }

    private static ConditionOutcome Condition(bool status, string reason, string message) =>
        new(ConditionTypes.SamplingPublished, status, reason, message);
}
