using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends.Exporters;

/// <summary>The managed Alertmanager and the alerting block of the managed Prometheus.</summary>
public sealed class AlertmanagerComponentTests
{
    private static ObservabilityPolicySpec Spec(bool managed = true, SecretKeyReference? config = null, params string[] urls) => new()
    {
        Alerting = new AlertingPolicy
        {
            Alertmanager = new WaddleObservabilityOperator.Api.AlertmanagerBackend { Managed = managed, ConfigSecretRef = config, Urls = urls },
        },
    };

    private static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Render(ObservabilityPolicySpec spec, bool networkPolicy = false) =>
        ManagedBackendsRenderer.Render(BackendTestData.Everything(spec: spec, networkPolicy: networkPolicy), []);

    [Fact]
    public void One_replica_without_gossip_with_probes_and_the_default_config_from_a_config_map()
    {
        var objects = Render(Spec());
        var deployment = Assert.Single(objects.OfType<V1Deployment>(), d => d.Metadata.Name == "waddlebot-alertmanager");
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Equal("Recreate", deployment.Spec.Strategy.Type);
        var container = deployment.Spec.Template.Spec.Containers.Single();
        Assert.Equal(["--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager", "--cluster.listen-address=", "--web.listen-address=:9093"], container.Args);
        Assert.Equal(("/-/ready", "/-/healthy"), (container.ReadinessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Path));
        Assert.Equal(AlertmanagerComponent.DefaultImage, container.Image);
        var configMap = Assert.Single(objects.OfType<V1ConfigMap>(), c => c.Metadata.Name == "waddlebot-alertmanager-config");
        Assert.Equal(AlertmanagerConfigDocument.Render(), configMap.Data["alertmanager.yml"]);
        Assert.Equal(configMap.Metadata.Name, deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == "config").ConfigMap.Name);
        Assert.Equal(ConfigHash.Of(configMap.Data["alertmanager.yml"]), deployment.Spec.Template.Metadata.Annotations[WellKnown.ConfigHashAnnotation]);
        var service = Assert.Single(objects.OfType<V1Service>(), s => s.Metadata.Name == "waddlebot-alertmanager");
        Assert.Equal(("web", 9093), (service.Spec.Ports.Single().Name, service.Spec.Ports.Single().Port));
    }

    [Fact]
    public void The_default_config_routes_everything_to_a_receiver_that_drops_it()
    {
        var config = YamlTree.Load(AlertmanagerConfigDocument.Render());
        Assert.Equal("null", config.Text("route", "receiver"));
        Assert.Equal(["name"], Assert.Single(config.Items("receivers")).Keys());
        Assert.Equal("null", Assert.Single(config.Items("receivers")).Text("name"));
    }

    [Fact]
    public void The_users_config_is_a_mounted_secret_key_and_no_config_map_is_rendered()
    {
        var objects = Render(Spec(config: new SecretKeyReference { Name = "alertmanager-config", Key = "alertmanager.yaml" }));
        Assert.DoesNotContain(objects, o => o is V1ConfigMap && o.Metadata.Name == "waddlebot-alertmanager-config");
        var deployment = Assert.Single(objects.OfType<V1Deployment>(), d => d.Metadata.Name == "waddlebot-alertmanager");
        var volume = deployment.Spec.Template.Spec.Volumes.Single(v => v.Name == "config");
        Assert.Equal("alertmanager-config", volume.Secret.SecretName);
        var item = Assert.Single(volume.Secret.Items);
        Assert.Equal(("alertmanager.yaml", "alertmanager.yml"), (item.Key, item.Path));
        // A different reference rolls the pod; the Secret's content cannot (the operator never reads it).
        var other = Render(Spec(config: new SecretKeyReference { Name = "alertmanager-config", Key = "other.yaml" }))
            .OfType<V1Deployment>().Single(d => d.Metadata.Name == "waddlebot-alertmanager");
        Assert.NotEqual(deployment.Spec.Template.Metadata.Annotations[WellKnown.ConfigHashAnnotation], other.Spec.Template.Metadata.Annotations[WellKnown.ConfigHashAnnotation]);
    }

    [Fact]
    public void Prometheus_sends_to_the_managed_alertmanager_and_every_external_one()
    {
        var policy = BackendTestData.Everything(spec: Spec(true, null, "http://alertmanager-operated.monitoring.svc:9093", "https://am.example.com/team-a/"));
        var alerting = YamlTree.Load(PrometheusConfigDocument.Render(policy, [])).Items("alerting", "alertmanagers");
        Assert.Equal(
            ["http  waddlebot-alertmanager.waddlebot.svc:9093", "http  alertmanager-operated.monitoring.svc:9093", "https /team-a am.example.com:443"],
            alerting.Select(a => $"{a.Text("scheme")} {(a.Has("path_prefix") ? a.Text("path_prefix") : "")} {Assert.Single(Assert.Single(a.Items("static_configs")).Items("targets")).Text()}"));
        Assert.Equal("http://waddlebot-alertmanager.waddlebot.svc:9093", AlertmanagerComponent.Instance.StatusEndpoint(policy));
    }

    [Fact]
    public void External_alertmanagers_alone_need_no_managed_one()
    {
        var policy = BackendTestData.Everything(spec: Spec(false, null, "http://alertmanager-operated.monitoring.svc:9093"));
        Assert.DoesNotContain(ManagedBackendsRenderer.Render(policy, []), o => o.Metadata.Name.StartsWith("waddlebot-alertmanager", StringComparison.Ordinal));
        var alerting = YamlTree.Load(PrometheusConfigDocument.Render(policy, [])).Items("alerting", "alertmanagers");
        Assert.Equal("alertmanager-operated.monitoring.svc:9093", Assert.Single(Assert.Single(Assert.Single(alerting).Items("static_configs")).Items("targets")).Text());
    }

    [Theory]
    [InlineData("ftp://am:9093")]
    [InlineData("http://user:pw@am:9093")]
    [InlineData("http://am:9093/?x=1")]
    [InlineData("am:9093")]
    public void A_url_prometheus_cannot_use_is_a_condition_naming_the_field(string url)
    {
        var outcome = ManagedBackendsRenderer.RenderForPolicy(BackendTestData.Everything(spec: Spec(true, null, url)), []).Outcome!;
        Assert.False(outcome.Status);
        Assert.Equal(Reasons.InvalidBackendSettings, outcome.Reason);
        Assert.Contains($"spec.alerting.alertmanager.urls: \"{url}\"", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_policy_admits_only_port_9093()
    {
        var policy = Assert.Single(Render(Spec(), networkPolicy: true).OfType<V1NetworkPolicy>(), n => n.Metadata.Name == "waddlebot-alertmanager");
        Assert.Equal([9093], policy.Spec.Ingress.Single().Ports.Select(p => int.Parse(p.Port.Value, System.Globalization.CultureInfo.InvariantCulture)));
    }
}
