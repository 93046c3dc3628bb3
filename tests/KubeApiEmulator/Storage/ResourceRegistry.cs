namespace KubeApiEmulator.Storage;

/// <summary>Which resources are served, by group, version and plural. Built-ins at start, CRDs as they come and go.</summary>
public sealed class ResourceRegistry
{
    private readonly Lock _gate = new();
    private Dictionary<(string Group, string Version, string Plural), ResourceType> _byPath = [];

    internal ResourceRegistry(IEnumerable<ResourceType> builtIns)
    {
        foreach (var type in builtIns)
        {
            _byPath[(type.Group, type.Version, type.Plural)] = type;
        }
    }

    public ResourceType? Find(string group, string version, string plural)
    {
        lock (_gate)
        {
            return _byPath.GetValueOrDefault((group, version, plural));
        }
    }

    public IReadOnlyList<ResourceType> All()
    {
        lock (_gate)
        {
            return [.. _byPath.Values];
        }
    }

    /// <summary>Group names in first-registered order with their versions (served order), as /apis lists them.</summary>
    public IReadOnlyList<(string Group, IReadOnlyList<string> Versions)> Groups()
    {
        var all = All();
        return all.Where(t => t.Group.Length > 0)
            .GroupBy(t => t.Group)
            .Select(g => (g.Key, (IReadOnlyList<string>)[.. g.Select(t => t.Version).Distinct().OrderByDescending(VersionPriority)]))
            .ToList();
    }

    /// <summary>Replaces every version of a group's resource (a CRD's served versions); an empty list unregisters it.</summary>
    internal void Replace(StorageKey key, IReadOnlyList<ResourceType> versions)
    {
        lock (_gate)
        {
            var next = _byPath.Where(p => p.Value.StorageKey != key).ToDictionary(p => p.Key, p => p.Value);
            foreach (var type in versions)
            {
                next[(type.Group, type.Version, type.Plural)] = type;
            }

            _byPath = next;
        }
    }

    /// <summary>Kubernetes version priority: GA > beta > alpha, higher numbers first.</summary>
    internal static int VersionPriority(string version)
    {
        var match = System.Text.RegularExpressions.Regex.Match(version, @"^v(\d+)(?:(alpha|beta)(\d+))?$");
        if (!match.Success)
        {
            return -1;
        }

        var major = int.Parse(match.Groups[1].Value);
        var stage = match.Groups[2].Value switch { "" => 3, "beta" => 2, _ => 1 };
        var minor = match.Groups[3].Success ? int.Parse(match.Groups[3].Value) : 0;
        return (stage * 1_000_000) + (major * 1000) + minor;
    }
}
