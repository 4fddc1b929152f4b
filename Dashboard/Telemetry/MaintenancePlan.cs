namespace Dashboard.Telemetry;

/// <summary>
/// One asset on the planner: the shown estimate and when the asset is due, which is the lower bound of the
/// RUL interval (the value when no interval is published).
/// </summary>
public sealed record PlanRow(AssetKey Asset, string Model, DateTimeOffset EstimatedAt, double? Health, RulEstimate Rul)
{
    public double Due => Rul.Lower ?? Rul.Value;
}

/// <summary>
/// Builds the maintenance plan from the live estimates: assets with a known RUL, most urgent first.
/// </summary>
public sealed class MaintenancePlan(LiveState live, EstimateSelector selector)
{
    /// <summary>
    /// Returns assets ranked by <see cref="PlanRow.Due"/>, optionally only those due within
    /// <paramref name="horizon"/> of <paramref name="horizonUnit"/>. Hours and days convert into each other;
    /// cycles compare only with cycles, so a time horizon leaves out assets counted in cycles.
    /// </summary>
    public IReadOnlyList<PlanRow> Rows(double? horizon = null, RulUnit horizonUnit = RulUnit.Cycles)
    {
        var rows = new List<PlanRow>();
        foreach (var snapshot in live.Snapshot())
        {
            if (selector.Select(snapshot) is not { Rul: { } rul } estimate)
            {
                continue;
            }

            var row = new PlanRow(snapshot.Key, estimate.Model, estimate.Timestamp, estimate.Health, rul);
            if (horizon is { } limit && (Convert(row.Due, rul.Unit, horizonUnit) is not { } due || due > limit))
            {
                continue;
            }

            rows.Add(row);
        }

        return rows.OrderBy(row => row.Rul.Unit == RulUnit.Cycles ? 0 : 1)
            .ThenBy(row => Convert(row.Due, row.Rul.Unit, RulUnit.Hours) ?? row.Due)
            .ThenBy(row => row.Asset)
            .ToArray();
    }

    /// <summary>Converts between hours and days; returns null between cycles and time.</summary>
    public static double? Convert(double value, RulUnit from, RulUnit to) => (from, to) switch
    {
        _ when from == to => value,
        (RulUnit.Hours, RulUnit.Days) => value / 24,
        (RulUnit.Days, RulUnit.Hours) => value * 24,
        _ => null,
    };
}
