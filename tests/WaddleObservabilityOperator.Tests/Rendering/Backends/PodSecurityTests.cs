using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Packaging;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>Every backend pod passes the Pod Security "restricted" profile, checked field by field, but the node exporter, which needs the host.</summary>
public sealed class PodSecurityTests
{
    public static TheoryData<string, long, long?> PodTemplates() => new()
    {
        { "Deployment/waddlebot-jaeger", 10001, null },
        { "Deployment/waddlebot-prometheus", 65534, 65534 },
        { "StatefulSet/waddlebot-prometheus", 65534, 65534 },
        { "Deployment/waddlebot-grafana", 472, 472 },
        { "StatefulSet/waddlebot-grafana", 472, 472 },
        { "Deployment/waddlebot-alertmanager", 65534, 65534 },
        { "Deployment/waddlebot-postgres-exporter-main", 65534, null },
        { "Deployment/waddlebot-postgres-exporter-analytics", 65534, null },
        { "Deployment/waddlebot-redis-exporter-cache", 65534, null },
    };

    /// <summary>
    /// node_exporter breaks exactly the controls host access needs (host network and PID, its port on the node, the
    /// host's filesystems read-only), the ones the privileged level admits, and keeps every other restriction: non-root,
    /// no privilege escalation, no capabilities, a read-only root, RuntimeDefault seccomp.
    /// </summary>
    [Fact]
    public void The_node_exporter_breaks_only_the_host_access_controls()
    {
        var template = Template("DaemonSet/waddlebot-node-exporter");
        var controls = RestrictedProfileCheck.Violations(template).Select(v => v[..v.IndexOf(':', StringComparison.Ordinal)]).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["Host Namespaces", "Host Ports", "HostPath Volumes"], controls);
        var pod = template.Spec;
        Assert.True(pod.HostNetwork);
        Assert.True(pod.HostPID);
        Assert.NotEqual(true, pod.HostIPC);
        Assert.Equal(["/", "/proc", "/sys"], pod.Volumes.Select(v => v.HostPath.Path).Order(StringComparer.Ordinal));
        var container = Assert.Single(pod.Containers);
        Assert.All(container.VolumeMounts, m => Assert.True(m.ReadOnlyProperty));
        Assert.True(container.SecurityContext.RunAsNonRoot);
        Assert.Equal(65534, container.SecurityContext.RunAsUser);
        Assert.False(container.SecurityContext.AllowPrivilegeEscalation);
        Assert.False(container.SecurityContext.Privileged);
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem);
        Assert.Equal(["ALL"], container.SecurityContext.Capabilities.Drop);
        Assert.Null(container.SecurityContext.Capabilities.Add);
        Assert.False(pod.AutomountServiceAccountToken);
    }

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
        Assert.All(pod.Volumes ?? [], v => Assert.Null(v.HostPath));
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
        // Every container, Prometheus's config reloader too.
        Assert.All(Template(workload).Spec.Containers, container =>
        {
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
        });
    }

    /// <summary>Every Jaeger store gives a restricted pod: badger's volume included (fsGroup, no hostPath), the CA a Secret volume.</summary>
    [Theory]
    [MemberData(nameof(BackendTestData.JaegerStoreNames), MemberType = typeof(BackendTestData))]
    public void Jaeger_pod_of_every_store_passes_the_restricted_profile(string type)
    {
        var (store, replicas) = BackendTestData.JaegerStore(type);
        var policy = BackendTestData.WithJaeger(store, replicas);
        var template = JaegerComponent.Instance.Render(policy, []).Select(o => o switch
        {
            V1Deployment d => d.Spec.Template,
            V1StatefulSet s => s.Spec.Template,
            _ => null,
        }).OfType<V1PodTemplateSpec>().Single();
        Assert.Empty(RestrictedProfileCheck.Violations(template));
        Assert.True(template.Spec.SecurityContext.RunAsNonRoot);
        Assert.False(template.Spec.AutomountServiceAccountToken);
        Assert.All(template.Spec.Volumes, v => Assert.Null(v.HostPath));
    }

    [Fact]
    public void Only_prometheus_mounts_an_api_token()
    {
        Assert.False(Template("Deployment/waddlebot-jaeger").Spec.AutomountServiceAccountToken);
        Assert.False(Template("Deployment/waddlebot-grafana").Spec.AutomountServiceAccountToken);
        Assert.False(Template("Deployment/waddlebot-alertmanager").Spec.AutomountServiceAccountToken);
        Assert.False(Template("Deployment/waddlebot-postgres-exporter-main").Spec.AutomountServiceAccountToken);
        Assert.False(Template("Deployment/waddlebot-redis-exporter-cache").Spec.AutomountServiceAccountToken);
        var prometheus = Template("Deployment/waddlebot-prometheus").Spec;
        Assert.True(prometheus.AutomountServiceAccountToken);
        Assert.Equal("waddlebot-prometheus", prometheus.ServiceAccountName);
    }

    private static V1PodTemplateSpec Template(string workload)
    {
        var storage = workload.StartsWith("StatefulSet/", StringComparison.Ordinal) ? new PersistentStorage { Size = "10Gi" } : null;
        var policy = BackendTestData.Everything(storage: storage, grafana: BackendTestData.Grafana(storage: storage));
        var objects = ManagedBackendsRenderer.Render(policy, BackendTestData.ThreeServices(policy));
        var found = Assert.Single(objects, o => $"{o.Kind}/{o.Metadata.Name}" == workload);
        return found switch
        {
            V1Deployment deployment => deployment.Spec.Template,
            V1StatefulSet statefulSet => statefulSet.Spec.Template,
            V1DaemonSet daemonSet => daemonSet.Spec.Template,
            _ => throw new InvalidOperationException(workload),
        };
    }
}
