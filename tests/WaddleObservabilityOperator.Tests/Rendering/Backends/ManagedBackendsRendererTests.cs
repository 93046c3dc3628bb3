using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

public sealed class ManagedBackendsRendererTests
{
    private static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy, IReadOnlyList<ResolvedService>? services = null) =>
        ManagedBackendsRenderer.Render(policy, services ?? BackendTestData.ThreeServices(policy));

    private static T Single<T>(IEnumerable<IKubernetesObject<V1ObjectMeta>> objects, string name)
        where T : IKubernetesObject<V1ObjectMeta> =>
        Assert.Single(objects.OfType<T>(), o => o.Metadata.Name == name);

    [Fact]
    public void Nothing_is_rendered_when_no_backend_is_managed()
    {
        Assert.Empty(Render(BackendTestData.Policy(jaeger: false, prometheus: false)));
        Assert.Empty(Render(BackendTestData.Policy(jaeger: false, prometheus: false, name: "a.dotted.name-that-would-be-invalid-for-a-service-name")));
    }

    [Theory]
    [InlineData(true, false, false, new[] { "ConfigMap/waddlebot-jaeger-config", "Deployment/waddlebot-jaeger", "Service/waddlebot-jaeger" })]
    [InlineData(true, false, true, new[] { "ConfigMap/waddlebot-jaeger-config", "Deployment/waddlebot-jaeger", "Service/waddlebot-jaeger", "NetworkPolicy/waddlebot-jaeger" })]
    [InlineData(false, true, false, new[] { "ServiceAccount/waddlebot-prometheus", "Role/waddlebot-prometheus", "RoleBinding/waddlebot-prometheus", "ConfigMap/waddlebot-prometheus-config", "Deployment/waddlebot-prometheus", "Service/waddlebot-prometheus" })]
    [InlineData(false, true, true, new[] { "ServiceAccount/waddlebot-prometheus", "Role/waddlebot-prometheus", "RoleBinding/waddlebot-prometheus", "ConfigMap/waddlebot-prometheus-config", "Deployment/waddlebot-prometheus", "Service/waddlebot-prometheus", "NetworkPolicy/waddlebot-prometheus" })]
    public void Each_backend_renders_its_objects_in_order(bool jaeger, bool prometheus, bool networkPolicy, string[] expected)
    {
        var objects = Render(BackendTestData.Policy(jaeger: jaeger, prometheus: prometheus, networkPolicy: networkPolicy));
        Assert.Equal(expected, objects.Select(o => $"{o.Kind}/{o.Metadata.Name}"));
    }

    [Fact]
    public void Every_object_carries_the_labels_and_the_controller_owner_reference()
    {
        foreach (var item in Render(BackendTestData.Policy(networkPolicy: true)))
        {
            var meta = item.Metadata;
            Assert.Equal(BackendTestData.Namespace, meta.NamespaceProperty);
            Assert.Equal(WellKnown.ManagedByValue, meta.Labels[WellKnown.ManagedByLabel]);
            Assert.Equal(BackendTestData.PolicyName, meta.Labels[WellKnown.PolicyLabel]);
            Assert.Contains(meta.Labels[WellKnown.NameLabel], new[] { "jaeger", "prometheus" });
            Assert.Equal($"{BackendTestData.PolicyName}-{meta.Labels[WellKnown.NameLabel]}", meta.Labels[WellKnown.InstanceLabel]);
            Assert.False(string.IsNullOrEmpty(meta.Labels[WellKnown.ComponentLabel]));
            var owner = Assert.Single(meta.OwnerReferences);
            Assert.Equal(ApiGroup.ApiVersion, owner.ApiVersion);
            Assert.Equal(ObservabilityPolicy.KindName, owner.Kind);
            Assert.Equal(BackendTestData.PolicyName, owner.Name);
            Assert.Equal(BackendTestData.PolicyUid, owner.Uid);
            Assert.True(owner.Controller);
            Assert.True(owner.BlockOwnerDeletion);
        }
    }

    [Fact]
    public void Without_a_uid_no_owner_reference_is_invented()
    {
        Assert.All(Render(BackendTestData.Policy(uid: null)), o => Assert.Null(o.Metadata.OwnerReferences));
    }

    [Fact]
    public void Jaeger_mounts_both_config_maps_as_directories_and_points_at_the_sampling_file()
    {
        var deployment = Single<V1Deployment>(Render(BackendTestData.Policy()), "waddlebot-jaeger");
        var pod = deployment.Spec.Template.Spec;
        var container = Assert.Single(pod.Containers);
        Assert.All(container.VolumeMounts, m => Assert.Null(m.SubPath));
        Assert.All(container.VolumeMounts, m => Assert.Null(m.SubPathExpr));

        var sampling = Assert.Single(pod.Volumes, v => v.ConfigMap?.Name == ChildNames.SamplingConfigMap(BackendTestData.PolicyName));
        var samplingMount = Assert.Single(container.VolumeMounts, m => m.Name == sampling.Name);
        Assert.Null(sampling.ConfigMap.Items);
        Assert.Equal(JaegerConfigDocument.SamplingFilePath, $"{samplingMount.MountPath}/{ChildNames.SamplingFileName}");

        var config = Assert.Single(pod.Volumes, v => v.ConfigMap?.Name == "waddlebot-jaeger-config");
        var configMount = Assert.Single(container.VolumeMounts, m => m.Name == config.Name);
        Assert.Equal(["--config", $"{configMount.MountPath}/config.yaml"], container.Args);
        Assert.Equal("jaegertracing/jaeger:2.19.0", container.Image);
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Equal("Recreate", deployment.Spec.Strategy.Type);
    }

    [Fact]
    public void Jaeger_service_and_container_expose_every_port_by_name()
    {
        var objects = Render(BackendTestData.Policy());
        var expected = new (string, int)[]
        {
            ("otlp-grpc", 4317), ("otlp-http", 4318), ("query", 16686), ("sampling-http", 5778), ("sampling-grpc", 5779), ("health", 13133),
        };
        var service = Single<V1Service>(objects, "waddlebot-jaeger");
        Assert.Equal(expected, service.Spec.Ports.Select(p => (p.Name, p.Port)));
        Assert.All(service.Spec.Ports, p => Assert.Equal(p.Name, p.TargetPort.Value));
        var container = Assert.Single(Single<V1Deployment>(objects, "waddlebot-jaeger").Spec.Template.Spec.Containers);
        Assert.Equal(expected, container.Ports.Select(p => (p.Name, p.ContainerPort)));
        Assert.Equal("/status", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("health", container.LivenessProbe.HttpGet.Port.Value);
        Assert.Equal(service.Spec.Selector, Single<V1Deployment>(objects, "waddlebot-jaeger").Spec.Selector.MatchLabels);
    }

    [Fact]
    public void Jaeger_config_hash_follows_config_yaml_but_not_the_sampling_settings()
    {
        static string Hash(EffectivePolicy policy) =>
            Single<V1Deployment>(Render(policy), "waddlebot-jaeger").Spec.Template.Metadata.Annotations[WellKnown.ConfigHashAnnotation];

        var baseline = Hash(BackendTestData.Policy());
        var configMap = Single<V1ConfigMap>(Render(BackendTestData.Policy()), "waddlebot-jaeger-config");
        Assert.Equal(ConfigHash.Of(configMap.Data["config.yaml"]), baseline);
        Assert.Equal(baseline, Hash(BackendTestData.Policy(defaultRatio: 0.9)));
        Assert.NotEqual(baseline, Hash(BackendTestData.Policy(maxTraces: 20_000)));
    }

    [Fact]
    public void A_service_joining_changes_the_prometheus_config_map_but_not_its_pod_template()
    {
        var policy = BackendTestData.Policy();
        var services = BackendTestData.ThreeServices(policy);
        var before = Render(policy, services);
        var after = Render(policy, [.. services, BackendTestData.Service(policy, "discord")]);

        Assert.NotEqual(
            Single<V1ConfigMap>(before, "waddlebot-prometheus-config").Data["prometheus.yml"],
            Single<V1ConfigMap>(after, "waddlebot-prometheus-config").Data["prometheus.yml"]);
        var template = Single<V1Deployment>(before, "waddlebot-prometheus").Spec.Template;
        Assert.Equal(KubernetesJson.Serialize(template), KubernetesJson.Serialize(Single<V1Deployment>(after, "waddlebot-prometheus").Spec.Template));
        Assert.False(template.Metadata.Annotations?.ContainsKey(WellKnown.ConfigHashAnnotation) ?? false);
    }

    [Fact]
    public void Prometheus_without_storage_is_a_deployment_with_an_empty_dir()
    {
        var objects = Render(BackendTestData.Policy());
        Assert.Empty(objects.OfType<V1StatefulSet>());
        var deployment = Single<V1Deployment>(objects, "waddlebot-prometheus");
        var pod = deployment.Spec.Template.Spec;
        Assert.NotNull(Assert.Single(pod.Volumes, v => v.Name == "data").EmptyDir);
        Assert.Equal(
            ["--config.file=/etc/prometheus/prometheus.yml", "--storage.tsdb.path=/prometheus", "--storage.tsdb.retention.time=30d", "--web.enable-lifecycle", "--enable-feature=exemplar-storage", "--enable-feature=expand-external-labels"],
            Assert.Single(pod.Containers, c => c.Name == "prometheus").Args);
    }

    [Theory]
    [InlineData("fast-ssd", "fast-ssd")]
    [InlineData(null, null)]
    [InlineData("", null)]
    public void Prometheus_with_storage_is_a_stateful_set_with_a_claim_template(string? storageClass, string? expectedClass)
    {
        var objects = Render(BackendTestData.Policy(storage: new PersistentStorage { Size = "20Gi", StorageClassName = storageClass }));
        Assert.DoesNotContain(objects, o => o is V1Deployment && o.Metadata.Name == "waddlebot-prometheus");
        var statefulSet = Single<V1StatefulSet>(objects, "waddlebot-prometheus");
        var claim = Assert.Single(statefulSet.Spec.VolumeClaimTemplates);
        Assert.Equal("data", claim.Metadata.Name);
        Assert.Equal(new ResourceQuantity("20Gi"), claim.Spec.Resources.Requests["storage"]);
        Assert.Equal(expectedClass, claim.Spec.StorageClassName);
        Assert.Equal(["ReadWriteOnce"], claim.Spec.AccessModes);
        Assert.Equal("Retain", statefulSet.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted);
        Assert.DoesNotContain(statefulSet.Spec.Template.Spec.Volumes, v => v.Name == "data");
        Assert.Contains(Assert.Single(statefulSet.Spec.Template.Spec.Containers, c => c.Name == "prometheus").VolumeMounts, m => m.Name == "data" && m.MountPath == "/prometheus");
    }

    [Fact]
    public void Prometheus_discovery_rbac_is_namespaced_read_only_and_bound_to_its_account()
    {
        var objects = Render(BackendTestData.Policy());
        var role = Single<V1Role>(objects, "waddlebot-prometheus");
        Assert.All(role.Rules, r => Assert.Equal(["get", "list", "watch"], r.Verbs));
        Assert.Equal(["endpoints", "pods", "services"], Assert.Single(role.Rules, r => r.ApiGroups.SequenceEqual([""])).Resources);
        Assert.Equal(["endpointslices"], Assert.Single(role.Rules, r => r.ApiGroups.SequenceEqual(["discovery.k8s.io"])).Resources);
        var binding = Single<V1RoleBinding>(objects, "waddlebot-prometheus");
        Assert.Equal(("Role", role.Metadata.Name), (binding.RoleRef.Kind, binding.RoleRef.Name));
        var subject = Assert.Single(binding.Subjects);
        Assert.Equal(("ServiceAccount", "waddlebot-prometheus", BackendTestData.Namespace), (subject.Kind, subject.Name, subject.NamespaceProperty));
        Assert.Single(objects.OfType<V1ServiceAccount>(), a => a.Metadata.Name == "waddlebot-prometheus");
        var container = Assert.Single(Single<V1Deployment>(objects, "waddlebot-prometheus").Spec.Template.Spec.Containers, c => c.Name == "prometheus");
        Assert.Equal(("/-/ready", "/-/healthy"), (container.ReadinessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Path));
        Assert.Equal(9090, Assert.Single(Single<V1Service>(objects, "waddlebot-prometheus").Spec.Ports).Port);
    }

    [Fact]
    public void Network_policies_admit_only_the_backend_ports_to_the_backend_pods()
    {
        var objects = Render(BackendTestData.Policy(networkPolicy: true));
        var jaeger = Single<V1NetworkPolicy>(objects, "waddlebot-jaeger");
        Assert.Equal(["Ingress"], jaeger.Spec.PolicyTypes);
        Assert.Equal(Single<V1Service>(objects, "waddlebot-jaeger").Spec.Selector, jaeger.Spec.PodSelector.MatchLabels);
        var rule = Assert.Single(jaeger.Spec.Ingress);
        Assert.Null(rule.FromProperty);
        Assert.Equal(["4317", "4318", "16686", "5778", "5779", "13133"], rule.Ports.Select(p => p.Port.Value));
        var prometheus = Single<V1NetworkPolicy>(objects, "waddlebot-prometheus");
        Assert.Equal(["9090"], Assert.Single(prometheus.Spec.Ingress).Ports.Select(p => p.Port.Value));
    }

    [Fact]
    public void Resources_of_the_policy_replace_the_defaults()
    {
        var resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["memory"] = new("3Gi") } };
        var policy = BackendTestData.Policy() with
        {
            Jaeger = BackendTestData.Policy().Jaeger with { Resources = resources },
        };
        var container = Assert.Single(Single<V1Deployment>(Render(policy), "waddlebot-jaeger").Spec.Template.Spec.Containers);
        Assert.Same(resources, container.Resources);
    }

    [Fact]
    public void Prometheus_scrapes_only_this_policys_services_with_metrics_on()
    {
        var policy = BackendTestData.Policy();
        var other = BackendTestData.Policy(name: "other");
        var config = YamlTree.Load(PrometheusConfigDocument.Render(policy,
        [
            BackendTestData.Service(policy, "zeta"),
            BackendTestData.Service(policy, "quiet", metrics: false),
            BackendTestData.Service(other, "foreign"),
            BackendTestData.Service(policy, "alpha"),
        ]));
        Assert.Equal(
            ["waddle/waddlebot/alpha", "waddle/waddlebot/zeta", "prometheus"],
            config.Items("scrape_configs").Select(j => j.Text("job_name")));
        var self = config.Items("scrape_configs")[^1];
        Assert.Equal("localhost:9090", self.Items("static_configs")[0].Items("targets")[0].Text());
    }

    [Theory]
    [InlineData("15s", "10s", "15s", "10s", "10s")]
    [InlineData("15s", "10s", "5s", "10s", "5s")]
    [InlineData("15s", "20s", "1m", "15s", "20s")]
    public void Timeouts_never_exceed_their_interval(string globalInterval, string globalTimeout, string jobInterval, string expectedGlobalTimeout, string expectedJobTimeout)
    {
        var policy = BackendTestData.Policy(scrapeInterval: globalInterval, scrapeTimeout: globalTimeout);
        var config = YamlTree.Load(PrometheusConfigDocument.Render(policy, [BackendTestData.Service(policy, "svc", interval: jobInterval)]));
        Assert.Equal(expectedGlobalTimeout, config.Text("global", "scrape_timeout"));
        var job = config.Items("scrape_configs")[0];
        Assert.Equal(jobInterval, job.Text("scrape_interval"));
        Assert.Equal(expectedJobTimeout, job.Text("scrape_timeout"));
    }

    [Fact]
    public void Endpoints_are_in_cluster_service_urls()
    {
        var policy = BackendTestData.Policy();
        Assert.Equal("http://waddlebot-jaeger.waddlebot.svc:4317", JaegerComponent.Endpoint(policy));
        Assert.Equal(
            "http://waddlebot-jaeger.waddlebot.svc:4318",
            JaegerComponent.Endpoint(policy with { Tracing = policy.Tracing with { Protocol = OtlpProtocol.HttpProtobuf } }));
        Assert.Equal("http://waddlebot-jaeger.waddlebot.svc:5779", JaegerComponent.SamplingGrpcEndpoint(policy));
        Assert.Equal("http://waddlebot-jaeger.waddlebot.svc:5778/sampling", JaegerComponent.SamplingHttpEndpoint(policy));
        Assert.Equal("http://waddlebot-jaeger.waddlebot.svc:16686", JaegerComponent.QueryEndpoint(policy));
        Assert.Equal("http://waddlebot-prometheus.waddlebot.svc:9090", PrometheusComponent.Endpoint(policy));
        // The addresses name the rendered Services.
        var services = Render(policy).OfType<V1Service>().Select(s => s.Metadata.Name).ToList();
        Assert.Equal([JaegerComponent.InstanceName(BackendTestData.PolicyName), PrometheusComponent.InstanceName(BackendTestData.PolicyName)], services);
    }

    public static TheoryData<string, EffectivePolicy, string> InvalidPolicies() => new()
    {
        { "dotted name", BackendTestData.Policy(name: "waddle.bot"), "metadata.name: the policy name \"waddle.bot\" gives the Service and Deployment name \"waddle.bot-jaeger\"" },
        { "long name", BackendTestData.Policy(name: new string('a', 53)), "Service and Deployment name \"" + new string('a', 53) + "-prometheus\", which must be at most 63" },
        { "long name with storage", BackendTestData.Policy(name: new string('a', 42), storage: new PersistentStorage { Size = "1Gi" }), "Service and StatefulSet name \"" + new string('a', 42) + "-prometheus\", which must be at most 52" },
        { "external label", BackendTestData.Policy(externalLabels: [new("bad-name", "x")]), "spec.backends.prometheus.externalLabels: \"bad-name\" is not a valid Prometheus label name" },
        { "duplicate external label", BackendTestData.Policy(externalLabels: [new("env", "a"), new("env", "b")]), "\"env\" is given more than once" },
        { "interval", BackendTestData.Policy(scrapeInterval: "1.5s"), "spec.metrics.scrapeInterval: \"1.5s\" is not a Prometheus duration" },
        { "timeout", BackendTestData.Policy(scrapeTimeout: "10"), "spec.metrics.scrapeTimeout: \"10\" is not a Prometheus duration" },
        { "max traces", BackendTestData.Policy(maxTraces: 0), "spec.backends.jaeger.maxTraces must be at least 1, got 0." },
        { "storage size", BackendTestData.Policy(storage: new PersistentStorage { Size = "lots" }), "spec.backends.prometheus.storage.size: \"lots\" is not a Kubernetes quantity" },
        { "built-in", BackendTestData.Policy() with { Name = null }, "Managed backends need an ObservabilityPolicy to own them" },
    };

    [Theory]
    [MemberData(nameof(InvalidPolicies))]
    public void Invalid_settings_fail_with_a_message_naming_the_field(string why, EffectivePolicy policy, string expected)
    {
        var services = policy.Name is null ? [] : BackendTestData.ThreeServices(policy);
        var problems = ManagedBackendsRenderer.Validate(policy, services);
        Assert.True(problems.Any(p => p.Contains(expected, StringComparison.Ordinal)), $"{why}: {string.Join(" | ", problems)}");
        var error = Assert.Throws<BackendSettingsException>(() => ManagedBackendsRenderer.Render(policy, services));
        Assert.Equal(problems, error.Problems);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_services_are_named_in_the_message()
    {
        var policy = BackendTestData.Policy();
        var problems = ManagedBackendsRenderer.Validate(policy,
        [
            BackendTestData.Service(policy, "router", interval: "soon"),
            BackendTestData.Service(policy, "ai", port: ""),
            BackendTestData.Service(policy, "slack", path: "metrics"),
            BackendTestData.Service(policy, "twitch"),
            BackendTestData.Service(policy, "twitch"),
            BackendTestData.Service(policy, "youtube", selector: [new("app.kubernetes.io/name", "yt"), new("app_kubernetes_io/name", "yt"), new("tier", "x")]),
        ]);
        Assert.Equal(
        [
            "WaddleService waddlebot/ai: spec.metrics.port must name a Service port.",
            "WaddleService waddlebot/router: spec.metrics.interval: \"soon\" is not a Prometheus duration (e.g. 15s, 1m30s, 30d).",
            "WaddleService waddlebot/slack: spec.metrics.path must start with '/', got \"metrics\".",
            "WaddleService waddlebot/youtube: spec.metrics.selector keys \"app.kubernetes.io/name\", \"app_kubernetes_io/name\" all become the Prometheus label \"app_kubernetes_io_name\"; keep one of them.",
            "WaddleService waddlebot/twitch is listed 2 times; each service is scraped by one job.",
        ], problems);
    }

    [Fact]
    public void Valid_representative_settings_have_no_problems()
    {
        var policy = BackendTestData.Policy(storage: new PersistentStorage { Size = "20Gi" }, networkPolicy: true);
        Assert.Empty(ManagedBackendsRenderer.Validate(policy, BackendTestData.ThreeServices(policy)));
    }
}
