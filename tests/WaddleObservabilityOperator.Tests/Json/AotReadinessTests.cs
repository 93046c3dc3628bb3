using System.Collections;
using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Api.Crds;
using WaddleObservabilityOperator.Json;
using YamlDotNet.Serialization;

namespace WaddleObservabilityOperator.Tests.Json;

/// <summary>
/// What the Native AOT build relies on and only the JIT build (where the tests run) can check by reflection: the
/// lists kept by hand are complete, and the reflection-free YAML writer writes what YamlDotNet's serializer writes.
/// </summary>
public sealed class AotReadinessTests
{
    private const string ApiNamespace = "WaddleObservabilityOperator.Api";

    [Fact]
    public void Every_enum_of_the_api_is_listed_for_error_messages()
    {
        var declared = typeof(WaddleService).Assembly.GetTypes()
            .Where(t => t.IsEnum && t.IsPublic && (t.Namespace ?? "").StartsWith(ApiNamespace, StringComparison.Ordinal))
            .Select(t => t.FullName)
            .Order(StringComparer.Ordinal);
        Assert.Equal(declared, ApiEnums.Types.Select(t => t.FullName).Order(StringComparer.Ordinal));
        Assert.Equal(["Rollout", "RemoteDocument", "UserEnvironment"], ApiEnums.NamesOf(typeof(SamplingApplication).FullName!));
    }

    /// <summary>
    /// OpenApiSchemaBuilder reflects over every type reachable from the two kinds; the trimmed build keeps the API's
    /// namespace (ILLink.Descriptors.xml, which preserves that namespace only, not the ones below it) and the
    /// KubernetesClient models named by the builder's DynamicDependency attributes. A type outside both would lose its
    /// properties in the AOT build, and the CRD schema, hence validation, with them.
    /// </summary>
    [Fact]
    public void Every_type_the_schema_builder_visits_is_kept_by_the_trimmed_build()
    {
        var kept = typeof(OpenApiSchemaBuilder).TypeInitializer!.GetCustomAttributes<DynamicDependencyAttribute>()
            .Select(a => a.Type!)
            .ToHashSet();
        var visited = new HashSet<Type>();
        Visit(typeof(WaddleService), visited);
        Visit(typeof(ObservabilityPolicy), visited);

        var notKept = visited.Where(t => t.Namespace != ApiNamespace && !kept.Contains(t)).Select(t => t.FullName).ToList();
        Assert.Empty(notKept);
        Assert.Contains(typeof(WaddleServiceSpec), visited);
    }

    [Fact]
    public void Yaml_from_json_matches_yamldotnets_serializer_for_awkward_strings()
    {
        string[] awkward = ["true", "yes", "No", "on", "~", "null", "", " lead", "trail ", "0x1F", "1e3", ".5", "1_000", "- dash", "a: b", "# c",
            "'quoted'", "\"double\"", "multi\nline", "tab\there", "crlf\r\n", "@at", "`tick", "%p", "{x}", "[y]", "é", "2025-01-31", "12:30"];
        var node = new JsonObject();
        var plain = new Dictionary<string, object?>();
        for (var i = 0; i < awkward.Length; i++)
        {
            node[$"k{i}"] = awkward[i];
            plain[$"k{i}"] = awkward[i];
        }

        node["list"] = new JsonArray("a", true, false);
        plain["list"] = new List<object?> { "a", true, false };

        Assert.Equal(
            new SerializerBuilder().WithQuotingNecessaryStrings().WithIndentedSequences().Build().Serialize(plain),
            JsonYaml.Write(node, YamlLayout.Config));
        // CRDs: YAML 1.1 quoting, keys in ordinal order.
        Assert.Equal(
            new SerializerBuilder().WithQuotingNecessaryStrings(quoteYaml1_1Strings: true).Build().Serialize(new SortedDictionary<string, object?>(plain, StringComparer.Ordinal)),
            JsonYaml.Write(node, YamlLayout.Crd));
    }

    private static void Visit(Type type, HashSet<Type> visited)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsPrimitive || type == typeof(string) || type == typeof(DateTime) || type == typeof(DateTimeOffset) || !visited.Add(type))
        {
            return;
        }

        if (type.IsGenericType && typeof(IEnumerable).IsAssignableFrom(type))
        {
            visited.Remove(type);
            foreach (var argument in type.GetGenericArguments())
            {
                Visit(argument, visited);
            }

            return;
        }

        if (type.IsEnum || type.Namespace == "k8s.Models" && type.Name is "V1ObjectMeta" or "ResourceQuantity" or "IntOrString")
        {
            return;
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            Visit(property.PropertyType, visited);
        }
    }
}
