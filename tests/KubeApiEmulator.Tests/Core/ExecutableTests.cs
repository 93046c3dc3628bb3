using System.Diagnostics;
using k8s;

namespace KubeApiEmulator.Tests.Core;

public sealed class ExecutableTests
{
    [Fact]
    public async Task The_executable_writes_a_kubeconfig_prints_ready_and_stops_on_SIGTERM()
    {
        var directory = Directory.CreateTempSubdirectory("kube-api-emulator-exe-");
        var kubeconfig = Path.Combine(directory.FullName, "nested", "kubeconfig");
        var emulatorDll = Path.Combine(AppContext.BaseDirectory, "KubeApiEmulator.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [emulatorDll, "--kubeconfig", kubeconfig, "--no-gc", "--history", "50"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        try
        {
            using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var line = await process.StandardOutput.ReadLineAsync(limit.Token);
            Assert.NotNull(line);
            Assert.Matches(@"^ready http://127\.0\.0\.1:\d+$", line);

            using var client = new Kubernetes(KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig));
            var namespaces = await client.CoreV1.ListNamespaceAsync(cancellationToken: limit.Token);
            Assert.Contains(namespaces.Items, n => n.Metadata.Name == "default");
            Assert.Equal(line["ready ".Length..], client.BaseUri.ToString().TrimEnd('/'));

            using var term = Process.Start("kill", ["-TERM", process.Id.ToString()])!;
            await term.WaitForExitAsync(limit.Token);
            await process.WaitForExitAsync(limit.Token);
            Assert.Equal(0, process.ExitCode);
            Assert.Equal("", await process.StandardOutput.ReadToEndAsync(limit.Token));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            directory.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Missing_kubeconfig_argument_is_a_usage_error()
    {
        var emulatorDll = Path.Combine(AppContext.BaseDirectory, "KubeApiEmulator.dll");
        using var process = Process.Start(new ProcessStartInfo("dotnet", [emulatorDll, "--port", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var error = await process.StandardError.ReadToEndAsync(limit.Token);
        await process.WaitForExitAsync(limit.Token);

        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--kubeconfig is required", error);
    }
}
