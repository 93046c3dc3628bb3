using k8s;
using k8s.Models;
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
        // What each user set by hand before the operator came: it must survive exactly.
        var userEnv = new Dictionary<string, IReadOnlyDictionary<string, V1EnvVar>>();
        foreach (var service in samples)
        {
            userEnv[service.Metadata.Name] = (await cluster.DeploymentAsync(service.Spec.Workload.Name)).Env;
        }

        cluster.StartOperator("op-a");
        await cluster.WaitForAllReadyAsync(19);

        foreach (var service in await cluster.WaddleServicesAsync())
        {
            Assert.Contains(WellKnown.Finalizer, service.Metadata.Finalizers ?? []);
            Assert.Equal(OperatorCluster.Policy, service.Status!.Policy);
            var (deployment, env) = await cluster.DeploymentAsync(service.Spec.Workload.Name);
            Assert.Equal(service.Metadata.Name, deployment.Metadata.Labels[WellKnown.InjectedByLabel]);
            Assert.True(deployment.Spec.Template.Metadata.Annotations.ContainsKey(WellKnown.ConfigHashAnnotation));
            // Variables the user set by hand keep their values and are reported; the rest is injected.
            var mine = userEnv[service.Metadata.Name];
            foreach (var (name, variable) in mine)
            {
                Assert.Equal(variable.Value, env[name].Value);
            }

            Assert.Equal(mine.Keys.Where(env.ContainsKey).Intersect(service.Status.OverriddenEnv ?? []).Order(), (service.Status.OverriddenEnv ?? []).Order());
            Assert.Equal(service.Status.Effective!.ServiceName, env["OTEL_SERVICE_NAME"].Value);
            Assert.Equal("otlp", env["OTEL_TRACES_EXPORTER"].Value);
            Assert.Equal("parentbased_jaeger_remote", env["OTEL_TRACES_SAMPLER"].Value);
            Assert.Equal("X-Correlation-ID", env["CORRELATION_HEADER"].Value);
            Assert.Contains("deployment.environment=production", env["OTEL_RESOURCE_ATTRIBUTES"].Value, StringComparison.Ordinal);
            if (!mine.ContainsKey("METRICS_NAMESPACE"))
            {
                Assert.Equal("waddlebot", env["METRICS_NAMESPACE"].Value);
            }

            // The user's own variables come first, in their order.
            Assert.Equal(mine.Keys, deployment.Spec.Template.Spec.Containers[0].Env.Take(mine.Count).Select(e => e.Name));
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
