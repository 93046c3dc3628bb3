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
    public void Names_are_unique_and_Jaeger_comes_before_Prometheus()
    {
        var names = ManagedComponents.All.Select(c => c.Name).ToList();
        Assert.Equal(names.Count, names.Distinct(StringComparer.Ordinal).Count());
        // The order of the objects, problems and messages (and so of the golden files) is the registration order.
        Assert.True(names.IndexOf("jaeger") < names.IndexOf("prometheus"));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_has_its_field_under_spec_backends(string name)
    {
        Assert.Contains(name, JsonNames(typeof(BackendsPolicy)));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Each_puts_its_endpoint_into_the_status_field_of_its_name(string name)
    {
        var status = new ObservabilityPolicyStatus();
        Component(name).SetStatus(status, new BackendStatus { Endpoint = "http://x" });
        var set = typeof(ObservabilityPolicyStatus).GetProperties()
            .Where(p => p.PropertyType == typeof(BackendStatus) && p.GetValue(status) is not null)
            .Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()!.Name);
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
        var policy = BackendTestData.Policy(networkPolicy: true, storage: new PersistentStorage { Size = "10Gi" });
        var granted = component.GrantedRules.SelectMany(Permissions).ToHashSet();
        var rendered = component.Render(policy, BackendTestData.ThreeServices(policy)).OfType<k8s.Models.V1Role>().SelectMany(r => r.Rules).SelectMany(Permissions).ToList();
        Assert.All(rendered, p => Assert.Contains(p, granted));
        Assert.Equal(rendered.Count == 0, granted.Count == 0);
    }

    private static IEnumerable<string> Permissions(k8s.Models.V1PolicyRule rule) =>
        from g in rule.ApiGroups from r in rule.Resources from v in rule.Verbs select $"{g} {r} {v}";

    private static IEnumerable<string> JsonNames(Type type) =>
        type.GetProperties().Select(p => p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name).OfType<string>();
}
