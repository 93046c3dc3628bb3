using System.Text.Json.Nodes;
using WaddleObservabilityOperator.Api.Validation;
using WaddleObservabilityOperator.Manifests;

namespace WaddleObservabilityOperator.Tests.Api;

/// <summary>The shipped samples are objects the API server would accept under the generated CRDs.</summary>
public sealed class SampleValidationTests
{
    [Fact]
    public void Every_sample_of_our_kinds_passes_the_api_validator()
    {
        var folder = RepositoryLayout.PathOf("config", "samples");
        Assert.True(Directory.Exists(folder), $"{folder} is missing");
        var checkedKinds = new Dictionary<string, int>(StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var file in Directory.GetFiles(folder, "*.yaml", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            var readErrors = new List<ManifestError>();
            foreach (var document in ManifestDocumentReader.Read(file, File.ReadAllText(file), readErrors))
            {
                var kind = (document.Content["kind"] as JsonValue)?.GetValue<string>();
                if (kind is null || !ApiValidator.Kinds.Contains(kind))
                {
                    continue;
                }

                checkedKinds[kind] = checkedKinds.GetValueOrDefault(kind) + 1;
                problems.AddRange(ApiValidator.Validate(document.Content).Select(e => $"{Path.GetRelativePath(folder, file)} ({document.Position}): {e}"));
            }

            problems.AddRange(readErrors.Select(e => e.ToString()));
        }

        Assert.True(problems.Count == 0, string.Join("\n", problems));
        Assert.True(checkedKinds.GetValueOrDefault("WaddleService") > 0 && checkedKinds.GetValueOrDefault("ObservabilityPolicy") > 0,
            $"the samples hold no WaddleService or no ObservabilityPolicy ({string.Join(", ", checkedKinds)})");
    }
}
