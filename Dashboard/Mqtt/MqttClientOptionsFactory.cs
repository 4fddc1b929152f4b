using MQTTnet;
using MQTTnet.Formatter;

namespace Dashboard.Mqtt;

/// <summary>
/// Builds MQTTnet client options from <see cref="MqttOptions"/>, so every client of the app reaches the same
/// broker the same way, embedded or external.
/// </summary>
public static class MqttClientOptionsFactory
{
    /// <summary>Returns the host and port clients connect to: the embedded broker on loopback when it is enabled.</summary>
    public static (string Host, int Port) Endpoint(MqttOptions options) =>
        options.EmbeddedBroker.Enabled ? ("127.0.0.1", options.EmbeddedBroker.Port) : (options.Host, options.Port);

    /// <param name="options">Broker address and credentials.</param>
    /// <param name="clientId">Client id; a persistent session is kept under it.</param>
    /// <param name="persistentSession">
    /// True to keep the session (clean start off, with <see cref="MqttOptions.SessionExpiry"/>) so the broker
    /// holds QoS 1 messages while the client is away.
    /// </param>
    public static MqttClientOptions Create(MqttOptions options, string clientId, bool persistentSession)
    {
        var (host, port) = Endpoint(options);
        var builder = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .WithKeepAlivePeriod(TimeSpan.FromSeconds(15))
            .WithTimeout(TimeSpan.FromSeconds(10));

        if (persistentSession)
        {
            // Without an explicit receive maximum Mosquitto 2.0 sends at most 20 unacknowledged messages,
            // which would throttle ingest to one database round trip per 20 messages.
            builder = builder
                .WithCleanStart(false)
                .WithSessionExpiryInterval((uint)options.SessionExpiry.TotalSeconds)
                .WithReceiveMaximum((ushort)options.ReceiveMaximum);
        }
        else
        {
            builder = builder.WithCleanStart(true);
        }

        if (!string.IsNullOrEmpty(options.Username))
        {
            builder = builder.WithCredentials(options.Username, options.Password ?? string.Empty);
        }

        return builder.Build();
    }
}
