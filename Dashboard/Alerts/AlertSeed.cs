namespace Dashboard.Alerts;

/// <summary>
/// Rules for the replayed C-MAPSS turbofans, stored on the first start so the demo shows real alerts.
/// Thresholds sit near the end-of-life levels of training set FD001: T50 exceeds 1428 °R and Ps30 48.1 psia
/// in about 3 % of all cycles, mostly in the last ones before failure.
/// </summary>
public static class AlertSeed
{
    public static IReadOnlyList<AlertRule> DemoRules() =>
    [
        new(0, "LPT outlet temperature high", RuleKind.High, "demo", "turbofan-*", "T50", 1428, 4,
            TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10), TimeSpan.Zero, AlertPriority.Low,
            "{asset}: T50 {value} °R above {threshold} °R", true),
        new(0, "HPC outlet static pressure high", RuleKind.High, "demo", "turbofan-*", "Ps30", 48.1, 0.15,
            TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10), TimeSpan.Zero, AlertPriority.Low,
            "{asset}: Ps30 {value} psia above {threshold} psia", true),
        new(0, "Health poor", RuleKind.HealthBelow, "demo", "turbofan-*", "*", 25, 5,
            TimeSpan.Zero, TimeSpan.FromSeconds(10), TimeSpan.Zero, AlertPriority.Medium,
            "{asset}: health {value} below {threshold}", true),
        new(0, "Remaining life short", RuleKind.RulLowerBelow, "demo", "turbofan-*", "*", 15, 5,
            TimeSpan.Zero, TimeSpan.FromSeconds(10), TimeSpan.Zero, AlertPriority.High,
            "{asset}: RUL lower bound {value} cycles, below {threshold}: plan removal", true),
        new(0, "Telemetry stale", RuleKind.Stale, "*", "*", "*", 0, 0,
            TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(30), AlertPriority.Medium,
            "{asset}: no telemetry for more than 30 s", true),
    ];
}
