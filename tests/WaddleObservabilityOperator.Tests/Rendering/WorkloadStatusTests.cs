using k8s.Models;
using WaddleObservabilityOperator.Rendering;

namespace WaddleObservabilityOperator.Tests.Rendering;

/// <summary>A workload's status read as <c>kubectl rollout status</c> reads it.</summary>
public sealed class WorkloadStatusTests
{
    private static V1Deployment Deployment(long generation = 2, int replicas = 2, long? observed = 2, int? updated = 2, int? available = 2, int? total = 2, V1DeploymentCondition? progressing = null) => new()
    {
        Kind = "Deployment",
        Metadata = new V1ObjectMeta { Name = "jaeger", Generation = generation },
        Spec = new V1DeploymentSpec { Replicas = replicas },
        Status = observed is null ? null : new V1DeploymentStatus
        {
            ObservedGeneration = observed,
            UpdatedReplicas = updated,
            AvailableReplicas = available,
            Replicas = total,
            Conditions = progressing is null ? null : [progressing],
        },
    };

    [Fact]
    public void A_rolled_out_deployment_is_ready()
    {
        var readiness = WorkloadStatus.Of(Deployment(), Deployment());
        Assert.Equal(new WorkloadReadiness(true, false, "Deployment \"jaeger\": 2 of 2 replicas available"), readiness);
    }

    [Theory]
    [InlineData(null, 2, 2, 2, "Deployment \"jaeger\": waiting for its controller to observe generation 2")]
    [InlineData(1L, 2, 2, 2, "Deployment \"jaeger\": waiting for its controller to observe generation 2")]
    [InlineData(2L, 1, 1, 1, "Deployment \"jaeger\": 1 of 2 replicas updated")]
    [InlineData(2L, 2, 2, 3, "Deployment \"jaeger\": 1 old replicas are pending termination")]
    [InlineData(2L, 2, 1, 2, "Deployment \"jaeger\": 1 of 2 replicas available")]
    public void A_deployment_rolling_out_is_not_ready_and_says_where_it_is(long? observed, int updated, int available, int total, string message)
    {
        var readiness = WorkloadStatus.Of(Deployment(), Deployment(observed: observed, updated: updated, available: available, total: total));
        Assert.Equal(new WorkloadReadiness(false, false, message), readiness);
    }

    [Fact]
    public void A_deployment_past_its_progress_deadline_is_stuck()
    {
        var stuck = new V1DeploymentCondition { Type = "Progressing", Status = "False", Reason = "ProgressDeadlineExceeded", Message = "ReplicaSet \"jaeger-5d\" has timed out progressing." };
        var readiness = WorkloadStatus.Of(Deployment(), Deployment(available: 0, progressing: stuck));
        Assert.False(readiness.Ready);
        Assert.True(readiness.Stuck);
        Assert.Equal("Deployment \"jaeger\" exceeded its progress deadline: ReplicaSet \"jaeger-5d\" has timed out progressing.", readiness.Message);
    }

    [Fact]
    public void A_missing_workload_is_not_created_yet()
    {
        Assert.Equal(new WorkloadReadiness(false, false, "Deployment \"jaeger\" is not created yet"), WorkloadStatus.Of(Deployment(), null));
    }

    [Fact]
    public void A_statefulset_is_ready_when_every_replica_is_ready_on_the_update_revision()
    {
        V1StatefulSet Set(int ready, string current, string update) => new()
        {
            Kind = "StatefulSet",
            Metadata = new V1ObjectMeta { Name = "prometheus", Generation = 1 },
            Spec = new V1StatefulSetSpec { Replicas = 1 },
            Status = new V1StatefulSetStatus { ObservedGeneration = 1, ReadyReplicas = ready, UpdatedReplicas = 1, Replicas = 1, CurrentRevision = current, UpdateRevision = update },
        };

        Assert.True(WorkloadStatus.Of(Set(1, "r2", "r2"), Set(1, "r2", "r2")).Ready);
        Assert.Equal("StatefulSet \"prometheus\": rolling out revision r2", WorkloadStatus.Of(Set(1, "r1", "r2"), Set(1, "r1", "r2")).Message);
        Assert.Equal("StatefulSet \"prometheus\": 0 of 1 replicas ready", WorkloadStatus.Of(Set(0, "r2", "r2"), Set(0, "r2", "r2")).Message);
    }

    [Fact]
    public void A_daemonset_is_ready_when_every_scheduled_pod_is_available()
    {
        V1DaemonSet Set(int available) => new()
        {
            Kind = "DaemonSet",
            Metadata = new V1ObjectMeta { Name = "node-exporter", Generation = 1 },
            Status = new V1DaemonSetStatus { ObservedGeneration = 1, DesiredNumberScheduled = 3, UpdatedNumberScheduled = 3, NumberAvailable = available },
        };

        Assert.True(WorkloadStatus.Of(Set(3), Set(3)).Ready);
        Assert.Equal("DaemonSet \"node-exporter\": 2 of 3 pods available", WorkloadStatus.Of(Set(2), Set(2)).Message);
    }
}
