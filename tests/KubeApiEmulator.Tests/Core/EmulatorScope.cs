using k8s;

namespace KubeApiEmulator.Tests.Core;

/// <summary>A started emulator and a real KubernetesClient pointed at it, disposed together.</summary>
internal sealed class EmulatorScope : IAsyncDisposable
{
    private EmulatorScope(ApiEmulator api, Kubernetes client)
    {
        Api = api;
        Client = client;
    }

    public ApiEmulator Api { get; }
    public Kubernetes Client { get; }

    public static async Task<EmulatorScope> StartAsync(ApiEmulatorOptions? options = null)
    {
        var api = await ApiEmulator.StartAsync(options);
        return new EmulatorScope(api, new Kubernetes(api.ClientConfiguration()));
    }

    /// <summary>Waits until garbage collection and namespace cleanup are idle (fails rather than hangs).</summary>
    public async Task SettleAsync()
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await Api.WaitForGarbageCollectionAsync(limit.Token);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Api.DisposeAsync();
    }
}
