namespace Dashboard.Estimation.Turbofan;

/// <summary>
/// Feature vectors and labels of every cut point of the training units, stored row by row in flat arrays.
/// Rows of one unit are contiguous and in cycle order.
/// </summary>
internal sealed class CutPointTable
{
    private readonly float[] features;
    private readonly int[] unitStarts;

    private CutPointTable(int featureCount, float[] features, int[] unitStarts, double[] rul, double[] cappedRul, int[] fold, int[] indexInUnit)
    {
        FeatureCount = featureCount;
        this.features = features;
        this.unitStarts = unitStarts;
        Rul = rul;
        CappedRul = cappedRul;
        Fold = fold;
        IndexInUnit = indexInUnit;
    }

    public int FeatureCount { get; }

    public int Count => Rul.Length;

    /// <summary>True RUL in cycles: last cycle of the unit minus the cycle of the cut point.</summary>
    public double[] Rul { get; }

    public double[] CappedRul { get; }

    public int[] Fold { get; }

    /// <summary>Position of the row among the rows of its unit, starting at 0.</summary>
    public int[] IndexInUnit { get; }

    public ReadOnlySpan<float> FeaturesOf(int row) => features.AsSpan(row * FeatureCount, FeatureCount);

    /// <summary>Returns the first row and the number of rows of a unit, by its index in the unit list.</summary>
    public (int First, int Count) RangeOfUnit(int unitIndex) => (unitStarts[unitIndex], unitStarts[unitIndex + 1] - unitStarts[unitIndex]);

    /// <summary>Computes the features of every cut point whose window has at least the minimum number of readings.</summary>
    /// <param name="lateStart">
    /// When set, builds rows that imitate a history whose first cycles are missing instead: for every
    /// <see cref="RulTrainingOptions.LateStartStride"/>-th cut point, the history starts at a reading drawn uniformly
    /// from the window, after its first reading and leaving at least the minimum number of readings.
    /// </param>
    public static CutPointTable Build(IReadOnlyList<TrainingUnit> units, TurbofanFeatures featureBuilder, RulTrainingOptions options, Random? lateStart = null)
    {
        var sensorCount = featureBuilder.Conditions.SensorCount;
        var featureCount = featureBuilder.FeatureCount;
        var features = new List<float>();
        var rul = new List<double>();
        var fold = new List<int>();
        var indexInUnit = new List<int>();
        var unitStarts = new int[units.Count + 1];
        var row = new float[featureCount];

        for (var u = 0; u < units.Count; u++)
        {
            unitStarts[u] = rul.Count;
            var cycles = units[u].Cycles;
            var cycleNumbers = cycles.Select(c => c.Cycle).ToArray();
            var normalized = new double[cycles.Count * sensorCount];
            var conditionIndexes = new int[cycles.Count];
            for (var i = 0; i < cycles.Count; i++)
            {
                conditionIndexes[i] = featureBuilder.Conditions.Normalize(cycles[i], normalized.AsSpan(i * sensorCount, sensorCount));
            }

            var lastCycle = cycleNumbers[^1];
            var rowsOfUnit = 0;
            for (var end = 0; end < cycles.Count; end++)
            {
                var start = featureBuilder.WindowStart(cycles, end);
                var count = end - start + 1;
                if (count < options.MinimumCycles)
                {
                    continue;
                }

                if (lateStart is not null)
                {
                    var lastAllowedStart = end - options.MinimumCycles + 1;
                    if (end % options.LateStartStride != 0 || lastAllowedStart <= start)
                    {
                        continue;
                    }

                    start = lateStart.Next(start + 1, lastAllowedStart + 1);
                    count = end - start + 1;
                }

                featureBuilder.ComputeFromNormalized(
                    cycleNumbers.AsSpan(start, count),
                    conditionIndexes.AsSpan(start, count),
                    normalized.AsSpan(start * sensorCount, count * sensorCount),
                    row);
                features.AddRange(row);
                var remaining = lastCycle - cycleNumbers[end];
                rul.Add(remaining);
                fold.Add(units[u].Fold);
                indexInUnit.Add(rowsOfUnit++);
            }
        }

        unitStarts[units.Count] = rul.Count;
        var capped = rul.Select(r => Math.Min(r, options.CapCycles)).ToArray();
        return new CutPointTable(featureCount, [.. features], unitStarts, [.. rul], capped, [.. fold], [.. indexInUnit]);
    }
}
