namespace Dashboard.Model;

/// <summary>
/// One metric of a telemetry message. A null value is a gap in the signal, never a zero.
/// </summary>
public readonly record struct MetricValue(string Metric, double? Value);

/// <summary>
/// A validated telemetry message: the values one asset reported for one instant.
/// </summary>
public sealed record TelemetryReading(AssetKey Asset, DateTimeOffset Timestamp, IReadOnlyList<MetricValue> Values);

/// <summary>
/// Unit of a remaining-useful-life estimate, as named in the health payload.
/// </summary>
public enum RulUnit
{
    Cycles,
    Hours,
    Days,
}

/// <summary>
/// Remaining useful life with an optional interval; <see cref="Lower"/> and <see cref="Upper"/> bound the
/// 80 % interval when the model publishes one.
/// </summary>
public sealed record RulEstimate(double Value, RulUnit Unit, double? Lower, double? Upper);

/// <summary>
/// A health estimate for one asset from one model. A null <see cref="Health"/> means the model had too
/// little data to estimate; a null <see cref="Rul"/> means no RUL is known.
/// </summary>
public sealed record HealthEstimate(AssetKey Asset, DateTimeOffset Timestamp, double? Health, RulEstimate? Rul, string Model);
