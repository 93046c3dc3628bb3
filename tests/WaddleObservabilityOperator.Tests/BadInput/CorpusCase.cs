namespace WaddleObservabilityOperator.Tests.BadInput;

/// <summary>
/// One file of corpus/: what it tries (<c># case:</c>) and the outcome it must get (<c># expect:</c> lines), either
/// <c>rejected FIELD: FRAGMENT</c> (kubectl apply fails, the error names the field and says what is wrong) or
/// <c>KIND/NAME TYPE=STATUS REASON</c> (the API accepts it; the operator reports that condition with a message).
/// </summary>
internal sealed record CorpusCase(string File, string Case, IReadOnlyList<Rejection> Rejections, IReadOnlyList<ExpectedCondition> Conditions)
{
    public static readonly string Folder = Api.RepositoryLayout.PathOf("tests", "WaddleObservabilityOperator.Tests", "BadInput", "corpus");

    public static readonly string Fixtures = Api.RepositoryLayout.PathOf("tests", "WaddleObservabilityOperator.Tests", "BadInput", "fixtures.yaml");

    public string Name => Path.GetFileName(File);

    public bool IsRejected => Rejections.Count > 0;

    public static IReadOnlyList<CorpusCase> All() =>
        Directory.EnumerateFiles(Folder, "*.yaml").Order(StringComparer.Ordinal).Select(Read).ToList();

    public static CorpusCase Read(string file)
    {
        var header = System.IO.File.ReadLines(file).TakeWhile(l => l.StartsWith('#')).ToList();
        var description = header.Where(l => l.StartsWith("# case: ", StringComparison.Ordinal)).Select(l => l["# case: ".Length..]).SingleOrDefault()
            ?? throw new InvalidOperationException($"{file}: no '# case:' line");
        var rejections = new List<Rejection>();
        var conditions = new List<ExpectedCondition>();
        foreach (var expect in header.Where(l => l.StartsWith("# expect: ", StringComparison.Ordinal)).Select(l => l["# expect: ".Length..]))
        {
            if (expect.StartsWith("rejected ", StringComparison.Ordinal))
            {
                var rest = expect["rejected ".Length..];
                var colon = rest.IndexOf(": ", StringComparison.Ordinal);
                rejections.Add(new Rejection(rest[..colon], rest[(colon + 2)..]));
                continue;
            }

            // KIND/NAME TYPE=STATUS REASON
            var parts = expect.Split(' ');
            var (kind, name) = (parts[0][..parts[0].IndexOf('/', StringComparison.Ordinal)], parts[0][(parts[0].IndexOf('/', StringComparison.Ordinal) + 1)..]);
            var (type, status) = (parts[1].Split('=')[0], parts[1].Split('=')[1]);
            conditions.Add(new ExpectedCondition(kind, name, type, status, parts[2]));
        }

        if (rejections.Count + conditions.Count == 0 || (rejections.Count > 0 && conditions.Count > 0))
        {
            throw new InvalidOperationException($"{file}: expect either rejections or conditions");
        }

        return new CorpusCase(file, description, rejections, conditions);
    }

    public override string ToString() => Name;
}

/// <summary>The API server refuses the object: its error names <paramref name="Field"/> and contains <paramref name="Fragment"/>.</summary>
internal sealed record Rejection(string Field, string Fragment);

/// <summary>The operator reports condition <paramref name="Type"/> with this status and reason on <paramref name="Kind"/>/<paramref name="Name"/>.</summary>
internal sealed record ExpectedCondition(string Kind, string Name, string Type, string Status, string Reason)
{
    public override string ToString() => $"{Kind}/{(Name.Length > 40 ? Name[..20] + "..." : Name)} {Type}={Status} {Reason}";
}
