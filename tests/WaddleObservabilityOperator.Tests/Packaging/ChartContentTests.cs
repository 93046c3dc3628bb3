using k8s.Models;
using WaddleObservabilityOperator.Cli;
using WaddleObservabilityOperator.Rendering.Models;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Packaging;

/// <summary>
/// What the chart renders agrees with the rest of the repository: its crds/ are config/crds, its RBAC grants exactly
/// config/rbac's rules (which RbacUsageTests proves are what the code uses) in both watch modes, its Deployment's
/// arguments are flags the operator's own parser accepts with the values' meaning, and its pods meet the restricted
/// Pod Security Standard.
/// </summary>
public sealed class ChartContentTests(HelmChart chart) : IClassFixture<HelmChart>
{
    private static readonly RbacManifests ConfigRbac = RbacManifests.Load(RepositoryLayout.PathOf("config", "rbac"));

    [Fact]
    public void Chart_crds_are_the_files_of_config_crds()
    {
        var config = RepositoryLayout.PathOf("config", "crds");
        var charted = Path.Combine(HelmChart.Directory, "crds");
        static IReadOnlyList<string> Names(string dir) => Directory.GetFiles(dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList()!;
        Assert.Equal(Names(config), Names(charted));
        foreach (var name in Names(config))
        {
            Assert.True(File.ReadAllText(Path.Combine(config, name)) == File.ReadAllText(Path.Combine(charted, name)),
                $"charts/{HelmChart.Name}/crds/{name} differs from config/crds/{name}; regenerate both with: {GenerateCommand.RegenerateCommand}");
        }
    }

    [Fact]
    public async Task Config_manager_deployment_is_the_charts_default_deployment()
    {
        var committed = File.ReadAllText(RepositoryLayout.PathOf("config", "manager", "deployment.yaml"));
        var body = string.Join('\n', committed.Split('\n').SkipWhile(line => line.StartsWith('#')));
        var rendered = await chart.TemplateAsync("helm4", "default", "--show-only", "templates/deployment.yaml");
        Assert.True(body == rendered,
            "config/manager/deployment.yaml differs from the chart's default Deployment; regenerate it below its header with: helm template "
            + $"{HelmChart.Name} charts/{HelmChart.Name} --namespace {HelmChart.ReleaseNamespace} --show-only templates/deployment.yaml");
    }

    [Fact]
    public async Task The_crds_command_writes_every_output_folder_and_generate_writes_the_charts()
    {
        var root = Path.Combine(Path.GetTempPath(), "waddle-crds-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string[] outputs = [Path.Combine(root, "config"), Path.Combine(root, "chart")];
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            var exit = await CrdsCommand.RunAsync(["--output", outputs[0], "--output", outputs[1]], stdout, stderr, CancellationToken.None);
            Assert.True(exit == 0, stderr.ToString());
            foreach (var name in Directory.GetFiles(RepositoryLayout.PathOf("config", "crds")).Select(Path.GetFileName))
            {
                Assert.Equal(File.ReadAllText(Path.Combine(outputs[0], name!)), File.ReadAllText(Path.Combine(outputs[1], name!)));
            }

            Assert.Contains($"charts/{HelmChart.Name}/crds", GenerateCommand.CrdFolders);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Theory]
    [InlineData("helm3")]
    [InlineData("helm4")]
    public async Task Watching_every_namespace_grants_config_rbac_through_a_ClusterRole(string helm)
    {
        var rbac = RbacManifests.Parse(await chart.TemplateAsync(helm, "default"));
        var operatorRole = Assert.Single(ConfigRbac.ClusterRoles);

        var clusterRole = Assert.Single(rbac.ClusterRoles);
        AssertSameGrants(operatorRole.Rules, clusterRole.Rules, "the chart's ClusterRole", "config/rbac/role.yaml");
        var binding = Assert.Single(rbac.ClusterRoleBindings);
        Assert.Equal(("ClusterRole", clusterRole.Metadata.Name), (binding.RoleRef.Kind, binding.RoleRef.Name));
        AssertBindsTheServiceAccount(rbac, binding.Subjects);

        // No Role but the leader election one.
        AssertLeaderElection(rbac);
        Assert.Single(rbac.Roles);
    }

    [Theory]
    [InlineData("helm3")]
    [InlineData("helm4")]
    public async Task Watching_listed_namespaces_grants_config_rbac_through_a_Role_in_each(string helm)
    {
        var rbac = RbacManifests.Parse(await chart.TemplateAsync(helm, "namespaced"));
        var operatorRole = Assert.Single(ConfigRbac.ClusterRoles);
        var (namespacedRules, clusterScopedRules) = SplitByScope(operatorRole.Rules);

        string[] watched = ["waddlebot", "waddlebot-staging"];
        foreach (var ns in watched)
        {
            var role = Assert.Single(rbac.Roles, r => r.Metadata.NamespaceProperty == ns);
            AssertSameGrants(namespacedRules, role.Rules, $"the chart's Role in {ns}", "config/rbac/role.yaml's rules on namespaced resources");
            var binding = Assert.Single(rbac.RoleBindings, b => b.Metadata.NamespaceProperty == ns);
            Assert.Equal(("Role", role.Metadata.Name), (binding.RoleRef.Kind, binding.RoleRef.Name));
            AssertBindsTheServiceAccount(rbac, binding.Subjects);
        }

        // Cluster-scoped resources cannot be granted by a Role: exactly those rules stay in a ClusterRole, the Namespace
        // objects limited to the watched namespaces.
        clusterScopedRules = [.. clusterScopedRules.Select(r => r.Resources.SequenceEqual(["namespaces"]) && r.ApiGroups.SequenceEqual([""])
            ? new V1PolicyRule { ApiGroups = r.ApiGroups, Resources = r.Resources, Verbs = r.Verbs, ResourceNames = watched }
            : r)];
        if (clusterScopedRules.Count == 0)
        {
            Assert.Empty(rbac.ClusterRoles);
            Assert.Empty(rbac.ClusterRoleBindings);
        }
        else
        {
            AssertSameGrants(clusterScopedRules, Assert.Single(rbac.ClusterRoles).Rules, "the chart's ClusterRole", "config/rbac/role.yaml's rules on cluster-scoped resources");
        }

        AssertLeaderElection(rbac);
        Assert.Equal(watched.Length + 1, rbac.Roles.Count);
    }

    /// <summary>Per values file: the operator's parsed flags, as the values say.</summary>
    public static TheoryData<string, string, string, bool, string> FlagsOfValues() => new()
    {
        { "helm3", "default", "", true, "waddle-observability-operator" },
        { "helm4", "default", "", true, "waddle-observability-operator" },
        { "helm4", "namespaced", "waddlebot,waddlebot-staging", true, "waddle-observability-operator" },
        { "helm4", "ha", "", true, "waddle-observability-operator-ha" },
        { "helm4", "minimal", "", false, "waddle-observability-operator" },
    };

    [Theory]
    [MemberData(nameof(FlagsOfValues))]
    public async Task Deployment_arguments_are_run_flags_with_the_values_meaning(string helm, string values, string namespaces, bool leaderElect, string leaseName)
    {
        var deployment = HelmChart.Deployment(await chart.TemplateAsync(helm, values));
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal("run", container.Args[0]);
        var options = RunOptions.Parse(container.Args.Skip(1).ToList());

        Assert.Equal(namespaces, string.Join(",", options.Namespaces));
        Assert.Equal(leaderElect, options.LeaderElect);
        if (leaderElect)
        {
            Assert.Equal((HelmChart.ReleaseNamespace, leaseName), (options.LeaderElectionNamespace, options.LeaderElectionId));
            Assert.True(deployment.Spec.Replicas >= 1);
        }
        else
        {
            Assert.Equal(1, deployment.Spec.Replicas);
        }

        // The probes and ports point at the listeners the flags open.
        var ports = container.Ports.ToDictionary(p => p.Name, p => p.ContainerPort);
        Assert.Equal($":{ports["http-metrics"]}", options.MetricsBindAddress);
        Assert.Equal($":{ports["health"]}", options.HealthProbeBindAddress);
        Assert.Equal(("/healthz", "health"), (container.LivenessProbe.HttpGet.Path, container.LivenessProbe.HttpGet.Port.Value));
        Assert.Equal(("/readyz", "health"), (container.ReadinessProbe.HttpGet.Path, container.ReadinessProbe.HttpGet.Port.Value));
        // The Lease holder's identity is the pod name.
        Assert.Contains(container.Env, e => e.Name == "POD_NAME" && e.ValueFrom?.FieldRef?.FieldPath == "metadata.name");
        Assert.Equal(HelmChart.Name, deployment.Spec.Template.Spec.ServiceAccountName);
    }

    [Fact]
    public async Task Secure_metrics_mount_the_certificate_secret_pass_its_directory_and_make_the_monitor_scrape_https_with_a_token()
    {
        var plain = HelmChart.Deployment(await chart.TemplateAsync("helm4", "default"));
        Assert.False(RunOptions.Parse(plain.Spec.Template.Spec.Containers[0].Args.Skip(1).ToList()).MetricsSecure);

        var yaml = await chart.TemplateAsync("helm4", "ha");
        var deployment = HelmChart.Deployment(yaml);
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        var options = RunOptions.Parse(container.Args.Skip(1).ToList());
        Assert.True(options.MetricsSecure);
        var mount = Assert.Single(container.VolumeMounts, m => m.MountPath == options.MetricsCertDirectory);
        Assert.True(mount.ReadOnlyProperty);
        var volume = Assert.Single(deployment.Spec.Template.Spec.Volumes, v => v.Name == mount.Name);
        Assert.Equal("waddle-observability-operator-metrics-tls", volume.Secret.SecretName);

        var monitor = yaml.Split("\n---").Single(d => d.Contains("kind: ServiceMonitor", StringComparison.Ordinal));
        Assert.Contains("scheme: https", monitor, StringComparison.Ordinal);
        Assert.Contains("bearerTokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token", monitor, StringComparison.Ordinal);
        Assert.Contains($"serverName: {HelmChart.Name}-metrics.{HelmChart.ReleaseNamespace}.svc", monitor, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_ha_values_export_the_operators_traces_and_monitor_it()
    {
        var yaml = await chart.TemplateAsync("helm4", "ha");
        var objects = HelmChart.Objects(yaml);
        var container = Assert.Single(HelmChart.Deployment(yaml).Spec.Template.Spec.Containers);
        Assert.Contains(container.Env, e => e.Name == "OTEL_EXPORTER_OTLP_ENDPOINT" && e.Value == "http://otel-collector.observability:4317");
        var monitor = Assert.Single(objects.OfType<ServiceMonitor>());
        Assert.Equal("kube-prometheus-stack", monitor.Metadata.Labels["release"]);
        var service = Assert.Single(objects.OfType<V1Service>());
        Assert.Equal("http-metrics", Assert.Single(service.Spec.Ports).TargetPort.Value);
        var budget = Assert.Single(objects.OfType<V1PodDisruptionBudget>());
        Assert.Equal("2", budget.Spec.MinAvailable.Value);
        Assert.Equal(service.Spec.Selector, budget.Spec.Selector.MatchLabels);
    }

    [Theory]
    [MemberData(nameof(HelmChart.HelmsAndValues), MemberType = typeof(HelmChart))]
    public async Task Deployment_meets_the_restricted_pod_security_standard(string helm, string values)
    {
        var template = HelmChart.Deployment(await chart.TemplateAsync(helm, values)).Spec.Template;
        Assert.Empty(RestrictedProfileCheck.Violations(template));

        // Beyond the standard: a numeric non-root user the image's runAsNonRoot check needs no passwd lookup for, and a
        // read-only root filesystem.
        var container = Assert.Single(template.Spec.Containers);
        Assert.True(container.SecurityContext.RunAsUser is > 0, "runAsUser must be a numeric non-root user");
        Assert.True(template.Spec.SecurityContext.RunAsUser is > 0, "the pod's runAsUser must be a numeric non-root user");
        Assert.True(container.SecurityContext.ReadOnlyRootFilesystem, "readOnlyRootFilesystem must be true");
    }

    private void AssertLeaderElection(RbacManifests rbac)
    {
        var expected = Assert.Single(ConfigRbac.Roles);
        var role = Assert.Single(rbac.Roles, r => r.Metadata.NamespaceProperty == HelmChart.ReleaseNamespace);
        AssertSameGrants(expected.Rules, role.Rules, "the chart's leader election Role", "config/rbac/leader_election_role.yaml");
        var binding = Assert.Single(rbac.RoleBindings, b => b.Metadata.NamespaceProperty == HelmChart.ReleaseNamespace);
        Assert.Equal(role.Metadata.Name, binding.RoleRef.Name);
        AssertBindsTheServiceAccount(rbac, binding.Subjects);
    }

    private static void AssertBindsTheServiceAccount(RbacManifests rbac, IList<Rbacv1Subject> subjects)
    {
        var account = Assert.Single(rbac.ServiceAccounts);
        var subject = Assert.Single(subjects);
        Assert.Equal(("ServiceAccount", account.Metadata.Name, HelmChart.ReleaseNamespace), (subject.Kind, subject.Name, subject.NamespaceProperty));
    }

    private static void AssertSameGrants(IEnumerable<V1PolicyRule> expected, IEnumerable<V1PolicyRule> actual, string actualName, string expectedName)
    {
        var want = Grants(expected);
        var got = Grants(actual);
        var missing = want.Except(got).ToList();
        var extra = got.Except(want).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0,
            $"{actualName} and {expectedName} differ; both are generated from the controllers' declarations: run {GenerateCommand.RegenerateCommand}\n  missing: {string.Join("; ", missing)}\n  extra: {string.Join("; ", extra)}");
    }

    /// <summary>Every (group, resource, verb) granted, with the object names a rule restricts it to.</summary>
    private static IReadOnlyList<string> Grants(IEnumerable<V1PolicyRule> rules) =>
        rules.SelectMany(rule => RbacManifests.Expand(rule).Select(p => rule.ResourceNames is { Count: > 0 } names ? $"{p} [{string.Join(",", names.Order(StringComparer.Ordinal))}]" : p.ToString()))
            .Distinct().Order(StringComparer.Ordinal).ToList();

    /// <summary>Each rule cut into the part on namespaced resources and the part on cluster-scoped ones (by the emulator's built-in kinds; custom resources the operator uses are namespaced).</summary>
    private (IReadOnlyList<V1PolicyRule> Namespaced, IReadOnlyList<V1PolicyRule> ClusterScoped) SplitByScope(IEnumerable<V1PolicyRule> rules)
    {
        var clusterScoped = chart.Tools.Api.Resources.All().Where(r => !r.Namespaced).Select(r => (r.Group, r.Plural)).ToHashSet();
        bool IsClusterScoped(string group, string resource) => clusterScoped.Contains((group, resource.Split('/')[0]));
        var namespaced = new List<V1PolicyRule>();
        var cluster = new List<V1PolicyRule>();
        foreach (var rule in rules)
        {
            foreach (var group in rule.ApiGroups)
            {
                var byScope = rule.Resources.ToLookup(r => IsClusterScoped(group, r));
                if (byScope[false].Any())
                {
                    namespaced.Add(new V1PolicyRule { ApiGroups = [group], Resources = byScope[false].ToList(), ResourceNames = rule.ResourceNames, Verbs = rule.Verbs });
                }

                if (byScope[true].Any())
                {
                    cluster.Add(new V1PolicyRule { ApiGroups = [group], Resources = byScope[true].ToList(), ResourceNames = rule.ResourceNames, Verbs = rule.Verbs });
                }
            }
        }

        return (namespaced, cluster);
    }
}
