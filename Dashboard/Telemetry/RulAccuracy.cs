namespace Dashboard.Telemetry;

/// <summary>Accuracy of one model's current estimates against the known truth.</summary>
public sealed record ModelAccuracy(string Model, int Assets, double Rmse, double MeanError, double Coverage80);

/// <summary>
/// Compares the current RUL estimates with the true RUL that replayed C-MAPSS units publish as the
/// <see cref="WellKnownMetrics.TrueRul"/> metric. Each estimate is matched with the truth of the reading it was made from (same
/// timestamp). The truth is capped at <see cref="TruthCap"/> cycles, as in training, because no model can
/// tell 200 from 300 remaining cycles on a healthy engine.
/// </summary>
public sealed class RulAccuracy(LiveState live)
{
    public const double TruthCap = 125;

    public IReadOnlyList<ModelAccuracy> Current()
    {
        var errors = new Dictionary<string, List<(double Error, bool Covered)>>(StringComparer.Ordinal);
        foreach (var snapshot in live.Snapshot())
        {
            if (!snapshot.Latest.ContainsKey(WellKnownMetrics.TrueRul))
            {
                continue;
            }

            foreach (var estimate in snapshot.EstimatesByModel.Values)
            {
                if (estimate.Rul is not { Unit: RulUnit.Cycles } rul || TruthAt(snapshot.Key, estimate.Timestamp) is not { } truth)
                {
                    continue;
                }

                var capped = Math.Min(truth, TruthCap);
                var covered = rul.Lower is { } lower && truth >= lower && (rul.Upper is not { } upper || truth <= upper);
                if (!errors.TryGetValue(estimate.Model, out var list))
                {
                    errors[estimate.Model] = list = [];
                }

                list.Add((rul.Value - capped, covered));
            }
        }

        return errors.Select(pair => new ModelAccuracy(
                pair.Key,
                pair.Value.Count,
                Math.Sqrt(pair.Value.Average(e => e.Error * e.Error)),
                pair.Value.Average(e => e.Error),
                pair.Value.Count(e => e.Covered) / (double)pair.Value.Count))
            .OrderBy(accuracy => accuracy.Model, StringComparer.Ordinal)
            .ToArray();
    }

    private double? TruthAt(AssetKey asset, DateTimeOffset timestamp)
    {
        var points = live.Window(asset, WellKnownMetrics.TrueRul, timestamp - TimeSpan.FromTicks(1));
        return points.Length > 0 && points[0].Timestamp == timestamp ? points[0].Value : null;
    }
}
