using System.Text;
using Dashboard.Mqtt;
using MQTTnet;
using MQTTnet.Protocol;

namespace Dashboard.Tests.Infrastructure;

/// <summary>
/// An MQTTnet client that publishes like a device: clean session, QoS 1 by default, and payloads written
/// by the app's own <see cref="PayloadWriter"/> so they follow the contract in docs/mqtt.md.
/// </summary>
public sealed class MqttTestClient : IAsyncDisposable
{
    private MqttTestClient(IMqttClient client, TopicNames topics)
    {
        Client = client;
        Topics = topics;
    }

    /// <summary>The underlying client, for subscriptions or options that the helpers do not cover.</summary>
    public IMqttClient Client { get; }

    public TopicNames Topics { get; }

    /// <summary>Connects to a broker on <paramref name="host"/>:<paramref name="port"/> with MQTT 5 and a clean start.</summary>
    public static async Task<MqttTestClient> ConnectAsync(string host, int port, string topicPrefix = "plant", string? clientId = null)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(clientId ?? $"test-publisher-{Guid.NewGuid():N}")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await client.ConnectAsync(options, timeout.Token);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return new MqttTestClient(client, new TopicNames(topicPrefix));
    }

    /// <summary>
    /// Publishes raw bytes and, for QoS 1 and 2, waits for the broker's acknowledgement; throws when the
    /// broker reports an error.
    /// </summary>
    public async Task PublishAsync(string topic, byte[] payload, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(qos)
            .Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        var result = await Client.PublishAsync(message, timeout.Token);
        if (result.ReasonCode is not (MqttClientPublishReasonCode.Success or MqttClientPublishReasonCode.NoMatchingSubscribers))
        {
            throw new InvalidOperationException($"The broker rejected the message on '{topic}': {result.ReasonCode} {result.ReasonString}");
        }
    }

    /// <summary>Publishes a UTF-8 text payload, such as hand-written JSON.</summary>
    public Task PublishAsync(string topic, string payload, MqttQualityOfServiceLevel qos = MqttQualityOfServiceLevel.AtLeastOnce) =>
        PublishAsync(topic, Encoding.UTF8.GetBytes(payload), qos);

    /// <summary>Publishes a telemetry message for <paramref name="asset"/> on its telemetry topic.</summary>
    public Task PublishTelemetryAsync(AssetKey asset, DateTimeOffset timestamp, params MetricValue[] values) =>
        PublishAsync(Topics.Topic(asset, TopicKind.Telemetry), PayloadWriter.Telemetry(timestamp, values));

    /// <summary>Publishes a health estimate on the health topic of its asset.</summary>
    public Task PublishHealthAsync(HealthEstimate estimate) =>
        PublishAsync(Topics.Topic(estimate.Asset, TopicKind.Health), PayloadWriter.Health(estimate));

    public async ValueTask DisposeAsync()
    {
        if (Client.IsConnected)
        {
            try
            {
                await Client.DisconnectAsync(new MqttClientDisconnectOptions());
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                // The broker is already gone, for example in a test that stopped it.
            }
        }

        Client.Dispose();
    }
}
