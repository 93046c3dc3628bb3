using k8s;
using k8s.Models;

namespace KubeApiEmulator.Tests.Core;

/// <summary>The workload status simulator writes what the apps controllers would, and tests can make a workload stuck.</summary>
public sealed class WorkloadSimulatorTests
{
    private const string Ns = "default";

    [Fact]
    public async Task A_deployment_rolls_out_every_generation_and_a_stuck_one_exceeds_its_progress_deadline()
    {
        await using var scope = await EmulatorScope.StartAsync(new ApiEmulatorOptions { SimulateWorkloads = true });
        await scope.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 2), Ns);

        var rolled = await Eventually.ReturnsAsync(() => scope.Client.AppsV1.ReadNamespacedDeploymentAsync("web", Ns), d => d.Status?.ObservedGeneration == 1, "the first rollout");
        Assert.Equal(2, rolled.Status.ReadyReplicas);
        Assert.Equal(2, rolled.Status.AvailableReplicas);
        Assert.Equal("True", rolled.Status.Conditions.Single(c => c.Type == "Available").Status);
        Assert.Equal("NewReplicaSetAvailable", rolled.Status.Conditions.Single(c => c.Type == "Progressing").Reason);

        scope.Api.Workloads.Stick("deployments", Ns, "web", "Back-off pulling image \"nginx:9.99\"");
        rolled.Spec.Template.Spec.Containers[0].Image = "nginx:9.99";
        await scope.Client.AppsV1.ReplaceNamespacedDeploymentAsync(rolled, "web", Ns);
        var stuck = await Eventually.ReturnsAsync(() => scope.Client.AppsV1.ReadNamespacedDeploymentAsync("web", Ns), d => d.Status?.ObservedGeneration == 2, "the stuck rollout");
        Assert.Equal(0, stuck.Status.ReadyReplicas ?? 0);
        var progressing = stuck.Status.Conditions.Single(c => c.Type == "Progressing");
        Assert.Equal(("False", "ProgressDeadlineExceeded"), (progressing.Status, progressing.Reason));
        Assert.Contains("nginx:9.99", progressing.Message, StringComparison.Ordinal);
        Assert.Equal("False", stuck.Status.Conditions.Single(c => c.Type == "Available").Status);

        scope.Api.Workloads.Release("deployments", Ns, "web");
        var released = await Eventually.ReturnsAsync(() => scope.Client.AppsV1.ReadNamespacedDeploymentAsync("web", Ns), d => d.Status?.ReadyReplicas == 2, "the rollout after the fix");
        Assert.Equal(2, released.Status.ObservedGeneration);
        Assert.Equal(2, released.Metadata.Generation);
    }

    [Fact]
    public async Task Statefulsets_and_daemonsets_report_ready_replicas()
    {
        await using var scope = await EmulatorScope.StartAsync(new ApiEmulatorOptions { SimulateWorkloads = true });
        var template = Template("db");
        await scope.Client.AppsV1.CreateNamespacedStatefulSetAsync(new V1StatefulSet
        {
            Metadata = new V1ObjectMeta { Name = "db" },
            Spec = new V1StatefulSetSpec { Replicas = 3, ServiceName = "db", Selector = new V1LabelSelector { MatchLabels = template.Metadata.Labels }, Template = template },
        }, Ns);
        await scope.Client.AppsV1.CreateNamespacedDaemonSetAsync(new V1DaemonSet
        {
            Metadata = new V1ObjectMeta { Name = "agent" },
            Spec = new V1DaemonSetSpec { Selector = new V1LabelSelector { MatchLabels = template.Metadata.Labels }, Template = template },
        }, Ns);

        var db = await Eventually.ReturnsAsync(() => scope.Client.AppsV1.ReadNamespacedStatefulSetAsync("db", Ns), s => s.Status?.ObservedGeneration == 1, "the StatefulSet's status");
        Assert.Equal((3, 3), (db.Status.ReadyReplicas, db.Status.AvailableReplicas));
        Assert.Equal(db.Status.CurrentRevision, db.Status.UpdateRevision);
        var agent = await Eventually.ReturnsAsync(() => scope.Client.AppsV1.ReadNamespacedDaemonSetAsync("agent", Ns), d => d.Status?.ObservedGeneration == 1, "the DaemonSet's status");
        Assert.Equal((1, 1), (agent.Status.DesiredNumberScheduled, agent.Status.NumberReady));
    }

    [Fact]
    public async Task Off_by_default_like_envtest()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await scope.Client.AppsV1.CreateNamespacedDeploymentAsync(Deployment("web", 1), Ns);
        scope.Api.SendBookmarks();
        await Task.Delay(scope.Api.Workloads.RolloutTime * 5);
        Assert.False(scope.Api.Workloads.Enabled);
        Assert.Null((await scope.Client.AppsV1.ReadNamespacedDeploymentAsync("web", Ns)).Status);
        Assert.Throws<ArgumentException>(() => scope.Api.Workloads.Stick("replicasets", Ns, "web", "no"));
    }

    private static V1Deployment Deployment(string name, int replicas) => new()
    {
        Metadata = new V1ObjectMeta { Name = name },
        Spec = new V1DeploymentSpec { Replicas = replicas, Selector = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { ["app"] = name } }, Template = Template(name) },
    };

    private static V1PodTemplateSpec Template(string name) => new()
    {
        Metadata = new V1ObjectMeta { Labels = new Dictionary<string, string> { ["app"] = name } },
        Spec = new V1PodSpec { Containers = [new V1Container { Name = "app", Image = "nginx:1.27" }] },
    };
}
