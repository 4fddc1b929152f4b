namespace Dashboard.Estimation.Turbofan;

/// <summary>
/// Feature vector of the window that ends at the latest cycle of a unit's history.
/// </summary>
/// <remarks>
/// The window contains the readings whose cycle number is greater than (last cycle - <see cref="WindowLength"/>), so
/// a history with missing cycles gives a shorter window rather than reaching further back. Each reading is first
/// converted to per-condition z-scores by <see cref="OperatingConditions"/>.
///
/// The layout is: last cycle number, number of readings in the window, number of distinct operating conditions in
/// the window, then for each kept sensor the window mean, the least-squares slope per cycle, the exponentially
/// weighted mean at the last cycle, the window standard deviation and the slope over the last
/// <see cref="ShortWindowLength"/> cycles. Then follow the same statistics, except the standard deviation, for each
/// linear health component (a weighted sum of the sensor z-scores). These are computed from the sensor statistics,
/// which is exact because mean, slope and exponentially weighted mean are linear in the values.
///
/// Only the window and the one reading before it are read, so the cost is O(window length x sensors) per call.
/// Nothing is kept between calls.
/// </remarks>
public sealed class TurbofanFeatures
{
    /// <summary>Index of the feature that counts the distinct operating conditions in the window.</summary>
    public const int ConditionCountFeature = 2;

    private const int GlobalFeatureCount = 3;
    private const int SensorStatisticCount = 5;
    private const int ComponentStatisticCount = 4;

    private readonly OperatingConditions conditions;
    private readonly double[][] componentWeights;
    private readonly double smoothingFactor;

    public TurbofanFeatures(OperatingConditions conditions, FeatureSettings settings)
    {
        ArgumentNullException.ThrowIfNull(conditions);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.WindowLength, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.ShortWindowLength, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(settings.SmoothingSpan, 1);
        if (settings.ComponentWeights.Any(w => w.Length != conditions.SensorCount))
        {
            throw new ArgumentException($"Every health component needs {conditions.SensorCount} sensor weights.", nameof(settings));
        }

        this.conditions = conditions;
        Settings = settings;
        componentWeights = [.. settings.ComponentWeights];
        smoothingFactor = 2.0 / (settings.SmoothingSpan + 1);
        FeatureCount = GlobalFeatureCount
            + (conditions.SensorCount * SensorStatisticCount)
            + (componentWeights.Length * ComponentStatisticCount);
        FeatureNames = BuildFeatureNames(conditions.SensorNumbers, componentWeights.Length, settings.ShortWindowLength);
    }

    public FeatureSettings Settings { get; }

    /// <summary>Maximum span of the window in cycles.</summary>
    public int WindowLength => Settings.WindowLength;

    /// <summary>Span in cycles of the second, shorter slope.</summary>
    public int ShortWindowLength => Settings.ShortWindowLength;

    public int FeatureCount { get; }

    public IReadOnlyList<string> FeatureNames { get; }

    public OperatingConditions Conditions => conditions;

    /// <summary>Writes the features of the window that ends at the last reading of <paramref name="history"/>.</summary>
    /// <param name="history">Readings sorted by increasing cycle. Only the last <see cref="WindowLength"/> cycles are read.</param>
    /// <exception cref="ArgumentException">The history is empty, or its window is not sorted by increasing cycle.</exception>
    public void Compute(IReadOnlyList<CycleReading> history, Span<float> destination)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0)
        {
            throw new ArgumentException("History must contain at least one reading.", nameof(history));
        }

        var end = history.Count - 1;
        var start = WindowStart(history, end);
        var count = end - start + 1;
        var sensorCount = conditions.SensorCount;

        Span<int> cycles = count <= 512 ? stackalloc int[count] : new int[count];
        Span<int> conditionIndexes = count <= 512 ? stackalloc int[count] : new int[count];
        Span<double> values = count * sensorCount <= 4096 ? stackalloc double[count * sensorCount] : new double[count * sensorCount];
        for (var i = 0; i < count; i++)
        {
            var reading = history[start + i];
            cycles[i] = reading.Cycle;
            conditionIndexes[i] = conditions.Normalize(reading, values.Slice(i * sensorCount, sensorCount));
        }

        ComputeFromNormalized(cycles, conditionIndexes, values, destination);
    }

    /// <summary>
    /// Writes the features of a window whose readings are already normalised. <paramref name="values"/> is row-major,
    /// one row of <see cref="OperatingConditions.SensorCount"/> z-scores per cycle in <paramref name="cycles"/>, and
    /// <paramref name="conditionIndexes"/> has the operating condition of each row.
    /// </summary>
    public void ComputeFromNormalized(ReadOnlySpan<int> cycles, ReadOnlySpan<int> conditionIndexes, ReadOnlySpan<double> values, Span<float> destination)
    {
        var count = cycles.Length;
        var sensorCount = conditions.SensorCount;
        if (count == 0 || values.Length != count * sensorCount || conditionIndexes.Length != count)
        {
            throw new ArgumentException(
                $"Expected {count} cycles, {count} condition indexes and {count * sensorCount} normalised values but got {conditionIndexes.Length} and {values.Length}.",
                nameof(values));
        }

        if (destination.Length < FeatureCount)
        {
            throw new ArgumentException($"Destination needs {FeatureCount} elements but has {destination.Length}.", nameof(destination));
        }

        for (var i = 1; i < count; i++)
        {
            if (cycles[i] <= cycles[i - 1])
            {
                throw new ArgumentException($"Cycles must increase, but cycle {cycles[i]} follows cycle {cycles[i - 1]}.", nameof(cycles));
            }
        }

        var seenConditions = 0UL;
        foreach (var condition in conditionIndexes)
        {
            seenConditions |= 1UL << condition;
        }

        destination[0] = cycles[count - 1];
        destination[1] = count;
        destination[ConditionCountFeature] = ulong.PopCount(seenConditions);

        var shortStart = count - 1;
        while (shortStart > 0 && cycles[shortStart - 1] > cycles[count - 1] - ShortWindowLength)
        {
            shortStart--;
        }

        var longFit = new SlopeFit(cycles);
        var shortFit = new SlopeFit(cycles[shortStart..]);
        Span<double> statistics = stackalloc double[sensorCount * ComponentStatisticCount];
        var offset = GlobalFeatureCount;
        for (var s = 0; s < sensorCount; s++)
        {
            var mean = 0.0;
            for (var i = 0; i < count; i++)
            {
                mean += values[(i * sensorCount) + s];
            }

            mean /= count;
            var sumSquares = 0.0;
            var smoothed = values[s];
            for (var i = 0; i < count; i++)
            {
                var value = values[(i * sensorCount) + s];
                var deviation = value - mean;
                sumSquares += deviation * deviation;
                smoothed += smoothingFactor * (value - smoothed);
            }

            var slope = longFit.Slope(values, sensorCount, s, 0);
            var shortSlope = shortFit.Slope(values, sensorCount, s, shortStart);
            statistics[(s * ComponentStatisticCount) + 0] = mean;
            statistics[(s * ComponentStatisticCount) + 1] = slope;
            statistics[(s * ComponentStatisticCount) + 2] = smoothed;
            statistics[(s * ComponentStatisticCount) + 3] = shortSlope;

            destination[offset] = (float)mean;
            destination[offset + 1] = (float)slope;
            destination[offset + 2] = (float)smoothed;
            destination[offset + 3] = (float)Math.Sqrt(sumSquares / count);
            destination[offset + 4] = (float)shortSlope;
            offset += SensorStatisticCount;
        }

        foreach (var weights in componentWeights)
        {
            for (var k = 0; k < ComponentStatisticCount; k++)
            {
                var sum = 0.0;
                for (var s = 0; s < sensorCount; s++)
                {
                    sum += weights[s] * statistics[(s * ComponentStatisticCount) + k];
                }

                destination[offset + k] = (float)sum;
            }

            offset += ComponentStatisticCount;
        }
    }

    /// <summary>Returns the index of the first reading inside the window that ends at <paramref name="end"/>.</summary>
    public int WindowStart(IReadOnlyList<CycleReading> history, int end)
    {
        ArgumentNullException.ThrowIfNull(history);
        var firstCycle = history[end].Cycle - WindowLength + 1;
        var start = end;
        while (start > 0 && history[start - 1].Cycle >= firstCycle)
        {
            start--;
        }

        return start;
    }

    private static string[] BuildFeatureNames(IReadOnlyList<int> sensorNumbers, int componentCount, int shortWindowLength)
    {
        var names = new List<string> { "cycle", "window_count", "window_conditions" };
        foreach (var sensor in sensorNumbers)
        {
            names.AddRange([$"s{sensor}_mean", $"s{sensor}_slope", $"s{sensor}_ewm", $"s{sensor}_std", $"s{sensor}_slope{shortWindowLength}"]);
        }

        for (var c = 1; c <= componentCount; c++)
        {
            names.AddRange([$"hc{c}_mean", $"hc{c}_slope", $"hc{c}_ewm", $"hc{c}_slope{shortWindowLength}"]);
        }

        return [.. names];
    }

    /// <summary>Least-squares slope against the cycle number, for rows that share the same cycles.</summary>
    private readonly ref struct SlopeFit
    {
        private readonly ReadOnlySpan<int> cycles;
        private readonly double meanCycle;
        private readonly double cycleSumSquares;

        public SlopeFit(ReadOnlySpan<int> cycles)
        {
            this.cycles = cycles;
            var sum = 0.0;
            foreach (var cycle in cycles)
            {
                sum += cycle;
            }

            meanCycle = sum / cycles.Length;
            var sumSquares = 0.0;
            foreach (var cycle in cycles)
            {
                sumSquares += (cycle - meanCycle) * (cycle - meanCycle);
            }

            cycleSumSquares = sumSquares;
        }

        /// <summary>Returns the slope of column <paramref name="column"/> over these cycles, or 0 for a single cycle.</summary>
        public double Slope(ReadOnlySpan<double> values, int rowLength, int column, int firstRow)
        {
            if (cycleSumSquares <= 0)
            {
                return 0.0;
            }

            var covariance = 0.0;
            for (var i = 0; i < cycles.Length; i++)
            {
                covariance += (cycles[i] - meanCycle) * values[((firstRow + i) * rowLength) + column];
            }

            return covariance / cycleSumSquares;
        }
    }
}

/// <summary>Settings of the feature window and the health components, stored in the model file.</summary>
public sealed record FeatureSettings
{
    public required int WindowLength { get; init; }

    public required int ShortWindowLength { get; init; }

    /// <summary>Span N of the exponentially weighted mean, whose smoothing factor is 2 / (N + 1).</summary>
    public required int SmoothingSpan { get; init; }

    /// <summary>Weights of each health component over the kept sensors' z-scores, in sensor order. Empty for none.</summary>
    public required IReadOnlyList<double[]> ComponentWeights { get; init; }
}
