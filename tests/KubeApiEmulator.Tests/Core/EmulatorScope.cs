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

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Api.DisposeAsync();
    }
}
