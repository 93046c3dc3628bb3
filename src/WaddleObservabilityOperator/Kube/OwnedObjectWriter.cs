using System.Runtime.CompilerServices;
using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using WaddleObservabilityOperator.Json;

namespace WaddleObservabilityOperator.Kube;

public enum WriteAction
{
    /// <summary>Did not exist; created.</summary>
    Created,

    /// <summary>Owned and differed; updated.</summary>
    Updated,

    /// <summary>Owned and already as desired; nothing sent.</summary>
    Unchanged,

    /// <summary>Exists but belongs to someone else; left untouched.</summary>
    NotOwned,

    /// <summary>The server refused because our view was stale (409): requeue and try again from the cache.</summary>
    Conflict,

    /// <summary>Owned and deleted (or already gone).</summary>
    Deleted,
}

/// <summary>What a write did; <see cref="Object"/> is the server's answer (Created/Updated) or the object as it was.</summary>
public sealed record WriteOutcome<T>(WriteAction Action, T? Object, string Detail)
{
    public bool NeedsRetry => Action == WriteAction.Conflict;
}

/// <summary>For a delete: the uid of the owner whose owner reference also counts as ownership (null: the label alone decides).</summary>
public sealed record OwnerMatch(string? Uid)
{
    public static OwnerMatch LabelOnly { get; } = new((string?)null);
}

/// <summary>
/// How the operator recognises what it owns: a label, or an owner reference the desired object also carries.
/// <paramref name="OwnedLabelPrefix"/>: labels under this prefix on an owned object are the operator's alone, so one it
/// no longer renders (e.g. the policy label after the policy went away) is removed rather than left stale.
/// </summary>
public sealed record OwnershipRule(string ManagedByLabel, string ManagedByValue, string? OwnedLabelPrefix = null)
{
    /// <summary>Carries the managed-by label: an object the operator made.</summary>
    public bool IsManaged(V1ObjectMeta? meta) =>
        meta?.Labels is { } labels && labels.TryGetValue(ManagedByLabel, out var value) && value == ManagedByValue;

    public bool IsOwned(V1ObjectMeta actual, V1ObjectMeta desired)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(desired);
        if (actual.Labels is { } labels && labels.TryGetValue(ManagedByLabel, out var value) && value == ManagedByValue)
        {
            return true;
        }

        var ours = desired.OwnerReferences?.Select(o => o.Uid).Where(u => !string.IsNullOrEmpty(u)).ToHashSet(StringComparer.Ordinal) ?? [];
        return actual.OwnerReferences?.Any(o => ours.Contains(o.Uid)) == true;
    }
}

/// <summary>
/// Writes objects the operator owns, only when needed: creates a missing object; leaves an object it does not own
/// alone (<see cref="WriteAction.NotOwned"/>); updates an owned one only when a field the operator sets differs
/// semantically (labels and annotations it sets, owner references, and every top-level field such as spec or data),
/// so a converged cluster sees no writes. Updates are PUTs of the cached object with the desired fields in place and
/// its resourceVersion, so a concurrent change makes the server answer 409 (<see cref="WriteAction.Conflict"/>).
/// </summary>
public sealed class OwnedObjectWriter(IResourceClientProvider clients, OwnershipRule ownership, ILogger logger)
{
    /// <summary>What makes an object the operator's.</summary>
    public OwnershipRule Ownership => ownership;

    /// <summary>Top-level fields compared exactly: maps with no server defaults, where a key we dropped must go.</summary>
    private static readonly string[] ExactFields = ["data", "binaryData", "stringData"];

    private static readonly string[] NotOwnedTopLevel = ["apiVersion", "kind", "metadata", "status"];

    // Desired objects found equal to a version of the actual one (its uid and resourceVersion). A render that changed
    // nothing hands the same instances again (IncrementalPolicyRender), and comparing them to the same version would
    // serialize both (a 100 KB sampling document, dashboards) only to find them equal again. Weak: a render dropped is
    // forgotten with it.
    private readonly ConditionalWeakTable<object, UnchangedVersion> _unchanged = new();

    private sealed record UnchangedVersion(string? Uid, string? ResourceVersion);

    /// <summary>
    /// Makes the cluster hold <paramref name="desired"/>, given the cached <paramref name="actual"/> (null when the cache
    /// has none). <paramref name="desired"/> is not changed after it is passed here (renders make new objects), so a
    /// verdict of "unchanged" against one version of <paramref name="actual"/> holds for that instance.
    /// </summary>
    public async Task<WriteOutcome<T>> ApplyAsync<T>(T desired, T? actual, CancellationToken cancellationToken)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(desired);
        var key = ObjectKey.Of(desired);
        var client = clients.For<T>();
        if (actual is null)
        {
            try
            {
                var created = await client.CreateAsync(key.Namespace, desired, cancellationToken).ConfigureAwait(false);
                logger.LogInformation("Created {Resource} {Key}", client.Type, key);
                return new WriteOutcome<T>(WriteAction.Created, created, "created");
            }
            catch (HttpOperationException e) when (KubeErrors.IsConflict(e))
            {
                // AlreadyExists: the cache has not seen it yet; decide again once it has.
                return new WriteOutcome<T>(WriteAction.Conflict, default, $"{client.Type} {key} already exists but is not in the cache yet");
            }
        }

        if (!ownership.IsOwned(actual.Metadata, desired.Metadata))
        {
            return new WriteOutcome<T>(WriteAction.NotOwned, actual,
                $"{client.Type} {key} exists and is not managed by {ownership.ManagedByValue} (no {ownership.ManagedByLabel} label or owner reference of ours); left untouched");
        }

        if (_unchanged.TryGetValue(desired, out var known) && known.ResourceVersion is not null
            && known.Uid == actual.Metadata.Uid && known.ResourceVersion == actual.Metadata.ResourceVersion)
        {
            return new WriteOutcome<T>(WriteAction.Unchanged, actual, "unchanged");
        }

        var desiredNode = ToNode(desired);
        var actualNode = ToNode(actual);
        var differences = OwnedFieldDifferences(actualNode, desiredNode, ownership.OwnedLabelPrefix);
        if (differences.Count == 0)
        {
            _unchanged.AddOrUpdate(desired, new UnchangedVersion(actual.Metadata.Uid, actual.Metadata.ResourceVersion));
            return new WriteOutcome<T>(WriteAction.Unchanged, actual, "unchanged");
        }

        var body = MergeOwnedFields(actualNode, desiredNode, ownership.OwnedLabelPrefix);
        try
        {
            var updated = await client.ReplaceAsync(key.Namespace, key.Name, body, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Updated {Resource} {Key}: {Fields} differed", client.Type, key, string.Join(", ", differences));
            return new WriteOutcome<T>(WriteAction.Updated, updated, "updated " + string.Join(", ", differences));
        }
        catch (HttpOperationException e) when (KubeErrors.IsConflict(e))
        {
            return new WriteOutcome<T>(WriteAction.Conflict, actual, $"{client.Type} {key} changed since resourceVersion {actual.Metadata.ResourceVersion}");
        }
    }

    /// <summary>
    /// Deletes <paramref name="actual"/> (as cached) if the operator owns it, on the condition that the server still holds
    /// that very object (same uid and resourceVersion), so a replacement created or edited meanwhile is never removed.
    /// </summary>
    public async Task<WriteOutcome<T>> DeleteAsync<T>(T actual, OwnerMatch owner, CancellationToken cancellationToken)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(owner);
        var key = ObjectKey.Of(actual);
        var client = clients.For<T>();
        if (!ownership.IsOwned(actual.Metadata, new V1ObjectMeta { OwnerReferences = owner.Uid is null ? null : [new V1OwnerReference { Uid = owner.Uid }] }))
        {
            return new WriteOutcome<T>(WriteAction.NotOwned, actual, $"{client.Type} {key} is not managed by {ownership.ManagedByValue}; not deleting it");
        }

        try
        {
            await client.DeleteAsync(key.Namespace, key.Name, new V1Preconditions { Uid = actual.Metadata.Uid, ResourceVersion = actual.Metadata.ResourceVersion }, cancellationToken).ConfigureAwait(false);
            logger.LogInformation("Deleted {Resource} {Key}", client.Type, key);
            return new WriteOutcome<T>(WriteAction.Deleted, actual, "deleted");
        }
        catch (HttpOperationException e) when (KubeErrors.IsNotFound(e))
        {
            return new WriteOutcome<T>(WriteAction.Deleted, actual, "already gone");
        }
        catch (HttpOperationException e) when (KubeErrors.IsConflict(e))
        {
            return new WriteOutcome<T>(WriteAction.Conflict, actual, $"{client.Type} {key} changed since resourceVersion {actual.Metadata.ResourceVersion}; not deleted");
        }
    }

    /// <summary>Paths of the fields the operator sets that <paramref name="actual"/> lacks or holds differently.</summary>
    public static IReadOnlyList<string> OwnedFieldDifferences(JsonObject actual, JsonObject desired, string? ownedLabelPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(desired);
        var found = new List<string>();
        var desiredMeta = desired["metadata"] as JsonObject;
        var actualMeta = actual["metadata"] as JsonObject;
        foreach (var map in new[] { "labels", "annotations" })
        {
            found.AddRange(SemanticComparison.Differences(actualMeta?[map], desiredMeta?[map], $"metadata.{map}", subset: true));
        }

        found.AddRange(StaleOwnedLabels(actualMeta, desiredMeta, ownedLabelPrefix).Select(key => $"metadata.labels.{key}"));

        var actualOwners = (actualMeta?["ownerReferences"] as JsonArray)?.Select(o => o?["uid"]?.GetValue<string>()).ToHashSet() ?? [];
        if ((desiredMeta?["ownerReferences"] as JsonArray)?.Any(o => !actualOwners.Contains(o?["uid"]?.GetValue<string>())) == true)
        {
            found.Add("metadata.ownerReferences");
        }

        foreach (var (name, value) in desired)
        {
            if (NotOwnedTopLevel.Contains(name, StringComparer.Ordinal))
            {
                continue;
            }

            found.AddRange(SemanticComparison.Differences(actual[name], value, name, subset: !ExactFields.Contains(name, StringComparer.Ordinal)));
        }

        return found;
    }

    /// <summary>The update body: the actual object (keeping others' labels, annotations and fields) with the desired labels, annotations, owner references and top-level fields in place.</summary>
    public static JsonObject MergeOwnedFields(JsonObject actual, JsonObject desired, string? ownedLabelPrefix = null)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(desired);
        var body = (JsonObject)actual.DeepClone();
        body.Remove("status");
        var meta = body["metadata"] as JsonObject ?? [];
        body["metadata"] = meta;
        meta.Remove("managedFields");
        var desiredMeta = desired["metadata"] as JsonObject;
        foreach (var stale in StaleOwnedLabels(meta, desiredMeta, ownedLabelPrefix).ToList())
        {
            (meta["labels"] as JsonObject)?.Remove(stale);
        }

        foreach (var map in new[] { "labels", "annotations" })
        {
            if (desiredMeta?[map] is JsonObject wanted && wanted.Count > 0)
            {
                var target = meta[map] as JsonObject ?? [];
                meta[map] = target;
                foreach (var (name, value) in wanted)
                {
                    target[name] = value?.DeepClone();
                }
            }
        }

        if (desiredMeta?["ownerReferences"] is JsonArray wantedOwners)
        {
            var owners = meta["ownerReferences"] as JsonArray ?? [];
            meta["ownerReferences"] = owners;
            var present = owners.Select(o => o?["uid"]?.GetValue<string>()).ToHashSet();
            foreach (var owner in wantedOwners.Where(o => !present.Contains(o?["uid"]?.GetValue<string>())))
            {
                owners.Add(owner?.DeepClone());
            }
        }

        foreach (var (name, value) in desired)
        {
            if (!NotOwnedTopLevel.Contains(name, StringComparer.Ordinal))
            {
                body[name] = value?.DeepClone();
            }
        }

        return body;
    }

    /// <summary>Labels under the operator's own prefix that the actual object has and the desired one no longer does.</summary>
    private static IEnumerable<string> StaleOwnedLabels(JsonObject? actualMeta, JsonObject? desiredMeta, string? prefix)
    {
        if (string.IsNullOrEmpty(prefix) || actualMeta?["labels"] is not JsonObject labels)
        {
            return [];
        }

        var wanted = desiredMeta?["labels"] as JsonObject;
        return labels.Select(kv => kv.Key).Where(key => key.StartsWith(prefix, StringComparison.Ordinal) && wanted?.ContainsKey(key) != true);
    }

    internal static JsonObject ToNode(object obj) =>
        OperatorJson.ToNode(obj) as JsonObject ?? throw new InvalidOperationException($"{obj.GetType().Name} did not serialize to a JSON object");
}
