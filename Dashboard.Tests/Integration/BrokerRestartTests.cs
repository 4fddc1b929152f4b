using Dashboard.Mqtt;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Integration;

/// <summary>
/// After Mosquitto restarts without persistence, the broker has forgotten the subscription: the app must
/// reconnect and subscribe again, and still count each message once (its handler attached once).
/// </summary>
public sealed class BrokerRestartTests : IAsyncLifetime
{
    private MosquittoServer _broker = null!;
    private DashboardHost _host = null!;

    public async Task InitializeAsync()
    {
        _broker = await MosquittoServer.StartAsync(new MosquittoOptions { Persistence = false });
        _host = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            ExternalBroker = new BrokerAddress(_broker.Host, _broker.Port),

            // The first retries come after 1 s and 2 s; a short cap keeps the test quick if the machine is slow.
            Settings = new Dictionary<string, string?> { ["Mqtt:MaxReconnectDelay"] = "00:00:02" },
        });
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _broker.DisposeAsync();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Restart_ResubscribesAndCountsOnce(bool kill)
    {
        var stats = _host.Get<IngestStats>();
        var asset = new AssetKey("restart", $"pump-{kill}");
        await _host.Publisher.PublishTelemetryAsync(asset, DateTimeOffset.UtcNow, new MetricValue("v", 1));
        await _host.Http.WaitForValueAsync(asset, "v", 1);

        if (kill)
        {
            await _broker.KillAsync();
        }
        else
        {
            await _broker.StopAsync();
        }

        await _broker.StartAgainAsync();
        await Poll.UntilPassesAsync(() => Assert.Equal(1, stats.Reconnects), TimeSpan.FromSeconds(30));
        await _host.WaitUntilSubscribedAsync();
        var receivedBefore = stats.Received;
        var acceptedBefore = stats.AcceptedTelemetry;

        await using var publisher = await MqttTestClient.ConnectAsync(_broker.Host, _broker.Port);
        for (var i = 2; i <= 11; i++)
        {
            await publisher.PublishTelemetryAsync(asset, DateTimeOffset.UtcNow.AddMilliseconds(i), new MetricValue("v", i));
        }

        await _host.Http.WaitForValueAsync(asset, "v", 11);
        Assert.Equal(10, stats.Received - receivedBefore);
        Assert.Equal(10, stats.AcceptedTelemetry - acceptedBefore);
        Assert.Equal(BrokerConnectionState.Connected, stats.ConnectionState);

        // One subscription at start and one after the restart (event 1004 is "MQTT client subscribed").
        Assert.Equal(2, _host.Logs.Lines.Count(line => line.EventId.Id == 1004));
    }
}
