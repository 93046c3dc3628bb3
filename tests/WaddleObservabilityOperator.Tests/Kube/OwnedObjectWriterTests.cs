using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using WaddleObservabilityOperator.Kube;

namespace WaddleObservabilityOperator.Tests.Kube;

public sealed class OwnedObjectWriterTests
{
    private static readonly OwnershipRule Ownership = new("app.kubernetes.io/managed-by", "test-operator");
    private readonly InMemoryResourceClients _clients = new();
    private OwnedObjectWriter Writer => new(_clients, Ownership, NullLogger.Instance);

    private static V1ConfigMap DesiredMap(params (string Key, string Value)[] data) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "sampling",
            NamespaceProperty = "ns",
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "test-operator" },
            Annotations = new Dictionary<string, string> { ["example.io/hash"] = "abc" },
        },
        Data = data.ToDictionary(d => d.Key, d => d.Value),
    };

    /// <summary>What the server holds after creating <paramref name="desired"/> and a user adding an annotation of their own.</summary>
    private V1ConfigMap ServerCopy(V1ConfigMap desired)
    {
        var copy = KubernetesJson.Deserialize<V1ConfigMap>(KubernetesJson.Serialize(desired));
        copy.Metadata.CreationTimestamp = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        copy.Metadata.ManagedFields = [new V1ManagedFieldsEntry { Manager = "test-operator", Operation = "Update" }];
        copy.Metadata.Annotations["someone.else/note"] = "keep me";
        return _clients.Of<V1ConfigMap>().Seed(copy);
    }

    [Fact]
    public void A_label_under_the_owned_prefix_that_is_no_longer_rendered_is_removed_and_every_other_label_kept()
    {
        var actual = System.Text.Json.Nodes.JsonNode.Parse("""
            {"metadata":{"name":"m","labels":{"app.kubernetes.io/managed-by":"op","example.io/policy":"p","example.io/service":"s","team":"a"}},"spec":{"x":1}}
            """)!.AsObject();
        var desired = System.Text.Json.Nodes.JsonNode.Parse("""
            {"metadata":{"name":"m","labels":{"app.kubernetes.io/managed-by":"op","example.io/service":"s"}},"spec":{"x":1}}
            """)!.AsObject();

        Assert.Empty(OwnedObjectWriter.OwnedFieldDifferences(actual, desired));
        Assert.Equal(["metadata.labels.example.io/policy"], OwnedObjectWriter.OwnedFieldDifferences(actual, desired, "example.io/"));
        var body = OwnedObjectWriter.MergeOwnedFields(actual, desired, "example.io/");
        Assert.Equal(["app.kubernetes.io/managed-by", "example.io/service", "team"], body["metadata"]!["labels"]!.AsObject().Select(kv => kv.Key).Order(StringComparer.Ordinal));
        Assert.Empty(OwnedObjectWriter.OwnedFieldDifferences(body, desired, "example.io/"));
    }

    [Fact]
    public async Task Creates_a_missing_object()
    {
        var outcome = await Writer.ApplyAsync(DesiredMap(("a", "1")), null, CancellationToken.None);

        Assert.Equal(WriteAction.Created, outcome.Action);
        Assert.Equal("create", Assert.Single(_clients.Of<V1ConfigMap>().Writes).Verb);
    }

    [Fact]
    public async Task Writes_nothing_when_the_owned_fields_already_match()
    {
        var actual = ServerCopy(DesiredMap(("a", "1")));

        var outcome = await Writer.ApplyAsync(DesiredMap(("a", "1")), actual, CancellationToken.None);

        Assert.Equal(WriteAction.Unchanged, outcome.Action);
        Assert.Empty(_clients.Of<V1ConfigMap>().Writes);
    }

    [Fact]
    public async Task A_desired_object_found_unchanged_is_compared_again_once_the_object_moves_on()
    {
        // One writer, as the operator has: it remembers which rendered instance matched which version.
        var writer = Writer;
        var desired = DesiredMap(("a", "1"));
        var actual = ServerCopy(DesiredMap(("a", "1")));
        Assert.Equal(WriteAction.Unchanged, (await writer.ApplyAsync(desired, actual, CancellationToken.None)).Action);
        Assert.Equal(WriteAction.Unchanged, (await writer.ApplyAsync(desired, actual, CancellationToken.None)).Action);

        // Someone edits the data by hand: a new version of the same object, which the same rendered instance must restore.
        var edited = KubernetesJson.Deserialize<V1ConfigMap>(KubernetesJson.Serialize(actual));
        edited.Data["a"] = "edited";
        edited = _clients.Of<V1ConfigMap>().Seed(edited);
        Assert.Equal(actual.Metadata.Uid, edited.Metadata.Uid);

        var outcome = await writer.ApplyAsync(desired, edited, CancellationToken.None);

        Assert.Equal(WriteAction.Updated, outcome.Action);
        Assert.Equal("1", KubernetesJson.Deserialize<V1ConfigMap>(Assert.Single(_clients.Of<V1ConfigMap>().Writes).Body).Data["a"]);
    }

    [Fact]
    public async Task Updates_with_the_cached_resource_version_keeping_what_others_set_and_dropping_removed_data_keys()
    {
        var actual = ServerCopy(DesiredMap(("a", "1"), ("gone", "x")));

        var outcome = await Writer.ApplyAsync(DesiredMap(("a", "2")), actual, CancellationToken.None);

        Assert.Equal(WriteAction.Updated, outcome.Action);
        var write = Assert.Single(_clients.Of<V1ConfigMap>().Writes);
        Assert.Equal("update", write.Verb);
        var sent = KubernetesJson.Deserialize<V1ConfigMap>(write.Body);
        Assert.Equal(actual.Metadata.ResourceVersion, sent.Metadata.ResourceVersion);
        Assert.Equal("keep me", sent.Metadata.Annotations["someone.else/note"]);
        Assert.Equal(new Dictionary<string, string> { ["a"] = "2" }, sent.Data);
        Assert.Null(sent.Metadata.ManagedFields);
    }

    [Fact]
    public async Task Never_writes_an_object_it_does_not_own()
    {
        var foreign = DesiredMap(("a", "theirs"));
        foreign.Metadata.Labels.Clear();
        var actual = _clients.Of<V1ConfigMap>().Seed(foreign);

        var outcome = await Writer.ApplyAsync(DesiredMap(("a", "ours")), actual, CancellationToken.None);

        Assert.Equal(WriteAction.NotOwned, outcome.Action);
        Assert.Contains("not managed by test-operator", outcome.Detail, StringComparison.Ordinal);
        Assert.Empty(_clients.Of<V1ConfigMap>().Writes);
        Assert.Equal("theirs", _clients.Of<V1ConfigMap>().Read(new ObjectKey("ns", "sampling"))!.Data["a"]);
    }

    [Fact]
    public async Task Recognises_ownership_by_owner_reference()
    {
        var owner = new V1OwnerReference { ApiVersion = "example.io/v1", Kind = "Owner", Name = "o", Uid = "owner-uid", Controller = true };
        var existing = DesiredMap(("a", "1"));
        existing.Metadata.Labels.Clear();
        existing.Metadata.OwnerReferences = [owner];
        var actual = _clients.Of<V1ConfigMap>().Seed(existing);
        var desired = DesiredMap(("a", "2"));
        desired.Metadata.OwnerReferences = [owner];

        var outcome = await Writer.ApplyAsync(desired, actual, CancellationToken.None);

        Assert.Equal(WriteAction.Updated, outcome.Action);
    }

    [Fact]
    public async Task A_stale_cache_gives_a_conflict_not_an_overwrite()
    {
        var stale = ServerCopy(DesiredMap(("a", "1")));
        var server = _clients.Of<V1ConfigMap>();
        var newer = server.Read(ObjectKey.Of(stale))!;
        newer.Metadata.Annotations["someone.else/note"] = "changed";
        server.Seed(newer);

        var outcome = await Writer.ApplyAsync(DesiredMap(("a", "2")), stale, CancellationToken.None);

        Assert.Equal(WriteAction.Conflict, outcome.Action);
        Assert.True(outcome.NeedsRetry);
        Assert.Equal("1", server.Read(ObjectKey.Of(stale))!.Data["a"]);
    }

    [Fact]
    public async Task Creating_what_the_cache_has_not_seen_yet_is_a_conflict()
    {
        ServerCopy(DesiredMap(("a", "1")));

        var outcome = await Writer.ApplyAsync(DesiredMap(("a", "1")), null, CancellationToken.None);

        Assert.Equal(WriteAction.Conflict, outcome.Action);
    }

    [Fact]
    public async Task Deletes_only_an_owned_object_and_only_the_version_it_saw()
    {
        var server = _clients.Of<V1ConfigMap>();
        var owned = ServerCopy(DesiredMap(("a", "1")));
        var foreign = DesiredMap(("a", "1"));
        foreign.Metadata.Name = "foreign";
        foreign.Metadata.Labels.Clear();
        foreign = server.Seed(foreign);

        Assert.Equal(WriteAction.NotOwned, (await Writer.DeleteAsync(foreign, OwnerMatch.LabelOnly, CancellationToken.None)).Action);
        Assert.NotNull(server.Read(ObjectKey.Of(foreign)));

        var edited = server.Read(ObjectKey.Of(owned))!;
        edited.Data["a"] = "edited";
        server.Seed(edited);
        Assert.Equal(WriteAction.Conflict, (await Writer.DeleteAsync(owned, OwnerMatch.LabelOnly, CancellationToken.None)).Action);
        Assert.NotNull(server.Read(ObjectKey.Of(owned)));

        var current = server.Read(ObjectKey.Of(owned))!;
        Assert.Equal(WriteAction.Deleted, (await Writer.DeleteAsync(current, OwnerMatch.LabelOnly, CancellationToken.None)).Action);
        Assert.Null(server.Read(ObjectKey.Of(owned)));
        Assert.Equal(WriteAction.Deleted, (await Writer.DeleteAsync(current, OwnerMatch.LabelOnly, CancellationToken.None)).Action);
    }

    [Fact]
    public async Task A_deployment_defaulted_by_the_server_is_converged()
    {
        var desired = new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "jaeger", NamespaceProperty = "ns", Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "test-operator" } },
            Spec = new V1DeploymentSpec
            {
                Replicas = 1,
                Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = "jaeger" } },
                Template = new V1PodTemplateSpec
                {
                    Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = "jaeger" } },
                    Spec = new V1PodSpec
                    {
                        Containers =
                        [
                            new V1Container
                            {
                                Name = "jaeger",
                                Image = "jaegertracing/jaeger:2.1.0",
                                Ports = [new V1ContainerPort { Name = "otlp-grpc", ContainerPort = 4317 }],
                                Resources = new V1ResourceRequirements { Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new("1000m") } },
                            },
                        ],
                    },
                },
            },
        };
        var defaulted = KubernetesJson.Deserialize<V1Deployment>(KubernetesJson.Serialize(desired));
        defaulted.Spec.RevisionHistoryLimit = 10;
        defaulted.Spec.ProgressDeadlineSeconds = 600;
        defaulted.Spec.Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxSurge = "25%", MaxUnavailable = "25%" } };
        var pod = defaulted.Spec.Template.Spec;
        pod.RestartPolicy = "Always";
        pod.DnsPolicy = "ClusterFirst";
        pod.TerminationGracePeriodSeconds = 30;
        pod.SecurityContext = new V1PodSecurityContext();
        pod.Containers[0].ImagePullPolicy = "IfNotPresent";
        pod.Containers[0].TerminationMessagePath = "/dev/termination-log";
        pod.Containers[0].Ports[0].Protocol = "TCP";
        pod.Containers[0].Resources.Limits["cpu"] = new ResourceQuantity("1");
        defaulted.Status = new V1DeploymentStatus { Replicas = 1, ObservedGeneration = 1 };
        var actual = _clients.Of<V1Deployment>().Seed(defaulted);

        var outcome = await Writer.ApplyAsync(desired, actual, CancellationToken.None);

        Assert.Equal(WriteAction.Unchanged, outcome.Action);
        desired.Spec.Template.Spec.Containers[0].Image = "jaegertracing/jaeger:2.2.0";
        Assert.Equal(WriteAction.Updated, (await Writer.ApplyAsync(desired, actual, CancellationToken.None)).Action);
    }

    [Fact]
    public async Task Status_is_written_only_when_it_differs()
    {
        var server = _clients.Of<V1Deployment>();
        var actual = server.Seed(new V1Deployment
        {
            Metadata = new V1ObjectMeta { Name = "d", NamespaceProperty = "ns" },
            Status = new V1DeploymentStatus { Replicas = 1, Conditions = [new V1DeploymentCondition { Type = "Available", Status = "True" }] },
        });
        var writer = new StatusWriter(_clients, NullLogger.Instance);

        var same = await writer.UpdateAsync(actual, new V1DeploymentStatus { Replicas = 1, Conditions = [new V1DeploymentCondition { Type = "Available", Status = "True" }] }, CancellationToken.None);
        Assert.Equal(WriteAction.Unchanged, same.Action);
        Assert.Empty(server.Writes);

        var changed = await writer.UpdateAsync(actual, new V1DeploymentStatus { Replicas = 2 }, CancellationToken.None);
        Assert.Equal(WriteAction.Updated, changed.Action);
        var write = Assert.Single(server.Writes);
        Assert.Equal("update-status", write.Verb);
        Assert.Equal(actual.Metadata.ResourceVersion, KubernetesJson.Deserialize<V1Deployment>(write.Body).Metadata.ResourceVersion);
        Assert.Equal(2, server.Read(ObjectKey.Of(actual))!.Status.Replicas);

        var stale = await writer.UpdateAsync(actual, new V1DeploymentStatus { Replicas = 3 }, CancellationToken.None);
        Assert.Equal(WriteAction.Conflict, stale.Action);
    }
}
