using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>
/// One policy's sampling strategies document kept up to date member by member, for <see cref="IncrementalPolicyRender"/>:
/// each member's contribution (<see cref="SamplingStrategiesDocument.Contribute"/>), the candidates grouped by service
/// name in ordinal order, and each group's decision (<see cref="SamplingStrategiesDocument.DecideGroup"/>). Adding or
/// removing a member decides again only its service name's group; <see cref="Result"/> assembles the document from the
/// groups' entries as <see cref="SamplingStrategiesDocument.Render"/> does, so the bytes are the same. Not thread-safe.
/// </summary>
internal sealed class SamplingDocumentState
{
    private readonly string _policyName;
    private readonly EffectivePolicy _effective;
    private readonly ConditionOutcome? _invalidDefault;
    private readonly Dictionary<string, double> _defaultOpRatios;

    // Every member's outcome by WaddleService name, and the service name of those that are candidates.
    private readonly Dictionary<string, ConditionOutcome> _outcomes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _groupOf = new(StringComparer.Ordinal);

    // Candidates by service name, then WaddleService name; the entries of the decided groups that differ from the
    // default, and the service names of the groups with conflicts, in the document's order.
    private readonly Dictionary<string, SortedDictionary<string, (ResolvedService Service, SamplingStrategiesDocument.Entry Entry)>> _groups = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, SamplingStrategiesDocument.Entry> _entries = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, List<string>> _conflicts = new(StringComparer.Ordinal);
    private readonly HashSet<string> _undecided = new(StringComparer.Ordinal);

    // The last result, kept until a member joins or leaves: a render with no member changed (a policy's own ConfigMap or
    // status coming back, the other policy's member changing) gets it again instead of a new 100 KB document.
    private (string? Uid, string Name, long? Limit, SamplingDocumentResult Result)? _last;

    public SamplingDocumentState(string policyName, EffectivePolicy effective)
    {
        _policyName = policyName;
        _effective = effective;
        _invalidDefault = SamplingStrategiesDocument.InvalidDefault(effective);
        _defaultOpRatios = SamplingStrategiesDocument.DefaultOperationRatios(effective);
    }

    /// <summary>A member joins (or comes back changed, after <see cref="Remove"/>).</summary>
    public void Add(ResolvedService service)
    {
        _last = null;
        if (_invalidDefault is not null)
        {
            _outcomes[service.Name] = _invalidDefault;
            return;
        }

        var contribution = SamplingStrategiesDocument.Contribute(service, _effective, _defaultOpRatios);
        if (contribution.Candidate is not { } entry)
        {
            _outcomes[service.Name] = contribution.Outcome!;
            return;
        }

        if (!_groups.TryGetValue(entry.ServiceName, out var group))
        {
            _groups[entry.ServiceName] = group = new(StringComparer.Ordinal);
        }

        group[service.Name] = (service, entry);
        _groupOf[service.Name] = entry.ServiceName;
        _undecided.Add(entry.ServiceName);
    }

    /// <summary>A member leaves (or is about to be added again, changed).</summary>
    public void Remove(string waddleService)
    {
        _last = null;
        _outcomes.Remove(waddleService);
        if (_groupOf.Remove(waddleService, out var serviceName))
        {
            _groups[serviceName].Remove(waddleService);
            _undecided.Add(serviceName);
        }
    }

    /// <summary>
    /// The document of the current members, as <see cref="SamplingStrategiesDocument.Render"/> renders it: the same
    /// instance as last time while no member joined or left and the policy is the same object (uid and name), since
    /// nothing else goes into it (<see cref="_effective"/> is fixed for this state's life). Callers do not change it.
    /// </summary>
    public SamplingDocumentResult Result(ObservabilityPolicy policy, long? limitBytes = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        if (_last is { } last && last.Uid == policy.Metadata.Uid && last.Name == policy.Metadata.Name && last.Limit == limitBytes)
        {
            return last.Result;
        }

        var result = Assembled(policy, limitBytes);
        _last = (policy.Metadata.Uid, policy.Metadata.Name, limitBytes, result);
        return result;
    }

    private SamplingDocumentResult Assembled(ObservabilityPolicy policy, long? limitBytes)
    {
        if (_invalidDefault is not null)
        {
            return SamplingStrategiesDocument.Failed(_invalidDefault, _outcomes.Keys);
        }

        foreach (var serviceName in _undecided)
        {
            Decide(serviceName);
        }

        _undecided.Clear();
        var conflicts = _conflicts.Values.SelectMany(c => c).ToList();
        return SamplingStrategiesDocument.Assemble(policy, _effective, _entries.Values, new Dictionary<string, ConditionOutcome>(_outcomes, StringComparer.Ordinal), conflicts, limitBytes);
    }

    private void Decide(string serviceName)
    {
        _entries.Remove(serviceName);
        _conflicts.Remove(serviceName);
        var group = _groups[serviceName];
        if (group.Count == 0)
        {
            _groups.Remove(serviceName);
            return;
        }

        var conflicts = new List<string>();
        if (SamplingStrategiesDocument.DecideGroup(_policyName, _effective, [.. group.Values], _outcomes, conflicts) is { } entry)
        {
            _entries[serviceName] = entry;
        }

        if (conflicts.Count > 0)
        {
            _conflicts[serviceName] = conflicts;
        }
    }
}
