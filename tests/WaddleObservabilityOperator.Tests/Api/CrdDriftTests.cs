using WaddleObservabilityOperator.Api.Crds;

namespace WaddleObservabilityOperator.Tests.Api;

/// <summary>config/crds holds exactly the CRDs of the API types (<see cref="WaddleObservabilityOperator.Tests.Packaging.GeneratedFilesTests"/> checks their content).</summary>
public sealed class CrdDriftTests
{
    private static readonly IReadOnlyList<GeneratedCrd> Crds = CrdGenerator.WithDocumentation().GenerateAll();

    [Fact]
    public void No_stale_crd_files_are_committed()
    {
        var expected = Crds.Select(c => c.FileName).ToHashSet(StringComparer.Ordinal);
        var stale = Directory.GetFiles(RepositoryLayout.PathOf("config", "crds"), "observability.waddlebot.io_*.yaml")
            .Select(Path.GetFileName)
            .Where(name => !expected.Contains(name!))
            .ToList();
        Assert.True(stale.Count == 0, $"config/crds holds CRDs of no API type: {string.Join(", ", stale)}; delete them.");
    }
}
