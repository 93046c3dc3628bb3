using System.Text.Json.Nodes;
using KubeApiEmulator.Patching;

namespace KubeApiEmulator.Tests.Patching;

/// <summary>
/// Expectations are what kube-apiserver returns for the same patch (k8s.io/apimachinery strategicpatch with the
/// struct tags of k8s.io/api; cases modelled on its patch_test.go and on the kubectl patch task docs).
/// </summary>
public sealed class StrategicMergePatchTests
{
    private const string Deployment = """
        {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","labels":{"app":"web","tier":"fe"},"finalizers":["a","b"]},
         "spec":{"replicas":2,"strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":1}},
          "selector":{"matchLabels":{"app":"web"}},
          "template":{"metadata":{"labels":{"app":"web"}},"spec":{
           "containers":[
             {"name":"app","image":"app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"ports":[{"containerPort":80},{"containerPort":81}],
              "volumeMounts":[{"name":"cfg","mountPath":"/etc/cfg"}]},
             {"name":"sidecar","image":"side:1"}],
           "tolerations":[{"key":"k1","operator":"Exists"}],
           "volumes":[{"name":"cfg","configMap":{"name":"cfg"}}]}}},
         "status":{"conditions":[{"type":"Available","status":"False"},{"type":"Progressing","status":"True"}]}}
        """;

    public static TheoryData<string, string, string, string> DeploymentCases => new()
    {
        {
            "container merged by name: only its image changes, the other container stays",
            """{"spec":{"template":{"spec":{"containers":[{"name":"sidecar","image":"side:2"}]}}}}""",
            "/spec/template/spec/containers",
            """[{"name":"app","image":"app:1","env":[{"name":"A","value":"1"},{"name":"B","value":"2"}],"ports":[{"containerPort":80},{"containerPort":81}],"volumeMounts":[{"name":"cfg","mountPath":"/etc/cfg"}]},{"name":"sidecar","image":"side:2"}]"""
        },
        {
            "a new container is appended",
            """{"spec":{"template":{"spec":{"containers":[{"name":"extra","image":"x:1"}]}}}}""",
            "/spec/template/spec/containers/2",
            """{"name":"extra","image":"x:1"}"""
        },
        {
            "env merged by name: changed, added, deleted by $patch: delete",
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"B","value":"two"},{"name":"C","value":"3"},{"name":"A","$patch":"delete"}]}]}}}}""",
            "/spec/template/spec/containers/0/env",
            """[{"name":"B","value":"two"},{"name":"C","value":"3"}]"""
        },
        {
            "container ports merged by containerPort",
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","ports":[{"containerPort":81,"name":"metrics"},{"containerPort":90}]}]}}}}""",
            "/spec/template/spec/containers/0/ports",
            """[{"containerPort":80},{"containerPort":81,"name":"metrics"},{"containerPort":90}]"""
        },
        {
            "volumeMounts merged by mountPath",
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","volumeMounts":[{"name":"data","mountPath":"/data"}]}]}}}}""",
            "/spec/template/spec/containers/0/volumeMounts",
            """[{"name":"cfg","mountPath":"/etc/cfg"},{"name":"data","mountPath":"/data"}]"""
        },
        {
            "tolerations have no patch strategy: the list is replaced",
            """{"spec":{"template":{"spec":{"tolerations":[{"key":"k2","operator":"Exists"}]}}}}""",
            "/spec/template/spec/tolerations",
            """[{"key":"k2","operator":"Exists"}]"""
        },
        {
            "$patch: replace inside a merging list replaces the whole list",
            """{"spec":{"template":{"spec":{"containers":[{"$patch":"replace"},{"name":"only","image":"o:1"}]}}}}""",
            "/spec/template/spec/containers",
            """[{"name":"only","image":"o:1"}]"""
        },
        {
            "volumes use merge,retainKeys: $retainKeys clears the old volume source",
            """{"spec":{"template":{"spec":{"volumes":[{"$retainKeys":["name","secret"],"name":"cfg","secret":{"secretName":"s"}}]}}}}""",
            "/spec/template/spec/volumes",
            """[{"name":"cfg","secret":{"secretName":"s"}}]"""
        },
        {
            "deployment strategy uses retainKeys: switching to Recreate drops rollingUpdate",
            """{"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}""",
            "/spec/strategy",
            """{"type":"Recreate"}"""
        },
        {
            "finalizers are a merging set of primitives: union",
            """{"metadata":{"finalizers":["c","a"]}}""",
            "/metadata/finalizers",
            """["b","c","a"]"""
        },
        {
            "$deleteFromPrimitiveList removes values from a primitive list",
            """{"metadata":{"$deleteFromPrimitiveList/finalizers":["a"]}}""",
            "/metadata/finalizers",
            """["b"]"""
        },
        {
            "$setElementOrder orders the merged list",
            """{"spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"sidecar"},{"name":"app"}],"containers":[{"name":"app","image":"app:2"}]}}}}""",
            "/spec/template/spec/containers/0/name",
            "\"sidecar\""
        },
        {
            "null deletes a map key",
            """{"metadata":{"labels":{"tier":null}}}""",
            "/metadata/labels",
            """{"app":"web"}"""
        },
        {
            "$patch: replace on a map replaces it",
            """{"spec":{"selector":{"$patch":"replace","matchLabels":{"other":"x"}}}}""",
            "/spec/selector",
            """{"matchLabels":{"other":"x"}}"""
        },
        {
            "$patch: delete on a map empties it",
            """{"spec":{"strategy":{"$patch":"delete"}}}""",
            "/spec/strategy",
            """{}"""
        },
        {
            "status conditions merged by type",
            """{"status":{"conditions":[{"type":"Available","status":"True"}]}}""",
            "/status/conditions",
            """[{"type":"Available","status":"True"},{"type":"Progressing","status":"True"}]"""
        },
        {
            "$patch: replace in a list merged by key keeps every item of a repeated key, in patch order",
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"$patch":"replace"},{"name":"X","value":"1"},{"name":"X","value":"2"},{"name":"B","value":"$(X)"}]}]}}}}""",
            "/spec/template/spec/containers/0/env",
            """[{"name":"X","value":"1"},{"name":"X","value":"2"},{"name":"B","value":"$(X)"}]"""
        },
        {
            "env: $setElementOrder with a deleted, a changed and a new item; entries named only in the order keep their values",
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","$setElementOrder/env":[{"name":"B"},{"name":"C"},{"name":"D"}],"env":[{"name":"C","value":"3"},{"name":"D","value":"4"},{"name":"A","$patch":"delete"}]}]}}}}""",
            "/spec/template/spec/containers/0/env",
            """[{"name":"B","value":"2"},{"name":"C","value":"3"},{"name":"D","value":"4"}]"""
        },
        {
            "env: an entry left out of $setElementOrder (added by someone else) stays next to its server neighbour",
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","$setElementOrder/env":[{"name":"A"},{"name":"C"}],"env":[{"name":"C","value":"3"}]}]}}}}""",
            "/spec/template/spec/containers/0/env",
            """[{"name":"A","value":"1"},{"name":"B","value":"2"},{"name":"C","value":"3"}]"""
        },
        {
            "env: null for a key of an item drops it (value replaced by valueFrom)",
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"B","value":null,"valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}]}]}}}}""",
            "/spec/template/spec/containers/0/env/1",
            """{"name":"B","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}}"""
        },
        {
            "env: null as the list drops it, other fields of the container stay",
            """{"spec":{"template":{"spec":{"containers":[{"name":"app","env":null}]}}}}""",
            "/spec/template/spec/containers/0",
            """{"name":"app","image":"app:1","ports":[{"containerPort":80},{"containerPort":81}],"volumeMounts":[{"name":"cfg","mountPath":"/etc/cfg"}]}"""
        },
        {
            "directives inside a value new to the object are dropped",
            """{"spec":{"paused":true,"template":{"spec":{"initContainers":[{"name":"init","image":"i:1","$patch":"merge"},{"name":"gone","$patch":"delete"}]}}}}""",
            "/spec/template/spec/initContainers",
            """[{"name":"init","image":"i:1"}]"""
        },
    };

    [Theory]
    [MemberData(nameof(DeploymentCases))]
    public void Deployment_patches_follow_the_struct_tags(string description, string patch, string pointer, string expected)
    {
        var result = StrategicMergePatch.Apply(JsonNode.Parse(Deployment)!, JsonNode.Parse(patch)!, "apps", "Deployment");

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), At(result, pointer)), $"{description}: got {At(result, pointer)?.ToJsonString()}");
    }

    [Fact]
    public void Kubectl_apply_three_way_patch_changes_the_image_and_keeps_the_rest()
    {
        // The shape kubectl apply sends for a Deployment whose image changed (observed with kubectl 1.32).
        var patch = """
            {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{}"}},
             "spec":{"template":{"spec":{"$setElementOrder/containers":[{"name":"app"},{"name":"sidecar"}],"containers":[{"image":"app:2","name":"app"}]}}}}
            """;

        var result = StrategicMergePatch.Apply(JsonNode.Parse(Deployment)!, JsonNode.Parse(patch)!, "apps", "Deployment");

        Assert.Equal("app:2", (string?)result["spec"]!["template"]!["spec"]!["containers"]![0]!["image"]);
        Assert.Equal("side:1", (string?)result["spec"]!["template"]!["spec"]!["containers"]![1]!["image"]);
        Assert.Equal(2, result["spec"]!["template"]!["spec"]!["containers"]!.AsArray()[0]!["env"]!.AsArray().Count);
        Assert.Equal("{}", (string?)result["metadata"]!["annotations"]!["kubectl.kubernetes.io/last-applied-configuration"]);
    }

    [Theory]
    [InlineData("/Service", """{"spec":{"ports":[{"port":80,"targetPort":8080},{"port":443}]}}""", "/spec/ports", """[{"port":80,"targetPort":8080,"name":"http"},{"port":9090,"name":"metrics"},{"port":443}]""")]
    [InlineData("/ConfigMap", """{"data":{"b":"2","a":null}}""", "/data", """{"b":"2"}""")]
    [InlineData("/ConfigMap", """{"metadata":{"ownerReferences":[{"uid":"u1","name":"renamed"}]}}""", "/metadata/ownerReferences", """[{"uid":"u1","name":"renamed","kind":"X"},{"uid":"u2","name":"o2","kind":"X"}]""")]
    [InlineData("/Pod", """{"spec":{"containers":[{"name":"c","image":"c:2"}]}}""", "/spec/containers", """[{"name":"c","image":"c:2"}]""")]
    [InlineData("/ServiceAccount", """{"secrets":[{"name":"s2"}]}""", "/secrets", """[{"name":"s1"},{"name":"s2"}]""")]
    [InlineData("batch/CronJob", """{"spec":{"jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","args":["x"]}]}}}}}}""", "/spec/jobTemplate/spec/template/spec/containers", """[{"name":"c","image":"c:1","args":["x"]}]""")]
    public void Other_built_in_kinds_use_their_merge_keys(string groupKind, string patch, string pointer, string expected)
    {
        var original = """
            {"metadata":{"name":"o","ownerReferences":[{"uid":"u1","name":"o1","kind":"X"},{"uid":"u2","name":"o2","kind":"X"}]},
             "data":{"a":"1"},
             "secrets":[{"name":"s1"}],
             "spec":{"ports":[{"port":80,"name":"http"},{"port":9090,"name":"metrics"}],
                     "containers":[{"name":"c","image":"c:1"}],
                     "jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"c","image":"c:1"}]}}}}}}
            """;
        var parts = groupKind.Split('/');

        var result = StrategicMergePatch.Apply(JsonNode.Parse(original)!, JsonNode.Parse(patch)!, parts[0], parts[1]);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), At(result, pointer)), $"got {At(result, pointer)?.ToJsonString()}");
    }

    [Theory]
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"image":"no-name"}]}}}}""", "does not contain declared merge key: name")]
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"$patch":"delete"}]}}}}""", "delete patch type with no merge key defined")]
    [InlineData("""{"spec":{"selector":{"$patch":"sideways"}}}""", "unknown patch type")]
    [InlineData("""["not","an","object"]""", "must be a JSON object")]
    [InlineData("""{"spec":{"selector":{"$patch":7}}}""", "unknown patch type")]
    [InlineData("""{"spec":{"template":{"spec":{"containers":[{"name":"app","$patch":true}]}}}}""", "unknown patch type")]
    public void Malformed_patches_are_rejected(string patch, string messagePart)
    {
        var error = Assert.Throws<PatchException>(() => StrategicMergePatch.Apply(JsonNode.Parse(Deployment)!, JsonNode.Parse(patch)!, "apps", "Deployment"));

        Assert.Contains(messagePart, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_original_is_not_modified()
    {
        var original = JsonNode.Parse(Deployment)!;
        var before = original.ToJsonString();

        StrategicMergePatch.Apply(original, JsonNode.Parse("""{"metadata":{"labels":null},"spec":{"replicas":5}}""")!, "apps", "Deployment");

        Assert.Equal(before, original.ToJsonString());
    }

    private static JsonNode? At(JsonNode root, string pointer)
    {
        var node = root;
        foreach (var token in pointer.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            node = node is JsonArray array ? array[int.Parse(token, System.Globalization.CultureInfo.InvariantCulture)] : node?[token];
        }

        return node;
    }
}
