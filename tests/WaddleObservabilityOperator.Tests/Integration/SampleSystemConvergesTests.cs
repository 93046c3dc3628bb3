using k8s;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Integration;

[Collection(OperatorScenarios.Collection)]
public sealed class SampleSystemConvergesTests(ITestOutputHelper output)
{
    [Fact]
    public async Task The_waddlebot_samples_converge_with_env_monitors_sampling_and_backends()
    {
        await using var cluster = await OperatorCluster.StartAsync(output);
        await cluster.ApplySamplesAsync();
        var samples = await cluster.WaddleServicesAsync();
        Assert.Equal(19, samples.Count);

        cluster.StartOperator("op-a");
        await cluster.WaitForAllReadyAsync(19);

        foreach (var service in await cluster.WaddleServicesAsync())
        {
            Assert.Contains(WellKnown.Finalizer, service.Metadata.Finalizers ?? []);
            Assert.Equal(OperatorCluster.Policy, service.Status!.Policy);
            var (deployment, env) = await cluster.DeploymentAsync(service.Spec.Workload.Name);
            Assert.Equal(service.Metadata.Name, deployment.Metadata.Labels[WellKnown.InjectedByLabel]);
            Assert.True(deployment.Spec.Template.Metadata.Annotations.ContainsKey(WellKnown.ConfigHashAnnotation));
            // The hub's user set OTEL_SERVICE_NAME by hand: it stays, and status says so.
            var userSetName = service.Status.OverriddenEnv?.Contains("OTEL_SERVICE_NAME") == true;
            Assert.Equal(userSetName ? "waddlebot-hub" : service.Status.Effective!.ServiceName, env["OTEL_SERVICE_NAME"].Value);
            Assert.Equal(service.Metadata.Name == "hub", userSetName);
            Assert.Equal("otlp", env["OTEL_TRACES_EXPORTER"].Value);
            Assert.Equal("parentbased_jaeger_remote", env["OTEL_TRACES_SAMPLER"].Value);
            Assert.Equal("X-Correlation-ID", env["CORRELATION_HEADER"].Value);
            Assert.Equal("waddlebot", env["METRICS_NAMESPACE"].Value);
            Assert.Contains("deployment.environment=production", env["OTEL_RESOURCE_ATTRIBUTES"].Value, StringComparison.Ordinal);
            // The user's own variable is still there, first, untouched.
            Assert.Equal("LOG_LEVEL", deployment.Spec.Template.Spec.Containers[0].Env[0].Name);
        }

        var monitors = await cluster.ServiceMonitorsAsync();
        Assert.Equal(19, monitors.Count);
        Assert.Equal(samples.Select(s => s.Metadata.Name).Order(), monitors.Select(m => m.Metadata.Name).Order());
        Assert.All(monitors, m => Assert.Equal(WellKnown.ManagedByValue, m.Metadata.Labels[WellKnown.ManagedByLabel]));

        var sampling = await cluster.User.CoreV1.ReadNamespacedConfigMapAsync(ChildNames.SamplingConfigMap(OperatorCluster.Policy), OperatorCluster.Namespace);
        Assert.Contains("\"default_strategy\"", sampling.Data[ChildNames.SamplingFileName], StringComparison.Ordinal);
        Assert.Contains("\"router\"", sampling.Data[ChildNames.SamplingFileName], StringComparison.Ordinal);

        var policy = await cluster.PolicyAsync();
        Assert.Equal(19, policy.Status!.MatchedServices);
        Assert.Equal("True", OperatorCluster.Condition(policy, ConditionTypes.Ready)?.Status);
        Assert.Equal(policy.Metadata.Generation, policy.Status.ObservedGeneration);
    }
}

/// <summary>The scenarios run one at a time: each starts an API server and operators, and the machine is shared.</summary>
[CollectionDefinition(Collection)]
public sealed class OperatorScenarios
{
    public const string Collection = "operator scenarios";
}
