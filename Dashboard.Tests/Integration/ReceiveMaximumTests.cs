using Dashboard.Mqtt;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Protocol;

namespace Dashboard.Tests.Integration;

/// <summary>
/// Mosquitto 2.0 with its default settings sends a QoS 1 subscriber at most 20 unacknowledged messages
/// unless the client requests more with its MQTT 5 receive maximum. The app acknowledges only after storing, so
/// these tests check the window it gets: they hold every acknowledgement back and count deliveries.
/// </summary>
public sealed class ReceiveMaximumTests : IAsyncLifetime
{
    private const int Published = 100;

    private MosquittoServer _broker = null!;

    public async Task InitializeAsync() => _broker = await MosquittoServer.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task ClientWithoutReceiveMaximum_GetsTwentyInFlight()
    {
        var delivered = 0;
        using var subscriber = new MqttClientFactory().CreateMqttClient();
        subscriber.ApplicationMessageReceivedAsync += e =>
        {
            e.AutoAcknowledge = false;
            Interlocked.Increment(ref delivered);
            return Task.CompletedTask;
        };
        await subscriber.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer(_broker.Host, _broker.Port)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithClientId($"no-receive-maximum-{Guid.NewGuid():N}")
            .Build());
        await subscriber.SubscribeAsync("window/test", MqttQualityOfServiceLevel.AtLeastOnce);

        await PublishAsync("window/test");

        await Poll.UntilPassesAsync(() => Assert.Equal(20, Volatile.Read(ref delivered)));
        await AssertStaysAsync(() => Volatile.Read(ref delivered), 20);
    }

    [Theory]
    [InlineData("20", 20)]
    [InlineData(null, Published)]
    public async Task AppReceiveMaximum_SetsInFlightWindow(string? receiveMaximum, int expected)
    {
        var settings = new Dictionary<string, string?>();
        if (receiveMaximum is not null)
        {
            settings["Mqtt:ReceiveMaximum"] = receiveMaximum;
        }

        await using var host = await DashboardHost.StartAsync(new DashboardHostOptions
        {
            ExternalBroker = new BrokerAddress(_broker.Host, _broker.Port),
            Settings = settings,
            Configure = builder => builder.Services.AddSingleton<IIngestSink, NeverAcknowledgingSink>(),
        });
        var stats = host.Get<IngestStats>();

        await PublishAsync(host.Publisher.Topics.Topic(new AssetKey("window", "pump"), TopicKind.Telemetry));

        await Poll.UntilPassesAsync(() => Assert.Equal(expected, stats.Received));
        await AssertStaysAsync(() => stats.Received, expected);
    }

    private async Task PublishAsync(string topic)
    {
        await using var publisher = await MqttTestClient.ConnectAsync(_broker.Host, _broker.Port);
        for (var i = 0; i < Published; i++)
        {
            await publisher.PublishAsync(topic, $$"""{"ts": "{{DateTimeOffset.UtcNow:O}}", "values": {"i": {{i}}} }""");
        }
    }

    /// <summary>
    /// Checks that a count does not grow past <paramref name="expected"/> for one second. A slow machine can
    /// only make this pass wrongly, never fail wrongly.
    /// </summary>
    private static async Task AssertStaysAsync(Func<long> count, long expected)
    {
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Equal(expected, count());
    }

    /// <summary>A storage sink that never stores, so no message is ever acknowledged.</summary>
    private sealed class NeverAcknowledgingSink : IIngestSink
    {
        public ValueTask WriteAsync(IngestItem item, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
