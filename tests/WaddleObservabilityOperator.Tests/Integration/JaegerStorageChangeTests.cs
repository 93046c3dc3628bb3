using System.Text;
using System.Text.Json.Nodes;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

/// <summary>
/// A user moves the sample system's Jaeger from memory to Elasticsearch with two replicas: the Jaeger Deployment rolls
/// out as a rolling pair with a PodDisruptionBudget, the policy gets one Event saying the store changed and that the
/// in-memory traces are not migrated, BackendsReady says so, and the store's password is nowhere but in its Secret.
/// </summary>
[Collection(OperatorScenarios.Collection)]
public sealed class JaegerStorageChangeTests(ITestOutputHelper output)
{
    private const string Password = "es-Pa55word-7f3c";
    private static readonly string Jaeger = JaegerComponent.InstanceName(OperatorCluster.Policy);

    [Fact]
    public async Task Switching_jaeger_from_memory_to_elasticsearch_rolls_it_out_and_says_the_traces_are_not_migrated()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync();
        await cluster.User.CoreV1.CreateNamespacedSecretAsync(
            new V1Secret
            {
                Metadata = new V1ObjectMeta { Name = "jaeger-es" },
                Data = new Dictionary<string, byte[]> { ["username"] = "jaeger"u8.ToArray(), ["password"] = Encoding.UTF8.GetBytes(Password) },
            },
            OperatorCluster.Namespace);
        var op = cluster.StartOperator("op-a");
        await cluster.WaitForAllReadyAsync(19);
        await OperatorCluster.WaitUntilAsync("the backends running in memory", async () =>
        {
            var policy = await cluster.PolicyAsync();
            var ready = OperatorCluster.Condition(policy, ConditionTypes.BackendsReady);
            return (ready is { Status: "True", Reason: Reasons.BackendsAvailable } && policy.Status?.ObservedGeneration == policy.Metadata.Generation, $"{ready?.Reason}: {ready?.Message}");
        });
        var (before, _) = await cluster.DeploymentAsync(Jaeger);
        Assert.Equal("Recreate", before.Spec.Strategy.Type);

        await cluster.PatchPolicyAsync(new JsonObject
        {
            ["backends"] = new JsonObject
            {
                ["jaeger"] = new JsonObject
                {
                    ["replicas"] = 2,
                    ["storage"] = new JsonObject
                    {
                        ["type"] = "elasticsearch",
                        ["elasticsearch"] = new JsonObject
                        {
                            ["serverUrls"] = new JsonArray("http://elasticsearch.logging.svc:9200"),
                            ["usernameSecretRef"] = new JsonObject { ["name"] = "jaeger-es", ["key"] = "username" },
                            ["passwordSecretRef"] = new JsonObject { ["name"] = "jaeger-es", ["key"] = "password" },
                        },
                    },
                },
            },
        });

        // The rollout: a new template (new config, the store's annotation, the Secret's variables), two rolling replicas.
        await OperatorCluster.WaitUntilAsync("the Jaeger Deployment on Elasticsearch", async () =>
        {
            var (deployment, env) = await cluster.DeploymentAsync(Jaeger);
            var type = deployment.Spec.Template.Metadata.Annotations is { } annotations && annotations.TryGetValue(WaddleObservabilityOperator.Rendering.Backends.JaegerBackend.StorageAnnotation, out var value) ? value : null;
            return (type == "elasticsearch" && deployment.Spec.Replicas == 2 && env.ContainsKey(JaegerTraceStore.PasswordVariable), $"{type}, {deployment.Spec.Replicas} replicas");
        });
        var (after, afterEnv) = await cluster.DeploymentAsync(Jaeger);
        Assert.Equal("RollingUpdate", after.Spec.Strategy.Type);
        Assert.NotEqual(before.Spec.Template.Metadata.Annotations[WellKnown.ConfigHashAnnotation], after.Spec.Template.Metadata.Annotations[WellKnown.ConfigHashAnnotation]);
        Assert.Equal("password", afterEnv[JaegerTraceStore.PasswordVariable].ValueFrom.SecretKeyRef.Key);
        var budget = await cluster.User.PolicyV1.ReadNamespacedPodDisruptionBudgetAsync(Jaeger, OperatorCluster.Namespace);
        Assert.Equal(after.Spec.Selector.MatchLabels, budget.Spec.Selector.MatchLabels);

        // The Event, and the status once the new pods run.
        await OperatorCluster.WaitUntilAsync("the storage change Event", async () =>
        {
            var events = await StorageEventsAsync(cluster);
            return (events.Count > 0, $"{events.Count} events");
        });
        var policy = await cluster.PolicyAsync();
        await OperatorCluster.WaitUntilAsync("the backends running on Elasticsearch", async () =>
        {
            policy = await cluster.PolicyAsync();
            var ready = OperatorCluster.Condition(policy, ConditionTypes.BackendsReady);
            return (ready is { Status: "True", Reason: Reasons.BackendsAvailable } && policy.Status?.ObservedGeneration == policy.Metadata.Generation
                && policy.Status?.Jaeger?.Message?.Contains("2 of 2 replicas available", StringComparison.Ordinal) == true, $"{ready?.Reason}: {ready?.Message}");
        });
        Assert.Contains("traces an earlier in-memory Jaeger held are not migrated", OperatorCluster.Condition(policy, ConditionTypes.BackendsReady)!.Message, StringComparison.Ordinal);
        await OperatorCluster.WaitForIdleAsync(op);

        var told = Assert.Single(await StorageEventsAsync(cluster));
        Assert.Equal("Normal", told.Type);
        Assert.Contains("from memory to elasticsearch", told.Note, StringComparison.Ordinal);
        Assert.Contains("the traces held in memory are not migrated", told.Note, StringComparison.Ordinal);

        // The password only ever lives in its Secret: not in a ConfigMap, an env value, the policy or an Event.
        var configMaps = await cluster.User.CoreV1.ListNamespacedConfigMapAsync(OperatorCluster.Namespace);
        Assert.Contains(configMaps.Items, c => c.Data?.Values.Any(v => v.Contains("${env:JAEGER_STORAGE_PASSWORD}", StringComparison.Ordinal)) == true);
        Assert.DoesNotContain(configMaps.Items, c => c.Data?.Values.Any(v => v.Contains(Password, StringComparison.Ordinal)) == true);
        var deployments = await cluster.User.AppsV1.ListNamespacedDeploymentAsync(OperatorCluster.Namespace);
        Assert.DoesNotContain(deployments.Items.SelectMany(d => d.Spec.Template.Spec.Containers).SelectMany(c => c.Env ?? []), e => e.Value?.Contains(Password, StringComparison.Ordinal) == true);
        Assert.DoesNotContain(Password, KubernetesJson.Serialize(policy), StringComparison.Ordinal);
        var events = await cluster.User.EventsV1.ListNamespacedEventAsync(OperatorCluster.Namespace);
        Assert.DoesNotContain(events.Items, e => e.Note?.Contains(Password, StringComparison.Ordinal) == true);
    }

    private static async Task<List<Eventsv1Event>> StorageEventsAsync(OperatorCluster cluster) =>
        [.. (await cluster.User.EventsV1.ListNamespacedEventAsync(OperatorCluster.Namespace)).Items
            .Where(e => e.Reason == Reasons.JaegerStorageChanged && e.Regarding?.Kind == ObservabilityPolicy.KindName)];
}
