using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace WaddleObservabilityOperator.Tests.RealPrograms;

/// <summary>
/// A real program started by a test, with exactly the arguments and environment given (nothing inherited but PATH), its
/// output kept in memory for failure messages, and stopped (with its children) on dispose.
/// </summary>
internal sealed class LocalProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Lock _gate = new();

    private LocalProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public string CommandLine { get; private init; } = "";

    public bool HasExited => _process.HasExited;

    /// <summary>Its process id (the same one means the same process, never restarted).</summary>
    public int Pid => _process.Id;

    /// <summary>Starts <paramref name="executable"/>; <paramref name="runAs"/> (a user name or uid) runs it as that user, through setpriv, when the test runs as root.</summary>
    public static LocalProcess Start(string name, string executable, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? env = null, string? workingDirectory = null, string? runAs = null)
    {
        var (file, argv) = runAs is not null && Environment.UserName == "root"
            ? (ProgramPaths.Find("setpriv"), (IReadOnlyList<string>)[$"--reuid={runAs}", $"--regid={runAs}", runAs.All(char.IsAsciiDigit) ? "--clear-groups" : "--init-groups", executable, .. args])
            : (executable, args);
        var start = new ProcessStartInfo(file, argv)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        // What a container gets: its own environment, not the test runner's.
        var path = Environment.GetEnvironmentVariable("PATH") ?? "/usr/bin:/bin";
        start.Environment.Clear();
        start.Environment["PATH"] = path;
        foreach (var (key, value) in env ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start };
        var local = new LocalProcess(name, process) { CommandLine = string.Join(' ', [Path.GetFileName(executable), .. args.Select(Quote)]) };
        process.OutputDataReceived += (_, e) => local.Append(e.Data);
        process.ErrorDataReceived += (_, e) => local.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return local;
    }

    /// <summary>Runs a program to completion (a setup step or a checker) within <paramref name="timeout"/>.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string executable, IReadOnlyList<string> args, TimeSpan timeout, string? runAs = null)
    {
        using var process = Start(Path.GetFileName(executable), executable, args, runAs: runAs);
        using var guard = new CancellationTokenSource(timeout);
        try
        {
            await process._process.WaitForExitAsync(guard.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"{process.CommandLine} did not finish within {timeout}:\n{process.Output}");
        }

        // The asynchronous readers deliver the last lines after the exit.
        process._process.WaitForExit();
        return (process._process.ExitCode, process.Output);
    }

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The last lines of its output, for a failure message.</summary>
    public string Describe() =>
        $"--- {Name}: {CommandLine}{(HasExited ? $" (exited {_process.ExitCode})" : "")}\n{string.Join('\n', Output.Split('\n').TakeLast(25))}";

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    /// <summary>
    /// Starts a server on ports chosen free (<paramref name="start"/> gets them) and waits, bounded, until it accepts
    /// connections on each. A port found free is free only until someone binds it (any outgoing connection on the
    /// machine may take it as its ephemeral port): when the server exits saying its address is in use, it is started
    /// again on other ports, up to three times. Any other early exit fails with its output.
    /// </summary>
    public static async Task<(LocalProcess Process, IReadOnlyList<int> Ports)> StartListeningAsync(int portCount, Func<IReadOnlyList<int>, LocalProcess> start)
    {
        for (var attempt = 1; ; attempt++)
        {
            var ports = Enumerable.Range(0, portCount).Select(_ => FreePort()).ToList();
            var process = start(ports);
            if (await AcceptsAsync(process, ports))
            {
                return (process, ports);
            }

            var output = process.Describe();
            process.Dispose();
            if (attempt == 3 || !output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail($"{process.Name} did not start listening on 127.0.0.1:{string.Join(",", ports)}:\n{output}");
            }
        }
    }

    /// <summary>Until every port accepts a connection (true), or the process exits (false); fails after 60 s.</summary>
    private static async Task<bool> AcceptsAsync(LocalProcess process, IReadOnlyList<int> ports)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        foreach (var port in ports)
        {
            while (true)
            {
                if (process.HasExited)
                {
                    return false;
                }

                try
                {
                    using var client = new TcpClient();
                    await client.ConnectAsync(IPAddress.Loopback, port);
                    break;
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(100);
                }
                catch (SocketException e)
                {
                    Assert.Fail($"nothing listens on 127.0.0.1:{port} after 60 s ({e.Message})\n{process.Describe()}");
                }
            }
        }

        // Connected, and still running: the listener is ours, not another process's that took the port first.
        await Task.Delay(50);
        return !process.HasExited;
    }

    /// <summary>A TCP port on 127.0.0.1 that nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _output.AppendLine(line);
        }
    }

    private static string Quote(string arg) => arg.Length == 0 || arg.Contains(' ', StringComparison.Ordinal) ? $"'{arg}'" : arg;
}
