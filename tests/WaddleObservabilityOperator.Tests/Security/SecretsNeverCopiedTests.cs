using System.Text;
using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Rendering.Backends;
using WaddleObservabilityOperator.Tests.Integration;
using Xunit.Abstractions;

namespace WaddleObservabilityOperator.Tests.Security;

/// <summary>
/// OTLP headers, the managed Grafana's admin credentials and the exporters' database credentials live in Secrets the policy references: the operator injects
/// a valueFrom.secretKeyRef and never reads the Secret, so its value cannot reach a ConfigMap, an env value, a log
/// line, an Event or a status.
/// </summary>
public sealed class SecretsNeverCopiedTests(ITestOutputHelper output)
{
    private const string SecretName = "otlp-headers";
    private const string SecretKey = "headers";

    // Recognisable, and unlike anything the operator writes by itself.
    private const string SecretValue = "authorization=Bearer wdl-7Hq2-SECRET-x9Zt4";

    // The samples' managed Grafana reads its admin user and password from this Secret.
    private const string GrafanaSecretName = "grafana-admin";
    private const string GrafanaAdminUser = "wdl-grafana-admin-Kq81";
    private const string GrafanaAdminPassword = "wdl-Pw-93xLm-SECRET-4Rt";

    // The samples' PostgreSQL and Redis exporters read their credentials from these (issue 15).
    private const string PostgresUser = "wdl-pg-monitor-Zu52";
    private const string PostgresPassword = "wdl-pg-P@ss/%-SECRET-7Ya";
    private const string RedisPassword = "wdl-redis-SECRET-3Kd0";

    [Fact]
    public async Task The_headers_secret_is_referenced_never_read_written_or_logged()
    {
        await using var cluster = await OperatorCluster.StartAsync(output, recordRequestBodies: true);
        var logs = new CapturedLogs();
        await cluster.User.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = OperatorCluster.Namespace } });
        await cluster.User.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = SecretName, NamespaceProperty = OperatorCluster.Namespace },
            Data = new Dictionary<string, byte[]> { [SecretKey] = Encoding.UTF8.GetBytes(SecretValue) },
        }, OperatorCluster.Namespace);
        await cluster.User.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = GrafanaSecretName, NamespaceProperty = OperatorCluster.Namespace },
            Data = new Dictionary<string, byte[]>
            {
                ["admin-user"] = Encoding.UTF8.GetBytes(GrafanaAdminUser),
                ["admin-password"] = Encoding.UTF8.GetBytes(GrafanaAdminPassword),
            },
        }, OperatorCluster.Namespace);
        await cluster.User.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "waddlebot-postgres", NamespaceProperty = OperatorCluster.Namespace },
            Data = new Dictionary<string, byte[]>
            {
                ["username"] = Encoding.UTF8.GetBytes(PostgresUser),
                ["password"] = Encoding.UTF8.GetBytes(PostgresPassword),
            },
        }, OperatorCluster.Namespace);
        await cluster.User.CoreV1.CreateNamespacedSecretAsync(new V1Secret
        {
            Metadata = new V1ObjectMeta { Name = "waddlebot-redis", NamespaceProperty = OperatorCluster.Namespace },
            Data = new Dictionary<string, byte[]> { ["password"] = Encoding.UTF8.GetBytes(RedisPassword) },
        }, OperatorCluster.Namespace);
        await cluster.ApplySamplesAsync(set =>
        {
            foreach (var policy in set.Policies)
            {
                policy.Spec.Tracing!.HeadersSecretRef = new SecretKeyReference { Name = SecretName, Key = SecretKey };
            }

            return set with { Namespaces = [] };
        });

        var op = cluster.StartOperator("op-secrets", logs: logs);
        await cluster.WaitForAllReadyAsync(19);
        await OperatorCluster.WaitForIdleAsync(op);

        // Injected by reference into every sample workload.
        foreach (var service in await cluster.WaddleServicesAsync())
        {
            var (_, env) = await cluster.DeploymentAsync(service.Spec.Workload.Name);
            var headers = Assert.Contains("OTEL_EXPORTER_OTLP_HEADERS", env);
            Assert.Null(headers.Value);
            Assert.Equal((SecretName, SecretKey), (headers.ValueFrom?.SecretKeyRef?.Name, headers.ValueFrom?.SecretKeyRef?.Key));
        }

        // The managed Grafana gets its admin credentials the same way, and nothing else from the Secret.
        var grafana = await cluster.User.AppsV1.ReadNamespacedDeploymentAsync(GrafanaComponent.InstanceName(OperatorCluster.Policy), OperatorCluster.Namespace);
        var grafanaEnv = grafana.Spec.Template.Spec.Containers.Single().Env;
        Assert.Equal(
            [("GF_SECURITY_ADMIN_USER", "admin-user"), ("GF_SECURITY_ADMIN_PASSWORD", "admin-password")],
            grafanaEnv.Where(e => e.ValueFrom is not null).Select(e => (e.Name, e.ValueFrom.SecretKeyRef.Key)));
        Assert.All(grafanaEnv.Where(e => e.ValueFrom is not null), e => Assert.Equal((GrafanaSecretName, (string?)null), (e.ValueFrom.SecretKeyRef.Name, e.Value)));

        // The exporters too: the server address in plain sight, the credentials by reference.
        var postgres = await cluster.User.AppsV1.ReadNamespacedDeploymentAsync(PostgresExporterComponent.InstanceName(OperatorCluster.Policy, "waddlebot"), OperatorCluster.Namespace);
        Assert.Equal(
            [("DATA_SOURCE_URI", null, null), ("DATA_SOURCE_USER", "waddlebot-postgres", "username"), ("DATA_SOURCE_PASS", "waddlebot-postgres", "password")],
            postgres.Spec.Template.Spec.Containers.Single().Env.Select(e => (e.Name, e.ValueFrom?.SecretKeyRef?.Name, e.ValueFrom?.SecretKeyRef?.Key)));
        var redis = await cluster.User.AppsV1.ReadNamespacedDeploymentAsync(RedisExporterComponent.InstanceName(OperatorCluster.Policy, "waddlebot"), OperatorCluster.Namespace);
        var redisPassword = Assert.Single(redis.Spec.Template.Spec.Containers.Single().Env, e => e.Name == "REDIS_PASSWORD");
        Assert.Equal(("waddlebot-redis", "password", (string?)null), (redisPassword.ValueFrom?.SecretKeyRef?.Name, redisPassword.ValueFrom?.SecretKeyRef?.Key, redisPassword.Value));

        // Never read: no request of the operator touches a Secret (get, list or watch).
        var requests = cluster.RequestsBy(op.Identity);
        Assert.NotEmpty(requests);
        Assert.DoesNotContain(requests, r => r.Resource == "secrets");

        // Never written: no body the operator sent (objects, patches, status, Events) holds the value in any encoding.
        var forms = new[]
        {
            SecretValue, Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretValue)), "wdl-7Hq2-SECRET",
            GrafanaAdminUser, Convert.ToBase64String(Encoding.UTF8.GetBytes(GrafanaAdminUser)),
            GrafanaAdminPassword, Convert.ToBase64String(Encoding.UTF8.GetBytes(GrafanaAdminPassword)), "wdl-Pw-93xLm",
            PostgresUser, Convert.ToBase64String(Encoding.UTF8.GetBytes(PostgresUser)),
            PostgresPassword, Convert.ToBase64String(Encoding.UTF8.GetBytes(PostgresPassword)), Uri.EscapeDataString(PostgresPassword), "wdl-pg-P@ss",
            RedisPassword, Convert.ToBase64String(Encoding.UTF8.GetBytes(RedisPassword)), "wdl-redis-SECRET",
        };
        var writes = requests.Where(r => r.Body is not null).ToList();
        Assert.Contains(writes, w => w.Resource == "deployments");
        Assert.Contains(writes, w => w.Resource == "configmaps");
        Assert.Contains(writes, w => w.Subresource == "status");
        Assert.Contains(writes, w => w.Resource == "events");
        foreach (var write in writes)
        {
            Assert.All(forms, form => Assert.DoesNotContain(form, write.Body!, StringComparison.Ordinal));
        }

        // The user's own request did carry it (the check above would see it), and nothing stored elsewhere does.
        Assert.Contains(cluster.Api.Requests.Snapshot(), r => r.Resource == "secrets" && r.Body!.Contains(forms[1], StringComparison.Ordinal));
        Assert.Contains(cluster.Api.Requests.Snapshot(), r => r.Resource == "secrets" && r.Body!.Contains(Convert.ToBase64String(Encoding.UTF8.GetBytes(GrafanaAdminPassword)), StringComparison.Ordinal));

        // Never logged, at any level.
        Assert.NotEmpty(logs.Entries);
        Assert.All(logs.Entries, line => Assert.All(forms, form => Assert.DoesNotContain(form, line, StringComparison.Ordinal)));
    }
}
