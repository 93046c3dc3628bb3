using k8s.Models;

namespace WaddleObservabilityOperator.Tests.Packaging;

/// <summary>The restricted-profile checker finds each control's violation, so the chart passing it means something.</summary>
public sealed class RestrictedProfileCheckTests
{
    private static V1PodTemplateSpec Compliant() => new()
    {
        Metadata = new V1ObjectMeta(),
        Spec = new V1PodSpec
        {
            SecurityContext = new V1PodSecurityContext { RunAsNonRoot = true, RunAsUser = 1654, SeccompProfile = new V1SeccompProfile { Type = "RuntimeDefault" } },
            Containers =
            [
                new V1Container
                {
                    Name = "operator",
                    Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8080 }],
                    SecurityContext = new V1SecurityContext
                    {
                        AllowPrivilegeEscalation = false,
                        Capabilities = new V1Capabilities { Drop = ["ALL"] },
                    },
                },
            ],
            Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource() }],
        },
    };

    [Fact]
    public void A_compliant_template_has_no_violation() => Assert.Empty(RestrictedProfileCheck.Violations(Compliant()));

    public static TheoryData<string, string> Cases() => new()
    {
        { "host network", "Host Namespaces: spec.hostNetwork=True" },
        { "host pid", "Host Namespaces: spec.hostPID=True" },
        { "privileged", "Privileged Containers: spec.containers[operator].securityContext.privileged=True" },
        { "added capability", "Capabilities: spec.containers[operator].securityContext.capabilities.add=SYS_ADMIN" },
        { "capabilities not dropped", "Capabilities: spec.containers[operator].securityContext.capabilities.drop=[NET_RAW]" },
        { "host path volume", "HostPath Volumes: spec.volumes[host].hostPath=set" },
        { "nfs volume", "Volume Types: spec.volumes[share].nfs=set" },
        { "host port", "Host Ports: spec.containers[operator].ports[http].hostPort=80" },
        { "privilege escalation unset", "Privilege Escalation: spec.containers[operator].securityContext.allowPrivilegeEscalation=<unset>" },
        { "run as non-root unset", "Running as Non-root: spec.containers[operator].securityContext.runAsNonRoot=<unset>" },
        { "container runs as root", "Running as Non-root user: spec.containers[operator].securityContext.runAsUser=0" },
        { "no seccomp", "Seccomp: spec.containers[operator].securityContext.seccompProfile.type=<unset>" },
        { "unconfined seccomp", "Seccomp: spec.containers[operator].securityContext.seccompProfile.type=Unconfined" },
        { "unsafe sysctl", "Sysctls: spec.securityContext.sysctls[*].name=kernel.msgmax" },
        { "proc mount", "/proc Mount Type: spec.containers[operator].securityContext.procMount=Unmasked" },
        { "selinux user", "SELinux: spec.securityContext.seLinuxOptions.user=system_u" },
        { "apparmor unconfined", "AppArmor: metadata.annotations['container.apparmor.security.beta.kubernetes.io/operator']=unconfined" },
        { "init container escalates", "Privilege Escalation: spec.initContainers[init].securityContext.allowPrivilegeEscalation=True" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_control_reports_its_violation(string change, string violation)
    {
        var template = Compliant();
        var spec = template.Spec;
        var container = spec.Containers[0].SecurityContext;
        switch (change)
        {
            case "host network": spec.HostNetwork = true; break;
            case "host pid": spec.HostPID = true; break;
            case "privileged": container.Privileged = true; break;
            case "added capability": container.Capabilities.Add = ["SYS_ADMIN"]; break;
            case "capabilities not dropped": container.Capabilities.Drop = ["NET_RAW"]; break;
            case "host path volume": spec.Volumes.Add(new V1Volume { Name = "host", HostPath = new V1HostPathVolumeSource { Path = "/" } }); break;
            case "nfs volume": spec.Volumes.Add(new V1Volume { Name = "share", Nfs = new V1NFSVolumeSource { Server = "nfs", Path = "/" } }); break;
            case "host port": spec.Containers[0].Ports[0].HostPort = 80; break;
            case "privilege escalation unset": container.AllowPrivilegeEscalation = null; break;
            case "run as non-root unset": spec.SecurityContext.RunAsNonRoot = null; break;
            case "container runs as root": container.RunAsUser = 0; break;
            case "no seccomp": spec.SecurityContext.SeccompProfile = null; break;
            case "unconfined seccomp": container.SeccompProfile = new V1SeccompProfile { Type = "Unconfined" }; break;
            case "unsafe sysctl": spec.SecurityContext.Sysctls = [new V1Sysctl { Name = "kernel.msgmax", Value = "1" }]; break;
            case "proc mount": container.ProcMount = "Unmasked"; break;
            case "selinux user": spec.SecurityContext.SeLinuxOptions = new V1SELinuxOptions { User = "system_u" }; break;
            case "apparmor unconfined": template.Metadata.Annotations = new Dictionary<string, string> { ["container.apparmor.security.beta.kubernetes.io/operator"] = "unconfined" }; break;
            case "init container escalates":
                spec.InitContainers = [new V1Container { Name = "init", SecurityContext = new V1SecurityContext { AllowPrivilegeEscalation = true, Capabilities = new V1Capabilities { Drop = ["ALL"] } } }];
                break;
            default: throw new ArgumentOutOfRangeException(nameof(change), change, null);
        }

        Assert.Contains(violation, RestrictedProfileCheck.Violations(template));
    }
}
