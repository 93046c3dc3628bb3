using System.Text.Json.Nodes;
using k8s;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Tests.Api;
using WaddleObservabilityOperator.Tests.Cli;
using WaddleObservabilityOperator.Tests.Packaging;
using WaddleObservabilityOperator.Tests.Rendering;

namespace WaddleObservabilityOperator.Tests.Upstream;

/// <summary>
/// Every monitoring.coreos.com object the operator or its chart renders is one prometheus-operator accepts: checked by
/// prometheus-operator's generated validators (types, enums, patterns, required fields) and by the stand-in CRD the
/// emulator installs (unknown fields, which the generated validators let through), and, where a copy of the upstream
/// CRD is beside the repository, by that CRD as well. The stand-in itself is held to the upstream CRD there.
/// </summary>
public sealed class MonitoringSchemaTests(HelmChart chart) : IClassFixture<HelmChart>
{
    [Fact]
    public async Task Every_rendered_monitoring_object_passes_prometheus_operators_validators()
    {
        var objects = await RenderedMonitoringObjectsAsync();

        var verdicts = await PrometheusOperatorSchemas.ValidateAsync(objects);

        Assert.All(verdicts, v => Assert.True(v.Errors.Count == 0, v.ToString()));
        Assert.Equal(objects.Select(o => (string?)o["metadata"]!["name"]), verdicts.Select(v => v.Name));
    }

    [Fact]
    public async Task Every_rendered_monitoring_object_passes_the_stand_in_crd_with_strict_field_validation()
    {
        var schema = PrometheusOperatorSchemas.SchemaOf(PrometheusOperatorSchemas.StandInServiceMonitorCrd);

        foreach (var obj in await RenderedMonitoringObjectsAsync())
        {
            Assert.Equal("ServiceMonitor", (string?)obj["kind"]);
            Assert.Empty(PrometheusOperatorSchemas.SchemaErrors(schema, obj));
        }
    }

    [Fact]
    public void Every_rendered_PrometheusRule_passes_the_stand_in_crd_with_strict_field_validation()
    {
        var schema = PrometheusOperatorSchemas.SchemaOf(PrometheusOperatorSchemas.StandInPrometheusRuleCrd);
        var (exitCode, stdout, stderr) = RenderInvocation.Run(RepositoryLayout.PathOf("config", "samples", "waddlebot"), "-o", "json");
        Assert.True(exitCode == 0, stderr);
        var rules = JsonNode.Parse(stdout)!["items"]!.AsArray().Select(o => o!.AsObject()).Where(o => (string?)o["kind"] == "PrometheusRule").ToList();
        Assert.Equal(2, rules.Count);
        foreach (var kind in new[] { "availability", "latency", "events" })
        {
            var (service, policy) = Rendering.Slos.SloRendererTests.GoldenInput(kind);
            rules.Add(Rendering.Slos.SloTestData.Json(WaddleObservabilityOperator.Rendering.Slos.SloRenderer.Render(Rendering.Slos.SloTestData.Resolved(service, policy), true).PrometheusRule!));
        }

        Assert.All(rules, r => Assert.Empty(PrometheusOperatorSchemas.SchemaErrors(schema, r)));

        // Control: the stand-in reads the rules (a misspelled field, a rule without expr).
        var broken = (JsonObject)rules[0].DeepClone();
        var rule = broken["spec"]!["groups"]![0]!["rules"]![0]!.AsObject();
        rule.Remove("expr");
        rule["exprs"] = "up";
        Assert.NotEmpty(PrometheusOperatorSchemas.SchemaErrors(schema, broken));
    }

    [Fact]
    public async Task The_generated_validators_reject_wrong_types_patterns_and_missing_fields()
    {
        var verdicts = await PrometheusOperatorSchemas.ValidateAsync(
        [
            Monitor(endpoint: new JsonObject { ["port"] = 8080 }),
            Monitor(endpoint: new JsonObject { ["port"] = "http-metrics", ["interval"] = "15 seconds" }),
            Monitor(endpoint: new JsonObject { ["port"] = "http-metrics", ["scheme"] = "ftp" }),
            WithoutSelector(Monitor()),
            Monitor(),
            new JsonObject { ["apiVersion"] = "v1", ["kind"] = "ConfigMap", ["metadata"] = new JsonObject { ["name"] = "not-ours" } },
        ]);

        Assert.Equal(["spec/endpoints/0/port must be string"], verdicts[0].Errors);
        Assert.Contains(verdicts[1].Errors, e => e.StartsWith("spec/endpoints/0/interval must match pattern", StringComparison.Ordinal));
        Assert.Contains(verdicts[2].Errors, e => e.StartsWith("spec/endpoints/0/scheme must be equal to one of the allowed values", StringComparison.Ordinal));
        Assert.Equal(["spec must have required property selector"], verdicts[3].Errors);
        Assert.Empty(verdicts[4].Errors);
        Assert.Equal(["v1, Kind=ConfigMap is not a prometheus-operator kind this validator knows"], verdicts[5].Errors);
    }

    /// <summary>
    /// What the generated validators do not check: they accept unknown fields (the package's schemas allow additional
    /// properties). The stand-in CRD and the emulator's strict field validation catch those instead, as the real API
    /// server does with the real CRD. Should a later package version start rejecting them, this test says so.
    /// </summary>
    [Fact]
    public async Task The_generated_validators_accept_unknown_fields_which_the_stand_in_crd_rejects()
    {
        var misspelled = Monitor(endpoint: new JsonObject { ["port"] = "http-metrics", ["intervall"] = "15s" });
        misspelled["spec"]!["sampleLimt"] = 10;

        var verdict = Assert.Single(await PrometheusOperatorSchemas.ValidateAsync([misspelled]));
        var schemaErrors = PrometheusOperatorSchemas.SchemaErrors(PrometheusOperatorSchemas.SchemaOf(PrometheusOperatorSchemas.StandInServiceMonitorCrd), misspelled);

        Assert.Empty(verdict.Errors);
        Assert.Contains(schemaErrors, e => e.Contains("spec.endpoints[0].intervall", StringComparison.Ordinal));
        Assert.Contains(schemaErrors, e => e.Contains("spec.sampleLimt", StringComparison.Ordinal));
    }

    [Fact]
    public void The_stand_in_crd_rejects_what_the_upstream_one_rejects()
    {
        var schema = PrometheusOperatorSchemas.SchemaOf(PrometheusOperatorSchemas.StandInServiceMonitorCrd);

        Assert.NotEmpty(PrometheusOperatorSchemas.SchemaErrors(schema, Monitor(endpoint: new JsonObject { ["port"] = 8080 })));
        Assert.NotEmpty(PrometheusOperatorSchemas.SchemaErrors(schema, Monitor(endpoint: new JsonObject { ["port"] = "http-metrics", ["interval"] = "15 seconds" })));
        Assert.NotEmpty(PrometheusOperatorSchemas.SchemaErrors(schema, Monitor(endpoint: new JsonObject { ["port"] = "http-metrics", ["scheme"] = "ftp" })));
        Assert.NotEmpty(PrometheusOperatorSchemas.SchemaErrors(schema, WithoutSelector(Monitor())));
        Assert.NotEmpty(PrometheusOperatorSchemas.SchemaErrors(schema, Monitor(sampleLimit: -1)));
        Assert.Empty(PrometheusOperatorSchemas.SchemaErrors(schema, Monitor()));
    }

    /// <summary>
    /// Extra check where the upstream CRD is beside the repository (it is not in a clone on its own): the rendered
    /// objects pass it too, and every field the stand-in declares is declared upstream with the same type, so the
    /// stand-in accepts nothing the real CRD would refuse. The checks above run everywhere.
    /// </summary>
    [Fact]
    public async Task Where_the_upstream_crd_is_at_hand_the_rendered_objects_and_the_stand_in_agree_with_it()
    {
        if (PrometheusOperatorSchemas.UpstreamServiceMonitorCrd() is not { } upstream)
        {
            return;
        }

        var schema = PrometheusOperatorSchemas.SchemaOf(upstream);
        foreach (var obj in await RenderedMonitoringObjectsAsync())
        {
            Assert.Empty(PrometheusOperatorSchemas.SchemaErrors(schema, obj));
        }

        var ours = Properties(Schema(PrometheusOperatorSchemas.StandInServiceMonitorCrd), "");
        var theirs = Properties(Schema(upstream), "").ToDictionary(p => p.Path, p => p.Type);
        Assert.All(ours, p => Assert.True(theirs.TryGetValue(p.Path, out var type) && type == p.Type, $"{p.Path} ({p.Type}) is not in the upstream CRD as {p.Type}"));
    }

    /// <summary>
    /// Every monitoring.coreos.com object the project renders: the WaddleBot samples through the render command, a
    /// service with every ServiceMonitor option, a hostile one, and the chart's own ServiceMonitor in its plain,
    /// secure and secure-with-certificate forms.
    /// </summary>
    private async Task<IReadOnlyList<JsonObject>> RenderedMonitoringObjectsAsync()
    {
        var objects = new List<JsonObject>();
        var (exitCode, stdout, stderr) = RenderInvocation.Run(RepositoryLayout.PathOf("config", "samples", "waddlebot"), "-o", "json");
        Assert.True(exitCode == 0, stderr);
        // The PrometheusRules of the router's and ai's SLOs are checked on their own (below and in Rendering/Slos).
        objects.AddRange(JsonNode.Parse(stdout)!["items"]!.AsArray().Select(o => o!.AsObject()).Where(IsMonitoring).Where(o => (string?)o["kind"] == "ServiceMonitor"));
        // A ServiceMonitor per WaddleService, and the policy's: PostgreSQL, Redis and the kubelet scrape.
        Assert.Equal(22, objects.Count);

        // Every exporter's, with the kubelet's checking the serving certificate against the CA.
        var spec = Rendering.Backends.BackendTestData.ExportersSpec();
        spec.Exporters!.Kubelet!.TlsVerify = true;
        objects.AddRange(WaddleObservabilityOperator.Rendering.Backends.ManagedBackendsRenderer.Render(Rendering.Backends.BackendTestData.Everything(spec: spec), [])
            .Where(o => o.Kind == "ServiceMonitor")
            .Select(o => JsonNode.Parse(KubernetesJson.Serialize(o))!.AsObject()));

        foreach (var service in new[] { ServiceMonitorRendererTests.EveryOption(), ServiceMonitorRendererTests.Hostile() })
        {
            objects.Add(JsonNode.Parse(KubernetesJson.Serialize(ServiceMonitorRenderer.Render(service, true, null).ServiceMonitor!))!.AsObject());
        }

        (string File, string Set)[] charted = [("default", "metrics.serviceMonitor.enabled=true"), ("default", "metrics.serviceMonitor.enabled=true,metrics.secure=true"), ("ha", "")];
        foreach (var (file, set) in charted)
        {
            var yaml = await chart.TemplateAsync("helm4", file, set.Length == 0 ? [] : ["--set", set]);
            var monitors = ManifestLoaderTests.ReadYamlDocuments(yaml).Select(o => o.AsObject()).Where(IsMonitoring).ToList();
            objects.Add(Assert.Single(monitors));
        }

        return objects;
    }

    private static bool IsMonitoring(JsonObject obj) => ((string?)obj["apiVersion"])?.StartsWith("monitoring.coreos.com/", StringComparison.Ordinal) == true;

    private static JsonObject Monitor(JsonObject? endpoint = null, long? sampleLimit = null)
    {
        var spec = new JsonObject
        {
            ["selector"] = new JsonObject { ["matchLabels"] = new JsonObject { ["app.kubernetes.io/name"] = "router" } },
            ["endpoints"] = new JsonArray(endpoint ?? new JsonObject { ["port"] = "http-metrics", ["interval"] = "15s" }),
        };
        if (sampleLimit is { } limit)
        {
            spec["sampleLimit"] = limit;
        }

        return new JsonObject
        {
            ["apiVersion"] = "monitoring.coreos.com/v1",
            ["kind"] = "ServiceMonitor",
            ["metadata"] = new JsonObject { ["name"] = "router", ["namespace"] = "waddlebot" },
            ["spec"] = spec,
        };
    }

    private static JsonObject WithoutSelector(JsonObject monitor)
    {
        monitor["spec"]!.AsObject().Remove("selector");
        return monitor;
    }

    private static JsonObject Schema(string crdFile)
    {
        var crd = JsonNode.Parse(KubernetesJson.Serialize(KubernetesYaml.Deserialize<k8s.Models.V1CustomResourceDefinition>(File.ReadAllText(crdFile))))!;
        return crd["spec"]!["versions"]!.AsArray().Single(v => (string?)v!["name"] == "v1")!["schema"]!["openAPIV3Schema"]!.AsObject();
    }

    private static IEnumerable<(string Path, string? Type)> Properties(JsonObject schema, string path)
    {
        var type = (string?)schema["type"] ?? (schema["x-kubernetes-int-or-string"] is not null ? "int-or-string" : null);
        yield return (path, type);
        if (schema["properties"] is JsonObject properties)
        {
            foreach (var (name, child) in properties)
            {
                foreach (var nested in Properties(child!.AsObject(), $"{path}.{name}"))
                {
                    yield return nested;
                }
            }
        }

        if (schema["items"] is JsonObject items)
        {
            foreach (var nested in Properties(items, path + "[]"))
            {
                yield return nested;
            }
        }

        if (schema["additionalProperties"] is JsonObject additional)
        {
            foreach (var nested in Properties(additional, path + "{}"))
            {
                yield return nested;
            }
        }
    }
}
