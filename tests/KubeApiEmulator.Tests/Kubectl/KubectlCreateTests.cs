using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json.Nodes;

namespace KubeApiEmulator.Tests.Kubectl;

/// <summary>
/// Every generator of <c>kubectl create</c>: the object kubectl would send (<c>--dry-run=client -o json</c>) is what
/// the emulator stores when kubectl really sends it. kubectl's typed client sends these bodies as protobuf, so this
/// proves the emulator's protobuf tables field by field.
/// </summary>
public sealed class KubectlCreateTests : IAsyncLifetime
{
    private ClusterWorkspace _cluster = null!;

    public async Task InitializeAsync() => _cluster = await ClusterWorkspace.StartAsync();

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    public static TheoryData<string, string> Generators() => new()
    {
        { "namespace/team-a", "namespace team-a" },
        { "deployment/web", "deployment web --image=nginx:1.27 --port=8080 --replicas=3 -- nginx -g daemon_off" },
        { "deployment/pair", "deployment pair --image=nginx:1.27 --image=busybox:1 --replicas=0" },
        { "service/api", "service clusterip api --tcp=80:8080 --tcp=443:8443" },
        { "service/headless", "service clusterip headless --clusterip=None" },
        { "service/node", "service nodeport node --tcp=80:8080 --node-port=30080" },
        { "service/lb", "service loadbalancer lb --tcp=80:8080 --tcp=53:dns" },
        { "service/external", "service externalname external --external-name=db.example.com --tcp=5432" },
        { "serviceaccount/robot", "serviceaccount robot" },
        { "configmap/settings", "configmap settings --from-literal=mode=fast --from-literal=level=3 --from-literal=empty=" },
        { "secret/generic", "secret generic generic --from-literal=user=admin --from-literal=password=s3cr3t --type=Opaque" },
        { "secret/registry", "secret docker-registry registry --docker-server=registry.example.com --docker-username=u --docker-password=p --docker-email=u@example.com" },
        { "secret/tls", "secret tls tls --cert=tls.crt --key=tls.key" },
        { "role/reader", "role reader --verb=get --verb=list --verb=watch --resource=pods,deployments.apps --resource-name=a --resource-name=b" },
        { "rolebinding/readers", "rolebinding readers --role=reader --user=alice --user=carol --group=devs --serviceaccount=default:robot" },
        { "clusterrole/metrics", "clusterrole metrics --verb=get --non-resource-url=/metrics --non-resource-url=/logs/*" },
        { "clusterrole/monitoring", "clusterrole monitoring --aggregation-rule=rbac.example.com/aggregate-to-monitoring=true,tier=ops" },
        { "clusterrole/nodes", "clusterrole nodes --verb=get,list --resource=namespaces,pods --resource-name=n1" },
        { "clusterrolebinding/metrics", "clusterrolebinding metrics --clusterrole=metrics --user=bob --group=ops --serviceaccount=default:robot" },
        { "job/once", "job once --image=busybox:1 -- echo hello world" },
        { "cronjob/nightly", "cronjob nightly --image=busybox:1 --schedule='*/5 * * * *' --restart=OnFailure -- echo hi" },
        { "priorityclass/high", "priorityclass high --value=1000 --description=important --preemption-policy=Never" },
        { "priorityclass/default", "priorityclass default --value=0 --global-default=true" },
        { "resourcequota/small", "quota small --hard=cpu=1,memory=1G,pods=2,services.nodeports=0 --scopes=BestEffort,NotTerminating" },
        { "poddisruptionbudget/half", "poddisruptionbudget half --selector=app=web --min-available=50%" },
        { "poddisruptionbudget/one", "poddisruptionbudget one --selector='app=web,tier in (a,b)' --max-unavailable=1" },
        { "ingress/site", "ingress site --class=nginx --rule=foo.com/bar=svc1:8080,tls=secret1 --rule=/path*=svc2:http --default-backend=defsvc:80 --annotation=team=web" },
    };

    [Theory]
    [MemberData(nameof(Generators))]
    public async Task Kubectl_create_stores_exactly_the_object_kubectl_sends(string resource, string command)
    {
        WriteTlsPair();
        var args = Split(command);
        var expected = JsonNode.Parse(await _cluster.KubectlOkAsync(["create", "--dry-run=client", "-o", "json", .. args]))!.AsObject();

        var created = await _cluster.KubectlOkAsync(["create", .. args]);
        var stored = JsonNode.Parse(await _cluster.KubectlOkAsync("get", resource, "-o", "json"))!.AsObject();

        Assert.Contains(" created", created, StringComparison.Ordinal);
        AssertContains(expected, stored);
    }

    [Fact]
    public async Task A_job_created_from_a_cronjob_keeps_its_template_owner_and_annotation()
    {
        await _cluster.KubectlOkAsync("create", "cronjob", "nightly", "--image=busybox:1", "--schedule=0 3 * * *", "--restart=Never", "--", "sh", "-c", "date");
        var expected = JsonNode.Parse(await _cluster.KubectlOkAsync("create", "--dry-run=client", "-o", "json", "job", "manual", "--from=cronjob/nightly"))!.AsObject();

        await _cluster.KubectlOkAsync("create", "job", "manual", "--from=cronjob/nightly");
        var stored = JsonNode.Parse(await _cluster.KubectlOkAsync("get", "job", "manual", "-o", "json"))!.AsObject();

        AssertContains(expected, stored);
        Assert.Equal("manual", stored["metadata"]!["annotations"]!["cronjob.kubernetes.io/instantiate"]!.GetValue<string>());
        Assert.Equal("CronJob", stored["metadata"]!["ownerReferences"]![0]!["kind"]!.GetValue<string>());
        Assert.Equal("date", stored["spec"]!["template"]!["spec"]!["containers"]![0]!["command"]![2]!.GetValue<string>());
    }

    [Fact]
    public async Task Kubectl_create_sends_protobuf()
    {
        await _cluster.KubectlOkAsync("create", "namespace", "proto");

        var post = Assert.Single(_cluster.Api.Requests.Snapshot(), r => r is { Method: "POST", Resource: "namespaces" });
        Assert.StartsWith("application/vnd.kubernetes.protobuf", post.ContentType, StringComparison.Ordinal);
        Assert.Equal(201, post.Status);
    }

    /// <summary>Every field of the object kubectl would send is in the stored object with the same value; server-set metadata and status are not compared.</summary>
    private static void AssertContains(JsonObject expected, JsonObject stored)
    {
        var sent = (JsonObject)expected.DeepClone();
        sent.Remove("status");
        (sent["metadata"] as JsonObject)?.Remove("creationTimestamp");
        var differences = new List<string>();
        Compare(sent, stored, "", differences);
        Assert.True(differences.Count == 0, $"{string.Join("\n", differences)}\nexpected (dry run): {expected.ToJsonString()}\nstored: {stored.ToJsonString()}");
    }

    private static void Compare(JsonNode? expected, JsonNode? actual, string path, List<string> differences)
    {
        switch (expected)
        {
            case null:
                return;
            case JsonObject obj:
                if (actual is not JsonObject other)
                {
                    differences.Add($"{path}: expected an object, stored {actual?.ToJsonString() ?? "nothing"}");
                    return;
                }

                foreach (var (name, value) in obj)
                {
                    Compare(value, other[name], $"{path}.{name}", differences);
                }

                return;
            case JsonArray array:
                if (actual is not JsonArray list || list.Count != array.Count)
                {
                    differences.Add($"{path}: expected {array.ToJsonString()}, stored {actual?.ToJsonString() ?? "nothing"}");
                    return;
                }

                for (var i = 0; i < array.Count; i++)
                {
                    Compare(array[i], list[i], $"{path}[{i}]", differences);
                }

                return;
            default:
                if (!JsonNode.DeepEquals(expected, actual))
                {
                    differences.Add($"{path}: expected {expected.ToJsonString()}, stored {actual?.ToJsonString() ?? "nothing"}");
                }

                return;
        }
    }

    // Splits on spaces, except inside single quotes (a schedule, a selector with a set).
    private static string[] Split(string command)
    {
        var parts = new List<string>();
        var current = new System.Text.StringBuilder();
        var quoted = false;
        foreach (var c in command)
        {
            if (c == '\'')
            {
                quoted = !quoted;
            }
            else if (c == ' ' && !quoted)
            {
                parts.Add(current.ToString());
                current.Clear();
            }
            else
            {
                current.Append(c);
            }
        }

        parts.Add(current.ToString());
        return [.. parts];
    }

    private void WriteTlsPair()
    {
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=emulator.example.com", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        _cluster.WriteFile("tls.crt", certificate.ExportCertificatePem());
        _cluster.WriteFile("tls.key", key.ExportPkcs8PrivateKeyPem());
    }
}
