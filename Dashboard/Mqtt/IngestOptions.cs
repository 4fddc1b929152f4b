namespace Dashboard.Mqtt;

/// <summary>
/// Settings of the <c>Ingest</c> configuration section: limits applied to every incoming message.
/// </summary>
public sealed class IngestOptions
{
    public const string SectionName = "Ingest";

    /// <summary>Largest accepted payload in bytes; larger messages are rejected as too large.</summary>
    public int MaxPayloadBytes { get; set; } = 64 * 1024;

    /// <summary>How far a message timestamp may lie ahead of the time it was received.</summary>
    public TimeSpan MaxFutureSkew { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Capacity of the channel between the MQTT handler and the consumers, in messages.</summary>
    public int ChannelCapacity { get; set; } = 10_000;

    /// <summary>How many rejected messages are kept for inspection on the Diagnostics page.</summary>
    public int RejectedMessagesKept { get; set; } = 100;

    /// <summary>Minimum time between two log lines about rejected messages; the rest are counted.</summary>
    public TimeSpan RejectionLogInterval { get; set; } = TimeSpan.FromSeconds(10);
}
