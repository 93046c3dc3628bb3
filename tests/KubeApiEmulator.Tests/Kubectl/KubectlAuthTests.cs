namespace KubeApiEmulator.Tests.Kubectl;

/// <summary>
/// kubectl auth can-i (SelfSubjectAccessReview, sent as protobuf) and can-i --list (SelfSubjectRulesReview), answered
/// from the RBAC objects in the emulator for the requesting (or impersonated) user.
/// </summary>
public sealed class KubectlAuthTests : IAsyncLifetime
{
    private ClusterWorkspace _cluster = null!;

    public async Task InitializeAsync()
    {
        _cluster = await ClusterWorkspace.StartAsync();
        await _cluster.KubectlOkAsync("create", "role", "pod-reader", "--verb=get,list", "--resource=pods", "--resource-name=p1");
        await _cluster.KubectlOkAsync("create", "rolebinding", "alice-reads", "--role=pod-reader", "--user=alice");
        await _cluster.KubectlOkAsync("create", "clusterrole", "metrics", "--verb=get", "--non-resource-url=/metrics", "--non-resource-url=/debug/*");
        await _cluster.KubectlOkAsync("create", "clusterrole", "deployer", "--verb=*", "--resource=deployments.apps,deployments.apps/scale");
        await _cluster.KubectlOkAsync("create", "clusterrolebinding", "ops-metrics", "--clusterrole=metrics", "--group=ops");
        await _cluster.KubectlOkAsync("create", "clusterrolebinding", "robot-deploys", "--clusterrole=deployer", "--serviceaccount=default:robot");
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Theory]
    [InlineData("yes", "create deployments")]
    [InlineData("yes", "get /metrics")]
    [InlineData("yes", "delete namespaces --all-namespaces")]
    [InlineData("yes", "get pods/p1 --as=alice")]
    [InlineData("no", "list pods --as=alice -n default")] // resourceNames restrict: a list names no object
    [InlineData("no", "get pods/p2 --as=alice")]
    [InlineData("no", "get pods/p1 --as=alice -n kube-system")]
    [InlineData("no", "create deployments --as=alice")]
    [InlineData("no", "get /metrics --as=alice")]
    [InlineData("yes", "get /metrics --as=bob --as-group=ops")]
    [InlineData("yes", "get /debug/pprof --as=bob --as-group=ops")]
    [InlineData("no", "post /metrics --as=bob --as-group=ops")]
    [InlineData("yes", "patch deployments --subresource=scale --as=system:serviceaccount:default:robot")]
    [InlineData("yes", "delete deployments.apps --as=system:serviceaccount:default:robot -n kube-system")]
    [InlineData("no", "get secrets --as=system:serviceaccount:default:robot")]
    public async Task Kubectl_auth_can_i_answers_from_rbac(string answer, string question)
    {
        var result = await _cluster.KubectlAsync(["auth", "can-i", .. question.Split(' ')]);

        Assert.True(result.StandardOutput.Trim() == answer, result.ToString());
        Assert.Equal(answer == "yes" ? 0 : 1, result.ExitCode);
    }

    [Fact]
    public async Task Kubectl_auth_can_i_sends_a_protobuf_self_subject_access_review()
    {
        await _cluster.KubectlOkAsync("auth", "can-i", "get", "pods");

        var review = Assert.Single(_cluster.Api.Requests.Snapshot(), r => r.Resource == "selfsubjectaccessreviews");
        Assert.Equal(("POST", 201), (review.Method, review.Status));
        Assert.StartsWith("application/vnd.kubernetes.protobuf", review.ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_auth_can_i_list_shows_the_bound_rules()
    {
        var alice = await _cluster.KubectlOkAsync("auth", "can-i", "--list", "--as=alice");
        var admin = await _cluster.KubectlOkAsync("auth", "can-i", "--list");

        Assert.Contains(alice.Split('\n'), line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["pods", "[]", "[p1]", "[get", "list]"]);
        Assert.DoesNotContain("deployments", alice, StringComparison.Ordinal);
        Assert.Contains(admin.Split('\n'), line => line.Split(' ', StringSplitOptions.RemoveEmptyEntries) is ["*.*", "[]", "[]", "[*]"]);
    }
}
