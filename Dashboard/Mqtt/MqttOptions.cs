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

    /// <summary>Maximum messages queued for one slow client; beyond it the broker drops the oldest and counts them.</summary>
    public int MaxPendingMessagesPerClient { get; set; } = 1_000_000;
}
