using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Rendering;

public sealed partial class SamplingStrategiesDocumentTests
{
    /// <summary>
    /// The file-based strategies example of Jaeger's sampling documentation ("Collector Sampling Configuration"), with
    /// the meaning the documentation gives it: foo samples 80 % but op1 20 % and op2 40 %; bar is rate limited to 5
    /// traces a second; every other service samples 50 % and never /health or /metrics.
    /// </summary>
    private const string DocumentedExample = """
        {
          "service_strategies": [
            {
              "service": "foo",
              "type": "probabilistic",
              "param": 0.8,
              "operation_strategies": [
                { "operation": "op1", "type": "probabilistic", "param": 0.2 },
                { "operation": "op2", "type": "probabilistic", "param": 0.4 }
              ]
            },
            { "service": "bar", "type": "ratelimiting", "param": 5 }
          ],
          "default_strategy": {
            "type": "probabilistic",
            "param": 0.5,
            "operation_strategies": [
              { "operation": "/health", "type": "probabilistic", "param": 0.0 },
              { "operation": "/metrics", "type": "probabilistic", "param": 0.0 }
            ]
          }
        }
        """;

    private static readonly string[] JaegerFixtures = ["strategies.json", "operation_strategies.json", "service_no_per_operation.json", "missing-service-types.json"];

    /// <summary>A fixture of Jaeger's own provider tests where a copy is beside the repository, else null (extra checks only).</summary>
    private static string? Fixture(string name) =>
        RepositoryLayout.UpstreamReference("jaeger-fixtures", name) is { } path ? File.ReadAllText(path) : null;

    private static ObservabilityPolicy Policy(double ratio = 0.1, params (string Operation, double Ratio)[] operations) =>
        Sample.Policy("default", p => p.Tracing = new TracingPolicy
        {
            Sampling = new SamplingPolicy
            {
                Mode = SamplingMode.Remote,
                DefaultRatio = ratio,
                Operations = [.. operations.Select(o => new OperationSampling { Operation = o.Operation, Ratio = o.Ratio })],
            },
        });

    private static ResolvedService Service(ObservabilityPolicy policy, string name, double? ratio = null, string? serviceName = null, bool traced = true,
        params (string Operation, double Ratio)[] operations) =>
        PolicyResolver.Combine(
            Sample.Service(name, configure: s =>
            {
                s.ServiceName = serviceName;
                s.Tracing = new ServiceTracing
                {
                    Enabled = traced,
                    SamplingRatio = ratio,
                    Operations = operations.Length == 0 ? null : [.. operations.Select(o => new OperationSampling { Operation = o.Operation, Ratio = o.Ratio })],
                };
            }),
            WaddleBotDefaults.Apply(policy));

    private static SamplingDocumentResult Render(ObservabilityPolicy policy, IReadOnlyList<ResolvedService> services, long? limit = null) =>
        SamplingStrategiesDocument.Render(policy, WaddleBotDefaults.Apply(policy), services, limit);

    // --- The test reader understands Jaeger's format the way Jaeger documents it and its provider tests say. ---

    [Fact]
    public void Reader_reads_the_documented_example_as_the_documentation_explains_it()
    {
        var example = JaegerStrategyFile.Parse(DocumentedExample);

        Assert.Equal(0.8, example.For("foo").Operations!.DefaultSamplingProbability);
        Assert.Equal(["op1=0.2", "op2=0.4", "/health=0", "/metrics=0"], Ops(example.For("foo")));
        Assert.Equal((1, 5), (example.For("bar").StrategyType, example.For("bar").MaxTracesPerSecond));
        Assert.Equal(0.5, example.For("any-other").Operations!.DefaultSamplingProbability);
        Assert.Equal(["/health=0", "/metrics=0"], Ops(example.For("any-other")));
    }

    /// <summary>Extra check where Jaeger's own provider fixtures are beside the repository (not in a clone on its own).</summary>
    [Fact]
    public void Reader_matches_jaeger_on_its_fixtures_where_they_are_at_hand()
    {
        if (Fixture("strategies.json") is not { } strategiesJson)
        {
            return;
        }

        var strategies = JaegerStrategyFile.Parse(strategiesJson);
        Assert.Equal((0, 0.8), (strategies.For("foo").StrategyType, strategies.For("foo").SamplingRate));
        Assert.Equal((1, 5), (strategies.For("bar").StrategyType, strategies.For("bar").MaxTracesPerSecond));
        Assert.Equal(0.5, strategies.For("unknown").SamplingRate);

        var operations = JaegerStrategyFile.Parse(Fixture("operation_strategies.json")!);
        Assert.Equal(["op6=0.5", "op1=0.2", "op0=0.2", "op7=1"], Ops(operations.For("foo")));
        Assert.Equal(0.8, operations.For("foo").Operations!.DefaultSamplingProbability);
        Assert.Equal(["op3=0.3", "op5=0.4", "op0=0.2", "op6=0", "op7=1"], Ops(operations.For("bar")));
        Assert.Equal(0.001, operations.For("bar").Operations!.DefaultSamplingProbability);

        var inherited = JaegerStrategyFile.Parse(Fixture("service_no_per_operation.json")!);
        var expectedB = JsonDocument.Parse(Fixture("TestServiceNoPerOperationStrategies_ServiceB.json")!).RootElement;
        var serviceB = inherited.For("ServiceB");
        Assert.Equal(expectedB.GetProperty("strategyType").GetInt32(), serviceB.StrategyType);
        Assert.Equal(expectedB.GetProperty("rateLimitingSampling").GetProperty("maxTracesPerSecond").GetInt32(), serviceB.MaxTracesPerSecond);
        Assert.Equal(expectedB.GetProperty("operationSampling").GetProperty("defaultSamplingProbability").GetDouble(), serviceB.Operations!.DefaultSamplingProbability);
        Assert.Equal(
            expectedB.GetProperty("operationSampling").GetProperty("perOperationStrategies").EnumerateArray()
                .Select(o => $"{o.GetProperty("operation").GetString()}={Ratio.Format(o.GetProperty("probabilisticSampling").GetProperty("samplingRate").GetDouble())}"),
            Ops(serviceB));
        Assert.Equal((1.0, 1.0), (inherited.For("ServiceA").SamplingRate, inherited.For("ServiceA").Operations!.DefaultSamplingProbability));

        var missingTypes = JaegerStrategyFile.Parse(Fixture("missing-service-types.json")!);
        Assert.Equal(JaegerStrategyFile.DefaultSamplingProbability, missingTypes.For("foo").SamplingRate);
        Assert.Equal(["op1=0.2"], Ops(missingTypes.For("foo")));
    }

    private static string[] Ops(JaegerStrategyFile.Response response) =>
        [.. (response.Operations?.PerOperation ?? []).Select(o => $"{o.Name}={Ratio.Format(o.SamplingRate)}")];

    // --- Our documents obey the same rules and mean what the policy says. ---

    [Theory]
    [MemberData(nameof(FixtureNames))]
    public void Our_document_uses_only_the_keys_and_types_the_fixtures_use(string fixture)
    {
        var policy = Policy(0.1, ("GET /health", 0.05), ("GET /metrics", 0.05));
        var document = Render(policy,
        [
            Service(policy, "router", 1.0),
            Service(policy, "ai", 1.0, operations: ("POST /chat", 0.5)),
            Service(policy, "twitch", 0.5),
        ]).Json;

        var allowed = KeysOf(JsonDocument.Parse(fixture == "documented example" ? DocumentedExample : Fixture(fixture)!).RootElement)
            .Concat(KeysOf(JsonDocument.Parse(DocumentedExample).RootElement))
            .ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(KeysOf(JsonDocument.Parse(document).RootElement).Distinct(), k => !allowed.Contains(k));
        Assert.Contains("operation_strategies", document, StringComparison.Ordinal);
    }

    /// <summary>The documented example everywhere; Jaeger's provider fixtures too where they are at hand.</summary>
    public static TheoryData<string> FixtureNames => ["documented example", .. JaegerFixtures.Where(f => Fixture(f) is not null)];

    private static IEnumerable<string> KeysOf(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => KeysOf(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(KeysOf),
        _ => [],
    };

    [Fact]
    public void Each_service_gets_its_ratio_and_operations_through_jaegers_rules()
    {
        var policy = Policy(0.1, ("GET /health", 0.05), ("GET /metrics", 0.1));
        ResolvedService[] services =
        [
            Service(policy, "router", 1.0),
            Service(policy, "ai", 1.0, operations: [("POST /chat", 0.5), ("GET /health", 0.05)]),
            Service(policy, "inventory"),
            Service(policy, "labels", operations: ("GET /health", 0.01)),
            Service(policy, "spotify", 0.3, traced: false),
        ];

        var result = Render(policy, services);
        var file = JaegerStrategyFile.Parse(result.Json);

        // Redundant entries are left out: inventory equals the default, ai's GET /health equals the default's.
        Assert.Equal(["ai", "labels", "router"], file.Services.Order(StringComparer.Ordinal));
        Assert.DoesNotContain("\"operation\":\"GET /health\",\"type\":\"probabilistic\",\"param\":0.05}]}", result.Json.Split("service_strategies")[1], StringComparison.Ordinal);
        foreach (var service in services.Where(s => s.TracingEnabled))
        {
            var response = file.For(service.ServiceName);
            Assert.Equal(0, response.StrategyType);
            Assert.Equal(service.SamplingRatio, response.SamplingRate);
            var expected = policy.Spec.Tracing!.Sampling!.Operations!
                .Select(o => (o.Operation, o.Ratio))
                .Where(o => service.Operations.All(s => s.Operation != o.Operation))
                .Concat(service.Operations.Select(o => (o.Operation, o.Ratio)))
                .Select(o => $"{o.Operation}={Ratio.Format(o.Ratio)}")
                .Order(StringComparer.Ordinal);
            Assert.Equal(expected, Ops(response).Order(StringComparer.Ordinal));
        }

        Assert.Equal(Reasons.TracingDisabled, result.ServiceOutcomes["spotify"].Reason);
        Assert.Equal(Reasons.DefaultSampling, result.ServiceOutcomes["inventory"].Reason);
        Assert.Equal(Reasons.Published, result.ServiceOutcomes["router"].Reason);
    }

    // Service and operation names are free text: JSON, YAML, shell and PromQL syntax must come back as the same strings.
    [Theory]
    [InlineData("r\"ou\"ter", "POST /x'\"; DROP TABLE t; --")]
    [InlineData("line1\nline2\r\t", "GET /a\nb: {c}\n- d")]
    [InlineData("$(HOME) `id` ${X}", "GET /{__name__=~\".+\"} or vector(1)")]
    [InlineData("\\u0041\\ back\\slash", "</script><!-- \u2028\u2029 -->")]
    [InlineData("rüter ✓ 中 🐧", "GET /é?q=\u0000")]
    public void Hostile_service_and_operation_names_read_back_unchanged(string serviceName, string operation)
    {
        var policy = Policy(0.1, (operation, 0.05));
        ResolvedService[] services = [Service(policy, "hostile", 0.75, serviceName: serviceName, operations: (operation + "!", 0.25)), Service(policy, "plain", 0.5)];

        var result = Render(policy, services);

        using var parsed = JsonDocument.Parse(result.Json);
        var file = JaegerStrategyFile.Parse(result.Json);
        Assert.Equal(new[] { "plain", serviceName }.Order(StringComparer.Ordinal), file.Services.Order(StringComparer.Ordinal));
        var response = file.For(serviceName);
        Assert.Equal(0.75, response.SamplingRate);
        Assert.Equal(new[] { $"{operation}=0.05", $"{operation}!=0.25" }.Order(StringComparer.Ordinal), Ops(response).Order(StringComparer.Ordinal));
        Assert.Equal(0.5, file.For("plain").SamplingRate);
        Assert.Equal([$"{operation}=0.05"], Ops(file.Default));
    }

    [GeneratedRegex("\"param\":(?<n>[^,}]+)")]
    private static partial Regex Param();

    [Fact]
    public void Output_is_compact_sorted_canonical_and_probabilistic_only()
    {
        var policy = Policy(0.00001, ("b", 0.5), ("a", 1));
        var services = Enumerable.Range(0, 50)
            .Select(i => Service(policy, $"svc-{(i * 37) % 50:D2}", (i % 7) / 7.0, operations: ($"op-{i % 3}", 0.25)))
            .ToList();

        var result = Render(policy, services);
        var root = JsonDocument.Parse(result.Json).RootElement;

        Assert.DoesNotContain('\n', result.Json);
        Assert.DoesNotContain(": ", result.Json, StringComparison.Ordinal);
        var names = root.GetProperty("service_strategies").EnumerateArray().Select(s => s.GetProperty("service").GetString()!).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);
        Assert.Equal(names.Distinct(), names);
        Assert.Equal(["a", "b"], root.GetProperty("default_strategy").GetProperty("operation_strategies").EnumerateArray().Select(o => o.GetProperty("operation").GetString()));
        foreach (Match param in Param().Matches(result.Json))
        {
            var text = param.Groups["n"].Value;
            var value = double.Parse(text, CultureInfo.InvariantCulture);
            Assert.InRange(value, 0, 1);
            Assert.DoesNotContain("E", text, StringComparison.OrdinalIgnoreCase);
            Assert.Equal(text, Ratio.Format(value));
        }

        Assert.Contains("\"param\":0.00001", result.Json, StringComparison.Ordinal);
        Assert.DoesNotContain("ratelimiting", result.Json, StringComparison.Ordinal);
        Assert.Equal(result.Json, Render(policy, [.. services.AsEnumerable().Reverse()]).Json);
    }

    [Fact]
    public void Same_service_name_with_different_sampling_is_a_reported_conflict()
    {
        var policy = Policy();
        var result = Render(policy,
        [
            Service(policy, "ai-blue", 1.0, serviceName: "ai"),
            Service(policy, "ai-green", 0.5, serviceName: "ai"),
            Service(policy, "router-a", 1.0, serviceName: "router"),
            Service(policy, "router-b", 1.0, serviceName: "router"),
        ]);

        var conflict = Assert.Single(result.Conflicts);
        Assert.Contains("\"ai-blue\"", conflict, StringComparison.Ordinal);
        Assert.Contains("\"ai-green\"", conflict, StringComparison.Ordinal);
        Assert.Equal(Reasons.ServiceNameConflict, result.ServiceOutcomes["ai-green"].Reason);
        Assert.False(result.ServiceOutcomes["ai-green"].Status);
        Assert.True(result.ServiceOutcomes["router-b"].Status);
        Assert.Equal(1.0, JaegerStrategyFile.Parse(result.Json).For("ai").SamplingRate);
        Assert.Equal(Reasons.ServiceNameConflict, result.Outcome.Reason);
    }

    [Fact]
    public void Ten_thousand_services_fit_in_one_configmap()
    {
        var policy = Policy(0.1, ("GET /health", 0.05), ("GET /metrics", 0.05));
        var effective = WaddleBotDefaults.Apply(policy);
        var services = Enumerable.Range(0, 10_000)
            .Select(i => PolicyResolver.Combine(
                Sample.Service($"waddlebot-service-{i:D5}", configure: s => s.Tracing = new ServiceTracing
                {
                    SamplingRatio = (i % 999 + 1) / 1000.0,
                    Operations = i % 10 == 0 ? [new OperationSampling { Operation = "POST /events", Ratio = 1 }] : null,
                }),
                effective))
            .ToList();

        var result = SamplingStrategiesDocument.Render(policy, effective, services);

        Assert.NotNull(result.ConfigMap);
        Assert.True(result.Outcome.Status, result.Outcome.Message);
        Assert.InRange(result.SizeBytes, 1, SamplingStrategiesDocument.LimitBytes);
        var file = JaegerStrategyFile.Parse(result.ConfigMap!.Data[ChildNames.SamplingFileName]);
        Assert.Equal(result.ServiceStrategies, file.Services.Count);
        Assert.Equal(0.5, file.For("waddlebot-service-00499").SamplingRate);
        Assert.Contains("POST /events=1", Ops(file.For("waddlebot-service-00010")));
    }

    [Fact]
    public void A_document_over_the_limit_is_not_written_and_says_why()
    {
        var policy = Policy();
        var effective = WaddleBotDefaults.Apply(policy);
        var services = Enumerable.Range(0, 10_000)
            .Select(i => PolicyResolver.Combine(
                Sample.Service($"svc-{i:D5}", configure: s => s.Tracing = new ServiceTracing
                {
                    SamplingRatio = 0.5,
                    Operations = [.. Enumerable.Range(0, 4).Select(o => new OperationSampling { Operation = $"GET /api/v1/resource/{o}/items", Ratio = 0.25 })],
                }),
                effective))
            .ToList();

        var result = SamplingStrategiesDocument.Render(policy, effective, services);

        Assert.Null(result.ConfigMap);
        Assert.Equal(Reasons.SamplingDocumentTooLarge, result.Outcome.Reason);
        Assert.False(result.Outcome.Status);
        Assert.Contains(result.SizeBytes.ToString(CultureInfo.InvariantCulture), result.Outcome.Message, StringComparison.Ordinal);
        Assert.Contains(SamplingStrategiesDocument.LimitBytes.ToString(CultureInfo.InvariantCulture), result.Outcome.Message, StringComparison.Ordinal);
        Assert.True(result.SizeBytes > SamplingStrategiesDocument.LimitBytes);
        Assert.All(result.ServiceOutcomes.Values, o => Assert.Equal(Reasons.SamplingDocumentTooLarge, o.Reason));
    }

    [Fact]
    public void Dropping_redundant_entries_is_what_keeps_a_large_system_under_the_limit()
    {
        // 10 000 services that all equal the default: the document holds only the default strategy.
        var policy = Policy(0.1, ("GET /health", 0.05));
        var effective = WaddleBotDefaults.Apply(policy);
        var services = Enumerable.Range(0, 10_000)
            .Select(i => PolicyResolver.Combine(
                Sample.Service($"svc-{i:D5}", configure: s => s.Tracing = new ServiceTracing
                {
                    SamplingRatio = 0.1,
                    Operations = [new OperationSampling { Operation = "GET /health", Ratio = 0.05 }],
                }),
                effective))
            .ToList();

        var result = SamplingStrategiesDocument.Render(policy, effective, services, limitBytes: 2048);

        Assert.True(result.Outcome.Status, result.Outcome.Message);
        Assert.Equal(0, result.ServiceStrategies);
        Assert.Equal("{\"default_strategy\":{\"type\":\"probabilistic\",\"param\":0.1,\"operation_strategies\":[{\"operation\":\"GET /health\",\"type\":\"probabilistic\",\"param\":0.05}]},\"service_strategies\":[]}", result.Json);
    }

    [Theory]
    [InlineData(1.0, "1")]
    [InlineData(0.0, "0")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.05, "0.05")]
    [InlineData(1e-5, "0.00001")]
    [InlineData(1.5e-10, "0.00000000015")]
    [InlineData(0.123456789012345, "0.123456789012345")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    public void Ratios_have_one_canonical_text(double ratio, string text)
    {
        Assert.Equal(text, Ratio.Format(ratio));
        Assert.Equal(ratio, double.Parse(text, CultureInfo.InvariantCulture));
    }
}
