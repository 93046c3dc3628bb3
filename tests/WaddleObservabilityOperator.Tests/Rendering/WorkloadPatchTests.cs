using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using KubeApiEmulator.Patching;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Controllers;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Tests.Rendering;

/// <summary>
/// The injection's strategic merge patch does on the server exactly what the full update did: applied by the API
/// emulator's strategic merge patch (k8s.io/apimachinery's semantics) to the whole workload as stored, it gives the
/// whole workload <see cref="WorkloadInjection"/> computes, whether the operator computed it from the whole workload or
/// from what its cache keeps (<see cref="UserWorkloadCache"/>). And it carries nothing of the user's but names.
/// </summary>
public sealed class WorkloadPatchTests
{
    private static readonly ObservabilityPolicy Otlp = Sample.Policy("p", p => p.Tracing = new TracingPolicy
    {
        Exporter = TraceExporter.Otlp,
        Endpoint = "http://collector.observability.svc:4317",
        Sampling = new SamplingPolicy { DefaultRatio = 0.25 },
    });

    private static readonly ObservabilityPolicy Jaeger = Sample.Policy("p", p => p.Tracing = new TracingPolicy
    {
        Exporter = TraceExporter.Jaeger,
        Endpoint = "jaeger-agent.observability.svc:6831",
        Sampling = new SamplingPolicy { DefaultRatio = 0.5 },
    });

    private static readonly ObservabilityPolicy WithHeaders = Sample.Policy("p", p => p.Tracing = new TracingPolicy
    {
        Exporter = TraceExporter.Otlp,
        Endpoint = "http://collector.observability.svc:4317",
        HeadersSecretRef = new SecretKeyReference { Name = "otlp", Key = "headers" },
    });

    private static ResolvedService Router(ObservabilityPolicy policy, Action<WaddleServiceSpec>? configure = null) =>
        Sample.Resolve(Sample.Service("router", ServiceLayer.Processing, configure), policy);

    /// <summary>A step of a workload's life: the operator injects for a service, the user edits the workload, or the operator removes its injection.</summary>
    public sealed record Step(string Description, Func<ResolvedService?>? Service = null, Action<V1PodSpec>? UserEdit = null)
    {
        public override string ToString() => Description;
    }

    private static Step Inject(string description, Func<ResolvedService> service) => new(description, service);

    private static Step Edit(string description, Action<V1PodSpec> edit) => new(description, UserEdit: edit);

    private static readonly Step Remove = new("remove the injection");

    public static TheoryData<string, string, Step[]> Lives => new()
    {
        {
            "first injection, re-injection, removal", "LOG=debug;PORT=8080",
            [Inject("inject", () => Router(Otlp)), Inject("inject again", () => Router(Otlp)), Remove]
        },
        {
            "no env of the user's", "",
            [Inject("inject", () => Router(Otlp)), Inject("new version", () => Router(Otlp, s => s.Version = "2.0.0")), Remove]
        },
        {
            "exporter switched: variables replaced, added and removed", "LOG=debug",
            [Inject("otlp", () => Router(Otlp)), Inject("jaeger", () => Router(Jaeger)), Inject("otlp again", () => Router(Otlp)), Remove]
        },
        {
            "a value becomes a secret reference and back (valueFrom replaces value)", "LOG=debug",
            [Inject("plain", () => Router(Otlp)), Inject("headers from a Secret", () => Router(WithHeaders)), Inject("plain again", () => Router(Otlp)), Remove]
        },
        {
            "the user shadows injected names", "OTEL_SERVICE_NAME=mine;LOG=debug",
            [Inject("inject", () => Router(Otlp)), Remove]
        },
        {
            "the user appends, edits an injected entry in place and deletes one between injections", "LOG=debug",
            [
                Inject("inject", () => Router(Otlp)),
                Edit("append FEATURE, set METRICS_NAMESPACE, delete OTEL_PROPAGATORS, change the image", spec =>
                {
                    var env = spec.Containers[0].Env;
                    env.Add(new V1EnvVar { Name = "FEATURE", Value = "x" });
                    env.Single(e => e.Name == "METRICS_NAMESPACE").Value = "custom";
                    env.Remove(env.Single(e => e.Name == "OTEL_PROPAGATORS"));
                    spec.Containers[0].Image = "ghcr.io/waddlebot/app:2.0.0";
                }),
                Inject("inject after the edits", () => Router(Otlp)),
                Remove,
            ]
        },
        {
            "the user adds an entry under an injected name after the injection (two entries of one name)", "LOG=debug",
            [
                Inject("inject", () => Router(Otlp)),
                Edit("append a second OTEL_TRACES_SAMPLER", spec => spec.Containers[0].Env.Add(new V1EnvVar { Name = "OTEL_TRACES_SAMPLER", Value = "always_on" })),
                Inject("inject: the injected one goes, the user's stays", () => Router(Otlp)),
                Remove,
            ]
        },
        {
            "duplicate user names", "A=1;A=2;B=$(A)",
            [Inject("inject", () => Router(Otlp)), Inject("new version", () => Router(Otlp, s => s.Version = "2.0.0")), Remove]
        },
        {
            "a container no longer selected gets its injection back", "LOG=debug",
            [Inject("both containers", () => Router(Otlp)), Inject("sidecar only", () => Router(Otlp, s => s.Workload.Containers = ["sidecar"])), Remove]
        },
    };

    public static TheoryData<string, string, string, Step[]> KindsAndLives()
    {
        var data = new TheoryData<string, string, string, Step[]>();
        foreach (var kind in new[] { "Deployment", "StatefulSet", "DaemonSet" })
        {
            foreach (var life in Lives)
            {
                data.Add(kind, (string)life[0], (string)life[1], (Step[])life[2]);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(KindsAndLives))]
    public void The_patch_does_what_the_full_update_did_from_the_whole_workload_or_from_the_cached_part(string kind, string life, string userEnv, Step[] steps)
    {
        var stored = Stored(kind, userEnv);
        var version = 1;
        foreach (var step in steps)
        {
            stored["metadata"]!["resourceVersion"] = (version++).ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (step.UserEdit is { } edit)
            {
                var edited = Typed(stored, kind);
                edit(WorkloadInjection.PodTemplate(edited).Spec);
                stored = Json(edited);
                continue;
            }

            var whole = Typed(stored, kind);
            var cached = Cache(Typed(stored, kind));
            var expected = Change(whole, step);
            var fromCache = Change(cached, step);
            var what = $"{kind}, {life}, {step}";

            Assert.True(expected.Changed == fromCache.Changed, $"{what}: changed {expected.Changed} from the whole workload, {fromCache.Changed} from the cache");
            Assert.True(JsonNode.DeepEquals(expected.Patch, fromCache.Patch), $"{what}: the patch depends on what was cached:\n{expected.Patch?.ToJsonString()}\n{fromCache.Patch?.ToJsonString()}");
            if (!expected.Changed)
            {
                Assert.Null(expected.Patch);
                continue;
            }

            var patched = (JsonObject)StrategicMergePatch.Apply(stored, expected.Patch!, "apps", kind);
            var updated = Json(expected.Workload);
            Assert.True(JsonNode.DeepEquals(Normal(updated), Normal(patched)),
                $"{what}: the patch gives\n{Normal(patched).ToJsonString()}\nthe full update gave\n{Normal(updated).ToJsonString()}\npatch: {expected.Patch!.ToJsonString()}");
            Assert.Equal(stored["metadata"]!["resourceVersion"]!.GetValue<string>(), expected.Patch!["metadata"]!["resourceVersion"]!.GetValue<string>());
            OnlyTheOperatorsEntries(what, Typed(stored, kind), expected.Patch!);
            stored = patched;
        }
    }

    [Fact]
    public void An_applied_injection_needs_no_patch()
    {
        var workload = Sample.Deployment("router", Sample.Container("app", ("LOG", "debug")));
        var injected = Change(workload, Inject("inject", () => Router(Otlp))).Workload;

        var again = Change(injected, Inject("inject again", () => Router(Otlp)));

        Assert.False(again.Changed);
        Assert.Null(again.Patch);
        Assert.Null(WorkloadInjection.Remove(workload).Patch);
    }

    [Fact]
    public void A_first_injection_sends_the_injected_entries_the_order_the_annotations_the_label_and_the_precondition_only()
    {
        var workload = Sample.Deployment("router", Sample.Container("app", ("LOG", "debug")));
        workload.Metadata.ResourceVersion = "42";

        var patch = Change(workload, Inject("inject", () => Router(Otlp))).Patch!;

        Assert.Equal(["metadata", "spec"], patch.Select(p => p.Key));
        Assert.Equal("""{"labels":{"observability.waddlebot.io/injected-by":"router"},"resourceVersion":"42"}""", patch["metadata"]!.ToJsonString());
        var template = patch["spec"]!["template"]!.AsObject();
        Assert.Equal(["metadata", "spec"], template.Select(p => p.Key));
        Assert.Equal([WellKnown.InjectedEnvAnnotation, WellKnown.ConfigHashAnnotation], template["metadata"]!["annotations"]!.AsObject().Select(p => p.Key));
        Assert.Equal("""[{"name":"app"}]""", template["spec"]!["$setElementOrder/containers"]!.ToJsonString());
        var container = template["spec"]!["containers"]!.AsArray().Single()!.AsObject();
        Assert.Equal(["name", "$setElementOrder/env", "env"], container.Select(p => p.Key));
        var order = container["$setElementOrder/env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()).ToList();
        Assert.Equal("LOG", order[0]);
        Assert.Equal(EnvInjectionPlanner.ResourceAttributesVariable, order[^1]);
        Assert.Equal(order.Skip(1), container["env"]!.AsArray().Select(e => e!["name"]!.GetValue<string>()));
    }

    [Fact]
    public void Env_entries_with_a_repeated_name_are_replaced_as_a_list_never_merged_by_name()
    {
        var workload = Sample.Deployment("router", Sample.Container("app", ("A", "1"), ("A", "2")));

        var patch = Change(workload, Inject("inject", () => Router(Otlp))).Patch!;

        var env = patch["spec"]!["template"]!["spec"]!["containers"]![0]!["env"]!.AsArray();
        Assert.Equal("""{"$patch":"replace"}""", env[0]!.ToJsonString());
        Assert.Equal(["A", "A"], env.Skip(1).Take(2).Select(e => e!["name"]!.GetValue<string>()));
        Assert.Equal(["1", "2"], env.Skip(1).Take(2).Select(e => e!["value"]!.GetValue<string>()));
    }

    // A patch of the operator's: its env items are injected entries (added, changed or deleted) only; the user's
    // entries appear by name in $setElementOrder, never with a value (but in a $patch: replace of a list with a repeated name).
    private static void OnlyTheOperatorsEntries(string what, IKubernetesObject<V1ObjectMeta> before, JsonObject patch)
    {
        var injectedNames = EnvInjectionPlanner.Variables(Router(Otlp), "app").Concat(EnvInjectionPlanner.Variables(Router(Jaeger), "app"))
            .Concat(EnvInjectionPlanner.Variables(Router(WithHeaders), "app")).Select(e => e.Name).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(["metadata", .. patch.ContainsKey("spec") ? new[] { "spec" } : []], patch.Select(p => p.Key));
        Assert.True(patch["metadata"]!.AsObject().All(p => p.Key is "labels" or "resourceVersion"), $"{what}: {patch["metadata"]!.ToJsonString()}");
        Assert.True(patch["metadata"]!["labels"] is null || patch["metadata"]!["labels"]!.AsObject().All(p => p.Key == WellKnown.InjectedByLabel), what);
        if (patch["spec"]?["template"]?.AsObject() is not { } template)
        {
            return;
        }

        Assert.True(template.All(p => p.Key is "metadata" or "spec"), what);
        Assert.True(template["metadata"] is null || template["metadata"]!["annotations"]!.AsObject().All(p => WorkloadPatch.OwnedTemplateAnnotations.Contains(p.Key)), what);
        foreach (var container in template["spec"]?["containers"]?.AsArray() ?? [])
        {
            Assert.True(container!.AsObject().All(p => p.Key is "name" or "env" or "$setElementOrder/env"), $"{what}: {container.ToJsonString()}");
            var items = container["env"]?.AsArray() ?? [];
            if (items.FirstOrDefault()?["$patch"]?.GetValue<string>() == "replace")
            {
                var original = WorkloadInjection.PodTemplate(before).Spec.Containers.Single(c => c.Name == container["name"]!.GetValue<string>()).Env ?? [];
                Assert.True(original.GroupBy(e => e.Name).Any(g => g.Count() > 1) || items.Skip(1).GroupBy(e => e!["name"]!.GetValue<string>()).Any(g => g.Count() > 1),
                    $"{what}: a list replaced without a repeated name");
                continue;
            }

            foreach (var item in items)
            {
                var name = item!["name"]!.GetValue<string>();
                Assert.True(injectedNames.Contains(name), $"{what}: the patch carries {name}, not an injected entry: {item.ToJsonString()}");
            }
        }
    }

    private static InjectionResult Change(IKubernetesObject<V1ObjectMeta> workload, Step step)
    {
        if (step.Service?.Invoke() is not { } service)
        {
            return WorkloadInjection.Remove(workload);
        }

        var plan = EnvInjectionPlanner.Plan(service, WorkloadInjection.PodTemplate(workload).Spec);
        Assert.Null(plan.Failure);
        return WorkloadInjection.Apply(workload, plan.Plan!);
    }

    /// <summary>The workload as the API server stores it: more than the operator reads (image, ports, probes, annotations, status).</summary>
    private static JsonObject Stored(string kind, string userEnv)
    {
        var env = userEnv.Length == 0 ? [] : userEnv.Split(';').Select(e => e.Split('=', 2)).Select(p => (p[0], p[1])).ToArray();
        V1Container Full(string name, params (string, string)[] variables)
        {
            var container = Sample.Container(name, variables);
            container.Ports = [new V1ContainerPort { Name = "http", ContainerPort = 8000 }];
            container.ReadinessProbe = new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/health", Port = "http" } };
            container.Resources = new V1ResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("100m") } };
            return container;
        }

        IKubernetesObject<V1ObjectMeta> workload = kind switch
        {
            "StatefulSet" => Sample.StatefulSet("router", Full("app", env), Full("sidecar")),
            "DaemonSet" => Sample.DaemonSet("router", Full("app", env), Full("sidecar")),
            _ => Sample.Deployment("router", Full("app", env), Full("sidecar")),
        };
        workload.Metadata.Labels = new Dictionary<string, string> { ["app"] = "router" };
        workload.Metadata.Annotations = new Dictionary<string, string> { ["kubectl.kubernetes.io/last-applied-configuration"] = "{\"kind\":\"" + kind + "\"}" };
        workload.Metadata.Uid = "uid-router";
        var template = WorkloadInjection.PodTemplate(workload);
        template.Metadata ??= new V1ObjectMeta();
        template.Metadata.Annotations = new Dictionary<string, string> { ["prometheus.io/scrape"] = "true" };
        template.Spec.InitContainers = [new V1Container { Name = "migrate", Image = "ghcr.io/waddlebot/migrate:1.0.0" }];
        var json = Json(workload);
        json["status"] = new JsonObject { ["observedGeneration"] = 1 };
        return Json(Typed(json, kind));
    }

    private static IKubernetesObject<V1ObjectMeta> Cache(IKubernetesObject<V1ObjectMeta> workload) => workload switch
    {
        V1Deployment d => UserWorkloadCache.Deployment(d),
        V1StatefulSet s => UserWorkloadCache.StatefulSet(s),
        V1DaemonSet ds => UserWorkloadCache.DaemonSet(ds),
        _ => throw new ArgumentException(workload.Kind),
    };

    private static JsonObject Json(object workload) => JsonNode.Parse(KubernetesJson.Serialize(workload))!.AsObject();

    private static IKubernetesObject<V1ObjectMeta> Typed(JsonObject json, string kind) => kind switch
    {
        "StatefulSet" => KubernetesJson.Deserialize<V1StatefulSet>(json.ToJsonString()),
        "DaemonSet" => KubernetesJson.Deserialize<V1DaemonSet>(json.ToJsonString()),
        _ => KubernetesJson.Deserialize<V1Deployment>(json.ToJsonString()),
    };

    // As the API server serves it: an empty map or list is not there (omitempty), key order does not matter.
    private static JsonNode Normal(JsonNode node)
    {
        var copy = node.DeepClone();
        Prune(copy);
        return copy;
    }

    private static void Prune(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    Prune(value);
                    if (value is null || value is JsonObject { Count: 0 } || value is JsonArray { Count: 0 })
                    {
                        obj.Remove(key);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Prune(item);
                }

                break;
        }
    }
}
