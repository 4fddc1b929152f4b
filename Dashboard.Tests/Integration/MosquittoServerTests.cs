using System.Text;
using Dashboard.Tests.Infrastructure;
using MQTTnet;

namespace Dashboard.Tests.Integration;

/// <summary>
/// Checks the Mosquitto fixture: the generated config, and a persistent session that survives a clean
/// restart when persistence is on.
/// </summary>
public sealed class MosquittoServerTests
{
    [Fact]
    public async Task Config_KeepsBrokerDefaultsUnlessRequested()
    {
        await using var broker = await MosquittoServer.StartAsync();
        var config = await File.ReadAllTextAsync(broker.ConfigPath);

        Assert.Contains($"listener {broker.Port} 127.0.0.1", config, StringComparison.Ordinal);
        Assert.Contains("allow_anonymous true", config, StringComparison.Ordinal);
        Assert.Contains("persistence false", config, StringComparison.Ordinal);
        Assert.DoesNotContain("max_inflight_messages", config, StringComparison.Ordinal);
        Assert.DoesNotContain("max_queued_messages", config, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Persistence_KeepsQueuedMessageAcrossRestart()
    {
        await using var broker = await MosquittoServer.StartAsync(new MosquittoOptions { Persistence = true, MaxQueuedMessages = 5000 });
        var subscriberId = $"persistent-{Guid.NewGuid():N}";

        // Create a persistent session with a subscription, then leave.
        using (var subscriber = new MqttClientFactory().CreateMqttClient())
        {
            await subscriber.ConnectAsync(PersistentOptions(broker, subscriberId));
            await subscriber.SubscribeAsync("fixture/test", MQTTnet.Protocol.MqttQualityOfServiceLevel.AtLeastOnce);
            await subscriber.DisconnectAsync();
        }

        await using (var publisher = await MqttTestClient.ConnectAsync(broker.Host, broker.Port))
        {
            await publisher.PublishAsync("fixture/test", "kept");
        }

        await broker.RestartAsync();

        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var resumed = new MqttClientFactory().CreateMqttClient();
        resumed.ApplicationMessageReceivedAsync += e =>
        {
            received.TrySetResult(Encoding.UTF8.GetString(e.ApplicationMessage.Payload));
            return Task.CompletedTask;
        };
        var result = await resumed.ConnectAsync(PersistentOptions(broker, subscriberId));

        Assert.True(result.IsSessionPresent, $"The session was lost across the restart. Broker output:\n{broker.Output}");
        Assert.Equal("kept", await received.Task.WaitAsync(Poll.DefaultTimeout));
        Assert.True(broker.IsRunning);
    }

    [Fact]
    public async Task Kill_StopsAcceptingUntilStartedAgain()
    {
        await using var broker = await MosquittoServer.StartAsync();

        await broker.KillAsync();

        Assert.False(broker.IsRunning);
        await Assert.ThrowsAnyAsync<Exception>(() => MqttTestClient.ConnectAsync(broker.Host, broker.Port));
        await broker.StartAgainAsync();
        await using var client = await MqttTestClient.ConnectAsync(broker.Host, broker.Port);
        Assert.True(client.Client.IsConnected);
    }

    private static MqttClientOptions PersistentOptions(MosquittoServer broker, string clientId) =>
        new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithClientId(clientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(false)
            .WithSessionExpiryInterval(3600)
            .Build();
}
