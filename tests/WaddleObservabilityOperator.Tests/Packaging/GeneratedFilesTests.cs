using WaddleObservabilityOperator.Cli;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Packaging;

/// <summary>
/// Every generated file (CRDs in both folders, the API reference, config/rbac's roles, the chart's RBAC rules) is
/// committed exactly as <c>generate</c> writes it now, and <c>generate</c> writes them all in one run.
/// </summary>
public sealed class GeneratedFilesTests
{
    private static readonly IReadOnlyDictionary<string, string> Generated = GenerateCommand.Files();

    public static TheoryData<string> Paths() => [.. Generated.Keys];

    [Theory]
    [MemberData(nameof(Paths))]
    public void The_committed_file_is_what_generate_writes(string relative)
    {
        var path = RepositoryLayout.PathOf(relative.Split('/'));
        Assert.True(File.Exists(path), $"{relative} is missing; generate it with: {GenerateCommand.RegenerateCommand}");
        var committed = File.ReadAllText(path);
        Assert.True(committed == Generated[relative],
            $"{relative} differs from what its sources generate (first difference at line {FirstDifferentLine(committed, Generated[relative])}); regenerate with: {GenerateCommand.RegenerateCommand}");
    }

    [Fact]
    public void Generate_covers_the_rbac_the_manifests_and_the_chart_use()
    {
        Assert.Contains(RbacFiles.ClusterRolePath, Generated.Keys);
        Assert.Contains(RbacFiles.LeaderElectionRolePath, Generated.Keys);
        Assert.Contains(RbacFiles.ChartRulesPath, Generated.Keys);
        var helpers = File.ReadAllText(RepositoryLayout.PathOf("charts", HelmChart.Name, "templates", "_helpers.tpl"));
        foreach (var define in new[] { "waddle.namespacedRules", "waddle.clusterScopedRules", "waddle.leaderElectionRules" })
        {
            Assert.Contains($"define \"{define}\"", Generated[RbacFiles.ChartRulesPath], StringComparison.Ordinal);
            Assert.DoesNotContain($"define \"{define}\"", helpers, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Generate_writes_every_file_in_one_run_and_refuses_a_folder_that_is_not_the_repository()
    {
        var root = Path.Combine(Path.GetTempPath(), "waddle-generate-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(root);
        try
        {
            using var stdout = new StringWriter();
            using var stderr = new StringWriter();
            Assert.Equal(ExitCodes.Usage, await GenerateCommand.RunAsync(["--root", root], stdout, stderr, CancellationToken.None));
            Assert.Contains("is not the repository", stderr.ToString(), StringComparison.Ordinal);

            File.WriteAllText(Path.Combine(root, "WaddleObservabilityOperator.sln"), "");
            Assert.Equal(ExitCodes.Success, await GenerateCommand.RunAsync(["--root", root], stdout, stderr, CancellationToken.None));
            foreach (var (relative, text) in Generated)
            {
                Assert.Equal(text, File.ReadAllText(Path.Combine(root, relative)));
            }
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Generation_is_deterministic() => Assert.Equal(Generated, GenerateCommand.Files());

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
