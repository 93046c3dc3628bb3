namespace KubeApiEmulator.Tests.Core;

/// <summary>Waits for asynchronous emulator work (garbage collection, watches) without timing assertions.</summary>
internal static class Eventually
{
    public static async Task<T> ReturnsAsync<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        using var limit = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        while (true)
        {
            var value = await probe();
            if (done(value))
            {
                return value;
            }

            if (limit.IsCancellationRequested)
            {
                throw new Xunit.Sdk.XunitException($"gave up waiting for {what}; last value: {value}");
            }

            await Task.Delay(20);
        }
    }
}
