using WaddleObservabilityOperator.Manifests;
using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.Cli;

/// <summary>
/// Each file in InvalidManifests/ is a broken input; its <c># expect:</c> lines are substrings the errors must
/// contain. Every error must name the file; together they must name every object and field expected.
/// </summary>
public sealed class InvalidManifestTests
{
    private static readonly string Folder = RepositoryLayout.PathOf("tests", "WaddleObservabilityOperator.Tests", "Cli", "InvalidManifests");

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var file in Directory.EnumerateFiles(Folder).Order(StringComparer.Ordinal))
        {
            data.Add(Path.GetFileName(file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_error_names_the_file_the_object_and_the_field(string fileName)
    {
        var path = Path.Combine(Folder, fileName);
        var expected = File.ReadLines(path)
            .Where(l => l.StartsWith("# expect: ", StringComparison.Ordinal))
            .Select(l => l["# expect: ".Length..])
            .ToList();
        Assert.NotEmpty(expected);

        var result = ManifestLoader.Load([path]);

        Assert.False(result.IsValid);
        Assert.Equal(0, result.Manifests.Count);
        var messages = result.Errors.Select(e => e.ToString()).ToList();
        Assert.All(messages, m => Assert.StartsWith(path + ": ", m, StringComparison.Ordinal));
        foreach (var substring in expected)
        {
            Assert.True(messages.Any(m => m.Contains(substring, StringComparison.Ordinal)),
                $"no error contains '{substring}'; errors:\n{string.Join('\n', messages)}");
        }
    }

    [Fact]
    public void Errors_from_several_files_are_all_reported_in_file_order()
    {
        var result = ManifestLoader.Load([Folder]);

        var files = result.Errors.Select(e => Path.GetFileName(e.File)).Distinct().ToList();
        Assert.Equal(Directory.EnumerateFiles(Folder).Select(Path.GetFileName).Order(StringComparer.Ordinal), files);
    }
}
