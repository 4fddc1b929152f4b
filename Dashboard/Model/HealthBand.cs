namespace Dashboard.Model;

/// <summary>
/// Bands of the 0–100 health score, as defined in docs/estimation.md.
/// </summary>
public enum HealthBand
{
    Unknown,
    Critical,
    Poor,
    Degrading,
    Healthy,
}

public static class HealthBands
{
    /// <summary>Lower bounds of the bands: 70 and above is healthy, below 15 critical.</summary>
    public const double HealthyFrom = 70;
    public const double DegradingFrom = 40;
    public const double PoorFrom = 15;

    public static HealthBand Of(double? health) => health switch
    {
        null => HealthBand.Unknown,
        >= HealthyFrom => HealthBand.Healthy,
        >= DegradingFrom => HealthBand.Degrading,
        >= PoorFrom => HealthBand.Poor,
        _ => HealthBand.Critical,
    };
}
