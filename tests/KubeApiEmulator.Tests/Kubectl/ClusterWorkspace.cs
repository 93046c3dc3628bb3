using System.Diagnostics;

namespace KubeApiEmulator.Tests.Kubectl;

/// <summary>
/// A started emulator plus a private temp directory with a kubeconfig, HOME and caches, in which the real kubectl
/// (on PATH) and helm (&lt;repo&gt;/.tools/bin, installed by scripts/install-tools.sh) run as processes.
/// </summary>
public sealed class ClusterWorkspace : IAsyncDisposable
{
    // A guard against a hung tool, not a performance expectation.
    private static readonly TimeSpan ToolTimeout = TimeSpan.FromMinutes(2);

    private readonly bool _ownsApi;

    private ClusterWorkspace(ApiEmulator api, string directory, bool ownsApi = true)
    {
        Api = api;
        _ownsApi = ownsApi;
        Directory = directory;
        Kubeconfig = Path.Combine(directory, "kubeconfig");
        api.WriteKubeconfig(Kubeconfig);
    }

    public ApiEmulator Api { get; }

    /// <summary>The test's own directory: kubeconfig, HOME, caches, and any files the test writes.</summary>
    public string Directory { get; }

    public string Kubeconfig { get; }

    public static async Task<ClusterWorkspace> StartAsync()
    {
        var api = await ApiEmulator.StartAsync();
        var directory = Path.Combine(Path.GetTempPath(), "kube-api-emulator-tools-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        return new ClusterWorkspace(api, directory);
    }

    /// <summary>A workspace for the tools against an emulator the caller started and disposes (an operator scenario's).</summary>
    public static ClusterWorkspace Attach(ApiEmulator api)
    {
        var directory = Path.Combine(Path.GetTempPath(), "kube-api-emulator-tools-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(directory);
        return new ClusterWorkspace(api, directory, ownsApi: false);
    }

    /// <summary>kubectl from PATH; fails the test with a clear message when it is missing.</summary>
    public static string KubectlPath() =>
        FindOnPath("kubectl") ?? throw new InvalidOperationException("kubectl is not on PATH: the kubectl tests drive the real kubectl (1.32 on the machine image).");

    /// <summary>helm3 or helm4 from &lt;repo&gt;/.tools/bin; fails the test with a clear message when missing.</summary>
    public static string HelmPath(string name)
    {
        var path = Path.Combine(RepositoryRoot(), ".tools", "bin", name);
        return File.Exists(path)
            ? path
            : throw new InvalidOperationException($"{path} is missing: run `bash scripts/install-tools.sh` to install helm3 and helm4.");
    }

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Directory, name);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public Task<ToolResult> KubectlAsync(params string[] args) => RunAsync(KubectlPath(), args);

    /// <summary>Runs kubectl and fails the test with the full output unless it exits 0.</summary>
    public async Task<string> KubectlOkAsync(params string[] args)
    {
        var result = await KubectlAsync(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result.StandardOutput;
    }

    public async Task<ToolResult> RunAsync(string tool, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        using var running = Start(tool, args, environment);
        using var timeout = new CancellationTokenSource(ToolTimeout);
        return await running.WaitAsync(timeout.Token);
    }

    public RunningTool Start(string tool, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = Directory,
        };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["KUBECONFIG"] = Kubeconfig;
        start.Environment["HOME"] = Directory;
        start.Environment["KUBECACHEDIR"] = Path.Combine(Directory, "kube-cache");
        start.Environment["HELM_CACHE_HOME"] = Path.Combine(Directory, "helm-cache");
        start.Environment["HELM_CONFIG_HOME"] = Path.Combine(Directory, "helm-config");
        start.Environment["HELM_DATA_HOME"] = Path.Combine(Directory, "helm-data");
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {tool}");
        process.StandardInput.Close();
        return new RunningTool(process, RunningTool.Describe(tool, args));
    }

    /// <summary>Polls kubectl until <paramref name="condition"/> holds for its output (used to observe, never to time).</summary>
    public async Task<string> KubectlUntilAsync(Func<string, bool> condition, params string[] args)
    {
        using var timeout = new CancellationTokenSource(ToolTimeout);
        while (true)
        {
            var result = await KubectlAsync(args);
            if (result.ExitCode == 0 && condition(result.StandardOutput))
            {
                return result.StandardOutput;
            }

            if (timeout.IsCancellationRequested)
            {
                throw new TimeoutException($"the condition never held; last run:\n{result}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        }
    }

    public static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "WaddleObservabilityOperator.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no WaddleObservabilityOperator.sln above {AppContext.BaseDirectory}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_ownsApi)
        {
            await Api.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A tool may still hold a cache file; the temp directory is cleaned by the OS later.
        }
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
