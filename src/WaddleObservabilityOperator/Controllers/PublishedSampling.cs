using System.Collections.Concurrent;
using System.Text.Json;
using k8s.Models;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Controllers;

/// <summary>
/// What a sampling ConfigMap in the cluster publishes, per service, so that a WaddleService can tell whether its own
/// strategy is out without rendering (or comparing) its policy's whole document: the document is parsed once per
/// resourceVersion and looked up by service name. It also keeps the policy-wide verdicts that only a render of every
/// member can reach (document too large, two services sharing a service name), set by the policy reconciler.
/// </summary>
public sealed class PublishedSampling
{
    private readonly ConcurrentDictionary<ObjectKey, Parsed> _documents = new();
    private readonly ConcurrentDictionary<ObjectKey, IReadOnlyDictionary<string, ConditionOutcome>> _verdicts = new();

    private sealed record Parsed(string? ResourceVersion, string? Default, IReadOnlyDictionary<string, string> Services);

    /// <summary>
    /// True when <paramref name="actual"/> holds the same default strategy as <paramref name="desired"/> (a document
    /// rendered for the service alone) and the same entry, or the same absence of one, for <paramref name="serviceName"/>.
    /// </summary>
    public bool Holds(V1ConfigMap actual, V1ConfigMap desired, string serviceName)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(desired);
        var key = ObjectKey.Of(actual);
        var published = _documents.TryGetValue(key, out var cached) && cached.ResourceVersion == actual.Metadata.ResourceVersion
            ? cached
            : _documents[key] = Parse(actual.Metadata.ResourceVersion, actual.Data);
        var wanted = Parse(null, desired.Data);
        return published.Default is not null
            && published.Default == wanted.Default
            && published.Services.GetValueOrDefault(serviceName) == wanted.Services.GetValueOrDefault(serviceName);
    }

    /// <summary>Replaces the policy-wide verdicts of one policy: failing SamplingPublished outcomes by WaddleService name. Returns the services whose verdict changed.</summary>
    public IReadOnlyList<string> SetVerdicts(ObjectKey policy, IReadOnlyDictionary<string, ConditionOutcome> failures)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var before = _verdicts.GetValueOrDefault(policy) ?? new Dictionary<string, ConditionOutcome>();
        if (failures.Count == 0)
        {
            _verdicts.TryRemove(policy, out _);
        }
        else
        {
            _verdicts[policy] = failures;
        }

        return [.. before.Keys.Union(failures.Keys).Where(name => before.GetValueOrDefault(name) != failures.GetValueOrDefault(name))];
    }

    /// <summary>The policy-wide failure of a service's sampling, if its policy's last render found one.</summary>
    public ConditionOutcome? Verdict(ObjectKey policy, string waddleService) =>
        _verdicts.TryGetValue(policy, out var failures) ? failures.GetValueOrDefault(waddleService) : null;

    public void Forget(ObjectKey policy)
    {
        _verdicts.TryRemove(policy, out _);
        _documents.TryRemove(new ObjectKey(policy.Namespace, ChildNames.SamplingConfigMap(policy.Name)), out _);
    }

    private static Parsed Parse(string? resourceVersion, IDictionary<string, string>? data)
    {
        if (data is null || !data.TryGetValue(ChildNames.SamplingFileName, out var json))
        {
            return new Parsed(resourceVersion, null, new Dictionary<string, string>());
        }

        try
        {
            using var document = JsonDocument.Parse(json);
            var root = document.RootElement;
            var services = new Dictionary<string, string>(StringComparer.Ordinal);
            if (root.TryGetProperty("service_strategies", out var list) && list.ValueKind == JsonValueKind.Array)
            {
                foreach (var entry in list.EnumerateArray())
                {
                    if (entry.TryGetProperty("service", out var name) && name.ValueKind == JsonValueKind.String)
                    {
                        services[name.GetString()!] = entry.GetRawText();
                    }
                }
            }

            return new Parsed(resourceVersion, root.TryGetProperty("default_strategy", out var d) ? d.GetRawText() : null, services);
        }
        catch (JsonException)
        {
            // Not a document the operator wrote: nothing is published until it is rewritten.
            return new Parsed(resourceVersion, null, new Dictionary<string, string>());
        }
    }
}
