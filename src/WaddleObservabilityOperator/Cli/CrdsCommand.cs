using WaddleObservabilityOperator.Api.Crds;

namespace WaddleObservabilityOperator.Cli;

/// <summary>
/// <c>crds [--output DIR]... [--stdout] [--docs FILE]</c>: writes the CRDs generated from the API types (one file per kind,
/// named like controller-gen's) into each --output folder (config/crds and the Helm chart's crds/) and, with --docs, the
/// API reference generated from the same schemas.
/// </summary>
public static class CrdsCommand
{
    public const string Usage = "usage: crds [--output DIR]... [--stdout] [--docs FILE]   (at least one)";

    /// <summary>The command that regenerates the committed files; drift messages quote it.</summary>
    public const string RegenerateCommand =
        "dotnet run --project src/WaddleObservabilityOperator -- crds --output config/crds --output charts/waddle-observability-operator/crds --docs docs/api-reference.md";

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        var outputs = new List<string>();
        string? docs = null;
        var toStdout = false;
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--output" or "-o" when i + 1 < args.Count:
                    outputs.Add(args[++i]);
                    break;
                case "--docs" when i + 1 < args.Count:
                    docs = args[++i];
                    break;
                case "--stdout":
                    toStdout = true;
                    break;
                case "-h" or "--help":
                    await stdout.WriteLineAsync(Usage).ConfigureAwait(false);
                    return 0;
                default:
                    await stderr.WriteLineAsync($"crds: unexpected argument '{args[i]}'\n{Usage}").ConfigureAwait(false);
                    return 2;
            }
        }

        if (outputs.Count == 0 && docs is null && !toStdout)
        {
            await stderr.WriteLineAsync(Usage).ConfigureAwait(false);
            return 2;
        }

        var crds = CrdGenerator.WithDocumentation().GenerateAll();
        foreach (var output in outputs)
        {
            Directory.CreateDirectory(output);
            foreach (var crd in crds)
            {
                var path = Path.Combine(output, crd.FileName);
                await File.WriteAllTextAsync(path, CrdYaml.Serialize(crd.Definition), cancellationToken).ConfigureAwait(false);
                await stderr.WriteLineAsync($"wrote {path}").ConfigureAwait(false);
            }
        }

        if (docs is not null)
        {
            if (Path.GetDirectoryName(docs) is { Length: > 0 } folder)
            {
                Directory.CreateDirectory(folder);
            }

            await File.WriteAllTextAsync(docs, ApiReferenceDocument.Render(crds), cancellationToken).ConfigureAwait(false);
            await stderr.WriteLineAsync($"wrote {docs}").ConfigureAwait(false);
        }

        if (toStdout)
        {
            foreach (var crd in crds)
            {
                await stdout.WriteAsync(CrdYaml.Serialize(crd.Definition)).ConfigureAwait(false);
            }
        }

        return 0;
    }
}
