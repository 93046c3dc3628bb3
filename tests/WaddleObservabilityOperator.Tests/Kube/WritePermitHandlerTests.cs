using System.Net;
using k8s;
using k8s.Models;
using KubeApiEmulator;
using Microsoft.Extensions.Logging.Abstractions;
using WaddleObservabilityOperator.Kube;
using LeaderElector = WaddleObservabilityOperator.Kube.LeaderElector;

namespace WaddleObservabilityOperator.Tests.Kube;

/// <summary>The leader's write permit, enforced once in the API client's pipeline.</summary>
public sealed class WritePermitHandlerTests
{
    public static TheoryData<string, string, bool> Requests => new()
    {
        // method, path, sent while the permit is withheld
        { "GET", "/api/v1/namespaces/ns/configmaps/sampling", true },
        { "GET", "/apis/apps/v1/deployments?watch=true&resourceVersion=5", true },
        { "GET", "/apis/monitoring.coreos.com/v1", true },
        { "POST", "/api/v1/namespaces/ns/configmaps", false },
        { "PUT", "/apis/apps/v1/namespaces/ns/deployments/router", false },
        { "PATCH", "/api/v1/namespaces/ns/services/router", false },
        { "DELETE", "/apis/monitoring.coreos.com/v1/namespaces/ns/servicemonitors/router", false },
        { "PUT", "/apis/observability.waddlebot.io/v1alpha1/namespaces/ns/waddleservices/router/status", false },
        { "POST", "/apis/events.k8s.io/v1/namespaces/ns/events", false },
        { "DELETE", "/api/v1/namespaces/ns", false },
        { "POST", "/apis/coordination.k8s.io/v1/namespaces/ns/leases", true },
        { "PUT", "/apis/coordination.k8s.io/v1/namespaces/ns/leases/waddle-observability-operator", true },
        { "POST", "/apis/authentication.k8s.io/v1/tokenreviews", true },
        { "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews", true },
        { "PUT", "/apis/apps/v1/namespaces/leases/deployments/leases", false }, // a namespace or name "leases" is not the Lease
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Refuses_writes_while_the_permit_is_withheld_except_the_lease_and_the_reviews(string method, string path, bool sent)
    {
        var permit = new SwitchablePermit { CanWrite = false };
        var server = new CountingServer();
        using var client = new HttpMessageInvoker(new WritePermitHandler(permit) { InnerHandler = server });
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(new Uri("http://127.0.0.1:1"), path));

        if (sent)
        {
            (await client.SendAsync(request, CancellationToken.None)).Dispose();
        }
        else
        {
            var refused = await Assert.ThrowsAsync<WriteRefusedException>(() => client.SendAsync(request, CancellationToken.None));
            Assert.Contains($"{method} {path.Split('?')[0]}", refused.Message, StringComparison.Ordinal);
        }

        Assert.Equal(sent ? 1 : 0, server.Requests);

        // With the permit everything goes out.
        permit.CanWrite = true;
        using var again = new HttpRequestMessage(new HttpMethod(method), new Uri(new Uri("http://127.0.0.1:1"), path));
        (await client.SendAsync(again, CancellationToken.None)).Dispose();
        Assert.Equal(sent ? 2 : 1, server.Requests);
    }

    [Fact]
    public async Task Through_the_client_a_standby_writes_nothing_still_reads_reports_convergence_and_campaigns_for_the_lease()
    {
        await using var api = await ApiEmulator.StartAsync();
        var permit = new SwitchablePermit();
        using var client = KubernetesClientFactory.Create(api.ClientConfiguration(), new ApiClientOptions(), TimeProvider.System, writePermit: permit);
        var clients = new ResourceClients(client, new ResourceTypeRegistry(), "test-operator");
        var writer = new OwnedObjectWriter(clients, new OwnershipRule("app.kubernetes.io/managed-by", "test-operator"), NullLogger.Instance);
        var statusWriter = new StatusWriter(clients, NullLogger.Instance);
        var created = (await writer.ApplyAsync(Map("sampling", "1"), null, CancellationToken.None)).Object!;
        api.Requests.Clear();

        permit.CanWrite = false;
        Assert.Equal(WriteAction.Unchanged, (await writer.ApplyAsync(Map("sampling", "1"), created, CancellationToken.None)).Action);
        await Assert.ThrowsAsync<WriteRefusedException>(() => writer.ApplyAsync(Map("sampling", "2"), created, CancellationToken.None));
        await Assert.ThrowsAsync<WriteRefusedException>(() => writer.ApplyAsync(Map("other", "1"), null, CancellationToken.None));
        await Assert.ThrowsAsync<WriteRefusedException>(() => writer.DeleteAsync(created, OwnerMatch.LabelOnly, CancellationToken.None));
        await Assert.ThrowsAsync<WriteRefusedException>(() => statusWriter.UpdateAsync(new V1Deployment { Metadata = new V1ObjectMeta { Name = "d", NamespaceProperty = "default" } }, new V1DeploymentStatus { Replicas = 1 }, CancellationToken.None));
        Assert.Equal("1", (await client.CoreV1.ReadNamespacedConfigMapAsync("sampling", "default")).Data["a"]);

        // The elector's own Lease goes out whatever the permit says: it is how the permit is won.
        var elector = LeaderElector.ForLease(client, new LeaderElectionOptions { LeaseNamespace = "default", LeaseName = "test-operator", Identity = "a" }, TimeProvider.System, NullLogger.Instance);
        Assert.True(await elector.TryAcquireOrRenewAsync(CancellationToken.None));

        var requests = api.Requests.Snapshot();
        Assert.All(requests.Where(r => r.Method is "POST" or "PUT" or "PATCH" or "DELETE"), r => Assert.Equal("leases", r.Resource));
        Assert.Contains(requests, r => r.Method == "GET" && r.Resource == "configmaps");

        permit.CanWrite = true;
        Assert.Equal(WriteAction.Updated, (await writer.ApplyAsync(Map("sampling", "2"), created, CancellationToken.None)).Action);
    }

    private static V1ConfigMap Map(string name, string value) => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = name,
            NamespaceProperty = "default",
            Labels = new Dictionary<string, string> { ["app.kubernetes.io/managed-by"] = "test-operator" },
        },
        Data = new Dictionary<string, string> { ["a"] = value },
    };

    private sealed class SwitchablePermit : IWritePermit
    {
        public bool CanWrite { get; set; } = true;
    }

    private sealed class CountingServer : HttpMessageHandler
    {
        private int _requests;

        public int Requests => Volatile.Read(ref _requests);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _requests);
            return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK));
        }
    }
}
