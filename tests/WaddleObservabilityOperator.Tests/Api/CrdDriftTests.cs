using WaddleObservabilityOperator.Api.Crds;
using WaddleObservabilityOperator.Cli;

namespace WaddleObservabilityOperator.Tests.Api;

/// <summary>config/crds and docs/api-reference.md are generated; they must equal what the types generate now.</summary>
public sealed class CrdDriftTests
{
    private static readonly IReadOnlyList<GeneratedCrd> Crds = CrdGenerator.WithDocumentation().GenerateAll();

    public static TheoryData<string> Kinds() => [.. Crds.Select(c => c.Kind)];

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Committed_crd_equals_the_generated_one(string kind)
    {
        var crd = Crds.Single(c => c.Kind == kind);
        var path = RepositoryLayout.PathOf("config", "crds", crd.FileName);
        Assert.True(File.Exists(path), $"{path} is missing; generate it with: {CrdsCommand.RegenerateCommand}");
        var committed = File.ReadAllText(path);
        var generated = CrdYaml.Serialize(crd.Definition);
        Assert.True(committed == generated, $"config/crds/{crd.FileName} differs from the API types (first difference at line {FirstDifferentLine(committed, generated)}); regenerate with: {CrdsCommand.RegenerateCommand}");
    }

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

    [Fact]
    public void Committed_api_reference_equals_the_generated_one()
    {
        var path = RepositoryLayout.PathOf("docs", "api-reference.md");
        Assert.True(File.Exists(path), $"{path} is missing; generate it with: {CrdsCommand.RegenerateCommand}");
        var committed = File.ReadAllText(path);
        var generated = ApiReferenceDocument.Render(Crds);
        Assert.True(committed == generated, $"docs/api-reference.md differs from the API types (first difference at line {FirstDifferentLine(committed, generated)}); regenerate with: {CrdsCommand.RegenerateCommand}");
    }

    [Fact]
    public void Generation_is_deterministic()
    {
        var again = CrdGenerator.WithDocumentation().GenerateAll();
        Assert.Equal(Crds.Select(c => CrdYaml.Serialize(c.Definition)), again.Select(c => CrdYaml.Serialize(c.Definition)));
        Assert.Equal(ApiReferenceDocument.Render(Crds), ApiReferenceDocument.Render(again));
    }

    private static int FirstDifferentLine(string a, string b)
    {
        var left = a.Split('\n');
        var right = b.Split('\n');
        var i = 0;
        while (i < left.Length && i < right.Length && left[i] == right[i])
        {
            i++;
        }

        return i + 1;
    }
}
