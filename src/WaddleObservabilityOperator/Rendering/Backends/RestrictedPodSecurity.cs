using k8s.Models;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>Security contexts that pass the Pod Security "restricted" profile.</summary>
internal static class RestrictedPodSecurity
{
    public static V1PodSecurityContext Pod(long userId, long? fsGroup) => new()
    {
        RunAsNonRoot = true,
        RunAsUser = userId,
        RunAsGroup = userId,
        FsGroup = fsGroup,
        // Changing ownership of a large volume on every start is slow; once it matches, leave it.
        FsGroupChangePolicy = fsGroup is null ? null : "OnRootMismatch",
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };

    public static V1SecurityContext Container(long userId) => new()
    {
        RunAsNonRoot = true,
        RunAsUser = userId,
        RunAsGroup = userId,
        AllowPrivilegeEscalation = false,
        ReadOnlyRootFilesystem = true,
        Privileged = false,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
        SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" },
    };
}
