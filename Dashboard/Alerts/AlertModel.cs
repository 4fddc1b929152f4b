namespace Dashboard.Alerts;

/// <summary>Alert priority; ISA-18.2 recommends a mix of about 80 % Low, 15 % Medium and 5 % High and Critical.</summary>
public enum AlertPriority
{
    Critical = 0,
    High = 1,
    Medium = 2,
    Low = 3,
}

/// <summary>
/// Alarm states of ISA-18.2 (IEC 62682). An alert is one alarm point: one rule on one asset and metric. It
/// keeps its id across activations; each transition is an <see cref="AlertEvent"/>.
/// </summary>
public enum AlertState
{
    Normal,
    ActiveUnacknowledged,
    ActiveAcknowledged,
    ReturnedUnacknowledged,
    Shelved,
    OutOfService,
}

/// <summary>What a rule watches.</summary>
public enum RuleKind
{
    /// <summary>Value above the threshold; clears below threshold minus deadband.</summary>
    High,

    /// <summary>Value below the threshold; clears above threshold plus deadband.</summary>
    Low,

    /// <summary>Absolute change per minute over <see cref="AlertRule.Window"/> above the threshold.</summary>
    RateOfChange,

    /// <summary>Health score of the shown estimate below the threshold.</summary>
    HealthBelow,

    /// <summary>Lower bound of the RUL interval (the value when no interval is published) below the threshold, in the estimate's unit.</summary>
    RulLowerBelow,

    /// <summary>No telemetry from the asset for longer than <see cref="AlertRule.Window"/>, by the time of its newest reading.</summary>
    Stale,
}

/// <summary>What happened to an alert.</summary>
public enum AlertEventKind
{
    Activated,
    ReturnedToNormal,
    Acknowledged,
    Shelved,
    Unshelved,
    RemovedFromService,
    ReturnedToService,
}

/// <summary>
/// A rule that raises alerts for the assets and metrics its patterns match (wildcards <c>*</c> and <c>?</c>).
/// </summary>
/// <param name="OnDelay">How long the condition must hold, by reading timestamps, before the alert activates.</param>
/// <param name="OffDelay">How long the condition must stay clear before the alert returns to normal.</param>
/// <param name="Window">Span of a rate of change, or the silence that makes data stale.</param>
public sealed record AlertRule(
    long Id,
    string Name,
    RuleKind Kind,
    string SitePattern,
    string AssetPattern,
    string MetricPattern,
    double Threshold,
    double Deadband,
    TimeSpan OnDelay,
    TimeSpan OffDelay,
    TimeSpan Window,
    AlertPriority Priority,
    string Message,
    bool Enabled)
{
    /// <summary>Whether the rule watches a metric of the telemetry (rather than estimates or the asset's silence).</summary>
    public bool WatchesMetric => Kind is RuleKind.High or RuleKind.Low or RuleKind.RateOfChange;
}

/// <summary>
/// One alarm point and its current state. <see cref="Metric"/> is empty for rules on estimates and staleness.
/// <see cref="ConditionChangedAt"/> is the reading time of the last condition change; older readings, such
/// as retained or redelivered messages, are ignored.
/// </summary>
public sealed record AlertRecord(
    long Id,
    long RuleId,
    AssetKey Asset,
    string Metric,
    AlertState State,
    bool ConditionActive,
    AlertPriority Priority,
    string Message,
    double? Value,
    DateTimeOffset? ActivatedAt,
    DateTimeOffset? ConditionChangedAt,
    string? AcknowledgedBy,
    DateTimeOffset? AcknowledgedAt,
    string? ShelvedBy,
    DateTimeOffset? ShelvedUntil,
    string? ShelveReason,
    long Version,
    DateTimeOffset UpdatedAt)
{
    public bool IsActive => State is AlertState.ActiveUnacknowledged or AlertState.ActiveAcknowledged;

    public bool IsUnacknowledged => State is AlertState.ActiveUnacknowledged or AlertState.ReturnedUnacknowledged;
}

/// <summary>One stored transition of an alert, with who made it and why.</summary>
public sealed record AlertEvent(
    long Id,
    long AlertId,
    DateTimeOffset Timestamp,
    AlertEventKind Kind,
    AlertState FromState,
    AlertState ToState,
    string User,
    string? Note,
    double? Value);
