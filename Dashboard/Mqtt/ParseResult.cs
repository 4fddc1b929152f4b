namespace Dashboard.Mqtt;

/// <summary>
/// Why a message was rejected as a whole. Each reason has its own counter on the Diagnostics page.
/// </summary>
public enum RejectReason
{
    InvalidTopic,
    TooLarge,
    NotUtf8,
    InvalidJson,
    MissingTimestamp,
    InvalidTimestamp,
    FutureTimestamp,
    NoValidValues,
    InvalidHealth,
}

/// <summary>
/// Outcome of parsing one MQTT message: a telemetry reading, a health estimate, or a rejection with its reason
/// and a detail that names the offending value.
/// </summary>
public readonly record struct ParseResult
{
    public TelemetryReading? Reading { get; private init; }

    public HealthEstimate? Health { get; private init; }

    public RejectReason? Rejection { get; private init; }

    public string? Detail { get; private init; }

    /// <summary>Values of an accepted message that were dropped because they were not finite numbers or null.</summary>
    public int DroppedValues { get; private init; }

    public bool IsAccepted => Rejection is null;

    public static ParseResult Accepted(TelemetryReading reading, int droppedValues) =>
        new() { Reading = reading, DroppedValues = droppedValues };

    public static ParseResult Accepted(HealthEstimate health) => new() { Health = health };

    public static ParseResult Rejected(RejectReason reason, string detail) => new() { Rejection = reason, Detail = detail };
}
