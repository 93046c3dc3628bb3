using WaddleObservabilityOperator.Api.Crds;
using WaddleObservabilityOperator.Controllers;

namespace WaddleObservabilityOperator.Cli;

/// <summary>
/// <c>generate [--root DIR]</c>: writes every generated file of the repository at once: the CRDs (config/crds and the
/// chart's crds/), the API reference (docs/api-reference.md), both from the API types, and the RBAC (config/rbac's
/// ClusterRole and leader election Role, the chart's templates/_rbac.tpl) from the controllers' declarations. A test
/// fails when any committed file differs from what this writes.
/// </summary>
public static class GenerateCommand
{
    public const string Usage = "usage: generate [--root DIR]   (DIR: the repository, default the current directory)";

    /// <summary>The command that regenerates the committed files; drift messages quote it.</summary>
    public const string RegenerateCommand = "dotnet run --project src/WaddleObservabilityOperator -- generate";

    public static readonly string[] CrdFolders = ["config/crds", "charts/waddle-observability-operator/crds"];

    public const string ApiReferencePath = "docs/api-reference.md";

    /// <summary>Every generated file, by its path relative to the repository root.</summary>
    public static IReadOnlyDictionary<string, string> Files()
    {
        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var crds = CrdGenerator.WithDocumentation().GenerateAll();
        foreach (var folder in CrdFolders)
        {
            foreach (var crd in crds)
            {
                files[$"{folder}/{crd.FileName}"] = CrdYaml.Serialize(crd.Definition);
            }
        }

        files[ApiReferencePath] = ApiReferenceDocument.Render(crds);
        foreach (var (path, text) in RbacFiles.Render(OperatorControllers.Rbac()))
        {
            files[path] = text;
        }

        return files;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var root = ".";
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--root" when i + 1 < args.Count:
                    root = args[++i];
                    break;
                case "-h" or "--help":
                    await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
                    return ExitCodes.Success;
                default:
                    await stderr.WriteLineAsync($"generate: unexpected argument '{args[i]}'\n{Usage}").ConfigureAwait(false);
                    return ExitCodes.Usage;
            }
        }

        if (!File.Exists(Path.Combine(root, "WaddleObservabilityOperator.sln")))
        {
            await stderr.WriteLineAsync($"generate: {Path.GetFullPath(root)} is not the repository (no WaddleObservabilityOperator.sln); run it from the repository or pass --root").ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        foreach (var (relative, text) in Files())
        {
            var path = Path.Combine(root, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllTextAsync(path, text, cancellationToken).ConfigureAwait(false);
            await stderr.WriteLineAsync($"wrote {relative}").ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }
}
