using WaddleObservabilityOperator.Tests.Api;

namespace WaddleObservabilityOperator.Tests.RealPrograms;

/// <summary>
/// Where the real programs are: <c>.tools/bin</c> (scripts/install-tools.sh links them there), then PATH, then, for
/// PostgreSQL's server programs, Debian's versioned directory. A test that needs a missing program fails, never skips.
/// </summary>
internal static class ProgramPaths
{
    public static string Find(string name)
    {
        var local = RepositoryLayout.PathOf(".tools", "bin", name);
        if (File.Exists(local))
        {
            // The place the link names, not the link: a program run as another user (PostgreSQL as postgres) cannot
            // follow a link inside a checkout only its owner may enter. One step only, because some programs are
            // links themselves and act by the name they are called by (redis-server is redis-check-rdb).
            return File.ResolveLinkTarget(local, returnFinalTarget: false) is { } target
                ? Path.GetFullPath(target.FullName)
                : local;
        }

        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, name))
            .FirstOrDefault(File.Exists);
        if (onPath is not null)
        {
            return onPath;
        }

        // Debian installs initdb and postgres under /usr/lib/postgresql/<major>/bin, off PATH.
        var postgres = Directory.Exists("/usr/lib/postgresql")
            ? Directory.EnumerateDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var major) ? major : 0)
                .Select(d => Path.Combine(d, "bin", name))
                .FirstOrDefault(File.Exists)
            : null;
        if (postgres is not null)
        {
            return postgres;
        }

        Assert.Fail($"{name} is missing: neither {local} nor PATH has it. Run scripts/install-tools.sh (the Debian packages postgresql, redis-server, prometheus, prometheus-postgres-exporter, prometheus-redis-exporter, prometheus-node-exporter, prometheus-alertmanager).");
        return "";
    }
}

/// <summary>File modes as the kubelet sets them on volumes (these tests run on Linux, as the programs do).</summary>
internal static class UnixModes
{
    public static void Set(string path, string octal)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(octal, 8));
        }
    }
}
