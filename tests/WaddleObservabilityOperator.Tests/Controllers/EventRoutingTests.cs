using k8s;
using k8s.Models;
using WaddleObservabilityOperator.Api;
using WaddleObservabilityOperator.Controllers;

namespace WaddleObservabilityOperator.Tests.Controllers;

public sealed class EventRoutingTests
{
    private static WaddleService Service() => new()
    {
        Metadata = new V1ObjectMeta
        {
            Name = "router",
            NamespaceProperty = "waddlebot",
            Uid = "uid-1",
            ResourceVersion = "10",
            Generation = 2,
            Labels = new Dictionary<string, string> { ["team"] = "core" },
            Annotations = new Dictionary<string, string> { ["note"] = "a" },
            Finalizers = ["waddlebot.io/finalizer"],
        },
        Spec = new WaddleServiceSpec { Layer = ServiceLayer.Core, Workload = new WorkloadReference { Name = "router" } },
    };

    private static WaddleService Copy(WaddleService service) => KubernetesJson.Deserialize<WaddleService>(KubernetesJson.Serialize(service));

    [Fact]
    public void A_status_write_alone_is_only_a_status_change()
    {
        var before = Service();
        var after = Copy(before);
        after.Metadata.ResourceVersion = "11";
        after.Status = new WaddleServiceStatus { ObservedGeneration = 2 };

        Assert.True(EventRouting.OnlyStatusChanged(before, after));
    }

    [Fact]
    public void A_resync_of_the_same_object_is_never_only_status()
    {
        var service = Service();

        Assert.False(EventRouting.OnlyStatusChanged(service, service));
    }

    public static TheoryData<string> MetadataChanges => ["generation", "label", "annotation", "finalizer", "deletion", "uid"];

    [Theory]
    [MemberData(nameof(MetadataChanges))]
    public void Any_change_the_reconcile_reads_wakes_the_service(string change)
    {
        var before = Service();
        var after = Copy(before);
        after.Metadata.ResourceVersion = "11";
        switch (change)
        {
            case "generation": after.Metadata.Generation = 3; break;
            case "label": after.Metadata.Labels["team"] = "edge"; break;
            case "annotation": after.Metadata.Annotations["note"] = "b"; break;
            case "finalizer": after.Metadata.Finalizers = []; break;
            case "deletion": after.Metadata.DeletionTimestamp = DateTime.UtcNow; break;
            case "uid": after.Metadata.Uid = "uid-2"; break;
        }

        Assert.False(EventRouting.OnlyStatusChanged(before, after));
    }
}
