using k8s.Models;
using WaddleObservabilityOperator.Kube;

namespace WaddleObservabilityOperator.Tests.Kube;

public sealed class ResourceCacheTests
{
    private static V1ConfigMap Map(string? ns, string name, string version = "1") =>
        new() { Metadata = new V1ObjectMeta { NamespaceProperty = ns, Name = name, ResourceVersion = version } };

    private static string[] Names(IReadOnlyList<V1ConfigMap> maps) => [.. maps.Select(m => m.Metadata.Name).Order(StringComparer.Ordinal)];

    [Fact]
    public void A_namespace_lists_exactly_its_objects_through_adds_updates_and_removes()
    {
        var cache = new ResourceCache<V1ConfigMap>();
        cache.Upsert(Map("a", "one"));
        cache.Upsert(Map("a", "two"));
        cache.Upsert(Map("b", "one"));
        cache.Upsert(Map(null, "cluster"));
        cache.Upsert(Map("a", "one", "2"));

        Assert.Equal(["one", "two"], Names(cache.List("a")));
        Assert.Equal("2", cache.List("a").Single(m => m.Metadata.Name == "one").Metadata.ResourceVersion);
        Assert.Equal(["one"], Names(cache.List("b")));
        Assert.Equal(["cluster", "one", "one", "two"], Names(cache.List()));
        Assert.Empty(cache.List("c"));

        cache.Remove(new ObjectKey("a", "one"));
        cache.Remove(new ObjectKey("a", "two"));
        cache.Remove(new ObjectKey("a", "absent"));
        Assert.Empty(cache.List("a"));

        // A namespace emptied and filled again counts from nothing.
        cache.Upsert(Map("a", "three"));
        Assert.Equal(["three"], Names(cache.List("a")));
        Assert.Equal(3, cache.Count);
    }
}
