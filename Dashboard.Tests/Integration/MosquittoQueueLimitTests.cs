using Dashboard.Tests.Infrastructure;
using MQTTnet;
using MQTTnet.Protocol;

namespace Dashboard.Tests.Integration;

/// <summary>
/// Mosquitto 2.0 queues at most <c>max_queued_messages</c> (default 1000) QoS 1 messages per client beyond
/// those in flight and silently drops the rest. A subscriber that was away while 1,500 messages were
/// published shows the loss, which docs/mqtt.md warns about.
/// </summary>
public sealed class MosquittoQueueLimitTests
{
    private const int Published = 1_500;

    [Fact]
    public async Task DefaultQueueLimit_DropsMessagesForAbsentSubscriber()
    {
        await using var broker = await MosquittoServer.StartAsync();

        var received = await ReceiveAfterAbsenceAsync(broker);

        Assert.InRange(received, 1_000, Published - 1);
    }

    [Fact]
    public async Task RaisedQueueLimit_KeepsEveryMessage()
    {
        await using var broker = await MosquittoServer.StartAsync(new MosquittoOptions { MaxQueuedMessages = 10_000 });

        var received = await ReceiveAfterAbsenceAsync(broker);

        Assert.Equal(Published, received);
    }

    /// <summary>
    /// Subscribes with a persistent session, leaves, lets 1,500 messages be published, comes back and returns
    /// how many arrive.
    /// </summary>
    private static async Task<int> ReceiveAfterAbsenceAsync(MosquittoServer broker)
    {
        var clientId = $"absent-{Guid.NewGuid():N}";
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(3600)
            .Build();

        using (var subscriber = new MqttClientFactory().CreateMqttClient())
        {
            await subscriber.ConnectAsync(options);
            await subscriber.SubscribeAsync("queue/test", MqttQualityOfServiceLevel.AtLeastOnce);
            await subscriber.DisconnectAsync();
        }

        await using (var publisher = await MqttTestClient.ConnectAsync(broker.Host, broker.Port))
        {
            for (var i = 0; i < Published; i++)
            {
                await publisher.PublishAsync("queue/test", $"{i}");
            }
        }

        var received = 0;
        using var resumed = new MqttClientFactory().CreateMqttClient();
        resumed.ApplicationMessageReceivedAsync += _ =>
        {
            Interlocked.Increment(ref received);
            return Task.CompletedTask;
        };
        await resumed.ConnectAsync(options);

        // Wait until delivery stops: no new message for one second.
        var last = -1;
        while (last != Volatile.Read(ref received))
        {
            last = Volatile.Read(ref received);
            await Task.Delay(TimeSpan.FromSeconds(1));
        }

        return last;
    }
}
