using System.Buffers;
using System.Text.Json;
using MQTTnet;
using MQTTnet.Protocol;

namespace Dashboard.Tests.Infrastructure;

/// <summary>One message received by a <see cref="MqttMessageRecorder"/>, with its JSON payload.</summary>
public sealed record RecordedMessage(string Topic, bool Retain, JsonElement Payload);

/// <summary>
/// An MQTT subscriber that keeps every JSON message on one topic filter, for tests of what the app
/// publishes, such as alert notifications.
/// </summary>
public sealed class MqttMessageRecorder : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly List<RecordedMessage> _messages = [];

    private MqttMessageRecorder(IMqttClient client) => _client = client;

    /// <summary>Every message so far, oldest first.</summary>
    public IReadOnlyList<RecordedMessage> Messages
    {
        get
        {
            lock (_messages)
            {
                return _messages.ToArray();
            }
        }
    }

    /// <summary>Connects with a clean session, subscribes to <paramref name="filter"/> with QoS 1 and records from then on.</summary>
    public static async Task<MqttMessageRecorder> StartAsync(string host, int port, string filter)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var recorder = new MqttMessageRecorder(client);
        client.ApplicationMessageReceivedAsync += e =>
        {
            var payload = JsonDocument.Parse(e.ApplicationMessage.Payload.ToArray()).RootElement.Clone();
            lock (recorder._messages)
            {
                recorder._messages.Add(new RecordedMessage(e.ApplicationMessage.Topic, e.ApplicationMessage.Retain, payload));
            }

            return Task.CompletedTask;
        };

        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId($"test-recorder-{Guid.NewGuid():N}")
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(true)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .Build();
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            await client.ConnectAsync(options, timeout.Token);
            await client.SubscribeAsync(
                new MqttClientSubscribeOptionsBuilder().WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce).Build(),
                timeout.Token);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return recorder;
    }

    /// <summary>Waits until a recorded message satisfies <paramref name="predicate"/> and returns the first that does.</summary>
    public async Task<RecordedMessage> WaitForAsync(Func<RecordedMessage, bool> predicate, string description, TimeSpan? timeout = null)
    {
        RecordedMessage? found = null;
        await Poll.UntilPassesAsync(() =>
        {
            found = Messages.FirstOrDefault(predicate);
            Assert.True(found is not null, $"No message {description}. Received: {string.Join(" | ", Messages.Select(message => message.Payload.GetRawText()))}");
        }, timeout);
        return found!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            try
            {
                await _client.DisconnectAsync(new MqttClientDisconnectOptions());
            }
            catch (MQTTnet.Exceptions.MqttCommunicationException)
            {
                // The broker is already gone.
            }
        }

        _client.Dispose();
    }
}
