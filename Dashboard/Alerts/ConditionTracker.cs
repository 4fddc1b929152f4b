namespace Dashboard.Alerts;

/// <summary>A debounced change of a rule's condition, at the reading time that completed it.</summary>
public readonly record struct ConditionChange(bool Active, DateTimeOffset Timestamp, double? Value);

/// <summary>
/// Tracks one rule's condition on one series by reading timestamps: the threshold with its deadband
/// (hysteresis), the on-delay before activation and the off-delay before return to normal. Readings older
/// than the last one seen are ignored, so redelivered messages change nothing.
/// </summary>
public sealed class ConditionTracker(AlertRule rule)
{
    private readonly Queue<(DateTimeOffset Timestamp, double Value)> _rateWindow = new();
    private DateTimeOffset? _pendingSince;
    private DateTimeOffset? _lastTimestamp;

    public AlertRule Rule => rule;

    /// <summary>The debounced condition: true while the alert's cause is present.</summary>
    public bool Active { get; private set; }

    /// <summary>Sets the condition restored from the store, so a restart does not announce an alert again.</summary>
    public void Restore(bool active, DateTimeOffset? since)
    {
        Active = active;
        _lastTimestamp = since;
    }

    /// <summary>
    /// Evaluates one reading; <paramref name="value"/> is the metric value, the health score, the RUL bound or
    /// the age of the data in seconds, as the rule kind requires. A null value (a gap) changes nothing.
    /// </summary>
    public ConditionChange? Evaluate(DateTimeOffset timestamp, double? value)
    {
        if (value is not { } observed || (_lastTimestamp is { } last && timestamp <= last))
        {
            return null;
        }

        _lastTimestamp = timestamp;
        if (rule.Kind == RuleKind.RateOfChange)
        {
            if (RatePerMinute(timestamp, observed) is not { } rate)
            {
                return null;
            }

            observed = Math.Abs(rate);
        }

        var raw = RawCondition(observed);
        if (raw == Active)
        {
            _pendingSince = null;
            return null;
        }

        _pendingSince ??= timestamp;
        var delay = Active ? rule.OffDelay : rule.OnDelay;
        if (timestamp - _pendingSince.Value < delay)
        {
            return null;
        }

        Active = raw;
        _pendingSince = null;
        return new ConditionChange(Active, timestamp, value);
    }

    private bool RawCondition(double value)
    {
        var limit = rule.Kind == RuleKind.Stale ? rule.Window.TotalSeconds : rule.Threshold;
        var high = rule.Kind is RuleKind.High or RuleKind.RateOfChange or RuleKind.Stale;
        if (!Active)
        {
            return high ? value > limit : value < limit;
        }

        // While active, the condition stays true until the value is beyond the threshold by more than the
        // deadband. A High alert clears below threshold minus deadband, so a value exactly there keeps it active.
        return high ? value >= limit - rule.Deadband : value <= limit + rule.Deadband;
    }

    private double? RatePerMinute(DateTimeOffset timestamp, double value)
    {
        _rateWindow.Enqueue((timestamp, value));
        while (_rateWindow.Count > 2 && timestamp - _rateWindow.Peek().Timestamp > rule.Window)
        {
            _rateWindow.Dequeue();
        }

        var (oldestTime, oldestValue) = _rateWindow.Peek();
        var minutes = (timestamp - oldestTime).TotalMinutes;
        return minutes > 0 ? (value - oldestValue) / minutes : null;
    }
}
