using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Packaging;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>Every backend pod passes the Pod Security "restricted" profile, checked field by field.</summary>
public sealed class PodSecurityTests
{
    public static TheoryData<string, long, long?> PodTemplates() => new()
    {
        { "Deployment/waddlebot-jaeger", 10001, null },
        { "Deployment/waddlebot-prometheus", 65534, 65534 },
        { "StatefulSet/waddlebot-prometheus", 65534, 65534 },
        { "Deployment/waddlebot-grafana", 472, 472 },
        { "StatefulSet/waddlebot-grafana", 472, 472 },
    };

    [Theory]
    [MemberData(nameof(PodTemplates))]
    public void Pod_is_restricted(string workload, long user, long? fsGroup)
    {
        var pod = Template(workload).Spec;
        var context = pod.SecurityContext;
        Assert.True(context.RunAsNonRoot);
        Assert.Equal(user, context.RunAsUser);
        Assert.Equal(user, context.RunAsGroup);
        Assert.NotEqual(0, context.RunAsUser);
        Assert.Equal(fsGroup, context.FsGroup);
        Assert.Equal("RuntimeDefault", context.SeccompProfile.Type);
        Assert.Null(context.Sysctls);
        Assert.NotEqual(true, pod.HostNetwork);
        Assert.NotEqual(true, pod.HostPID);
        Assert.NotEqual(true, pod.HostIPC);
        Assert.All(pod.Volumes, v => Assert.Null(v.HostPath));
    }

    [Theory]
    [MemberData(nameof(PodTemplates))]
    public void Pod_template_passes_every_control_of_the_restricted_profile(string workload, long user, long? fsGroup)
    {
        _ = (user, fsGroup);
        Assert.Empty(RestrictedProfileCheck.Violations(Template(workload)));
    }

    [Theory]
    [MemberData(nameof(PodTemplates))]
    public void Containers_are_restricted(string workload, long user, long? fsGroup)
    {
        _ = fsGroup;
        var container = Assert.Single(Template(workload).Spec.Containers);
        var context = container.SecurityContext;
        Assert.False(context.AllowPrivilegeEscalation);
        Assert.False(context.Privileged);
        Assert.True(context.ReadOnlyRootFilesystem);
        Assert.True(context.RunAsNonRoot);
        Assert.Equal(user, context.RunAsUser);
        Assert.Equal(["ALL"], context.Capabilities.Drop);
        Assert.Null(context.Capabilities.Add);
        Assert.Equal("RuntimeDefault", context.SeccompProfile.Type);
        Assert.All(container.Ports, p => Assert.Null(p.HostPort));
        Assert.NotNull(container.Resources.Requests);
        Assert.NotNull(container.Resources.Limits);
        Assert.NotNull(container.ReadinessProbe);
        Assert.NotNull(container.LivenessProbe);
    }

    [Fact]
    public void Only_prometheus_mounts_an_api_token()
    {
        Assert.False(Template("Deployment/waddlebot-jaeger").Spec.AutomountServiceAccountToken);
        Assert.False(Template("Deployment/waddlebot-grafana").Spec.AutomountServiceAccountToken);
        var prometheus = Template("Deployment/waddlebot-prometheus").Spec;
        Assert.True(prometheus.AutomountServiceAccountToken);
        Assert.Equal("waddlebot-prometheus", prometheus.ServiceAccountName);
    }

    private static V1PodTemplateSpec Template(string workload)
    {
        var storage = workload.StartsWith("StatefulSet/", StringComparison.Ordinal) ? new PersistentStorage { Size = "10Gi" } : null;
        var policy = BackendTestData.Policy(storage: storage, grafana: BackendTestData.Grafana(storage: storage));
        var objects = ManagedBackendsRenderer.Render(policy, BackendTestData.ThreeServices(policy));
        var found = Assert.Single(objects, o => $"{o.Kind}/{o.Metadata.Name}" == workload);
        return found switch
        {
            V1Deployment deployment => deployment.Spec.Template,
            V1StatefulSet statefulSet => statefulSet.Spec.Template,
            _ => throw new InvalidOperationException(workload),
        };
    }
}
