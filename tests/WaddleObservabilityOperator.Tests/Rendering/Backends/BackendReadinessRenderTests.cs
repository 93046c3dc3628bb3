using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using WaddleObservabilityOperator.Rendering.Backends;

namespace WaddleObservabilityOperator.Tests.Rendering.Backends;

/// <summary>BackendsReady from the observed workloads: rendered only (no observation), progressing, stuck, available.</summary>
public sealed class BackendReadinessRenderTests
{
    private static readonly EffectivePolicy Policy = BackendTestData.Policy();

    private static ManagedBackendsResult Render(IReadOnlyList<IKubernetesObject<V1ObjectMeta>>? observed) =>
        ManagedBackendsRenderer.RenderForPolicy(Policy, BackendTestData.ThreeServices(Policy), observed);

    /// <summary>The managed workloads as their controllers report them once rolled out, or stuck.</summary>
    private static List<IKubernetesObject<V1ObjectMeta>> Observed(bool jaegerStuck = false) =>
        [.. Render(null).Objects.Where(o => o is V1Deployment or V1StatefulSet).Select(IKubernetesObject<V1ObjectMeta> (o) => o switch
        {
            V1Deployment d when jaegerStuck && d.Metadata.Name == JaegerComponent.InstanceName(BackendTestData.PolicyName) => Deployment(d, stuck: true),
            V1Deployment d => Deployment(d, stuck: false),
            V1StatefulSet s => new V1StatefulSet
            {
                Metadata = new V1ObjectMeta { Name = s.Metadata.Name, Generation = 1 },
                Spec = s.Spec,
                Status = new V1StatefulSetStatus { ObservedGeneration = 1, Replicas = 1, UpdatedReplicas = 1, ReadyReplicas = 1, CurrentRevision = "r1", UpdateRevision = "r1" },
            },
            _ => throw new InvalidOperationException(),
        })];

    private static V1Deployment Deployment(V1Deployment d, bool stuck) => new()
    {
        Metadata = new V1ObjectMeta { Name = d.Metadata.Name, Generation = 3 },
        Spec = d.Spec,
        Status = new V1DeploymentStatus
        {
            ObservedGeneration = 3,
            Replicas = 1,
            UpdatedReplicas = 1,
            AvailableReplicas = stuck ? 0 : 1,
            Conditions = stuck ? [new V1DeploymentCondition { Type = "Progressing", Status = "False", Reason = "ProgressDeadlineExceeded", Message = "ReplicaSet has timed out progressing." }] : null,
        },
    };

    [Fact]
    public void Without_an_observation_the_backends_are_rendered()
    {
        var result = Render(null);
        Assert.Equal((true, Reasons.BackendsRendered), (result.Outcome!.Status, result.Outcome.Reason));
        Assert.All(result.Endpoints, e => Assert.Null(e.Ready));
    }

    [Fact]
    public void Workloads_not_created_yet_are_progressing()
    {
        var result = Render([]);
        Assert.Equal((false, Reasons.BackendsProgressing), (result.Outcome!.Status, result.Outcome.Reason));
        Assert.Contains("is not created yet", result.Outcome.Message, StringComparison.Ordinal);
        Assert.All(result.Endpoints, e => Assert.False(e.Ready));
    }

    [Fact]
    public void Rolled_out_workloads_are_available_and_a_stuck_one_is_named()
    {
        var running = Render(Observed());
        Assert.Equal((true, Reasons.BackendsAvailable), (running.Outcome!.Status, running.Outcome.Reason));
        Assert.All(running.Endpoints, e => Assert.True(e.Ready));

        var stuck = Render(Observed(jaegerStuck: true));
        Assert.Equal((false, Reasons.BackendProgressDeadlineExceeded), (stuck.Outcome!.Status, stuck.Outcome.Reason));
        Assert.Contains("exceeded its progress deadline: ReplicaSet has timed out progressing.", stuck.Outcome.Message, StringComparison.Ordinal);
        Assert.False(stuck.Endpoints.Single(e => e.Component == JaegerComponent.Instance).Ready);
        Assert.True(stuck.Endpoints.Single(e => e.Component == PrometheusComponent.Instance).Ready);
    }
}
