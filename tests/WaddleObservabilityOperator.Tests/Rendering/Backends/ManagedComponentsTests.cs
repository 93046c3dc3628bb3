using System.Reflection;
using System.Text.Json.Serialization;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>The registry of managed components agrees with the API and the docs: what docs/architecture.md's recipe relies on.</summary>
public sealed class ManagedComponentsTests
{
    public static TheoryData<string> Names() => [.. ManagedComponents.All.Select(c => c.Name)];

    private static IManagedComponent Component(string name) => ManagedComponents.All.Single(c => c.Name == name);

    [Fact]
    public void Names_and_spec_paths_are_unique_and_Jaeger_comes_before_Prometheus()
    {
        var names = ManagedComponents.All.Select(c => c.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(names.Count, ManagedComponents.All.Select(c => c.SpecPath).Distinct(StringComparer.Ordinal).Count());
        // The order of the objects, problems and messages (and so of the golden files) is the registration order.
        Assert.True(names.IndexOf("jaeger") < names.IndexOf("prometheus"));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_is_declared_in_the_api_at_its_spec_path_which_ends_in_its_name(string name)
    {
        var path = Component(name).SpecPath.Split('.');
        Assert.Equal("spec", path[0]);
        Assert.Equal(name, path[^1]);
        var type = typeof(ObservabilityPolicySpec);
        foreach (var field in path.Skip(1))
        {
            var property = type.GetProperties().SingleOrDefault(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name == field);
            Assert.True(property is not null, $"{Component(name).SpecPath}: {type.Name} has no field {field}");
            type = property.PropertyType.IsGenericType ? property.PropertyType.GetGenericArguments()[^1] : property.PropertyType;
        }
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_with_an_endpoint_puts_it_into_the_status_field_of_its_name_and_the_others_have_none(string name)
    {
        var component = Component(name);
        var statusFields = typeof(ObservabilityPolicyStatus).GetProperties().Where(p => p.PropertyType == typeof(BackendStatus)).ToList();
        if (component.StatusEndpoint(BackendTestData.Everything()) is null)
        {
            Assert.DoesNotContain(name, statusFields.Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name));
            return;
        }

        var status = new ObservabilityPolicyStatus();
        component.SetStatus(status, new BackendStatus { Endpoint = "http://x" });
        var set = statusFields.Where(p => p.GetValue(status) is not null).Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name);
        Assert.Equal([name], set);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_is_described_in_managed_backends_md(string name)
    {
        var doc = File.ReadAllLines(RepositoryLayout.PathOf("docs", "managed-backends.md"));
        Assert.Contains(doc, line => line.StartsWith($"## {Component(name).DisplayName}", StringComparison.Ordinal));
    }

    [Fact]
    public void The_defaults_resolve_every_component_and_manage_none_without_a_policy()
    {
        var builtIn = WaddleBotDefaults.BuiltIn("waddlebot");
        Assert.All(ManagedComponents.All, c => Assert.False(c.IsManaged(builtIn)));
        Assert.Empty(ManagedComponents.Managed(builtIn));
    }

    /// <summary>
    /// The operator's RBAC holds what each component's Roles grant (generated from <see cref="IManagedComponent.GrantedRules"/>):
    /// every rule of every Role it renders, with every option on, is among them.
    /// </summary>
    [Theory]
    [MemberData(nameof(Names))]
    public void Each_declares_every_rule_its_roles_grant(string name)
    {
        var component = Component(name);
        var policy = BackendTestData.Everything(networkPolicy: true, storage: new PersistentStorage { Size = "10Gi" });
        var rendered = component.Render(policy, BackendTestData.ThreeServices(policy)).ToList();

        var granted = component.GrantedRules.SelectMany(Permissions).ToHashSet();
        var roles = rendered.OfType<k8s.Models.V1Role>().SelectMany(r => r.Rules).SelectMany(Permissions).ToList();
        Assert.All(roles, p => Assert.Contains(p, granted));
        Assert.Equal(roles.Count == 0, granted.Count == 0);

        var grantedCluster = component.GrantedClusterRules.SelectMany(Permissions).ToHashSet();
        var clusterRoles = rendered.OfType<k8s.Models.V1ClusterRole>().SelectMany(r => r.Rules).SelectMany(Permissions).ToList();
        Assert.All(clusterRoles, p => Assert.Contains(p, grantedCluster));
        Assert.Equal(clusterRoles.Count == 0, grantedCluster.Count == 0);
    }

    [Fact]
    public void Cluster_scoped_objects_carry_no_namespace_and_no_owner_reference_but_the_policy_labels()
    {
        var policy = BackendTestData.Everything();
        var rendered = ManagedBackendsRenderer.Render(policy, []);
        var clusterScoped = rendered
            .Where(o => o is k8s.Models.V1ClusterRole or k8s.Models.V1ClusterRoleBinding)
            .ToList();
        Assert.Equal(2, clusterScoped.Count);
        Assert.All(clusterScoped, o =>
        {
            Assert.Null(o.Metadata.NamespaceProperty);
            Assert.Null(o.Metadata.OwnerReferences);
            Assert.Equal(BackendTestData.PolicyName, o.Metadata.Labels[WellKnown.PolicyLabel]);
            Assert.Equal(BackendTestData.Namespace, o.Metadata.Labels[WellKnown.PolicyNamespaceLabel]);
            Assert.Equal(WellKnown.ManagedByValue, o.Metadata.Labels[WellKnown.ManagedByLabel]);
        });
        // Every namespaced object has the policy as owner, so garbage collection removes it with the policy.
        Assert.All(rendered.Except(clusterScoped), o => Assert.Equal(BackendTestData.PolicyUid, Assert.Single(o.Metadata.OwnerReferences).Uid));
    }

    private static IEnumerable<string> Permissions(k8s.Models.V1PolicyRule rule) =>
        from g in rule.ApiGroups from r in rule.Resources from v in rule.Verbs select $"{g} {r} {v}";

}
