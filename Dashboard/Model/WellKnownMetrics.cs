namespace Dashboard.Model;

/// <summary>
/// Metric names with a meaning beyond a signal value. Any publisher may send them; the C-MAPSS replay does.
/// </summary>
public static class WellKnownMetrics
{
    /// <summary>Operating cycle counter; a decrease starts a new life of the asset (overhaul or replacement).</summary>
    public const string Cycle = "cycle";

    /// <summary>True remaining useful life in cycles, known only for replayed run-to-failure data.</summary>
    public const string TrueRul = "rul_true";
}
