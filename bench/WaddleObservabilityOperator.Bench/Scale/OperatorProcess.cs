using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace WaddleObservabilityOperator.Bench.Scale;

/// <summary>
/// The operator as its own process (<c>dotnet WaddleObservabilityOperator.dll run --kubeconfig ...</c>, or the Native AOT
/// executable itself when the path is not a .dll), so its memory
/// is its own: peak RSS from /proc/PID/status (VmHWM), the managed heap from its /metrics (dotnet_total_memory_bytes,
/// which prometheus-net's DotNetStats exports). Its identity (POD_NAME) names it in the User-Agent of its requests.
/// </summary>
public sealed class OperatorProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly Uri _metrics;
    private readonly Lock _gate = new();
    private readonly List<string> _stderrTail = [];
    private StreamWriter? _log;
    private long _peakRssBytes;
    private double _peakManagedBytes;

    private OperatorProcess(Process process, Uri metrics, string identity)
    {
        _process = process;
        _metrics = metrics;
        Identity = identity;
        StartedAt = Stopwatch.GetTimestamp();
    }

    public string Identity { get; }

    public long StartedAt { get; }

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    public long PeakRssBytes => Math.Max(Interlocked.Read(ref _peakRssBytes), ReadVmHwm());

    public double PeakManagedBytes
    {
        get
        {
            lock (_gate)
            {
                return _peakManagedBytes;
            }
        }
    }

    /// <summary>The operator's own build output, next to the bench's (same configuration), unless a path is given.</summary>
    public static string DefaultAssembly()
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent?.Name ?? "Release";
        return RepositoryPaths.Of("src", "WaddleObservabilityOperator", "bin", configuration, "net10.0", "WaddleObservabilityOperator.dll");
    }

    /// <summary>
    /// Starts the operator with /metrics on a free loopback port and returns once it serves. The port is found free
    /// just before the start, so another process may take it in between: an operator that exits because its address
    /// is in use is started again on another port (a few times), never reported as a failed run.
    /// </summary>
    public static async Task<OperatorProcess> StartAsync(string assembly, string kubeconfig, string identity, IEnumerable<string> flags, CancellationToken cancellationToken,
        OperatorLaunch? launch = null)
    {
        var arguments = flags.ToList();
        for (var attempt = 1; ; attempt++)
        {
            var running = StartOnce(assembly, kubeconfig, identity, arguments, launch ?? new OperatorLaunch());
            while (!running.HasExited)
            {
                if (await running.ScrapeAsync(cancellationToken).ConfigureAwait(false) is not null)
                {
                    return running;
                }

                await Task.Delay(TimeSpan.FromMilliseconds(50), cancellationToken).ConfigureAwait(false);
            }

            var tail = running.LogTail();
            await running.DisposeAsync().ConfigureAwait(false);
            if (attempt == 5 || !tail.Contains("address already in use", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the operator {identity} exited at start (attempt {attempt}):\n{tail}");
            }
        }
    }

    private static OperatorProcess StartOnce(string assembly, string kubeconfig, string identity, IEnumerable<string> flags, OperatorLaunch launch)
    {
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"the operator is not built at {assembly}: build the bench (it builds the operator) or pass --operator PATH", assembly);
        }

        var port = FreePort();
        var jit = assembly.EndsWith(".dll", StringComparison.OrdinalIgnoreCase);
        var info = new ProcessStartInfo(jit ? "dotnet" : assembly)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[.. jit ? [assembly] : Array.Empty<string>(), "run", "--kubeconfig", kubeconfig, "--leader-elect=false",
                     "--metrics-bind-address", $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}", "--health-probe-bind-address", "0",
                     "--log-format", "text", "--log-level", launch.LogLevel, .. flags])
        {
            info.ArgumentList.Add(arg);
        }

        info.Environment["POD_NAME"] = identity;
        foreach (var (name, value) in launch.Environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        var process = Process.Start(info) ?? throw new InvalidOperationException("could not start the operator");
        var running = new OperatorProcess(process, new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/metrics"), identity)
        {
            _log = launch.LogPath is null ? null : new StreamWriter(launch.LogPath, append: true) { AutoFlush = true },
        };
        process.ErrorDataReceived += (_, e) => running.Keep(e.Data);
        process.OutputDataReceived += (_, e) => running.Keep(e.Data);
        // The bench stopped (Ctrl+C, SIGTERM) must not leave an operator running.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => running.KillQuietly();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();
        return running;
    }

    /// <summary>The last lines the operator logged (warnings and errors), for a failed run's message.</summary>
    public string LogTail()
    {
        lock (_gate)
        {
            return string.Join("\n", _stderrTail);
        }
    }

    /// <summary>Reads /metrics once (null while it is not serving yet) and records the peaks.</summary>
    public async Task<OperatorMetricsSample?> ScrapeAsync(CancellationToken cancellationToken)
    {
        SampleRss();
        try
        {
            var text = await _http.GetStringAsync(_metrics, cancellationToken).ConfigureAwait(false);
            var sample = OperatorMetricsSample.Parse(text);
            lock (_gate)
            {
                _peakManagedBytes = Math.Max(_peakManagedBytes, sample.Sum("dotnet_total_memory_bytes"));
            }

            return sample;
        }
        catch (HttpRequestException)
        {
            return null;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>Samples RSS and the managed heap every <paramref name="interval"/> until cancelled, so the peaks hold between phases.</summary>
    public async Task SampleUntilAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested && !_process.HasExited)
        {
            try
            {
                // The phase may end while a scrape is in flight: that cancels the scrape, not the run.
                _ = await ScrapeAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(interval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    /// <summary>SIGTERM, as Kubernetes stops a pod, then waits for the exit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_process.HasExited)
        {
            return;
        }

        SampleRss();
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }

        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(TimeSpan.FromSeconds(30));
        try
        {
            await _process.WaitForExitAsync(patience.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _process.Kill(entireProcessTree: true);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().ConfigureAwait(false);
        }

        _process.Dispose();
        _http.Dispose();
        lock (_gate)
        {
            _log?.Dispose();
            _log = null;
        }
    }

    private void KillQuietly()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Already gone or disposed.
        }
    }

    private void SampleRss()
    {
        var hwm = ReadVmHwm();
        long current;
        do
        {
            current = Interlocked.Read(ref _peakRssBytes);
        }
        while (hwm > current && Interlocked.CompareExchange(ref _peakRssBytes, hwm, current) != current);
    }

    /// <summary>VmHWM: the kernel's peak resident set of the process, in bytes (0 once it has exited).</summary>
    private long ReadVmHwm()
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{_process.Id.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            // Exited: the last sample stands.
        }

        return 0;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _log?.WriteLine($"{Identity} {line}");
            _stderrTail.Add(line);
            if (_stderrTail.Count > 40)
            {
                _stderrTail.RemoveAt(0);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>One read of the operator's /metrics in Prometheus text format: values by series.</summary>
public sealed class OperatorMetricsSample
{
    private readonly List<(string Name, string Labels, double Value)> _series = [];

    public static OperatorMetricsSample Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sample = new OperatorMetricsSample();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var space = line.LastIndexOf(' ');
            if (space < 0 || !double.TryParse(line[(space + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
            {
                continue;
            }

            var series = line[..space];
            var brace = series.IndexOf('{', StringComparison.Ordinal);
            sample._series.Add(brace < 0 ? (series, "", value) : (series[..brace], series[brace..], value));
        }

        return sample;
    }

    /// <summary>The sum over the series of <paramref name="name"/> whose labels contain <paramref name="label"/> (e.g. controller="waddleservice").</summary>
    public double Sum(string name, string? label = null) =>
        _series.Where(s => s.Name == name && (label is null || s.Labels.Contains(label, StringComparison.Ordinal))).Sum(s => s.Value);
}

/// <summary>How the bench starts an operator beyond its flags: environment for its process only, its log level, and a file for its whole log.</summary>
public sealed record OperatorLaunch(IReadOnlyDictionary<string, string>? Environment = null, string LogLevel = "warn", string? LogPath = null);
