using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Api;
using YamlDotNet.RepresentationModel;
using JaegerRender = WaddleObservabilityOperator.Rendering.Backends.JaegerBackend;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>
/// spec.backends.jaeger.storage: a golden config and golden objects per store type, the generated store read back against
/// Jaeger v2's own configuration structs, the workload each store needs, and the invalid combinations.
/// </summary>
public sealed class JaegerStorageTests
{
    private static string Golden(string fileName) => Path.Combine(RepositoryLayout.PathOf("tests", "WaddleObservabilityOperator.Tests", "Rendering", "Backends"), "Golden", fileName);

    private static EffectivePolicy PolicyWith(string type)
    {
        var (store, replicas) = BackendTestData.JaegerStore(type);
        return BackendTestData.WithJaeger(store, replicas);
    }

    private static List<k8s.IKubernetesObject<V1ObjectMeta>> JaegerObjects(EffectivePolicy policy) =>
        [.. JaegerComponent.Instance.Render(policy, BackendTestData.ThreeServices(policy))];

    [Theory]
    [MemberData(nameof(BackendTestData.JaegerStoreNames), MemberType = typeof(BackendTestData))]
    public void Config_matches_the_golden_file(string type)
    {
        GoldenFile.AssertMatches(Golden($"jaeger-{type}-config.yaml"), JaegerConfigDocument.Render(JaegerComponent.Settings(PolicyWith(type))));
    }

    [Theory]
    [MemberData(nameof(BackendTestData.JaegerStoreNames), MemberType = typeof(BackendTestData))]
    public void Objects_match_the_golden_file(string type)
    {
        GoldenFile.AssertMatches(Golden($"jaeger-{type}-objects.yaml"), ManagedBackendsGoldenTests.AsYamlStream(JaegerObjects(PolicyWith(type))));
    }

    [Fact]
    public void In_memory_config_is_unchanged_by_storage_types()
    {
        // The representative golden file predates storage types: a policy without storage renders it byte for byte.
        Assert.Equal(
            File.ReadAllText(Golden("representative-jaeger-config.yaml")),
            JaegerConfigDocument.Render(JaegerComponent.Settings(BackendTestData.WithJaeger(null))));
    }

    [Theory]
    [MemberData(nameof(BackendTestData.JaegerStoreNames), MemberType = typeof(BackendTestData))]
    public void The_store_is_one_backend_used_by_query_and_exporter_and_sampling_is_unchanged(string type)
    {
        var config = YamlTree.Load(JaegerConfigDocument.Render(JaegerComponent.Settings(PolicyWith(type))));
        var backends = config.At("extensions", "jaeger_storage", "backends");
        var name = Assert.Single(backends.Keys());
        Assert.Equal([type], backends.Keys(name));
        Assert.Equal(name, config.Text("extensions", "jaeger_query", "storage", "traces"));
        Assert.Equal(name, config.Text("exporters", "jaeger_storage_exporter", "trace_storage"));
        var memory = YamlTree.Load(JaegerConfigDocument.Render(JaegerComponent.Settings(BackendTestData.WithJaeger(null))));
        Assert.Equal(YamlTree.Save((YamlMappingNode)memory.At("extensions", "remote_sampling")), YamlTree.Save((YamlMappingNode)config.At("extensions", "remote_sampling")));
        Assert.Equal(memory.Keys(), config.Keys());
        Assert.Equal(memory.Keys("extensions"), config.Keys("extensions"));
    }

    [Theory]
    [MemberData(nameof(BackendTestData.JaegerStoreNames), MemberType = typeof(BackendTestData))]
    public void Every_store_key_is_one_of_jaegers_configuration_and_passes_its_checks(string type)
    {
        var config = YamlTree.Load(JaegerConfigDocument.Render(JaegerComponent.Settings(PolicyWith(type))));
        var backends = config.At("extensions", "jaeger_storage", "backends");
        var store = (YamlMappingNode)backends.At(backends.Keys()[0], type);
        Assert.Empty(JaegerStorageSchema.Problems(type, store));
    }

    [Theory]
    [InlineData("elasticsearch", "server_url: [http://es:9200]\nindices: {index_prefix: x}", "server_url")]
    [InlineData("elasticsearch", "server_urls: [http://es:9200]\nuse_ilm: true\ncreate_mappings: true", "use_ilm")]
    [InlineData("elasticsearch", "server_urls: []", "server_urls")]
    [InlineData("cassandra", "schema: {keyspace: k}\nconnection: {servers: [c], auth: {basic: {user: u}}}", "user")]
    [InlineData("cassandra", "schema: {keyspace: k}\nconnection: {port: 9042}", "servers")]
    [InlineData("badger", "directories: {keys: /k, values: /v}\nephemeral: false\nttl: {spans: 3d}", "ttl.spans")]
    public void The_schema_check_finds_what_jaeger_refuses(string type, string yaml, string expected)
    {
        // Controls: a misspelt key, combinations Jaeger's Validate refuses, a Go duration Go cannot parse.
        var problems = JaegerStorageSchema.Problems(type, YamlTree.Load(yaml));
        Assert.Contains(problems, p => p.Contains(expected, StringComparison.Ordinal));
    }

    [Fact]
    public void Passwords_are_environment_references_filled_from_the_secret()
    {
        foreach (var type in new[] { "elasticsearch", "cassandra" })
        {
            var policy = PolicyWith(type);
            var objects = JaegerObjects(policy);
            var config = Assert.Single(objects.OfType<V1ConfigMap>()).Data[JaegerRender.ConfigFileName];
            Assert.Contains("password: ${env:JAEGER_STORAGE_PASSWORD}", config, StringComparison.Ordinal);
            Assert.Contains("username: ${env:JAEGER_STORAGE_USERNAME}", config, StringComparison.Ordinal);
            var env = Assert.Single(Template(objects).Spec.Containers).Env;
            Assert.Equal(["JAEGER_STORAGE_USERNAME", "JAEGER_STORAGE_PASSWORD"], env.Select(e => e.Name));
            Assert.All(env, e =>
            {
                Assert.Null(e.Value);
                Assert.NotNull(e.ValueFrom.SecretKeyRef);
            });
        }
    }

    [Fact]
    public void The_ca_is_a_secret_volume_that_tls_ca_file_points_into()
    {
        var objects = JaegerObjects(PolicyWith("elasticsearch"));
        var config = YamlTree.Load(Assert.Single(objects.OfType<V1ConfigMap>()).Data[JaegerRender.ConfigFileName]);
        var caFile = config.Text("extensions", "jaeger_storage", "backends", "elasticsearch", "elasticsearch", "tls", "ca_file");
        var pod = Template(objects).Spec;
        var volume = Assert.Single(pod.Volumes, v => v.Secret is not null);
        Assert.Equal("jaeger-es-ca", volume.Secret.SecretName);
        var mount = Assert.Single(pod.Containers[0].VolumeMounts, m => m.Name == volume.Name);
        Assert.Null(mount.SubPath);
        Assert.Equal($"{mount.MountPath}/{Assert.Single(volume.Secret.Items).Path}", caFile);
    }

    [Fact]
    public void Memory_is_one_recreated_pod_without_a_disruption_budget()
    {
        var objects = JaegerObjects(PolicyWith("memory"));
        var deployment = Assert.Single(objects.OfType<V1Deployment>());
        Assert.Equal(1, deployment.Spec.Replicas);
        Assert.Equal("Recreate", deployment.Spec.Strategy.Type);
        Assert.Null(deployment.Spec.Template.Spec.Affinity);
        Assert.False(deployment.Spec.Template.Metadata.Annotations.ContainsKey(JaegerRender.StorageAnnotation));
        Assert.Empty(objects.OfType<V1PodDisruptionBudget>());
    }

    [Fact]
    public void Badger_is_a_statefulset_of_one_pod_whose_claim_holds_keys_and_values()
    {
        var objects = JaegerObjects(PolicyWith("badger"));
        Assert.Empty(objects.OfType<V1Deployment>());
        var set = Assert.Single(objects.OfType<V1StatefulSet>());
        Assert.Equal(1, set.Spec.Replicas);
        var claim = Assert.Single(set.Spec.VolumeClaimTemplates);
        Assert.Equal("20Gi", claim.Spec.Resources.Requests["storage"].ToString());
        Assert.Equal("fast-ssd", claim.Spec.StorageClassName);
        Assert.Equal("Retain", set.Spec.PersistentVolumeClaimRetentionPolicy.WhenDeleted);
        var mount = Assert.Single(set.Spec.Template.Spec.Containers[0].VolumeMounts, m => m.Name == claim.Metadata.Name);
        var config = YamlTree.Load(Assert.Single(objects.OfType<V1ConfigMap>()).Data[JaegerRender.ConfigFileName]);
        var badger = config.At("extensions", "jaeger_storage", "backends", "badger", "badger");
        Assert.StartsWith(mount.MountPath + "/", badger.Text("directories", "keys"), StringComparison.Ordinal);
        Assert.StartsWith(mount.MountPath + "/", badger.Text("directories", "values"), StringComparison.Ordinal);
        Assert.Equal("false", badger.Text("ephemeral"));
        Assert.Equal(JaegerRender.UserId, set.Spec.Template.Spec.SecurityContext.FsGroup);
        Assert.Equal("badger", set.Spec.Template.Metadata.Annotations[JaegerRender.StorageAnnotation]);
    }

    [Theory]
    [InlineData("elasticsearch", 3)]
    [InlineData("opensearch", 2)]
    [InlineData("cassandra", 2)]
    public void A_remote_store_runs_its_replicas_rolling_spread_over_nodes_with_a_disruption_budget(string type, int replicas)
    {
        var objects = JaegerObjects(PolicyWith(type));
        var deployment = Assert.Single(objects.OfType<V1Deployment>());
        Assert.Equal(replicas, deployment.Spec.Replicas);
        Assert.Equal("RollingUpdate", deployment.Spec.Strategy.Type);
        var term = Assert.Single(deployment.Spec.Template.Spec.Affinity.PodAntiAffinity.PreferredDuringSchedulingIgnoredDuringExecution).PodAffinityTerm;
        Assert.Equal("kubernetes.io/hostname", term.TopologyKey);
        Assert.Equal(deployment.Spec.Selector.MatchLabels, term.LabelSelector.MatchLabels);
        var budget = Assert.Single(objects.OfType<V1PodDisruptionBudget>());
        Assert.Equal("policy/v1", budget.ApiVersion);
        Assert.Equal(deployment.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);
        Assert.Equal("1", budget.Spec.MaxUnavailable.Value);
        Assert.Equal(type, deployment.Spec.Template.Metadata.Annotations[JaegerRender.StorageAnnotation]);
    }

    [Fact]
    public void One_remote_replica_has_no_disruption_budget()
    {
        var (store, _) = BackendTestData.JaegerStore("cassandra");
        var objects = JaegerObjects(BackendTestData.WithJaeger(store, replicas: 1));
        Assert.Empty(objects.OfType<V1PodDisruptionBudget>());
        Assert.Null(Assert.Single(objects.OfType<V1Deployment>()).Spec.Template.Spec.Affinity);
    }

    public static TheoryData<string, string> InvalidSpecs() => new()
    {
        { "storage: {type: badger}\nreplicas: 2", "spec.backends.jaeger.replicas is 2, but badger" },
        { "replicas: 3", "spec.backends.jaeger.replicas is 3, but the in-memory store" },
        { "storage: {type: elasticsearch}", "spec.backends.jaeger.storage.elasticsearch.serverUrls is required" },
        { "storage: {type: opensearch, opensearch: {serverUrls: []}}", "spec.backends.jaeger.storage.opensearch.serverUrls is required" },
        { "storage: {type: cassandra, cassandra: {keyspace: k}}", "spec.backends.jaeger.storage.cassandra.servers is required" },
        { "storage: {cassandra: {servers: [c]}}", "spec.backends.jaeger.storage.cassandra set, but spec.backends.jaeger.storage.type is not set (memory)" },
        { "storage: {type: elasticsearch, elasticsearch: {serverUrls: [\"http://es:9200\"], passwordSecretRef: {name: s, key: p}}}", "usernameSecretRef and passwordSecretRef go together" },
        { "storage: {type: elasticsearch, elasticsearch: {serverUrls: [\"http://elastic:changeme@es:9200\"]}}", "is not an absolute http or https URL without credentials" },
        { "storage: {type: badger, badger: {retention: 0h}}", "is not a positive Go duration" },
    };

    [Theory]
    [MemberData(nameof(InvalidSpecs))]
    public void An_invalid_combination_is_a_condition_and_renders_nothing(string jaegerYaml, string expected)
    {
        var jaeger = k8s.KubernetesYaml.Deserialize<WaddleObservabilityOperator.Api.JaegerBackend>("managed: true\n" + jaegerYaml);
        var spec = new ObservabilityPolicySpec { Backends = new BackendsPolicy { Jaeger = jaeger } };
        var basis = BackendTestData.Policy(prometheus: false);
        var policy = basis with { Components = basis.Components.With(JaegerComponent.Instance.Resolve(spec, owned: true)) };

        var result = ManagedBackendsRenderer.RenderForPolicy(policy, []);
        var outcome = result.Outcome!;
        Assert.False(outcome.Status);
        Assert.Equal(Reasons.InvalidBackendSettings, outcome.Reason);
        Assert.Contains(expected, outcome.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(result.Objects, o => o.Metadata.Name.StartsWith("waddlebot-jaeger", StringComparison.Ordinal));
        Assert.Throws<BackendSettingsException>(() => ManagedBackendsRenderer.Render(policy, []));
    }

    [Theory]
    [InlineData(null, "elasticsearch", "from memory to elasticsearch", "the traces held in memory are not migrated")]
    [InlineData("elasticsearch", "cassandra", "from elasticsearch to cassandra", "the traces already in elasticsearch stay there")]
    [InlineData("badger", "opensearch", "from badger to opensearch", "claim data-waddlebot-jaeger-0 is kept")]
    public void A_storage_type_change_against_the_running_workload_is_told(string? running, string desired, string change, string traces)
    {
        var before = JaegerObjects(running is null ? PolicyWith("memory") : PolicyWith(running))
            .Where(o => o is V1Deployment or V1StatefulSet).ToList();
        var policy = PolicyWith(desired);

        var result = ManagedBackendsRenderer.RenderForPolicy(policy, BackendTestData.ThreeServices(policy), before);
        var told = Assert.Single(result.Changes);
        Assert.Equal(Reasons.JaegerStorageChanged, told.Reason);
        Assert.Contains(change, told.Message, StringComparison.Ordinal);
        Assert.Contains(traces, told.Message, StringComparison.Ordinal);
        Assert.Contains(told.Message, result.Outcome!.Message, StringComparison.Ordinal);

        // Once the workload runs the new type, nothing is told but the lasting note.
        var after = result.Objects.Where(o => o is V1Deployment or V1StatefulSet).ToList();
        var settled = ManagedBackendsRenderer.RenderForPolicy(policy, BackendTestData.ThreeServices(policy), after);
        Assert.Empty(settled.Changes);
        Assert.Contains("traces an earlier in-memory Jaeger held are not migrated", settled.Outcome!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_type_is_no_change_and_memory_has_no_note()
    {
        var policy = PolicyWith("memory");
        var running = JaegerObjects(policy).Where(o => o is V1Deployment).ToList();
        var result = ManagedBackendsRenderer.RenderForPolicy(policy, BackendTestData.ThreeServices(policy), running);
        Assert.Empty(result.Changes);
        Assert.DoesNotContain("migrated", result.Outcome!.Message, StringComparison.Ordinal);
    }

    private static V1PodTemplateSpec Template(IEnumerable<k8s.IKubernetesObject<V1ObjectMeta>> objects) =>
        objects.OfType<V1Deployment>().Select(d => d.Spec.Template).Concat(objects.OfType<V1StatefulSet>().Select(s => s.Spec.Template)).Single();
}
