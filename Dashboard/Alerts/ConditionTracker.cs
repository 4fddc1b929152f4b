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
        // While active, the condition holds until the value is past the threshold by the deadband.
        var deadband = Active ? rule.Deadband : 0;
        return rule.Kind switch
        {
            RuleKind.High or RuleKind.RateOfChange => value > rule.Threshold - deadband,
            RuleKind.Stale => value > rule.Window.TotalSeconds - deadband,
            RuleKind.Low or RuleKind.HealthBelow or RuleKind.RulLowerBelow => value < rule.Threshold + deadband,
            _ => false,
        };
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
