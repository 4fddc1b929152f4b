using Dashboard.Alerts;

namespace Dashboard.Tests.Alerts;

/// <summary>
/// One rule's condition on one series, per rule kind, by reading timestamps: thresholds with deadband,
/// on- and off-delays, rate of change, and readings that arrive late or twice.
/// </summary>
public sealed class ConditionTrackerTests
{
    private static readonly DateTimeOffset T0 = AlertTestBed.T0;

    [Fact]
    public void High_ActivatesAboveAndClearsBelowDeadband()
    {
        var tracker = new ConditionTracker(AlertTestBed.Rule(RuleKind.High, 10, deadband: 2));

        Assert.Null(tracker.Evaluate(T0, 10));
        Assert.Equal(new ConditionChange(true, T0.AddSeconds(1), 10.5), tracker.Evaluate(T0.AddSeconds(1), 10.5));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(2), 8.5));
        Assert.True(tracker.Active);
        Assert.Null(tracker.Evaluate(T0.AddSeconds(3), 8));
        Assert.Equal(new ConditionChange(false, T0.AddSeconds(4), 7.9), tracker.Evaluate(T0.AddSeconds(4), 7.9));
        Assert.False(tracker.Active);
    }

    [Fact]
    public void Low_ActivatesBelowAndClearsAboveDeadband()
    {
        var tracker = new ConditionTracker(AlertTestBed.Rule(RuleKind.Low, 10, deadband: 2));

        Assert.Null(tracker.Evaluate(T0, 10));
        Assert.True(tracker.Evaluate(T0.AddSeconds(1), 9.5)!.Value.Active);
        Assert.Null(tracker.Evaluate(T0.AddSeconds(2), 11.5));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(3), 12));
        Assert.False(tracker.Evaluate(T0.AddSeconds(4), 12.1)!.Value.Active);
    }

    [Fact]
    public void RateOfChange_ActivatesOnFastChangeEitherWay()
    {
        var tracker = new ConditionTracker(AlertTestBed.Rule(RuleKind.RateOfChange, 5, window: TimeSpan.FromMinutes(1)));

        // 5 per minute is the threshold: 2/min stays quiet, 10/min activates, flat clears, falling 12/min activates.
        Assert.Null(tracker.Evaluate(T0, 0));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(30), 1));
        var rising = tracker.Evaluate(T0.AddSeconds(60), 10);
        Assert.True(rising!.Value.Active);
        Assert.Equal(10, rising.Value.Value);
        Assert.False(tracker.Evaluate(T0.AddSeconds(120), 10)!.Value.Active);
        Assert.True(tracker.Evaluate(T0.AddSeconds(150), 4)!.Value.Active);
    }

    [Fact]
    public void RateOfChange_UsesOnlyWindow()
    {
        var tracker = new ConditionTracker(AlertTestBed.Rule(RuleKind.RateOfChange, 5, window: TimeSpan.FromMinutes(1)));

        // A slow climb of 3 per minute for ten minutes: 30 in total, but never 5 per minute within the window.
        for (var minute = 0; minute <= 10; minute++)
        {
            Assert.Null(tracker.Evaluate(T0.AddMinutes(minute), minute * 3.0));
        }

        Assert.False(tracker.Active);
    }

    [Fact]
    public void HealthBelow_ActivatesBelowThreshold()
    {
        var tracker = new ConditionTracker(AlertTestBed.Rule(RuleKind.HealthBelow, 25, deadband: 5));

        Assert.Null(tracker.Evaluate(T0, 30));
        Assert.True(tracker.Evaluate(T0.AddSeconds(1), 20)!.Value.Active);
        Assert.Null(tracker.Evaluate(T0.AddSeconds(2), 29.9));
        Assert.False(tracker.Evaluate(T0.AddSeconds(3), 30.1)!.Value.Active);
    }

    [Fact]
    public void RulLowerBelow_ActivatesBelowThreshold()
    {
        var tracker = new ConditionTracker(AlertTestBed.Rule(RuleKind.RulLowerBelow, 15));

        Assert.Null(tracker.Evaluate(T0, 15));
        Assert.True(tracker.Evaluate(T0.AddSeconds(1), 14)!.Value.Active);
        Assert.False(tracker.Evaluate(T0.AddSeconds(2), 16)!.Value.Active);
    }

    [Fact]
    public void Stale_ActivatesWhenAgeExceedsWindow()
    {
        var tracker = new ConditionTracker(AlertTestBed.Rule(RuleKind.Stale, 0, window: TimeSpan.FromSeconds(30)));

        Assert.Null(tracker.Evaluate(T0, 29));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(1), 30));
        Assert.True(tracker.Evaluate(T0.AddSeconds(2), 31)!.Value.Active);
        Assert.False(tracker.Evaluate(T0.AddSeconds(3), 0.5)!.Value.Active);
    }

    [Fact]
    public void OnDelay_NeedsConditionForWholeDelay()
    {
        var tracker = new ConditionTracker(AlertTestBed.Rule(RuleKind.High, 10, onDelay: TimeSpan.FromSeconds(3)));

        Assert.Null(tracker.Evaluate(T0, 11));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(2), 11));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(2.5), 9));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(3), 11));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(5.9), 11));
        var change = tracker.Evaluate(T0.AddSeconds(6), 12);

        Assert.Equal(new ConditionChange(true, T0.AddSeconds(6), 12), change);
    }

    [Fact]
    public void OffDelay_NeedsClearForWholeDelay()
    {
        var tracker = new ConditionTracker(AlertTestBed.Rule(RuleKind.High, 10, offDelay: TimeSpan.FromSeconds(10)));
        Assert.True(tracker.Evaluate(T0, 11)!.Value.Active);

        Assert.Null(tracker.Evaluate(T0.AddSeconds(1), 9));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(9), 9));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(10), 11));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(11), 9));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(20), 9));

        Assert.Equal(new ConditionChange(false, T0.AddSeconds(21), 9), tracker.Evaluate(T0.AddSeconds(21), 9));
    }

    [Fact]
    public void OutOfOrderAndDuplicate_ChangeNothing()
    {
        var tracker = new ConditionTracker(AlertTestBed.Rule(RuleKind.High, 10, onDelay: TimeSpan.FromSeconds(3)));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(10), 11));

        // An older clear reading would restart the on-delay if it were applied.
        Assert.Null(tracker.Evaluate(T0.AddSeconds(5), 1));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(10), 1));
        Assert.Equal(new ConditionChange(true, T0.AddSeconds(13), 11), tracker.Evaluate(T0.AddSeconds(13), 11));

        Assert.Null(tracker.Evaluate(T0.AddSeconds(13), 1));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(12), 1));
        Assert.True(tracker.Active);
    }

    [Fact]
    public void Gap_ChangesNothing()
    {
        var tracker = new ConditionTracker(AlertTestBed.Rule(RuleKind.Low, 10));

        Assert.Null(tracker.Evaluate(T0, null));
        Assert.False(tracker.Active);
        Assert.True(tracker.Evaluate(T0.AddSeconds(1), 5)!.Value.Active);
        Assert.Null(tracker.Evaluate(T0.AddSeconds(2), null));
        Assert.True(tracker.Active);
    }

    [Fact]
    public void Restore_IgnoresReadingsUpToRestoredTime()
    {
        var tracker = new ConditionTracker(AlertTestBed.Rule(RuleKind.High, 10));
        tracker.Restore(active: true, since: T0.AddSeconds(10));

        Assert.Null(tracker.Evaluate(T0.AddSeconds(5), 1));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(10), 1));
        Assert.Null(tracker.Evaluate(T0.AddSeconds(11), 20));
        Assert.True(tracker.Active);
        Assert.False(tracker.Evaluate(T0.AddSeconds(12), 1)!.Value.Active);
    }
}
