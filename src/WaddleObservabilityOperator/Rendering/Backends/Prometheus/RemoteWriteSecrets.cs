using System.Globalization;
using k8s.Models;
using WaddleObservabilityOperator.Api;

namespace WaddleObservabilityOperator.Rendering.Backends;

/// <summary>
/// Where the managed Prometheus finds the Secret keys its remote_write blocks reference: each Secret is a read-only
/// <c>secret</c> volume holding only the referenced keys, mounted at <c>/etc/prometheus-secrets/&lt;secret&gt;/</c>, and
/// prometheus.yml names the files (password_file, credentials_file). The operator never reads a Secret: the kubelet
/// writes the files, and refreshes them when the Secret changes (a directory mount, never subPath); Prometheus reads
/// them on every request, so a rotated password is used without a restart.
/// </summary>
/// <remarks>
/// Not under /etc/prometheus: that is the ConfigMap's mount, and a mount point inside another read-only volume would
/// have to be created in it.
/// </remarks>
internal static class RemoteWriteSecrets
{
    public const string Directory = "/etc/prometheus-secrets";

    /// <summary>Read by the Prometheus user through the pod's fsGroup only (0440).</summary>
    private const int FileMode = 0b100_100_000;

    /// <summary>The path of a referenced key in the Prometheus container.</summary>
    public static string FilePath(SecretKeyReference reference) => $"{Directory}/{reference.Name}/{reference.Key}";

    /// <summary>Every Secret key the remote stores reference, by Secret name (ordinal order), each key once.</summary>
    public static IReadOnlyList<(string Secret, IReadOnlyList<string> Keys)> Referenced(EffectivePrometheus settings) =>
        [.. settings.RemoteWrites
            .SelectMany(References)
            .GroupBy(r => r.Name, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g => (g.Key, (IReadOnlyList<string>)[.. g.Select(r => r.Key).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)]))];

    /// <summary>The Secret keys one remote store references.</summary>
    public static IEnumerable<SecretKeyReference> References(RemoteWriteSpec remoteWrite)
    {
        ArgumentNullException.ThrowIfNull(remoteWrite);
        if (remoteWrite.BasicAuth?.Password is { } password)
        {
            yield return password;
        }

        if (remoteWrite.Authorization?.Credentials is { } credentials)
        {
            yield return credentials;
        }
    }

    /// <summary>The pod's volumes: one per Secret, named by its place in <see cref="Referenced"/> (Secret names may hold dots, volume names may not).</summary>
    public static IEnumerable<V1Volume> Volumes(EffectivePrometheus settings) =>
        Referenced(settings).Select((secret, index) => new V1Volume
        {
            Name = VolumeName(index),
            Secret = new V1SecretVolumeSource
            {
                SecretName = secret.Secret,
                // Only the referenced keys: nothing else of the Secret reaches the pod.
                Items = [.. secret.Keys.Select(key => new V1KeyToPath { Key = key, Path = key })],
                DefaultMode = FileMode,
            },
        });

    /// <summary>The Prometheus container's mounts of <see cref="Volumes"/>, read-only.</summary>
    public static IEnumerable<V1VolumeMount> Mounts(EffectivePrometheus settings) =>
        Referenced(settings).Select((secret, index) => new V1VolumeMount
        {
            Name = VolumeName(index),
            MountPath = $"{Directory}/{secret.Secret}",
            ReadOnlyProperty = true,
        });

    private static string VolumeName(int index) => $"remote-write-secret-{index.ToString(CultureInfo.InvariantCulture)}";
}
