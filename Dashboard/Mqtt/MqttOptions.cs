namespace Dashboard.Mqtt;

/// <summary>
/// Settings of the <c>Mqtt</c> configuration section: where the broker is and how the dashboard subscribes.
/// </summary>
public sealed class MqttOptions
{
    public const string SectionName = "Mqtt";

    /// <summary>Broker host name or address. Ignored while the embedded broker is enabled.</summary>
    public string Host { get; set; } = "localhost";

    /// <summary>Broker TCP port. Ignored while the embedded broker is enabled.</summary>
    public int Port { get; set; } = 1883;

    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>First topic levels before <c>{site}/{asset}/…</c>; may itself contain <c>/</c>.</summary>
    public string TopicPrefix { get; set; } = "plant";

    /// <summary>Client id of the ingest subscriber. It must be stable so the broker keeps its session across restarts.</summary>
    public string ClientId { get; set; } = "dashboard-ingest";

    /// <summary>
    /// Whether the subscriber keeps a persistent session, so the broker holds QoS 1 messages while it is away.
    /// The standalone estimator turns it off: its estimates can be computed again from new readings.
    /// </summary>
    public bool PersistentSession { get; set; } = true;

    /// <summary>How long the broker keeps the subscriber's session and queued messages while it is disconnected.</summary>
    public TimeSpan SessionExpiry { get; set; } = TimeSpan.FromDays(1);

    /// <summary>
    /// MQTT 5 receive maximum: how many QoS 1 messages the broker may send before the subscriber acknowledges
    /// them. Messages are acknowledged only once stored, so this is also how far the live view can run ahead
    /// of the store.
    /// </summary>
    public int ReceiveMaximum { get; set; } = ushort.MaxValue;

    /// <summary>Longest wait between reconnect attempts; the wait doubles from one second up to this cap.</summary>
    public TimeSpan MaxReconnectDelay { get; set; } = TimeSpan.FromSeconds(30);

    public EmbeddedBrokerOptions EmbeddedBroker { get; set; } = new();

    /// <summary>TLS to the external broker; the embedded broker speaks plain MQTT on its own address.</summary>
    public MqttTlsOptions Tls { get; set; } = new();

    /// <summary>Topic filter prefix for a shared subscription (<c>$share/{group}/…</c>); null subscribes normally.</summary>
    public string? SharedSubscriptionGroup { get; set; }
}

/// <summary>
/// Settings of the in-process MQTT broker that serves the first run and single-machine installs.
/// </summary>
public sealed class EmbeddedBrokerOptions
{
    public bool Enabled { get; set; } = true;

    public int Port { get; set; } = 1883;

    /// <summary>
    /// Address the broker listens on: loopback by default. Any other address, such as 0.0.0.0 for every
    /// interface, requires <see cref="Username"/> and <see cref="Password"/>.
    /// </summary>
    public string BindAddress { get; set; } = "127.0.0.1";

    /// <summary>User name that every client must present; unset accepts clients without credentials (loopback only).</summary>
    public string? Username { get; set; }

    public string? Password { get; set; }

    /// <summary>Maximum messages queued for one slow client; beyond it the broker drops the oldest and counts them.</summary>
    public int MaxPendingMessagesPerClient { get; set; } = 1_000_000;
}

/// <summary>
/// Settings of <c>Mqtt:Tls</c>. The broker's certificate is always validated: against the operating
/// system's trusted CAs, or against <see cref="CaFile"/> when it is set.
/// </summary>
public sealed class MqttTlsOptions
{
    public bool Enabled { get; set; }

    /// <summary>PEM file of the CA certificate that signed the broker's certificate, for a private CA.</summary>
    public string? CaFile { get; set; }

    /// <summary>PEM file of a client certificate, for brokers that require one (Mosquitto <c>require_certificate true</c>).</summary>
    public string? ClientCertificateFile { get; set; }

    /// <summary>PEM file of the client certificate's private key; unset when <see cref="ClientCertificateFile"/> contains it.</summary>
    public string? ClientKeyFile { get; set; }

    /// <summary>Name that the broker's certificate must carry; defaults to <c>Mqtt:Host</c>.</summary>
    public string? ServerName { get; set; }
}
