using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using PrometheusBackend = WaddleObservabilityOperator.Rendering.Backends.PrometheusBackend;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>
/// Issue 18, the Prometheus part: remote write with Secret-referenced credentials mounted as files, and replicas (a
/// StatefulSet, a replica external label per pod, a PodDisruptionBudget, anti-affinity). The real programs prove the
/// path end to end (<c>RealPrograms/RemoteWriteProgramsTests</c>); these check the objects and the validation.
/// </summary>
public sealed class PrometheusRemoteWriteTests
{
    private static IReadOnlyList<IKubernetesObject<V1ObjectMeta>> Render(EffectivePolicy policy) => ManagedBackendsRenderer.Render(policy, []);

    private static ConditionOutcome BackendsReady(EffectivePolicy policy) => ManagedBackendsRenderer.RenderForPolicy(policy, []).Outcome!;

    private static EffectivePolicy HighlyAvailable(int replicas = 2, IReadOnlyList<RemoteWriteSpec>? remoteWrite = null, IReadOnlyList<KeyValuePair<string, string>>? externalLabels = null) =>
        BackendTestData.Policy(jaeger: false, prometheusReplicas: replicas, remoteWrite: remoteWrite ?? BackendTestData.RemoteWrites(), externalLabels: externalLabels);

    [Fact]
    public void Each_referenced_secret_is_a_read_only_volume_of_only_its_referenced_keys_and_the_config_names_those_files()
    {
        var objects = Render(HighlyAvailable());
        var template = Assert.Single(objects.OfType<V1StatefulSet>()).Spec.Template.Spec;
        var prometheus = template.Containers.Single(c => c.Name == "prometheus");
        var secretVolumes = template.Volumes.Where(v => v.Secret is not null).ToList();
        Assert.Equal(
            [("mimir.token", "token"), ("thanos-remote-write", "password")],
            secretVolumes.SelectMany(v => v.Secret.Items.Select(i => (v.Secret.SecretName, i.Key))).Order());
        Assert.All(secretVolumes, v => Assert.All(v.Secret.Items, i => Assert.Equal(i.Key, i.Path)));

        // Every file the config names is a mounted key of the Secret it references, read-only, in the Prometheus container only.
        var config = YamlTree.Load(Assert.Single(objects.OfType<V1ConfigMap>()).Data[PrometheusBackend.ConfigFileName]);
        var files = config.Items("remote_write").Select(r => r.Has("basic_auth") ? r.At("basic_auth").Text("password_file") : r.At("authorization").Text("credentials_file")).ToList();
        Assert.Equal(["/etc/prometheus-secrets/thanos-remote-write/password", "/etc/prometheus-secrets/mimir.token/token"], files);
        foreach (var file in files)
        {
            var mount = Assert.Single(prometheus.VolumeMounts, m => file.StartsWith(m.MountPath + "/", StringComparison.Ordinal));
            Assert.True(mount.ReadOnlyProperty);
            Assert.Null(mount.SubPath);
            var volume = secretVolumes.Single(v => v.Name == mount.Name);
            Assert.Equal(Path.GetFileName(mount.MountPath), volume.Secret.SecretName);
            Assert.Contains(volume.Secret.Items, i => i.Path == file[(mount.MountPath.Length + 1)..]);
        }

        var reloader = template.Containers.Single(c => c.Name == PrometheusBackend.ReloaderName);
        Assert.DoesNotContain(reloader.VolumeMounts, m => secretVolumes.Any(v => v.Name == m.Name));
        // The user name is the one credential part written as given; nothing of a Secret is in the ConfigMap.
        Assert.Equal("waddlebot", config.Items("remote_write")[0].At("basic_auth").Text("username"));
        Assert.DoesNotContain(objects.OfType<V1Secret>(), _ => true);
    }

    [Fact]
    public void Two_replicas_are_a_stateful_set_with_the_pod_name_as_replica_label_a_disruption_budget_and_anti_affinity()
    {
        var objects = Render(HighlyAvailable(replicas: 2, remoteWrite: []));
        Assert.DoesNotContain(objects, o => o is V1Deployment d && d.Metadata.Name == "waddlebot-prometheus");
        var statefulSet = Assert.Single(objects.OfType<V1StatefulSet>());
        Assert.Equal(2, statefulSet.Spec.Replicas);
        // Without storage each pod has its own emptyDir, and no claim template.
        Assert.Null(statefulSet.Spec.VolumeClaimTemplates);
        Assert.NotNull(statefulSet.Spec.Template.Spec.Volumes.Single(v => v.Name == "data").EmptyDir);

        var prometheus = statefulSet.Spec.Template.Spec.Containers.Single(c => c.Name == "prometheus");
        var podName = Assert.Single(prometheus.Env);
        Assert.Equal((PrometheusConfigDocument.PodNameVariable, "metadata.name"), (podName.Name, podName.ValueFrom.FieldRef.FieldPath));
        Assert.Contains("--enable-feature=expand-external-labels", prometheus.Args);
        var config = YamlTree.Load(Assert.Single(objects.OfType<V1ConfigMap>()).Data[PrometheusBackend.ConfigFileName]);
        Assert.Equal("${POD_NAME}", config.At("global").At("external_labels").Text("replica"));
        Assert.Equal("production", config.At("global").At("external_labels").Text("environment"));

        var budget = Assert.Single(objects.OfType<V1PodDisruptionBudget>());
        Assert.Equal(("policy/v1", "waddlebot-prometheus"), (budget.ApiVersion, budget.Metadata.Name));
        Assert.Equal("1", budget.Spec.MaxUnavailable.Value);
        Assert.Equal(statefulSet.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);
        Assert.Equal(statefulSet.Metadata.OwnerReferences.Single().Uid, budget.Metadata.OwnerReferences.Single().Uid);

        var term = Assert.Single(statefulSet.Spec.Template.Spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution);
        Assert.Equal("kubernetes.io/hostname", term.PodAffinityTerm.TopologyKey);
        Assert.Equal(statefulSet.Spec.Selector.MatchLabels, term.PodAffinityTerm.LabelSelector.MatchLabels);
        Assert.Null(statefulSet.Spec.Template.Spec.Affinity.PodAntiAffinity.RequiredDuringSchedulingIgnoredDuringExecution);
    }

    [Fact]
    public void The_replicas_alerts_reach_alertmanager_without_the_replica_label_so_it_deduplicates_them()
    {
        var everything = BackendTestData.Everything();
        var policy = everything with { Components = everything.Components.With(everything.Prometheus with { Replicas = 2 }) };
        var alerting = YamlTree.Load(PrometheusConfigDocument.Render(policy, [])).At("alerting");
        var rule = Assert.Single(alerting.Items("alert_relabel_configs"));
        Assert.Equal(("labeldrop", "replica"), (rule.Text("action"), rule.Text("regex")));

        // One Prometheus has no replica label to drop.
        Assert.False(YamlTree.Load(PrometheusConfigDocument.Render(everything, [])).At("alerting").Has("alert_relabel_configs"));
    }

    [Fact]
    public void One_replica_keeps_the_single_prometheus_as_it_was()
    {
        var objects = Render(HighlyAvailable(replicas: 1, remoteWrite: []));
        var deployment = Assert.Single(objects.OfType<V1Deployment>(), d => d.Metadata.Name == "waddlebot-prometheus");
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Null(deployment.Spec.Template.Spec.Affinity);
        Assert.Null(deployment.Spec.Template.Spec.Containers.Single(c => c.Name == "prometheus").Env);
        Assert.DoesNotContain(objects, o => o is V1PodDisruptionBudget);
        var config = YamlTree.Load(Assert.Single(objects.OfType<V1ConfigMap>()).Data[PrometheusBackend.ConfigFileName]);
        Assert.False(config.At("global").At("external_labels").Has("replica"));
        Assert.False(config.Has("remote_write"));
    }

    public static TheoryData<string, Action<RemoteWriteSpec>, string> InvalidRemoteWrites => new()
    {
        { "not http", r => r.Url = "ftp://thanos.example.com/receive", "spec.backends.prometheus.remoteWrite[0].url: \"ftp://thanos.example.com/receive\" is not an absolute http or https URL" },
        { "relative", r => r.Url = "/api/v1/push", "remoteWrite[0].url: \"/api/v1/push\" is not an absolute http or https URL" },
        { "both auths", r => r.Authorization = new RemoteWriteAuthorization { Credentials = new SecretKeyReference { Name = "t", Key = "k" } }, "remoteWrite[0]: basicAuth and authorization are both set" },
        { "basic as authorization", r => (r.BasicAuth, r.Authorization) = (null, new RemoteWriteAuthorization { Type = "basic", Credentials = new SecretKeyReference { Name = "t", Key = "k" } }), "remoteWrite[0].authorization.type: Basic is refused by Prometheus; use basicAuth" },
        { "secret without key", r => r.BasicAuth!.Password = new SecretKeyReference { Name = "thanos-remote-write" }, "remoteWrite[0].basicAuth.password needs both name and key" },
        { "reserved header", r => r.Headers!["authorization"] = "Bearer abc", "remoteWrite[0].headers: Prometheus sets \"authorization\" itself" },
        { "header name", r => r.Headers!["X Tenant"] = "a", "remoteWrite[0].headers: \"X Tenant\" is not an HTTP header name" },
        { "header line break", r => r.Headers!["X-Tenant"] = "a\r\nX-Injected: b", "remoteWrite[0].headers.X-Tenant: the value holds a control character" },
        { "duration", r => r.RemoteTimeout = "30 seconds", "remoteWrite[0].remoteTimeout: \"30 seconds\" is not a Prometheus duration" },
        { "shards", r => r.QueueConfig!.MinShards = 60, "remoteWrite[0].queueConfig: minShards 60 is more than maxShards 50" },
        { "regex", r => r.WriteRelabelConfigs![0].Regex = "go_(gc", "remoteWrite[0].writeRelabelConfigs[0].regex: \"go_(gc\" is not a regular expression" },
        { "lookahead", r => r.WriteRelabelConfigs![0].Regex = "go_(?!gc)", "uses lookaround or a backreference" },
        { "replace without target", r => r.WriteRelabelConfigs![1].TargetLabel = null, "remoteWrite[0].writeRelabelConfigs[1]: action replace needs targetLabel" },
        { "bad target", r => r.WriteRelabelConfigs![1].TargetLabel = "source-name", "writeRelabelConfigs[1].targetLabel: \"source-name\" is not a label name" },
        { "hashmod without modulus", r => r.WriteRelabelConfigs![1].Action = RelabelAction.HashMod, "writeRelabelConfigs[1]: action hashmod needs modulus" },
        { "labeldrop with source", r => r.WriteRelabelConfigs![0].Action = RelabelAction.LabelDrop, "writeRelabelConfigs[0]: action labeldrop takes regex only" },
        { "keepequal with regex", r => (r.WriteRelabelConfigs![0].Action, r.WriteRelabelConfigs![0].TargetLabel) = (RelabelAction.KeepEqual, "job"), "writeRelabelConfigs[0]: action keepequal takes sourceLabels and targetLabel only" },
    };

    [Theory]
    [MemberData(nameof(InvalidRemoteWrites))]
    public void An_invalid_remote_write_is_a_condition_naming_the_field(string what, Action<RemoteWriteSpec> spoil, string message)
    {
        var remoteWrites = BackendTestData.RemoteWrites();
        spoil(remoteWrites[0]);
        var outcome = BackendsReady(HighlyAvailable(remoteWrite: remoteWrites));
        Assert.False(outcome.Status, what);
        Assert.Equal(Reasons.InvalidBackendSettings, outcome.Reason);
        Assert.Contains(message, outcome.Message, StringComparison.Ordinal);
        Assert.Throws<BackendSettingsException>(() => Render(HighlyAvailable(remoteWrite: remoteWrites)));
    }

    [Fact]
    public void The_valid_remote_writes_and_replicas_render_without_findings()
    {
        // Control for the theory above: only its one defect makes each case invalid.
        var outcome = BackendsReady(HighlyAvailable());
        Assert.True(outcome.Status, outcome.Message);
    }

    [Fact]
    public void A_name_used_twice_is_a_condition()
    {
        var remoteWrites = BackendTestData.RemoteWrites();
        remoteWrites[1].Name = "thanos";
        var outcome = BackendsReady(HighlyAvailable(remoteWrite: remoteWrites));
        Assert.False(outcome.Status);
        Assert.Contains("spec.backends.prometheus.remoteWrite: the name \"thanos\" is used 2 times", outcome.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_replica_external_label_of_ones_own_is_refused_with_replicas_and_kept_without()
    {
        List<KeyValuePair<string, string>> labels = [new("replica", "a"), new("cluster", "waddle-prod")];
        var outcome = BackendsReady(HighlyAvailable(replicas: 2, remoteWrite: [], externalLabels: labels));
        Assert.False(outcome.Status);
        Assert.Contains("externalLabels: \"replica\" is set by the operator to each pod's name when replicas is 2 or more", outcome.Message, StringComparison.Ordinal);
        Assert.True(BackendsReady(HighlyAvailable(replicas: 1, remoteWrite: [], externalLabels: labels)).Status);
    }

    [Fact]
    public async Task The_config_with_replicas_and_remote_writes_passes_promtool()
    {
        var policy = HighlyAvailable();
        var config = PrometheusConfigDocument.Render(policy, BackendTestData.ThreeServices(policy));
        var secrets = Directory.CreateTempSubdirectory("waddle-remote-write-secrets-").FullName;
        try
        {
            // Where the kubelet would mount the Secrets' keys.
            foreach (var file in new[] { "thanos-remote-write/password", "mimir.token/token" })
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(secrets, file))!);
                await File.WriteAllTextAsync(Path.Combine(secrets, file), "secret");
            }

            var result = await PromtoolCheckTests.CheckAsync(config.Replace(RemoteWriteSecrets.Directory, secrets, StringComparison.Ordinal));
            Assert.True(result.ExitCode == 0, result.Describe());

            // Control: Prometheus refuses a header it sets itself, which the validation refuses first.
            var refused = await PromtoolCheckTests.CheckAsync(config.Replace("X-Scope-OrgID: waddlebot", "Authorization: waddlebot", StringComparison.Ordinal).Replace(RemoteWriteSecrets.Directory, secrets, StringComparison.Ordinal));
            Assert.True(refused.ExitCode != 0, refused.Describe());
            Assert.Contains("authorization header must be changed via the basic_auth", refused.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(secrets, recursive: true);
        }
    }
}
