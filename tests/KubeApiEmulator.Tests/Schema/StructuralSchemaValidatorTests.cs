using System.Text.Json.Nodes;
using KubeApiEmulator.Schema;

namespace KubeApiEmulator.Tests.Schema;

/// <summary>
/// Expected messages are those kube-apiserver returns for custom resources (apiextensions-apiserver validation via
/// kube-openapi, turned into k8s.io/apimachinery field errors), e.g.
/// <c>spec.layer: Unsupported value: "foo": supported values: "processing", "trigger"</c>.
/// </summary>
public sealed class StructuralSchemaValidatorTests
{
    private const string Schema = """
        {"type":"object","properties":{
          "spec":{"type":"object","required":["workload"],"properties":{
            "workload":{"type":"object","required":["name"],"properties":{"name":{"type":"string","minLength":1,"maxLength":10}}},
            "layer":{"type":"string","enum":["processing","trigger"]},
            "replicas":{"type":"integer","minimum":1,"maximum":5},
            "port":{"x-kubernetes-int-or-string":true},
            "ratio":{"type":"number","minimum":0,"maximum":1},
            "weight":{"type":"number","exclusiveMinimum":true,"minimum":0,"exclusiveMaximum":true,"maximum":10},
            "step":{"type":"integer","multipleOf":5},
            "interval":{"type":"string","pattern":"^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$"},
            "enabled":{"type":"boolean"},
            "since":{"type":"string","format":"date-time"},
            "blob":{"type":"string","format":"byte"},
            "wide":{"type":"integer","format":"int32"},
            "note":{"type":"string","nullable":true},
            "tags":{"type":"array","maxItems":3,"minItems":1,"items":{"type":"string"},"x-kubernetes-list-type":"set"},
            "ports":{"type":"array","items":{"type":"object","properties":{"name":{"type":"string"},"port":{"type":"integer"}}},"x-kubernetes-list-type":"map","x-kubernetes-list-map-keys":["name"]},
            "labels":{"type":"object","additionalProperties":{"type":"string"}},
            "extra":{"type":"object","x-kubernetes-preserve-unknown-fields":true},
            "template":{"type":"object","x-kubernetes-embedded-resource":true,"properties":{"spec":{"type":"object"}}},
            "mode":{"type":"string","default":"auto"}
          }},
          "status":{"type":"object","properties":{"phase":{"type":"string"}}}
        }}
        """;

    private const string ValidSpec = """{"workload":{"name":"checkout"}}""";

    public static TheoryData<string, string, string, string> Violations => new()
    {
        { """{"workload":{}}""", "spec.workload.name", "FieldValueRequired", "spec.workload.name: Required value" },
        { """{}""", "spec.workload", "FieldValueRequired", "spec.workload: Required value" },
        { """{"workload":{"name":"c"},"layer":"foo"}""", "spec.layer", "FieldValueNotSupported", "spec.layer: Unsupported value: \"foo\": supported values: \"processing\", \"trigger\"" },
        { """{"workload":{"name":"c"},"replicas":"two"}""", "spec.replicas", "FieldValueTypeInvalid", "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"" },
        { """{"workload":{"name":"c"},"replicas":1.5}""", "spec.replicas", "FieldValueTypeInvalid", "spec.replicas: Invalid value: \"number\": spec.replicas in body must be of type integer: \"number\"" },
        { """{"workload":{"name":"c"},"replicas":9}""", "spec.replicas", "FieldValueInvalid", "spec.replicas: Invalid value: 9: spec.replicas in body should be less than or equal to 5" },
        { """{"workload":{"name":"c"},"replicas":0}""", "spec.replicas", "FieldValueInvalid", "spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1" },
        { """{"workload":{"name":"c"},"ratio":1.5}""", "spec.ratio", "FieldValueInvalid", "spec.ratio: Invalid value: 1.5: spec.ratio in body should be less than or equal to 1" },
        { """{"workload":{"name":"c"},"weight":10}""", "spec.weight", "FieldValueInvalid", "spec.weight: Invalid value: 10: spec.weight in body should be less than 10" },
        { """{"workload":{"name":"c"},"weight":0}""", "spec.weight", "FieldValueInvalid", "spec.weight: Invalid value: 0: spec.weight in body should be greater than 0" },
        { """{"workload":{"name":"c"},"step":7}""", "spec.step", "FieldValueInvalid", "spec.step: Invalid value: 7: spec.step in body should be a multiple of 5" },
        { """{"workload":{"name":"c"},"interval":"5x"}""", "spec.interval", "FieldValueInvalid", "spec.interval: Invalid value: \"5x\": spec.interval in body should match '^(0|([0-9]+(\\.[0-9]+)?(ms|s|m|h))+)$'" },
        { """{"workload":{"name":""}}""", "spec.workload.name", "FieldValueInvalid", "spec.workload.name: Invalid value: \"\": spec.workload.name in body should be at least 1 chars long" },
        { """{"workload":{"name":"abcdefghijk"}}""", "spec.workload.name", "FieldValueTooLong", "spec.workload.name: Too long: may not be more than 10 bytes" },
        { """{"workload":{"name":"c"},"enabled":"yes"}""", "spec.enabled", "FieldValueTypeInvalid", "spec.enabled: Invalid value: \"string\": spec.enabled in body must be of type boolean: \"string\"" },
        { """{"workload":{"name":"c"},"port":true}""", "spec.port", "FieldValueTypeInvalid", "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\"" },
        { """{"workload":{"name":"c"},"since":"yesterday"}""", "spec.since", "FieldValueTypeInvalid", "spec.since: Invalid value: \"yesterday\": spec.since in body must be of type date-time: \"yesterday\"" },
        { """{"workload":{"name":"c"},"blob":"not base64!"}""", "spec.blob", "FieldValueTypeInvalid", "spec.blob: Invalid value: \"not base64!\": spec.blob in body must be of type byte: \"not base64!\"" },
        { """{"workload":{"name":"c"},"enabled":null}""", "spec.enabled", "FieldValueTypeInvalid", "spec.enabled: Invalid value: \"null\": spec.enabled in body must be of type boolean: \"null\"" },
        { """{"workload":{"name":"c"},"tags":["a","b","c","d"]}""", "spec.tags", "FieldValueTooMany", "spec.tags: Too many: 4: must have at most 3 items" },
        { """{"workload":{"name":"c"},"tags":[]}""", "spec.tags", "FieldValueInvalid", "spec.tags: Invalid value: 0: spec.tags in body should have at least 1 items" },
        { """{"workload":{"name":"c"},"tags":["a","a"]}""", "spec.tags[1]", "FieldValueDuplicate", "spec.tags[1]: Duplicate value: \"a\"" },
        { """{"workload":{"name":"c"},"tags":[1]}""", "spec.tags[0]", "FieldValueTypeInvalid", "spec.tags[0]: Invalid value: \"integer\": spec.tags[0] in body must be of type string: \"integer\"" },
        { """{"workload":{"name":"c"},"ports":[{"name":"a","port":1},{"name":"a","port":2}]}""", "spec.ports[1]", "FieldValueDuplicate", "spec.ports[1]: Duplicate value: map[name:a]" },
        { """{"workload":{"name":"c"},"labels":{"team":7}}""", "spec.labels.team", "FieldValueTypeInvalid", "spec.labels.team: Invalid value: \"integer\": spec.labels.team in body must be of type string: \"integer\"" },
        { """{"workload":{"name":"c"},"template":{"kind":"Pod","metadata":{}}}""", "spec.template.apiVersion", "FieldValueRequired", "spec.template.apiVersion: Required value: must not be empty" },
        { """{"workload":{"name":"c"},"mode":5}""", "spec.mode", "FieldValueTypeInvalid", "spec.mode: Invalid value: \"integer\": spec.mode in body must be of type string: \"integer\"" },
    };

    [Theory]
    [MemberData(nameof(Violations))]
    public void Violations_are_reported_like_the_api_server(string spec, string field, string reason, string message)
    {
        var errors = Validator().ValidateAndPrune(Resource(spec), strictUnknownFields: false);

        var error = Assert.Single(errors);
        Assert.Equal((field, reason), (error.Field, error.Reason));
        Assert.Equal(message, error.ToString());
        Assert.Equal(message[(field.Length + 2)..], error.Message);
    }

    [Theory]
    [InlineData("""{"workload":{"name":"checkout"}}""")]
    [InlineData("""{"workload":{"name":"c"},"layer":"trigger","replicas":5,"ratio":0.25,"weight":9.99,"step":15,"interval":"1m30s","enabled":false}""")]
    [InlineData("""{"workload":{"name":"c"},"port":8080,"since":"2026-11-25T03:00:00Z","blob":"aGVsbG8=","note":null}""")]
    [InlineData("""{"workload":{"name":"c"},"port":"http","since":"2026-11-25T03:00:00.123+01:00","replicas":2.0}""")]
    [InlineData("""{"workload":{"name":"c"},"tags":["a","b"],"ports":[{"name":"a","port":1},{"name":"b","port":1}],"labels":{"x":"y"}}""")]
    [InlineData("""{"workload":{"name":"c"},"extra":{"anything":{"goes":[1,"two"]}},"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{}}}""")]
    // kube-openapi checks formats on strings only: int32 on an integer does not bound it.
    [InlineData("""{"workload":{"name":"c"},"wide":1099511627776}""")]
    public void Valid_objects_have_no_errors(string spec)
    {
        var errors = Validator().ValidateAndPrune(Resource(spec), strictUnknownFields: true);

        Assert.True(errors.Count == 0, string.Join("\n", errors));
    }

    [Fact]
    public void Unknown_fields_are_pruned_but_apiVersion_kind_metadata_and_preserved_fields_stay()
    {
        var obj = Resource("""{"workload":{"name":"c","surprise":1},"bogus":true,"extra":{"kept":1},"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"junk":1}}""");
        obj["topLevelJunk"] = "x";
        obj["status"] = JsonNode.Parse("""{"phase":"Ready","stale":true}""");

        var errors = Validator().ValidateAndPrune(obj, strictUnknownFields: false);

        Assert.Empty(errors);
        Assert.Equal(
            """{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","labels":{"a":"b"}},"spec":{"workload":{"name":"c"},"extra":{"kept":1},"template":{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"}},"mode":"auto"},"status":{"phase":"Ready"}}""",
            obj.ToJsonString());
    }

    [Fact]
    public void Metadata_is_kept_whole_even_when_the_schema_declares_it_as_a_bare_object()
    {
        // controller-gen and our crdgen emit "metadata: {type: object}"; the API server still keeps every ObjectMeta field.
        var schema = JsonNode.Parse("""{"type":"object","properties":{"apiVersion":{"type":"string"},"kind":{"type":"string"},"metadata":{"type":"object"},"spec":{"type":"object"}}}""")!;
        var obj = JsonNode.Parse("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","namespace":"ns","labels":{"a":"b"},"finalizers":["f"]},"spec":{}}""")!.AsObject();
        var before = obj.ToJsonString();

        var errors = new StructuralSchemaValidator(schema).ValidateAndPrune(obj, strictUnknownFields: true);

        Assert.Empty(errors);
        Assert.Equal(before, obj.ToJsonString());
    }

    [Fact]
    public void Strict_field_validation_reports_each_unknown_field_and_prunes_nothing()
    {
        var obj = Resource("""{"workload":{"name":"c","surprise":1},"bogus":true}""");

        var errors = Validator().ValidateAndPrune(obj, strictUnknownFields: true);

        Assert.Equal(
            [new("spec.workload.surprise", "FieldValueUnknown", "unknown field \"spec.workload.surprise\""), new("spec.bogus", "FieldValueUnknown", "unknown field \"spec.bogus\"")],
            errors);
        Assert.Equal(1, (int?)obj["spec"]!["workload"]!["surprise"]);
    }

    // RE2 (the API server's regex engine): '$' is the very end, and \d \w \s are ASCII.
    [Theory]
    [InlineData("^[a-z]+$", "abc", true)]
    [InlineData("^[a-z]+$", "abc\n", false)]
    [InlineData("^\\d+$", "123", true)]
    [InlineData("^\\d+$", "\u0663", false)]
    [InlineData("^[\\d.]+$", "1.5", true)]
    [InlineData("^\\w+$", "caf\u00e9", false)]
    [InlineData("^[$]x$", "$x", true)]
    [InlineData("^a\\$$", "a$", true)]
    [InlineData("^[^\\]]+$", "ab", true)]
    public void Patterns_follow_go_regexp_semantics(string pattern, string value, bool valid)
    {
        var schema = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["spec"] = new JsonObject { ["type"] = "object", ["properties"] = new JsonObject { ["v"] = new JsonObject { ["type"] = "string", ["pattern"] = pattern } } } } };
        var obj = new JsonObject { ["apiVersion"] = "example.com/v1", ["kind"] = "Widget", ["spec"] = new JsonObject { ["v"] = value } };

        var errors = new StructuralSchemaValidator(schema).ValidateAndPrune(obj, strictUnknownFields: true);

        Assert.Equal(valid, errors.Count == 0);
    }

    [Fact]
    public void Numbers_held_as_clr_values_are_checked_like_parsed_ones()
    {
        // Server-side apply bodies arrive as YAML and are built into nodes from long/double values, not JsonElements.
        var obj = Resource(ValidSpec);
        obj["spec"]!["replicas"] = JsonValue.Create(9L);
        obj["spec"]!["ratio"] = JsonValue.Create(0.5d);

        var errors = Validator().ValidateAndPrune(obj, strictUnknownFields: true);

        Assert.Equal("spec.replicas: Invalid value: 9: spec.replicas in body should be less than or equal to 5", Assert.Single(errors).ToString());
    }

    [Fact]
    public void Defaults_are_applied_to_absent_fields_only()
    {
        var absent = Resource(ValidSpec);
        var present = Resource("""{"workload":{"name":"c"},"mode":"manual"}""");

        Validator().ValidateAndPrune(absent, false);
        Validator().ValidateAndPrune(present, false);

        Assert.Equal("auto", (string?)absent["spec"]!["mode"]);
        Assert.Equal("manual", (string?)present["spec"]!["mode"]);
    }

    [Fact]
    public void Several_violations_are_all_reported()
    {
        var errors = Validator().ValidateAndPrune(Resource("""{"workload":{},"layer":"foo","replicas":9}"""), false);

        Assert.Equal(["spec.layer", "spec.replicas", "spec.workload.name"], errors.Select(e => e.Field).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_schema_that_is_not_an_object_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => new StructuralSchemaValidator(new JsonArray()));
    }

    private static StructuralSchemaValidator Validator() => new(JsonNode.Parse(Schema)!);

    private static JsonObject Resource(string spec) =>
        JsonNode.Parse("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w","labels":{"a":"b"}},"spec":""" + spec + "}")!.AsObject();
}
