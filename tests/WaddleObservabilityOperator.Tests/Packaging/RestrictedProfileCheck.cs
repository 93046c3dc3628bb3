using k8s.Models;

namespace WaddleObservabilityOperator.Tests.Packaging;

/// <summary>
/// The Kubernetes Pod Security Standards' Restricted profile (which includes every Baseline control), checked field by
/// field as https://kubernetes.io/docs/concepts/security/pod-security-standards/ lists them for the latest version.
/// Each violation names the control, the field and the value found, like the PodSecurity admission's warnings.
/// </summary>
public static class RestrictedProfileCheck
{
    // Baseline "Sysctls": the safe set.
    private static readonly HashSet<string> SafeSysctls =
    [
        "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_syncookies",
        "net.ipv4.ping_group_range", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
        "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes",
    ];

    // Baseline "SELinux": the allowed seLinuxOptions.type values.
    private static readonly HashSet<string> SeLinuxTypes = ["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t"];

    /// <summary>Every violation of the Restricted profile by a pod template; empty when it complies.</summary>
    public static IReadOnlyList<string> Violations(V1PodTemplateSpec template)
    {
        ArgumentNullException.ThrowIfNull(template);
        var spec = template.Spec;
        var pod = spec.SecurityContext ?? new V1PodSecurityContext();
        var annotations = template.Metadata?.Annotations ?? new Dictionary<string, string>();
        var containers = (spec.InitContainers ?? []).Select(c => (Path: $"spec.initContainers[{c.Name}]", c.SecurityContext, Ports: c.Ports ?? []))
            .Concat((spec.Containers ?? []).Select(c => (Path: $"spec.containers[{c.Name}]", c.SecurityContext, Ports: c.Ports ?? [])))
            .Concat((spec.EphemeralContainers ?? []).Select(c => (Path: $"spec.ephemeralContainers[{c.Name}]", c.SecurityContext, Ports: c.Ports ?? [])))
            .ToList();
        var violations = new List<string>();
        void Fail(string control, string field, object? value) => violations.Add($"{control}: {field}={value ?? "<unset>"}");

        // Baseline: HostProcess.
        if (pod.WindowsOptions?.HostProcess == true)
        {
            Fail("HostProcess", "spec.securityContext.windowsOptions.hostProcess", true);
        }

        // Baseline: Host Namespaces.
        if (spec.HostNetwork == true)
        {
            Fail("Host Namespaces", "spec.hostNetwork", true);
        }

        if (spec.HostPID == true)
        {
            Fail("Host Namespaces", "spec.hostPID", true);
        }

        if (spec.HostIPC == true)
        {
            Fail("Host Namespaces", "spec.hostIPC", true);
        }

        // Baseline: HostPath Volumes; Restricted: Volume Types (only these sources).
        foreach (var volume in spec.Volumes ?? [])
        {
            var sources = VolumeSources(volume);
            var allowed = new[] { "configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "persistentVolumeClaim", "projected", "secret" };
            foreach (var source in sources.Where(s => !allowed.Contains(s)))
            {
                Fail(source == "hostPath" ? "HostPath Volumes" : "Volume Types", $"spec.volumes[{volume.Name}].{source}", "set");
            }
        }

        // Baseline: Sysctls.
        foreach (var sysctl in pod.Sysctls ?? [])
        {
            if (!SafeSysctls.Contains(sysctl.Name))
            {
                Fail("Sysctls", "spec.securityContext.sysctls[*].name", sysctl.Name);
            }
        }

        // Baseline: AppArmor (pod level and annotations).
        CheckAppArmor(pod.AppArmorProfile?.Type, "spec.securityContext.appArmorProfile.type", Fail);
        foreach (var (key, value) in annotations.Where(a => a.Key.StartsWith("container.apparmor.security.beta.kubernetes.io/", StringComparison.Ordinal)))
        {
            if (value != "runtime/default" && !value.StartsWith("localhost/", StringComparison.Ordinal))
            {
                Fail("AppArmor", $"metadata.annotations['{key}']", value);
            }
        }

        // Baseline: SELinux (pod level).
        CheckSeLinux(pod.SeLinuxOptions, "spec.securityContext.seLinuxOptions", Fail);

        // Baseline: Seccomp; Restricted: Seccomp (RuntimeDefault or Localhost, at pod level or on every container).
        var podSeccomp = pod.SeccompProfile?.Type;
        if (podSeccomp is not null and not "RuntimeDefault" and not "Localhost")
        {
            Fail("Seccomp", "spec.securityContext.seccompProfile.type", podSeccomp);
        }

        // Restricted: Running as Non-root user (pod level), Non-root groups are optional and not checked.
        if (pod.RunAsUser == 0)
        {
            Fail("Running as Non-root user", "spec.securityContext.runAsUser", 0);
        }

        if (pod.RunAsNonRoot == false)
        {
            Fail("Running as Non-root", "spec.securityContext.runAsNonRoot", false);
        }

        foreach (var (path, context, ports) in containers)
        {
            var c = context ?? new V1SecurityContext();

            // Baseline: HostProcess, Privileged Containers, /proc Mount Type, Host Ports, AppArmor, SELinux.
            if (c.WindowsOptions?.HostProcess == true)
            {
                Fail("HostProcess", $"{path}.securityContext.windowsOptions.hostProcess", true);
            }

            if (c.Privileged == true)
            {
                Fail("Privileged Containers", $"{path}.securityContext.privileged", true);
            }

            if (c.ProcMount is not null and not "Default")
            {
                Fail("/proc Mount Type", $"{path}.securityContext.procMount", c.ProcMount);
            }

            foreach (var port in ports)
            {
                if (port.HostPort is { } hostPort and not 0)
                {
                    Fail("Host Ports", $"{path}.ports[{port.Name ?? port.ContainerPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}].hostPort", hostPort);
                }
            }

            CheckAppArmor(c.AppArmorProfile?.Type, $"{path}.securityContext.appArmorProfile.type", Fail);
            CheckSeLinux(c.SeLinuxOptions, $"{path}.securityContext.seLinuxOptions", Fail);

            // Restricted: Capabilities (drop ALL; add at most NET_BIND_SERVICE, which also satisfies Baseline's list).
            foreach (var added in c.Capabilities?.Add ?? [])
            {
                if (added != "NET_BIND_SERVICE")
                {
                    Fail("Capabilities", $"{path}.securityContext.capabilities.add", added);
                }
            }

            if (c.Capabilities?.Drop?.Contains("ALL") != true)
            {
                Fail("Capabilities", $"{path}.securityContext.capabilities.drop", c.Capabilities?.Drop is { } drop ? $"[{string.Join(",", drop)}]" : null);
            }

            // Restricted: Privilege Escalation must be explicitly false.
            if (c.AllowPrivilegeEscalation != false)
            {
                Fail("Privilege Escalation", $"{path}.securityContext.allowPrivilegeEscalation", c.AllowPrivilegeEscalation);
            }

            // Restricted: Running as Non-root (true on the container, or unset under a pod-level true).
            if (c.RunAsNonRoot == false || (c.RunAsNonRoot is null && pod.RunAsNonRoot != true))
            {
                Fail("Running as Non-root", $"{path}.securityContext.runAsNonRoot", c.RunAsNonRoot);
            }

            // Restricted: Running as Non-root user.
            if (c.RunAsUser == 0)
            {
                Fail("Running as Non-root user", $"{path}.securityContext.runAsUser", 0);
            }

            // Restricted: Seccomp (the container's own type, or the pod's when the container sets none).
            var seccomp = c.SeccompProfile?.Type;
            if (seccomp is not null and not "RuntimeDefault" and not "Localhost")
            {
                Fail("Seccomp", $"{path}.securityContext.seccompProfile.type", seccomp);
            }
            else if (seccomp is null && podSeccomp is not ("RuntimeDefault" or "Localhost"))
            {
                Fail("Seccomp", $"{path}.securityContext.seccompProfile.type", null);
            }
        }

        return violations;
    }

    private static void CheckAppArmor(string? type, string field, Action<string, string, object?> fail)
    {
        if (type is not null and not "RuntimeDefault" and not "Localhost")
        {
            fail("AppArmor", field, type);
        }
    }

    private static void CheckSeLinux(V1SELinuxOptions? options, string field, Action<string, string, object?> fail)
    {
        if (options is null)
        {
            return;
        }

        if (!SeLinuxTypes.Contains(options.Type ?? ""))
        {
            fail("SELinux", $"{field}.type", options.Type);
        }

        if (!string.IsNullOrEmpty(options.User))
        {
            fail("SELinux", $"{field}.user", options.User);
        }

        if (!string.IsNullOrEmpty(options.Role))
        {
            fail("SELinux", $"{field}.role", options.Role);
        }
    }

    /// <summary>The volume source fields a volume sets, by their JSON names (every V1Volume property but name).</summary>
    private static IEnumerable<string> VolumeSources(V1Volume volume) =>
        typeof(V1Volume).GetProperties()
            .Where(p => p.Name != nameof(V1Volume.Name) && p.GetValue(volume) is not null)
            .Select(p => char.ToLowerInvariant(p.Name[0]) + p.Name[1..]);
}
