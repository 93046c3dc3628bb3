using k8s;
using k8s.Models;

namespace WaddleObservabilityOperator.Rendering;

/// <summary>Controller owner references, so that deleting the owner garbage-collects its children.</summary>
public static class OwnerReferences
{
    /// <summary>
    /// A controller reference to <paramref name="owner"/>. Null when the owner has no uid yet (an object read
    /// from a file by <c>render</c>): a reference without a uid would be rejected by the API server.
    /// </summary>
    public static IList<V1OwnerReference>? To(IKubernetesObject<V1ObjectMeta> owner)
    {
        ArgumentNullException.ThrowIfNull(owner);
        if (string.IsNullOrEmpty(owner.Metadata?.Uid))
        {
            return null;
        }

        return
        [
            new V1OwnerReference
            {
                ApiVersion = owner.ApiVersion,
                Kind = owner.Kind,
                Name = owner.Metadata.Name,
                Uid = owner.Metadata.Uid,
                Controller = true,
                BlockOwnerDeletion = true,
            },
        ];
    }
}
