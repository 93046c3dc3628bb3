using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Rendering.Slos;
using PrometheusBackend = WaddleObservabilityOperator.Rendering.Backends.PrometheusBackend;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>
/// The managed Prometheus reloads its ConfigMap in place (issue 16): --web.enable-lifecycle, prometheus-operator's
/// config reloader watching the directory the ConfigMap is mounted at and POSTing /-/reload on loopback, and a pod
/// template that an SLO, an alert rule or a scrape job does not change, so no edit of them rolls the pod.
/// </summary>
public sealed class PrometheusReloadTests
{
    private const string ConfigMapName = "waddlebot-prometheus-config";

    private static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService> services) =>
        ManagedBackendsRenderer.Render(policy, services);

    private static V1PodTemplateSpec Template(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects) =>
        Assert.Single(objects, o => o.Metadata.Name == "waddlebot-prometheus" && o is V1Deployment or V1StatefulSet) switch
        {
            V1Deployment d => d.Spec.Template,
            V1StatefulSet s => s.Spec.Template,
            var other => throw new InvalidOperationException(other.Kind),
        };

    private static V1ConfigMap ConfigMap(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects) =>
        Assert.Single(objects.OfType<V1ConfigMap>(), c => c.Metadata.Name == ConfigMapName);

    private static V1Container Prometheus(V1PodTemplateSpec template) => Assert.Single(template.Spec.Containers, c => c.Name == "prometheus");

    private static V1Container Reloader(V1PodTemplateSpec template) => Assert.Single(template.Spec.Containers, c => c.Name == PrometheusBackend.ReloaderName);

    private static string Flag(V1Container container, string name) =>
        Assert.Single(container.Args, a => a.StartsWith($"--{name}=", StringComparison.Ordinal))[(name.Length + 3)..];

    /// <summary>The router with <paramref name="slos"/>, in a policy with a managed Prometheus, resolved as the operator resolves it.</summary>
    private static ResolvedService Router(params ServiceLevelObjective[] slos) =>
        SloTestData.Resolved(SloTestData.Service(slos), SloTestData.Policy(managedPrometheus: true));

    public static TheoryData<bool> Storage() => new() { false, true };

    [Theory]
    [MemberData(nameof(Storage))]
    public void Prometheus_runs_with_the_lifecycle_api_and_a_config_reloader_posting_its_reload_url(bool storage)
    {
        var policy = BackendTestData.Policy(storage: storage ? new PersistentStorage { Size = "10Gi" } : null);
        var template = Template(Render(policy, BackendTestData.ThreeServices(policy)));
        var prometheus = Prometheus(template);
        Assert.Contains("--web.enable-lifecycle", prometheus.Args);

        var reloader = Reloader(template);
        Assert.Equal(PrometheusComponent.DefaultConfigReloaderImage, reloader.Image);
        Assert.StartsWith("quay.io/prometheus-operator/prometheus-config-reloader:v", reloader.Image, StringComparison.Ordinal);
        // One network namespace: the reloader reaches Prometheus's own web port on loopback.
        var web = Assert.Single(prometheus.Ports, p => p.Name == "web").ContainerPort;
        Assert.Equal($"http://127.0.0.1:{web}/-/reload", Flag(reloader, "reload-url"));
        var port = Assert.Single(reloader.Ports);
        Assert.Equal(("reloader-web", PrometheusBackend.ReloaderPort), (port.Name, port.ContainerPort));
        Assert.Equal($":{port.ContainerPort}", Flag(reloader, "listen-address"));
        Assert.NotEqual(web, port.ContainerPort);
        foreach (var probe in new[] { reloader.ReadinessProbe, reloader.LivenessProbe })
        {
            Assert.Equal(("/healthz", "reloader-web"), (probe.HttpGet.Path, probe.HttpGet.Port.Value));
        }

        Assert.NotNull(reloader.Resources.Requests["memory"]);
        Assert.NotNull(reloader.Resources.Limits["memory"]);
        Assert.Equal(PrometheusBackend.UserId, reloader.SecurityContext.RunAsUser);
    }

    [Fact]
    public void The_reloader_watches_the_config_map_directory_prometheus_reads_every_file_from()
    {
        var policy = BackendTestData.Everything();
        var services = (IReadOnlyList<ResolvedService>)[.. BackendTestData.ThreeServices(policy).Where(s => s.Name != "router"), Router(SloTestData.Availability()) with { Policy = policy }];
        var objects = Render(policy, services);
        var template = Template(objects);
        var configMap = ConfigMap(objects);
        var volume = Assert.Single(template.Spec.Volumes, v => v.ConfigMap?.Name == ConfigMapName);

        // Both containers mount the whole ConfigMap as a directory: the kubelet never refreshes a subPath mount.
        var watched = Flag(Reloader(template), "watched-dir");
        foreach (var container in template.Spec.Containers)
        {
            var mount = Assert.Single(container.VolumeMounts, m => m.Name == volume.Name);
            Assert.Equal(watched, mount.MountPath);
            Assert.Null(mount.SubPath);
            Assert.Null(mount.SubPathExpr);
            Assert.True(mount.ReadOnlyProperty);
        }

        Assert.Null(volume.ConfigMap.Items);
        Assert.Equal($"{watched}/{PrometheusBackend.ConfigFileName}", Flag(Prometheus(template), "config.file"));

        // Every rules file is named relative to prometheus.yml, so it is in the watched directory, and is a key of the ConfigMap.
        var ruleFiles = YamlTree.Load(configMap.Data[PrometheusBackend.ConfigFileName]).Items("rule_files").Select(r => r.Text()).ToList();
        Assert.Equal([PrometheusRulesDocument.FileName, "slos-router.yml"], ruleFiles);
        Assert.All(ruleFiles, f =>
        {
            Assert.DoesNotContain("/", f, StringComparison.Ordinal);
            Assert.True(configMap.Data.ContainsKey(f), f);
        });
    }

    [Fact]
    public void An_slo_edit_changes_the_config_map_only_not_the_pod_template()
    {
        var one = Router(SloTestData.Availability());
        var edited = Router(SloTestData.Availability(objective: 99.5), SloTestData.Latency());
        var none = Router();
        var before = Render(one.Policy, [one]);
        var after = Render(edited.Policy, [edited]);
        var removed = Render(none.Policy, [none]);

        Assert.NotEqual(ConfigMap(before).Data["slos-router.yml"], ConfigMap(after).Data["slos-router.yml"]);
        Assert.False(ConfigMap(removed).Data.ContainsKey("slos-router.yml"));
        var template = KubernetesJson.Serialize(Template(before));
        Assert.Equal(template, KubernetesJson.Serialize(Template(after)));
        Assert.Equal(template, KubernetesJson.Serialize(Template(removed)));
        Assert.False(Template(before).Metadata.Annotations?.ContainsKey(WellKnown.ConfigHashAnnotation) ?? false);
    }

    [Fact]
    public void An_alert_rule_change_changes_the_config_map_only_not_the_pod_template()
    {
        // Exporters bring alerts.yml and their jobs; a second PostgreSQL exporter adds rules' targets and a job.
        var policy = BackendTestData.Everything();
        var fewer = BackendTestData.ExportersSpec();
        fewer.Exporters!.Postgres = [fewer.Exporters.Postgres![0]];
        var fewerPolicy = BackendTestData.Everything(spec: fewer);
        var without = BackendTestData.Policy();
        var services = BackendTestData.ThreeServices(policy);

        var all = Render(policy, services);
        Assert.NotEqual(ConfigMap(all).Data[PrometheusBackend.ConfigFileName], ConfigMap(Render(fewerPolicy, services)).Data[PrometheusBackend.ConfigFileName]);
        Assert.True(ConfigMap(all).Data.ContainsKey(PrometheusRulesDocument.FileName));
        Assert.False(ConfigMap(Render(without, services)).Data.ContainsKey(PrometheusRulesDocument.FileName));
        var template = KubernetesJson.Serialize(Template(all));
        Assert.Equal(template, KubernetesJson.Serialize(Template(Render(fewerPolicy, services))));
        Assert.Equal(template, KubernetesJson.Serialize(Template(Render(without, services))));
    }

    [Fact]
    public void What_needs_a_restart_still_changes_the_pod_template()
    {
        // Flags and the image are the pod template itself: they roll the pod, the comparison above can tell.
        var policy = BackendTestData.Policy();
        var services = BackendTestData.ThreeServices(policy);
        var template = KubernetesJson.Serialize(Template(Render(policy, services)));
        var retention = policy with { Prometheus = policy.Prometheus with { Retention = "7d" } };
        var image = policy with { Prometheus = policy.Prometheus with { Image = "prom/prometheus:v3.0.0" } };
        Assert.NotEqual(template, KubernetesJson.Serialize(Template(Render(retention, services))));
        Assert.NotEqual(template, KubernetesJson.Serialize(Template(Render(image, services))));
    }

    [Fact]
    public void The_reloader_image_can_be_a_mirror_and_a_bad_one_is_reported()
    {
        var resolved = PrometheusComponent.Instance.Resolve(new ObservabilityPolicySpec
        {
            Backends = new BackendsPolicy { Prometheus = new WaddleObservabilityOperator.Api.PrometheusBackend { Managed = true, ConfigReloaderImage = "registry.example.com/mirror/prometheus-config-reloader:v0.95.0" } },
        }, owned: true);
        Assert.Equal("registry.example.com/mirror/prometheus-config-reloader:v0.95.0", resolved.ConfigReloaderImage);
        Assert.Equal(PrometheusComponent.DefaultConfigReloaderImage, PrometheusComponent.Instance.Resolve(new ObservabilityPolicySpec(), owned: true).ConfigReloaderImage);

        var policy = BackendTestData.Policy();
        var mirrored = policy with { Prometheus = policy.Prometheus with { ConfigReloaderImage = "registry.example.com/mirror/prometheus-config-reloader:v0.95.0" } };
        Assert.Equal("registry.example.com/mirror/prometheus-config-reloader:v0.95.0", Reloader(Template(Render(mirrored, BackendTestData.ThreeServices(mirrored)))).Image);

        // A blank image passes the schema (1 to 512 characters) and defaulting; validation reports it.
        var bad = policy with { Prometheus = policy.Prometheus with { ConfigReloaderImage = " " } };
        var problems = new List<string>();
        PrometheusComponent.Instance.Validate(bad, [], problems);
        Assert.Contains(problems, p => p.StartsWith("spec.backends.prometheus.configReloaderImage", StringComparison.Ordinal));
    }
}
