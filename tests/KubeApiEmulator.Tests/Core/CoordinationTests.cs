using k8s;
using k8s.LeaderElection;
using k8s.LeaderElection.ResourceLock;
using k8s.Models;

namespace KubeApiEmulator.Tests.Core;

public sealed class CoordinationTests
{
    [Fact]
    public async Task Leader_election_with_a_LeaseLock_elects_one_leader()
    {
        await using var scope = await EmulatorScope.StartAsync();
        var leaders = new List<string>();
        using var stop = new CancellationTokenSource();
        var electors = new[] { "a", "b" }.Select(identity =>
        {
            var elector = new LeaderElector(new LeaderElectionConfig(new LeaseLock(scope.Client, "default", "operator-lock", identity))
            {
                LeaseDuration = TimeSpan.FromSeconds(15),
                RenewDeadline = TimeSpan.FromSeconds(10),
                RetryPeriod = TimeSpan.FromMilliseconds(200),
            });
            elector.OnStartedLeading += () =>
            {
                lock (leaders)
                {
                    leaders.Add(identity);
                }
            };
            return elector;
        }).ToList();
        var running = electors.Select(e => e.RunUntilLeadershipLostAsync(stop.Token)).ToList();

        await Eventually.ReturnsAsync(() => Task.FromResult(leaders.Count), n => n >= 1, "a leader");
        var lease = await scope.Client.CoordinationV1.ReadNamespacedLeaseAsync("operator-lock", "default");

        Assert.Single(leaders);
        Assert.Equal(leaders[0], lease.Spec.HolderIdentity);
        await stop.CancelAsync();
        await Task.WhenAll(running.Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    [Fact]
    public async Task Events_of_both_groups_and_reviews_are_accepted()
    {
        await using var scope = await EmulatorScope.StartAsync();
        await scope.Client.CoreV1.CreateNamespacedEventAsync(new Corev1Event
        {
            Metadata = new V1ObjectMeta { Name = "e1" },
            InvolvedObject = new V1ObjectReference { Kind = "Pod", Name = "p", NamespaceProperty = "default" },
            Reason = "Tested",
        }, "default");
        await scope.Client.EventsV1.CreateNamespacedEventAsync(new Eventsv1Event { Metadata = new V1ObjectMeta { Name = "e2" }, EventTime = DateTime.UtcNow, Reason = "Tested" }, "default");

        var byObject = await scope.Client.CoreV1.ListNamespacedEventAsync("default", fieldSelector: "involvedObject.name=p");
        Assert.Equal("e1", Assert.Single(byObject.Items).Metadata.Name);
        Assert.Single((await scope.Client.EventsV1.ListNamespacedEventAsync("default")).Items);

        var review = await scope.Client.AuthorizationV1.CreateSelfSubjectAccessReviewAsync(new V1SelfSubjectAccessReview
        {
            Spec = new V1SelfSubjectAccessReviewSpec { ResourceAttributes = new V1ResourceAttributes { Verb = "list", Resource = "pods" } },
        });
        Assert.True(review.Status.Allowed);
    }
}
