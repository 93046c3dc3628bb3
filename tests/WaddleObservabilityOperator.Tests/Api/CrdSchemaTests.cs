using System.Text.RegularExpressions;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Api.Crds;

namespace WaddleObservabilityOperator.Tests.Api;

public sealed class CrdSchemaTests
{
    private static readonly GeneratedCrd Service = CrdGenerator.WithDocumentation().Generate(typeof(WaddleService));
    private static readonly GeneratedCrd Policy = CrdGenerator.WithDocumentation().Generate(typeof(ObservabilityPolicy));

    private static V1JSONSchemaProps At(GeneratedCrd crd, string path)
    {
        var node = crd.Schema;
        foreach (var part in path.Split('.'))
        {
            node = part == "[]" ? (V1JSONSchemaProps)node.Items : node.Properties[part];
        }

        return node;
    }

    [Fact]
    public void Names_scope_version_and_subresource_follow_the_design()
    {
        Assert.Equal("waddleservices.observability.waddlebot.io", Service.Definition.Metadata.Name);
        Assert.Equal("observabilitypolicies.observability.waddlebot.io", Policy.Definition.Metadata.Name);
        Assert.Equal("observability.waddlebot.io_waddleservices.yaml", Service.FileName);
        Assert.Equal("observability.waddlebot.io_observabilitypolicies.yaml", Policy.FileName);
        Assert.Equal(["wsvc"], Service.Definition.Spec.Names.ShortNames);
        Assert.Equal(["obspol"], Policy.Definition.Spec.Names.ShortNames);
        foreach (var crd in new[] { Service, Policy })
        {
            var spec = crd.Definition.Spec;
            Assert.Equal("observability.waddlebot.io", spec.Group);
            Assert.Equal(["waddle"], spec.Names.Categories);
            Assert.Equal(crd.Kind + "List", spec.Names.ListKind);
            Assert.Equal("Namespaced", spec.Scope);
            var version = Assert.Single(spec.Versions);
            Assert.Equal(("v1alpha1", true, true), (version.Name, version.Served, version.Storage));
            Assert.NotNull(version.Subresources?.Status);
            Assert.Null(version.Subresources!.Scale);
            Assert.Equal(["apiVersion", "kind", "metadata", "spec", "status"], crd.Schema.Properties.Keys);
            Assert.Equal("object", crd.Schema.Properties["metadata"].Type);
            Assert.Null(crd.Schema.Properties["metadata"].Properties);
            Assert.Null(crd.Schema.Properties["metadata"].Description);
        }
    }

    [Fact]
    public void Printer_columns_are_those_of_the_issue()
    {
        Assert.Equal(["Layer", "Service", "Policy", "Sampling", "Ready", "Age"], Service.Version.AdditionalPrinterColumns.Select(c => c.Name));
        Assert.Equal(["Exporter", "Sampling", "Services", "Ready", "Age"], Policy.Version.AdditionalPrinterColumns.Select(c => c.Name));
        var ready = Service.Version.AdditionalPrinterColumns.Single(c => c.Name == "Ready");
        Assert.Equal(".status.conditions[?(@.type==\"Ready\")].status", ready.JsonPath);
        Assert.Equal("date", Service.Version.AdditionalPrinterColumns.Single(c => c.Name == "Age").Type);
        Assert.Equal("number", Service.Version.AdditionalPrinterColumns.Single(c => c.Name == "Sampling").Type);
        Assert.Equal("integer", Policy.Version.AdditionalPrinterColumns.Single(c => c.Name == "Services").Type);
    }

    [Fact]
    public void Every_printer_column_points_at_a_field_of_the_schema()
    {
        foreach (var crd in new[] { Service, Policy })
        {
            foreach (var column in crd.Version.AdditionalPrinterColumns.Where(c => !c.JsonPath.StartsWith(".metadata.", StringComparison.Ordinal)))
            {
                var path = Regex.Replace(column.JsonPath.TrimStart('.'), @"\[\?\(.*?\)\]", ".[]");
                var field = At(crd, path);
                Assert.True(column.Type switch
                {
                    "number" => field.Type == "number",
                    "integer" => field.Type == "integer",
                    _ => field.Type == "string",
                }, $"{crd.Kind} column {column.Name} has type {column.Type} but {column.JsonPath} is {field.Type}");
            }
        }
    }

    [Fact]
    public void Enums_come_from_the_wire_names()
    {
        Assert.Equal(["processing", "trigger", "action", "core", "admin"], At(Service, "spec.layer").EnumProperty);
        Assert.Equal(["processing", "trigger", "action", "core", "admin"], At(Policy, "spec.layers.[]").EnumProperty);
        Assert.Equal(["otlp", "jaeger", "zipkin", "console", "none"], At(Policy, "spec.tracing.exporter").EnumProperty);
        Assert.Equal(["grpc", "http/protobuf"], At(Policy, "spec.tracing.protocol").EnumProperty);
        Assert.Equal(["static", "remote"], At(Policy, "spec.tracing.sampling.mode").EnumProperty);
        Assert.Equal(["auto", "enabled", "disabled"], At(Policy, "spec.metrics.serviceMonitor.mode").EnumProperty);
        Assert.Equal(["Deployment", "StatefulSet", "DaemonSet"], At(Service, "spec.workload.kind").EnumProperty);
        Assert.Equal(["True", "False", "Unknown"], At(Service, "status.conditions.[].status").EnumProperty);
        // Enum member docs are folded into the field's description.
        Assert.Contains("`remote`: Jaeger serves", At(Policy, "spec.tracing.sampling.mode").Description, StringComparison.Ordinal);
        Assert.Equal(["Rollout", "RemoteDocument", "UserEnvironment"], At(Service, "status.effective.samplingAppliedBy").EnumProperty);
    }

    [Theory]
    [InlineData("ObservabilityPolicy", "spec.tracing.sampling.defaultRatio")]
    [InlineData("ObservabilityPolicy", "spec.tracing.sampling.operations.[].ratio")]
    [InlineData("WaddleService", "spec.tracing.samplingRatio")]
    [InlineData("WaddleService", "spec.tracing.operations.[].ratio")]
    public void Ratios_are_bounded_to_0_and_1(string kind, string path)
    {
        var ratio = At(kind == "WaddleService" ? Service : Policy, path);
        Assert.Equal(("number", 0d, 1d), (ratio.Type, ratio.Minimum, ratio.Maximum));
    }

    [Theory]
    [InlineData("15s", true)]
    [InlineData("1m30s", true)]
    [InlineData("30d", true)]
    [InlineData("0", true)]
    [InlineData("2h", true)]
    [InlineData("500ms", true)]
    [InlineData("1y2w", true)]
    [InlineData("5x", false)]
    [InlineData("1.5s", false)]
    [InlineData("15", false)]
    [InlineData("s", false)]
    [InlineData("-1s", false)]
    [InlineData("30s1m", false)]
    public void Duration_pattern_compiles_in_dotnet_and_accepts_prometheus_durations(string value, bool valid)
    {
        foreach (var (crd, path) in new[]
        {
            (Policy, "spec.metrics.scrapeInterval"), (Policy, "spec.metrics.scrapeTimeout"), (Policy, "spec.tracing.sampling.pollingInterval"),
            (Policy, "spec.backends.prometheus.retention"), (Service, "spec.metrics.interval"),
        })
        {
            var pattern = At(crd, path).Pattern;
            Assert.Equal(PrometheusDurationAttribute.Pattern, pattern);
            Assert.Equal(valid, Regex.IsMatch(value, pattern, RegexOptions.None, TimeSpan.FromSeconds(1)));
        }
    }

    [Fact]
    public void Required_fields_are_declared()
    {
        Assert.Equal(["spec"], Service.Schema.Required);
        Assert.Null(Policy.Schema.Required);
        Assert.Equal(["layer", "workload"], At(Service, "spec").Required);
        Assert.Equal(["name"], At(Service, "spec.workload").Required);
        Assert.Equal(["name"], At(Service, "spec.policyRef").Required);
        Assert.Equal(["operation", "ratio"], At(Service, "spec.tracing.operations.[]").Required);
        Assert.Equal(["key", "name"], At(Policy, "spec.tracing.headersSecretRef").Required);
        Assert.Equal(["key", "operator"], At(Policy, "spec.selector.matchExpressions.[]").Required);
        Assert.Equal(["lastTransitionTime", "message", "reason", "status", "type"], At(Policy, "status.conditions.[]").Required);
    }

    [Fact]
    public void Lists_carry_their_kubernetes_list_types()
    {
        var operations = At(Policy, "spec.tracing.sampling.operations");
        Assert.Equal(("map", 256L), (operations.XKubernetesListType, operations.MaxItems));
        Assert.Equal(["operation"], operations.XKubernetesListMapKeys);
        var conditions = At(Service, "status.conditions");
        Assert.Equal("map", conditions.XKubernetesListType);
        Assert.Equal(["type"], conditions.XKubernetesListMapKeys);
        Assert.Equal("set", At(Policy, "spec.layers").XKubernetesListType);
        Assert.Equal("atomic", At(Policy, "spec.selector").XKubernetesMapType);
    }

    [Fact]
    public void Resource_quantities_are_int_or_string_with_the_quantity_pattern()
    {
        var limits = At(Policy, "spec.backends.jaeger.resources.limits");
        var quantity = (V1JSONSchemaProps)limits.AdditionalProperties;
        Assert.True(quantity.XKubernetesIntOrString);
        Assert.Equal(["integer", "string"], quantity.AnyOf.Select(a => a.Type));
        foreach (var good in new[] { "500m", "128Mi", "1.5Gi", "2", "1e3", "+1k" })
        {
            Assert.Matches(quantity.Pattern, good);
        }

        foreach (var bad in new[] { "12 Mi", "1.5.Gi", "Mi", "1MB" })
        {
            Assert.DoesNotMatch(quantity.Pattern, bad);
        }
    }

    [Fact]
    public void Descriptions_come_from_the_xml_docs_of_the_types_and_of_KubernetesClient()
    {
        Assert.StartsWith("One WaddleBot microservice", Service.Schema.Description, StringComparison.Ordinal);
        Assert.Equal(
            "The WaddleBot layer of the service. `processing`: Message processing, e.g. the router. `trigger`: Platform receivers, e.g. twitch, discord, slack. "
            + "`action`: Actions, e.g. ai, alias, shoutout, inventory, calendar, memories, youtube-music, spotify. "
            + "`core`: Core services, e.g. identity, labels, browser-source, reputation, community, analytics. `admin`: Administration, e.g. the hub.",
            At(Service, "spec.layer").Description);
        Assert.StartsWith("Restricts the policy to WaddleServices of these layers; empty means every layer. `processing`: ", At(Policy, "spec.layers").Description, StringComparison.Ordinal);
        Assert.Equal("A sampling ratio for one operation (span name), e.g. `GET /health`.", At(Service, "spec.tracing.operations.[]").Description);
        Assert.StartsWith("matchExpressions is a list of label selector requirements.", At(Policy, "spec.selector.matchExpressions").Description, StringComparison.Ordinal);
        Assert.StartsWith("APIVersion defines the versioned schema", Service.Schema.Properties["apiVersion"].Description, StringComparison.Ordinal);
    }

    [Fact]
    public void Schemas_are_structural()
    {
        foreach (var crd in new[] { Service, Policy })
        {
            var problems = new List<string>();
            StructuralSchema.Check(crd.Schema, crd.Kind, problems);
            Assert.True(problems.Count == 0, string.Join("\n", problems));
        }
    }

    [Fact]
    public void Crds_read_back_as_kubernetes_models_and_keep_their_content()
    {
        foreach (var crd in new[] { Service, Policy })
        {
            var yaml = CrdYaml.Serialize(crd.Definition);
            var read = KubernetesYaml.Deserialize<V1CustomResourceDefinition>(yaml);
            Assert.Equal(KubernetesJson.Serialize(crd.Definition), KubernetesJson.Serialize(read));
        }
    }
}
