using System.Globalization;

namespace WaddleObservabilityOperator.Tests.RealPrograms;

/// <summary>
/// The servers the exporters watch, started for a test on free ports of 127.0.0.1: a PostgreSQL cluster made by initdb
/// in a temporary directory (as the user postgres when the test runs as root, which PostgreSQL refuses to run as) whose
/// user has a password, and a Redis that requires one and has a memory limit, as a cache in production has.
/// </summary>
internal static class LocalServers
{
    public static async Task<(LocalProcess Process, int Port)> StartPostgresAsync(string root, string user, string password)
    {
        var directory = Path.Combine(root, "postgres");
        Directory.CreateDirectory(directory);
        var passwordFile = Path.Combine(directory, "password");
        await File.WriteAllTextAsync(passwordFile, password);
        var runAs = Environment.UserName == "root" ? "postgres" : null;
        if (runAs is not null)
        {
            var chown = await LocalProcess.RunAsync(ProgramPaths.Find("chown"), ["-R", "postgres:postgres", directory], TimeSpan.FromSeconds(30));
            Assert.True(chown.ExitCode == 0, chown.Output);
        }

        var data = Path.Combine(directory, "data");
        var initdb = await LocalProcess.RunAsync(
            ProgramPaths.Find("initdb"),
            ["-D", data, "-U", user, $"--pwfile={passwordFile}", "--auth-host=scram-sha-256", "--auth-local=trust", "-E", "UTF8", "--no-sync"],
            TimeSpan.FromMinutes(1),
            runAs);
        Assert.True(initdb.ExitCode == 0, initdb.Output);

        var (server, ports) = await LocalProcess.StartListeningAsync(1, ports => LocalProcess.Start("postgres", ProgramPaths.Find("postgres"),
            ["-D", data, "-p", ports[0].ToString(CultureInfo.InvariantCulture), "-k", directory, "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off"],
            runAs: runAs));
        return (server, ports[0]);
    }

    public static async Task<(LocalProcess Process, int Port)> StartRedisAsync(string root, string password)
    {
        var directory = Path.Combine(root, "redis");
        Directory.CreateDirectory(directory);
        var (server, ports) = await LocalProcess.StartListeningAsync(1, ports => LocalProcess.Start("redis", ProgramPaths.Find("redis-server"),
            ["--port", ports[0].ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--requirepass", password, "--maxmemory", "64mb", "--save", "", "--appendonly", "no", "--dir", directory]));
        return (server, ports[0]);
    }
}
