using System.Text.Json.Nodes;
using k8s;
using k8s.Autorest;
using k8s.Models;
using WaddleObservabilityOperator.Json;

namespace WaddleObservabilityOperator.Kube;

/// <summary>
/// Writes an object's status subresource (PUT .../status with the cached resourceVersion, so a stale view gets 409),
/// and only when the new status differs semantically from the cached one.
/// </summary>
public sealed class StatusWriter(IResourceClientProvider clients, ILogger logger)
{
    public async Task<WriteOutcome<T>> UpdateAsync<T>(T actual, object? status, CancellationToken cancellationToken)
        where T : IKubernetesObject<V1ObjectMeta>
    {
        ArgumentNullException.ThrowIfNull(actual);
        var key = ObjectKey.Of(actual);
        var client = clients.For<T>();
        var body = OwnedObjectWriter.ToNode(actual);
        var desiredStatus = status is null ? null : OperatorJson.ToNode(status);
        if (SemanticComparison.Equivalent(body["status"], desiredStatus))
        {
            return new WriteOutcome<T>(WriteAction.Unchanged, actual, "status unchanged");
        }

        body["status"] = desiredStatus;
        (body["metadata"] as JsonObject)?.Remove("managedFields");
        try
        {
            var updated = await client.ReplaceStatusAsync(key.Namespace, key.Name, body, cancellationToken).ConfigureAwait(false);
            logger.LogDebug("Updated status of {Resource} {Key}", client.Type, key);
            return new WriteOutcome<T>(WriteAction.Updated, updated, "status updated");
        }
        catch (HttpOperationException e) when (KubeErrors.IsConflict(e))
        {
            return new WriteOutcome<T>(WriteAction.Conflict, actual, $"{client.Type} {key} changed since resourceVersion {actual.Metadata.ResourceVersion}");
        }
    }
}
