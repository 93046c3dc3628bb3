using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Controllers;
using WaddleObservabilityOperator.Kube;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Tests.Controllers;

public sealed class UserWorkloadCacheTests
{
    private const string Stored = """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"router","namespace":"bots","uid":"u1","resourceVersion":"7","generation":3,"creationTimestamp":"2026-12-01T00:00:00Z",
          "labels":{"app":"router","observability.waddlebot.io/injected-by":"router"},
          "annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\"a whole second copy\":true}","deployment.kubernetes.io/revision":"3"},
          "ownerReferences":[{"apiVersion":"argoproj.io/v1alpha1","kind":"Rollout","name":"r","uid":"o1"}],
          "finalizers":["example.com/keep"]},
         "spec":{"replicas":3,"selector":{"matchLabels":{"app":"router"}},"strategy":{"type":"RollingUpdate"},
          "template":{"metadata":{"labels":{"app":"router"},"annotations":{"prometheus.io/scrape":"true",
            "observability.waddlebot.io/injected-env":"{}","observability.waddlebot.io/config-hash":"abc"}},
           "spec":{"serviceAccountName":"router","volumes":[{"name":"cfg","configMap":{"name":"cfg"}}],
            "initContainers":[{"name":"migrate","image":"migrate:1","env":[{"name":"DB","value":"x"}]}],
            "containers":[
             {"name":"app","image":"router:1","ports":[{"containerPort":8000}],"resources":{"requests":{"cpu":"100m"}},
              "env":[{"name":"LOG","value":"debug"},{"name":"OTEL_POD_NAME","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}}]},
             {"name":"sidecar","image":"side:1"}]}}},
         "status":{"observedGeneration":3,"replicas":3,"readyReplicas":3,"conditions":[{"type":"Available","status":"True"}]}}
        """;

    /// <summary>What the operator reads of a user's workload, and nothing more (see <see cref="UserWorkloadCache"/>).</summary>
    private const string Kept = """
        {"apiVersion":"apps/v1","kind":"Deployment",
         "metadata":{"name":"router","namespace":"bots","uid":"u1","resourceVersion":"7","generation":3,"creationTimestamp":"2026-12-01T00:00:00Z",
          "labels":{"app":"router","observability.waddlebot.io/injected-by":"router"},
          "ownerReferences":[{"apiVersion":"argoproj.io/v1alpha1","kind":"Rollout","name":"r","uid":"o1"}],
          "finalizers":["example.com/keep"]},
         "spec":{"template":{"metadata":{"annotations":{"observability.waddlebot.io/injected-env":"{}","observability.waddlebot.io/config-hash":"abc"}},
           "spec":{"initContainers":[{"name":"migrate"}],
            "containers":[
             {"name":"app","env":[{"name":"LOG","value":"debug"},{"name":"OTEL_POD_NAME","valueFrom":{"fieldRef":{"apiVersion":"v1","fieldPath":"metadata.name"}}}]},
             {"name":"sidecar"}]}}}}
        """;

    [Fact]
    public void A_users_deployment_keeps_its_metadata_but_annotations_and_its_containers_names_and_env()
    {
        var kept = UserWorkloadCache.Deployment(KubernetesJson.Deserialize<V1Deployment>(Stored));

        AssertJson(Kept, kept);
        Assert.Equal(kept.Metadata.ResourceVersion, UserWorkloadCache.Deployment(kept).Metadata.ResourceVersion);
        AssertJson(Kept, UserWorkloadCache.Deployment(kept));
    }

    [Fact]
    public void StatefulSets_and_DaemonSets_keep_the_same_fields()
    {
        var statefulSet = JsonNode.Parse(Stored)!.AsObject();
        statefulSet["kind"] = "StatefulSet";
        statefulSet["spec"]!.AsObject().Remove("strategy");
        var daemonSet = (JsonObject)statefulSet.DeepClone();
        daemonSet["kind"] = "DaemonSet";
        daemonSet["spec"]!.AsObject().Remove("replicas");
        daemonSet.Remove("status");

        AssertJson(Kept.Replace("\"Deployment\"", "\"StatefulSet\"", StringComparison.Ordinal),
            UserWorkloadCache.StatefulSet(KubernetesJson.Deserialize<V1StatefulSet>(statefulSet.ToJsonString())));
        AssertJson(Kept.Replace("\"Deployment\"", "\"DaemonSet\"", StringComparison.Ordinal),
            UserWorkloadCache.DaemonSet(KubernetesJson.Deserialize<V1DaemonSet>(daemonSet.ToJsonString())));
    }

    [Theory]
    [InlineData("managed-by label", """{"labels":{"app.kubernetes.io/managed-by":"waddle-observability-operator"}}""")]
    [InlineData("owner reference to an ObservabilityPolicy", """{"ownerReferences":[{"apiVersion":"observability.waddlebot.io/v1alpha1","kind":"ObservabilityPolicy","name":"p","uid":"p1"}]}""")]
    public void The_operators_own_workloads_are_kept_whole(string why, string metadata)
    {
        var stored = JsonNode.Parse(Stored)!.AsObject();
        stored["metadata"] = JsonNode.Parse(metadata);
        stored["metadata"]!["name"] = "waddlebot-jaeger";
        var deployment = KubernetesJson.Deserialize<V1Deployment>(stored.ToJsonString());

        Assert.True(ReferenceEquals(deployment, UserWorkloadCache.Deployment(deployment)), why);
    }

    [Fact]
    public void The_workload_kinds_are_declared_with_these_transforms_and_the_injection_with_patch()
    {
        var watches = OperatorControllers.Declarations().SelectMany(c => c.Watches).Where(w => w.Role == WatchRole.Watches).ToList();

        Assert.Equal((Func<V1Deployment, V1Deployment>)UserWorkloadCache.Deployment, watches.Single(w => w.ClrType == typeof(V1Deployment)).CacheTransform);
        Assert.Equal((Func<V1StatefulSet, V1StatefulSet>)UserWorkloadCache.StatefulSet, watches.Single(w => w.ClrType == typeof(V1StatefulSet)).CacheTransform);
        Assert.Equal((Func<V1DaemonSet, V1DaemonSet>)UserWorkloadCache.DaemonSet, watches.Single(w => w.ClrType == typeof(V1DaemonSet)).CacheTransform);
        Assert.All(watches.Where(w => w.ClrType == typeof(V1Deployment) || w.ClrType == typeof(V1StatefulSet) || w.ClrType == typeof(V1DaemonSet)),
            w => Assert.Equal(Access.Patch, w.Access));
        Assert.All(OperatorControllers.Declarations().SelectMany(c => c.Watches).Where(w => w.ClrType != typeof(V1Deployment) && w.ClrType != typeof(V1StatefulSet) && w.ClrType != typeof(V1DaemonSet)),
            w => Assert.Null(w.CacheTransform));
    }

    [Fact]
    public void What_rendering_reads_of_the_kept_part_gives_the_same_injection_as_the_whole_workload()
    {
        var whole = KubernetesJson.Deserialize<V1Deployment>(Stored);
        whole.Metadata.Labels.Remove(WellKnown.InjectedByLabel);
        WorkloadInjection.PodTemplate(whole).Metadata.Annotations.Remove(WellKnown.InjectedEnvAnnotation);
        WorkloadInjection.PodTemplate(whole).Metadata.Annotations.Remove(WellKnown.ConfigHashAnnotation);
        var kept = UserWorkloadCache.Deployment(KubernetesJson.Deserialize<V1Deployment>(KubernetesJson.Serialize(whole)));
        var service = Rendering.Sample.Resolve(Rendering.Sample.Service("router", ServiceLayer.Processing, s => s.Workload.Containers = ["migrate"]),
            Rendering.Sample.Policy("p"));

        // The init container named by mistake is reported from the names kept.
        Assert.Equal(EnvInjectionPlanner.Plan(service, WorkloadInjection.PodTemplate(whole).Spec).Failure, EnvInjectionPlanner.Plan(service, WorkloadInjection.PodTemplate(kept).Spec).Failure);
        Assert.Contains("migrate is an init container", EnvInjectionPlanner.Plan(service, WorkloadInjection.PodTemplate(kept).Spec).Failure!.Message, StringComparison.Ordinal);
    }

    private static void AssertJson(string expected, object actual)
    {
        var actualJson = JsonNode.Parse(KubernetesJson.Serialize(actual));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actualJson), $"kept:\n{actualJson!.ToJsonString()}");
    }
}
