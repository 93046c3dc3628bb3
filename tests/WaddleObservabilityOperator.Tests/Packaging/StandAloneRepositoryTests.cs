using System.Text.RegularExpressions;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Packaging;

/// <summary>
/// The repository stands alone: a user who clones it anywhere has what the tests, the scripts and the benchmarks read.
/// Only <see cref="RepositoryLayout.UpstreamReference"/> may look beside it, for extra checks next to ones that run
/// everywhere; nothing else names the reference material's folder in code.
/// </summary>
public sealed partial class StandAloneRepositoryTests
{
    [Fact]
    public void No_code_reads_the_folder_beside_the_repository()
    {
        string[] allowed = [RepositoryLayout.PathOf("tests", "WaddleObservabilityOperator.Tests", "Api", "RepositoryLayout.cs"), RepositoryLayout.PathOf("tests", "WaddleObservabilityOperator.Tests", "Packaging", "StandAloneRepositoryTests.cs")];
        var offenders = new List<string>();
        foreach (var folder in new[] { "src", "tests", "bench", "scripts", ".ci" })
        {
            foreach (var file in Directory.EnumerateFiles(RepositoryLayout.PathOf(folder), "*", SearchOption.AllDirectories))
            {
                if (allowed.Contains(file) || !IsSource(file) || file.Split(Path.DirectorySeparatorChar).Any(p => p is "bin" or "obj" or "node_modules"))
                {
                    continue;
                }

                var lineNumber = 0;
                foreach (var line in File.ReadLines(file))
                {
                    lineNumber++;
                    var code = line.TrimStart();
                    if (code.StartsWith("//", StringComparison.Ordinal) || code.StartsWith('#') || code.StartsWith('*'))
                    {
                        continue;
                    }

                    if (SharedFolder().IsMatch(line))
                    {
                        offenders.Add($"{Path.GetRelativePath(RepositoryLayout.Root, file)}:{lineNumber}: {code}");
                    }
                }
            }
        }

        Assert.True(offenders.Count == 0, "code that reads outside the repository:\n" + string.Join('\n', offenders));
    }

    [Fact]
    public void The_check_finds_a_read_of_the_folder_beside_the_repository()
    {
        Assert.Matches(SharedFolder(), "var path = Path.Combine(root, \"..\", \"shared\", \"reference\", file);");
        Assert.Matches(SharedFolder(), "crd=\"$repo/../shared/reference/prometheus-operator/x.yaml\"");
        Assert.DoesNotMatch(SharedFolder(), "the machine is shared by the scenarios");
    }

    private static bool IsSource(string file) => Path.GetExtension(file) is ".cs" or ".sh" or ".mjs" or ".js" or ".json" or ".yaml" or ".csproj" or "" && !file.EndsWith("package-lock.json", StringComparison.Ordinal);

    [GeneratedRegex("\"shared\"|/shared/|\\.\\./shared")]
    private static partial Regex SharedFolder();
}
