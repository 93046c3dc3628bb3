using System.Text.Json.Nodes;
using KubeApiEmulator.Patching;

namespace KubeApiEmulator.Tests.Patching;

/// <summary>
/// Server-side apply against what kube-apiserver does (structured-merge-diff; conflict texts from
/// k8s.io/apiserver/pkg/endpoints/handlers/fieldmanager getConflictMessage and printManager).
/// </summary>
public sealed class ServerSideApplyTests
{
    private static readonly FixedClock Clock = new(new DateTimeOffset(2026, 11, 25, 3, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Create_records_the_manager_and_its_fields()
    {
        var applied = Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","namespace":"ns","labels":{"app":"a"}},"data":{"k":"v"}}""");

        var result = ServerSideApply.Apply(null, applied, "helm", force: false, Clock);

        Assert.Equal("v", (string?)result["data"]!["k"]);
        var entry = Assert.Single(result["metadata"]!["managedFields"]!.AsArray())!;
        Assert.Equal("helm", (string?)entry["manager"]);
        Assert.Equal("Apply", (string?)entry["operation"]);
        Assert.Equal("v1", (string?)entry["apiVersion"]);
        Assert.Equal("FieldsV1", (string?)entry["fieldsType"]);
        Assert.Equal("2026-11-25T03:00:00Z", (string?)entry["time"]);
        Assert.Equal("""{"f:data":{"f:k":{}},"f:metadata":{"f:labels":{"f:app":{}}}}""", entry["fieldsV1"]!.ToJsonString());
    }

    [Fact]
    public void Apply_merges_onto_fields_set_by_others_and_keeps_them()
    {
        var live = ServerSideApply.Apply(null, Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"}}"""), "one", false, Clock);

        var result = ServerSideApply.Apply(live, Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"b":"2"}}"""), "two", false, Clock);

        Assert.Equal("""{"a":"1","b":"2"}""", result["data"]!.ToJsonString());
        Assert.Equal(["one", "two"], result["metadata"]!["managedFields"]!.AsArray().Select(e => (string?)e!["manager"]));
    }

    [Theory]
    [InlineData("Apply", null, "Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas")]
    [InlineData("Update", null, "Apply failed with 1 conflict: conflict with \"kubectl\" using apps/v1: .spec.replicas")]
    [InlineData("Update", "2026-11-24T10:00:00Z", "Apply failed with 1 conflict: conflict with \"kubectl\" using apps/v1 at 2026-11-24T10:00:00Z: .spec.replicas")]
    public void A_different_value_for_a_field_another_manager_owns_is_a_conflict(string operation, string? time, string message)
    {
        var timeMember = time is null ? "" : $"\"time\":\"{time}\",";
        var live = Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","managedFields":[{"manager":"kubectl","operation":"OPERATION","apiVersion":"apps/v1",TIME"fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}}]},"spec":{"replicas":2}}"""
            .Replace("OPERATION", operation, StringComparison.Ordinal).Replace("TIME", timeMember, StringComparison.Ordinal));

        var error = Assert.Throws<ApplyConflictException>(() =>
            ServerSideApply.Apply(live, Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":3}}"""), "helm", false, Clock));

        Assert.Equal(message, error.Message);
        var conflict = Assert.Single(error.Conflicts);
        Assert.Equal(".spec.replicas", conflict.Field);
    }

    [Fact]
    public void Several_conflicts_are_listed_by_manager()
    {
        var live = Parse("""
            {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","managedFields":[
              {"manager":"b","operation":"Apply","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:x":{}}}},
              {"manager":"a","operation":"Apply","apiVersion":"v1","fieldsType":"FieldsV1","fieldsV1":{"f:data":{"f:y":{},"f:z":{}}}}]},
             "data":{"x":"1","y":"1","z":"1"}}
            """);

        var error = Assert.Throws<ApplyConflictException>(() =>
            ServerSideApply.Apply(live, Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"x":"2","y":"2","z":"2"}}"""), "c", false, Clock));

        Assert.Equal("Apply failed with 3 conflicts: conflicts with \"a\":\n- .data.y\n- .data.z\nconflicts with \"b\":\n- .data.x", error.Message);
    }

    [Fact]
    public void The_same_value_is_shared_ownership_not_a_conflict()
    {
        var live = ServerSideApply.Apply(null, Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":2}}"""), "one", false, Clock);

        var result = ServerSideApply.Apply(live, Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":2}}"""), "two", false, Clock);

        Assert.All(result["metadata"]!["managedFields"]!.AsArray(), e => Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", e!["fieldsV1"]!.ToJsonString()));
    }

    [Fact]
    public void Force_takes_the_field_over_from_the_other_manager()
    {
        var live = ServerSideApply.Apply(null, Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":2,"paused":false}}"""), "one", false, Clock);

        var result = ServerSideApply.Apply(live, Parse("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"replicas":5}}"""), "two", force: true, Clock);

        Assert.Equal(5, (int?)result["spec"]!["replicas"]);
        var entries = result["metadata"]!["managedFields"]!.AsArray();
        Assert.Equal("""{"f:spec":{"f:paused":{}}}""", entries.Single(e => (string?)e!["manager"] == "one")!["fieldsV1"]!.ToJsonString());
        Assert.Equal("""{"f:spec":{"f:replicas":{}}}""", entries.Single(e => (string?)e!["manager"] == "two")!["fieldsV1"]!.ToJsonString());
    }

    [Fact]
    public void Reapplying_the_same_configuration_changes_nothing_even_later()
    {
        var config = Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"1"}},"data":{"k":"v"}}""");
        var first = ServerSideApply.Apply(null, config, "helm", false, Clock);

        var second = ServerSideApply.Apply(first, config, "helm", false, new FixedClock(Clock.GetUtcNow().AddHours(1)));

        Assert.True(JsonNode.DeepEquals(first, second), second.ToJsonString());
    }

    [Theory]
    [InlineData(false, """{"a":"1"}""")]
    [InlineData(true, """{"a":"1","b":"2"}""")]
    public void A_field_the_manager_stops_applying_is_removed_unless_another_manager_owns_it(bool otherOwnsB, string expectedLabels)
    {
        var live = ServerSideApply.Apply(null, Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"1","b":"2"}}}"""), "helm", false, Clock);
        if (otherOwnsB)
        {
            live = ServerSideApply.Apply(live, Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"b":"2"}}}"""), "other", false, Clock);
        }

        var result = ServerSideApply.Apply(live, Parse("""{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"1"}}}"""), "helm", false, Clock);

        Assert.Equal(expectedLabels, result["metadata"]!["labels"]!.ToJsonString());
    }

    [Fact]
    public void Containers_are_merged_by_name_and_owned_per_item()
    {
        var live = ServerSideApply.Apply(null, Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"name":"app","image":"app:1"}]}}}}
            """), "helm", false, Clock);

        var result = ServerSideApply.Apply(live, Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"s:1"}]}}}}
            """), "injector", false, Clock);

        Assert.Equal(["app", "sidecar"], result["spec"]!["template"]!["spec"]!["containers"]!.AsArray().Select(c => (string?)c!["name"]));
        var injector = result["metadata"]!["managedFields"]!.AsArray().Single(e => (string?)e!["manager"] == "injector")!;
        var expected = JsonNode.Parse("""{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\"name\":\"sidecar\"}":{".":{},"f:image":{},"f:name":{}}}}}}}""");
        Assert.True(JsonNode.DeepEquals(expected, injector["fieldsV1"]), injector["fieldsV1"]!.ToJsonString());
    }

    [Fact]
    public void A_conflict_inside_a_keyed_list_names_the_item()
    {
        var live = ServerSideApply.Apply(null, Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"name":"app","image":"app:1"}]}}}}
            """), "helm", false, Clock);

        var error = Assert.Throws<ApplyConflictException>(() => ServerSideApply.Apply(live, Parse("""
            {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"name":"app","image":"app:2"}]}}}}
            """), "kubectl", false, Clock));

        Assert.Equal("Apply failed with 1 conflict: conflict with \"helm\": .spec.template.spec.containers[name=\"app\"].image", error.Message);
    }

    [Fact]
    public void Lists_of_custom_resources_are_atomic()
    {
        var live = ServerSideApply.Apply(null, Parse("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"items":["a","b"]}}"""), "one", false, Clock);

        var result = ServerSideApply.Apply(live, Parse("""{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"},"spec":{"items":["c"]}}"""), "one", false, Clock);

        Assert.Equal("""["c"]""", result["spec"]!["items"]!.ToJsonString());
    }

    [Theory]
    [InlineData("""{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d"},"spec":{"template":{"spec":{"containers":[{"image":"x"}]}}}}""", "omits key field \"name\"")]
    [InlineData("""{"kind":"ConfigMap","metadata":{"name":"c"}}""", "must set apiVersion")]
    [InlineData("""{"apiVersion":1,"kind":"ConfigMap","metadata":{"name":"c"}}""", "must set apiVersion")]
    [InlineData("""["x"]""", "must be an object")]
    public void Malformed_configurations_are_rejected(string config, string messagePart)
    {
        var error = Assert.Throws<PatchException>(() => ServerSideApply.Apply(null, Parse(config), "m", false, Clock));

        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
    }

    private static JsonNode Parse(string json) => JsonNode.Parse(json)!;

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
