using System.Globalization;
using k8s.Models;

namespace WaddleObservabilityOperator.Tests.RealPrograms;

/// <summary>
/// What a kubelet does with a rendered pod, done on this machine for one container: its volumes become directories
/// (a ConfigMap's or a Secret's keys written as files, an emptyDir a fresh directory, a hostPath the host's path), its
/// environment is the rendered one with each secretKeyRef resolved from <see cref="Secrets"/>, and it runs the
/// Debian build of its image's program with exactly the rendered arguments, as the rendered user. The only changes are
/// addresses: each container port moves to a free port on 127.0.0.1 (its <c>--web.listen-address</c>, added with the
/// image's default when the rendered arguments leave it out), and cluster addresses in the environment are replaced by
/// the local servers standing in for them (<see cref="ServiceAddresses"/>), as cluster DNS would resolve them.
/// </summary>
internal sealed class PodLauncher(string root)
{
    /// <summary>Secret values by (Secret name, key): the test's Secrets, which the operator never sees.</summary>
    public Dictionary<(string Secret, string Key), string> Secrets { get; } = [];

    /// <summary>The rendered ConfigMaps, by name.</summary>
    public Dictionary<string, V1ConfigMap> ConfigMaps { get; } = new(StringComparer.Ordinal);

    /// <summary>Cluster address (host:port) to the local address standing in for it.</summary>
    public Dictionary<string, string> ServiceAddresses { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Starts <paramref name="container"/> of <paramref name="pod"/> as <paramref name="executable"/> and waits until it
    /// listens on each container port; <paramref name="prepare"/> runs once its local ports are chosen, before its volumes
    /// are written (a config that names the program's own address).
    /// </summary>
    public async Task<LaunchedContainer> LaunchAsync(string podName, V1PodSpec pod, V1Container container, string executable, Action<IReadOnlyDictionary<int, int>>? prepare = null)
    {
        var containerPorts = (container.Ports ?? []).Select(p => p.ContainerPort).ToList();
        var chosen = new Dictionary<int, int>();
        var (process, _) = await LocalProcess.StartListeningAsync(containerPorts.Count, ports =>
        {
            chosen = containerPorts.Zip(ports).ToDictionary(p => p.First, p => p.Second);
            prepare?.Invoke(chosen);
            return Start(podName, pod, container, executable, chosen);
        });
        return new LaunchedContainer(podName, container, process, chosen);
    }

    private LocalProcess Start(string podName, V1PodSpec pod, V1Container container, string executable, Dictionary<int, int> local)
    {
        var mounts = new List<(string MountPath, string HostPath)>();
        foreach (var mount in container.VolumeMounts ?? [])
        {
            var volume = pod.Volumes.Single(v => v.Name == mount.Name);
            mounts.Add((mount.MountPath, VolumeDirectory(podName, volume)));
        }

        var args = new List<string>();
        var listening = false;
        foreach (var arg in container.Args ?? [])
        {
            if (arg.StartsWith(ListenFlag, StringComparison.Ordinal))
            {
                var port = int.Parse(arg[(arg.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
                args.Add($"{ListenFlag}127.0.0.1:{local[port].ToString(CultureInfo.InvariantCulture)}");
                listening = true;
                continue;
            }

            args.Add(MapPaths(arg, mounts));
        }

        if (!listening && local.Count == 1)
        {
            // The image's program listens on its default port on every interface; here it gets a free one on loopback.
            args.Add($"{ListenFlag}127.0.0.1:{local.Single().Value.ToString(CultureInfo.InvariantCulture)}");
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in container.Env ?? [])
        {
            env[variable.Name] = variable.ValueFrom switch
            {
                { SecretKeyRef: { } secret } => Secrets.TryGetValue((secret.Name, secret.Key), out var value)
                    ? value
                    : throw new InvalidOperationException($"{variable.Name}: no key {secret.Key} in the test's Secret {secret.Name}; the kubelet would not start the container"),
                // The downward API: the pod's own name (a StatefulSet's pods are <name>-<ordinal>).
                { FieldRef.FieldPath: "metadata.name" } => podName,
                { } other => throw new InvalidOperationException($"{variable.Name}: a valueFrom this test does not provide ({KubernetesJson(other)})"),
                null => MapAddresses(variable.Value ?? ""),
            };
        }

        var user = container.SecurityContext?.RunAsUser ?? pod.SecurityContext?.RunAsUser;
        return LocalProcess.Start(container.Name, executable, args, env, runAs: user?.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Where the volume <paramref name="volumeName"/> of the pod launched as <paramref name="podName"/> is on this machine:
    /// for a ConfigMap, the directory whose files the kubelet would rewrite when the ConfigMap changes.
    /// </summary>
    public string VolumePath(string podName, string volumeName) => Path.Combine(root, podName, volumeName);

    /// <summary>
    /// Replaces, in <paramref name="text"/>, each path under one of <paramref name="mounts"/> by the same path under the
    /// directory standing in for its volume: the files a config names where the kubelet would mount them.
    /// </summary>
    public string MapMounts(string text, string podName, IEnumerable<V1VolumeMount> mounts) =>
        mounts.OrderByDescending(m => m.MountPath.Length)
            .Aggregate(text, (current, mount) => current.Replace(mount.MountPath + "/", VolumePath(podName, mount.Name) + "/", StringComparison.Ordinal));

    /// <summary>Replaces every cluster address in <paramref name="text"/> by its local stand-in.</summary>
    public string MapAddresses(string text) =>
        ServiceAddresses.OrderByDescending(a => a.Key.Length).Aggregate(text, (current, address) => current.Replace(address.Key, address.Value, StringComparison.Ordinal));

    private const string ListenFlag = "--web.listen-address=";

    private static string KubernetesJson(V1EnvVarSource source) => k8s.KubernetesJson.Serialize(source);

    private static string MapPaths(string arg, List<(string MountPath, string HostPath)> mounts)
    {
        var equals = arg.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            return arg;
        }

        var value = arg[(equals + 1)..];
        foreach (var (mountPath, hostPath) in mounts.OrderByDescending(m => m.MountPath.Length))
        {
            if (value == mountPath || value.StartsWith(mountPath + "/", StringComparison.Ordinal))
            {
                return arg[..(equals + 1)] + Path.Join(hostPath, value[mountPath.Length..]).Replace("//", "/", StringComparison.Ordinal);
            }
        }

        return arg;
    }

    private string VolumeDirectory(string podName, V1Volume volume)
    {
        if (volume.HostPath is { } hostPath)
        {
            return hostPath.Path;
        }

        var podDirectory = Path.Combine(root, podName);
        Directory.CreateDirectory(podDirectory);
        UnixModes.Set(podDirectory, "755");
        var directory = VolumePath(podName, volume.Name);
        Directory.CreateDirectory(directory);
        // As the kubelet makes them: an emptyDir writable by any user, files readable by the container's user.
        UnixModes.Set(directory, "777");
        if (volume.ConfigMap is { } configMap)
        {
            var data = ConfigMaps.TryGetValue(configMap.Name, out var rendered)
                ? rendered.Data
                : throw new InvalidOperationException($"volume {volume.Name}: no rendered ConfigMap {configMap.Name}");
            foreach (var (key, content) in data)
            {
                File.WriteAllText(Path.Combine(directory, key), content);
            }
        }
        else if (volume.Secret is { } secret)
        {
            foreach (var item in secret.Items ?? [])
            {
                File.WriteAllText(Path.Combine(directory, item.Path), Secrets[(secret.SecretName, item.Key)]);
            }
        }
        else if (volume.EmptyDir is null && volume.PersistentVolumeClaim is null)
        {
            throw new InvalidOperationException($"volume {volume.Name}: a kind of volume this test does not provide");
        }

        return directory;
    }
}

/// <summary>A container started by <see cref="PodLauncher"/>: its rendered spec, its process and where each container port listens.</summary>
internal sealed record LaunchedContainer(string PodName, V1Container Container, LocalProcess Process, IReadOnlyDictionary<int, int> Ports)
{
    /// <summary>The local address of the container port named <paramref name="portName"/>.</summary>
    public string Address(string portName) =>
        $"127.0.0.1:{Ports[Container.Ports.Single(p => p.Name == portName).ContainerPort].ToString(CultureInfo.InvariantCulture)}";
}
