using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Integration;

/// <summary>
/// The app as a separate process, killed with SIGKILL and started again on the same ports, as after a
/// crash. The subscriber's persistent session on Mosquitto keeps what was published meanwhile.
/// </summary>
public sealed class AppRestartTests
{
    [Fact]
    public async Task KilledApp_GetsMessagesPublishedWhileDown()
    {
        await using var broker = await MosquittoServer.StartAsync();
        await using var app = await DashboardProcess.StartAsync(new DashboardHostOptions
        {
            ExternalBroker = new BrokerAddress(broker.Host, broker.Port),
        });
        await using var publisher = await MqttTestClient.ConnectAsync(broker.Host, broker.Port);
        var asset = new AssetKey("restart", "pump-1");
        await publisher.PublishTelemetryAsync(asset, DateTimeOffset.UtcNow, new MetricValue("v", 1));
        await app.Http.WaitForValueAsync(asset, "v", 1);
        var firstProcess = app.ProcessId;

        await app.KillAsync();
        Assert.False(app.IsRunning);
        await publisher.PublishTelemetryAsync(asset, DateTimeOffset.UtcNow, new MetricValue("v", 2));
        await app.StartAgainAsync();

        Assert.NotEqual(firstProcess, app.ProcessId);
        await app.Http.WaitForValueAsync(asset, "v", 2);
    }

    [Fact]
    public async Task KilledApp_RestartsOnSamePorts()
    {
        await using var app = await DashboardProcess.StartAsync();
        var baseAddress = app.BaseAddress;

        await app.KillAsync();
        await Assert.ThrowsAsync<HttpRequestException>(() => app.Http.GetAsync("api/ingest/stats"));
        await app.StartAgainAsync();

        Assert.Equal(baseAddress, app.BaseAddress);
        await using var publisher = await MqttTestClient.ConnectAsync(app.Broker.Host, app.Broker.Port);
        var asset = new AssetKey("restart", "pump-2");
        await publisher.PublishTelemetryAsync(asset, DateTimeOffset.UtcNow, new MetricValue("v", 3));
        await app.Http.WaitForValueAsync(asset, "v", 3);
    }
}
