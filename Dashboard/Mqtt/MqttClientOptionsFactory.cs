using System.Net;
using MQTTnet;
using MQTTnet.Formatter;

namespace Dashboard.Mqtt;

/// <summary>
/// Builds MQTTnet client options from <see cref="MqttOptions"/>, so every client of the app reaches the same
/// broker the same way, embedded or external.
/// </summary>
public static class MqttClientOptionsFactory
{
    /// <summary>
    /// Returns the host and port clients connect to: the embedded broker when it is enabled (on loopback
    /// when it listens on loopback or on every interface), otherwise <c>Mqtt:Host</c> and <c>Mqtt:Port</c>.
    /// </summary>
    public static (string Host, int Port) Endpoint(MqttOptions options)
    {
        if (!options.EmbeddedBroker.Enabled)
        {
            return (options.Host, options.Port);
        }

        var bound = IPAddress.TryParse(options.EmbeddedBroker.BindAddress, out var address) ? address : IPAddress.Loopback;
        var host = IPAddress.IsLoopback(bound) || bound.Equals(IPAddress.Any) || bound.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : bound.ToString();
        return (host, options.EmbeddedBroker.Port);
    }

    /// <param name="options">Broker address and credentials.</param>
    /// <param name="clientId">Client id; a persistent session is kept under it.</param>
    /// <param name="persistentSession">
    /// True to keep the session (clean start off, with <see cref="MqttOptions.SessionExpiry"/>) so the broker
    /// holds QoS 1 messages while the client is away.
    /// </param>
    /// <param name="logger">Logs why a broker's TLS certificate was rejected; optional.</param>
    public static MqttClientOptions Create(MqttOptions options, string clientId, bool persistentSession, ILogger? logger = null)
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

        var (username, password) = options.EmbeddedBroker.Enabled
            ? (options.EmbeddedBroker.Username, options.EmbeddedBroker.Password)
            : (options.Username, options.Password);
        if (!string.IsNullOrEmpty(username))
        {
            builder = builder.WithCredentials(username, password ?? string.Empty);
        }

        if (!options.EmbeddedBroker.Enabled && options.Tls.Enabled)
        {
            builder = builder.WithTlsOptions(tls => MqttTls.Configure(tls, options.Tls, host, logger));
        }

        return builder.Build();
    }
}
