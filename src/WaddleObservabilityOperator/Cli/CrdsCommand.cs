using WaddleObservabilityOperator.Api.Crds;

namespace WaddleObservabilityOperator.Cli;

/// <summary>
/// <c>crds [--output DIR]... [--stdout] [--docs FILE]</c>: writes the CRDs generated from the API types (one file per kind,
/// named like controller-gen's) into each --output folder and, with --docs, the API reference generated from the same
/// schemas; <c>--stdout</c> prints them (e.g. to pipe into <c>kubectl apply -f -</c>). The repository's committed copies
/// are written by <see cref="GenerateCommand"/>, with the RBAC.
/// </summary>
public static class CrdsCommand
{
    public const string Usage = "usage: crds [--output DIR]... [--stdout] [--docs FILE]   (at least one)";

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
