using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using WaddleObservabilityOperator.Kube;

namespace WaddleObservabilityOperator.Tests.Kube;

public sealed class OptionalApiDiscoveryTests
{
    private static readonly GroupVersionResource ServiceMonitors = new("monitoring.coreos.com", "v1", "servicemonitors");
    private readonly FakeTimeProvider _time = new();
    private readonly FakeDiscovery _api = new();

    [Fact]
    public async Task Reports_a_resource_appearing_and_disappearing()
    {
        var discovery = new OptionalApiDiscovery(_api, _time, NullLogger.Instance);
        var changes = new List<ApiAvailabilityChange>();
        discovery.Changed += changes.Add;
        discovery.Track(ServiceMonitors);

        await discovery.RefreshAsync(CancellationToken.None);
        Assert.False(discovery.IsServed(ServiceMonitors));

        _api.Served["monitoring.coreos.com/v1"] = ["podmonitors"];
        await discovery.RefreshAsync(CancellationToken.None); // the group exists, the resource does not: no change
        _api.Served["monitoring.coreos.com/v1"] = ["servicemonitors", "podmonitors"];
        await discovery.RefreshAsync(CancellationToken.None);
        Assert.True(discovery.IsServed(ServiceMonitors));

        _api.Served.Remove("monitoring.coreos.com/v1");
        await discovery.RefreshAsync(CancellationToken.None);

        Assert.Equal(
            [new(ServiceMonitors, null, false), new(ServiceMonitors, false, true), new(ServiceMonitors, true, false)],
            changes);
    }

    [Fact]
    public async Task A_failed_check_keeps_the_last_known_state()
    {
        var discovery = new OptionalApiDiscovery(_api, _time, NullLogger.Instance);
        discovery.Track(ServiceMonitors);
        _api.Served["monitoring.coreos.com/v1"] = ["servicemonitors"];
        await discovery.RefreshAsync(CancellationToken.None);

        _api.Failing = true;
        await discovery.RefreshAsync(CancellationToken.None);

        Assert.True(discovery.IsServed(ServiceMonitors));
    }

    [Fact]
    public async Task Rechecks_on_request_and_every_interval()
    {
        var discovery = new OptionalApiDiscovery(_api, _time, NullLogger.Instance, TimeSpan.FromMinutes(1));
        discovery.Track(ServiceMonitors);
        using var stop = new CancellationTokenSource();
        var run = discovery.RunAsync(stop.Token);
        await discovery.WaitForFirstCheckAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await WaitUntilAsync(() => _api.Calls == 1);

        _api.Served["monitoring.coreos.com/v1"] = ["servicemonitors"];
        discovery.RequestRefresh(); // e.g. a CRD was created
        await WaitUntilAsync(() => discovery.IsServed(ServiceMonitors));
        Assert.Equal(2, _api.Calls);

        _api.Served.Remove("monitoring.coreos.com/v1");
        for (var i = 0; i < 100 && discovery.IsServed(ServiceMonitors); i++)
        {
            _time.Advance(TimeSpan.FromSeconds(15));
            await Task.Delay(10);
        }

        Assert.False(discovery.IsServed(ServiceMonitors));
        await stop.CancelAsync();
        await run.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 1000 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }

    private sealed class FakeDiscovery : IApiDiscoveryClient
    {
        private int _calls;

        public Dictionary<string, string[]> Served { get; } = [];

        public bool Failing { get; set; }

        public int Calls => Volatile.Read(ref _calls);

        public Task<IReadOnlyCollection<string>?> GetResourcesAsync(string group, string version, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _calls);
            if (Failing)
            {
                throw new HttpRequestException("connection refused");
            }

            return Task.FromResult<IReadOnlyCollection<string>?>(Served.TryGetValue($"{group}/{version}", out var names) ? names : null);
        }
    }
}
