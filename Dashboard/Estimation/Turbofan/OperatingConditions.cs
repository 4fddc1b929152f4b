namespace Dashboard.Estimation.Turbofan;

/// <summary>
/// Operating-condition clusters of the 3 C-MAPSS settings and the per-condition z-score statistics of the sensors
/// that the RUL features use.
/// </summary>
/// <remarks>
/// FD002 and FD004 fly 6 distinct operating conditions, and FD001 and FD003 run only the sea-level one
/// (settings near 0, 0, 100). Sensor levels depend strongly on the condition, so each reading is converted to a
/// z-score with the mean and standard deviation of its own condition, estimated from all training readings.
/// The statistics are global, not per unit, so a history whose first cycles are missing is normalised the same way.
/// </remarks>
public sealed class OperatingConditions
{
    /// <summary>Largest supported number of conditions, set by the 64-bit mask that counts conditions in a window.</summary>
    public const int MaxConditionCount = 64;

    /// <summary>Minimum ratio of the closest centroid distance to the largest within-cluster RMS distance.</summary>
    public const double MinimumSeparation = 10.0;

    private readonly double[][] centroids;
    private readonly double[] settingScales;
    private readonly int[] sensorIndexes;
    private readonly double[][] sensorMeans;
    private readonly double[][] sensorInverseStds;

    public OperatingConditions(OperatingConditionsData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Centroids.Count is 0 or > MaxConditionCount)
        {
            throw new ArgumentException($"Operating conditions need 1 to {MaxConditionCount} centroids but got {data.Centroids.Count}.", nameof(data));
        }

        centroids = [.. data.Centroids.Select(c => CheckLength(c, CycleReading.SettingCount, "centroid"))];
        settingScales = CheckLength(data.SettingScales, CycleReading.SettingCount, "setting scales");
        sensorIndexes = [.. data.SensorNumbers.Select(n => n - 1)];
        if (sensorIndexes.Any(i => i < 0 || i >= CycleReading.SensorCount))
        {
            throw new ArgumentException($"Sensor numbers must be between 1 and {CycleReading.SensorCount}.", nameof(data));
        }

        if (data.SensorMeans.Count != centroids.Length || data.SensorStds.Count != centroids.Length)
        {
            throw new ArgumentException("Sensor statistics must have one row per operating condition.", nameof(data));
        }

        sensorMeans = [.. data.SensorMeans.Select(m => CheckLength(m, sensorIndexes.Length, "sensor means"))];
        sensorInverseStds = [.. data.SensorStds.Select(s => CheckLength(s, sensorIndexes.Length, "sensor standard deviations")
            .Select(v => v > 0 ? 1.0 / v : throw new ArgumentException("Sensor standard deviations must be positive.", nameof(data)))
            .ToArray())];
        Data = data;
    }

    /// <summary>Serializable form, stored in the model file.</summary>
    public OperatingConditionsData Data { get; }

    public int ConditionCount => centroids.Length;

    /// <summary>Number of sensors that survive the constant-sensor filter, which is the length of a normalised reading.</summary>
    public int SensorCount => sensorIndexes.Length;

    /// <summary>Sensor numbers (1 to 21) of the normalised reading, in output order.</summary>
    public IReadOnlyList<int> SensorNumbers => Data.SensorNumbers;

    /// <summary>Returns the index of the nearest condition centroid, in settings scaled by their training standard deviation.</summary>
    /// <remarks>NOTE: settings far from every training condition still get the nearest condition, with no warning.</remarks>
    public int Classify(IReadOnlyList<double> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var best = 0;
        var bestDistance = double.PositiveInfinity;
        for (var c = 0; c < centroids.Length; c++)
        {
            var distance = 0.0;
            for (var k = 0; k < CycleReading.SettingCount; k++)
            {
                var d = (settings[k] - centroids[c][k]) / settingScales[k];
                distance += d * d;
            }

            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = c;
            }
        }

        return best;
    }

    /// <summary>
    /// Writes the z-scores of the kept sensors of one reading, using the statistics of its operating condition, and
    /// returns that condition's index.
    /// </summary>
    public int Normalize(CycleReading reading, Span<double> destination)
    {
        ArgumentNullException.ThrowIfNull(reading);
        if (destination.Length < sensorIndexes.Length)
        {
            throw new ArgumentException($"Destination needs {sensorIndexes.Length} elements but has {destination.Length}.", nameof(destination));
        }

        var condition = Classify(reading.SettingValues);
        var means = sensorMeans[condition];
        var inverseStds = sensorInverseStds[condition];
        var sensors = reading.SensorValues;
        for (var k = 0; k < sensorIndexes.Length; k++)
        {
            destination[k] = (sensors[sensorIndexes[k]] - means[k]) * inverseStds[k];
        }

        return condition;
    }

    /// <summary>
    /// Clusters the settings of the training readings into at most <paramref name="maxConditionCount"/> conditions
    /// with k-means, drops the sensors that are constant within each condition and computes the per-condition sensor
    /// statistics.
    /// </summary>
    /// <remarks>
    /// k-means starts from a farthest-point initialisation that begins at the first reading, so the result depends
    /// only on the readings and their order. The largest cluster count is kept whose closest two centroids are more
    /// than <see cref="MinimumSeparation"/> times the largest within-cluster RMS distance apart. C-MAPSS conditions
    /// are discrete points with tiny noise, so FD002 or FD004 data gives 6 conditions and FD001 alone gives 1. A sensor counts as constant when its within-condition standard
    /// deviation, pooled over all conditions, is smaller than its reading resolution (the smallest step between two
    /// distinct training values), or when it is exactly constant in any condition. On the four C-MAPSS training sets
    /// this drops sensors 1, 5, 10, 16, 18 and 19 and keeps 15 sensors. Sensor 6 stays because fan degradation in
    /// FD003 and FD004 moves it by several resolution steps.
    /// </remarks>
    public static OperatingConditions Fit(IReadOnlyList<CycleReading> readings, int maxConditionCount = 6)
    {
        ArgumentNullException.ThrowIfNull(readings);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConditionCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxConditionCount, MaxConditionCount);
        if (readings.Count < maxConditionCount)
        {
            throw new ArgumentException($"Need at least {maxConditionCount} readings to fit {maxConditionCount} conditions.", nameof(readings));
        }

        var scales = new double[CycleReading.SettingCount];
        for (var k = 0; k < scales.Length; k++)
        {
            var (_, std) = MeanAndStd(readings.Select(r => r.SettingValues[k]));
            scales[k] = std > 0 ? std : 1.0;
        }

        var centroidList = FitSeparatedCentroids(readings, maxConditionCount, scales);
        var conditionCount = centroidList.Count;
        var provisional = new OperatingConditions(new OperatingConditionsData
        {
            Centroids = centroidList,
            SettingScales = scales,
            SensorNumbers = [],
            SensorMeans = [.. centroidList.Select(_ => Array.Empty<double>())],
            SensorStds = [.. centroidList.Select(_ => Array.Empty<double>())],
        });
        var conditionOfReading = readings.Select(r => provisional.Classify(r.SettingValues)).ToArray();

        var allMeans = new double[conditionCount][];
        var allStds = new double[conditionCount][];
        for (var c = 0; c < conditionCount; c++)
        {
            allMeans[c] = new double[CycleReading.SensorCount];
            allStds[c] = new double[CycleReading.SensorCount];
            var members = readings.Where((_, i) => conditionOfReading[i] == c).ToArray();
            for (var s = 0; s < CycleReading.SensorCount; s++)
            {
                (allMeans[c][s], allStds[c][s]) = MeanAndStd(members.Select(r => r.SensorValues[s]));
            }
        }

        var usedSensors = new List<int>();
        for (var s = 0; s < CycleReading.SensorCount; s++)
        {
            var pooledVariance = 0.0;
            for (var c = 0; c < conditionCount; c++)
            {
                var share = conditionOfReading.Count(x => x == c) / (double)readings.Count;
                pooledVariance += share * allStds[c][s] * allStds[c][s];
            }

            var resolution = ReadingResolution(readings, s);
            if (Math.Sqrt(pooledVariance) >= resolution && allStds.All(std => std[s] > 0))
            {
                usedSensors.Add(s);
            }
        }

        return new OperatingConditions(new OperatingConditionsData
        {
            Centroids = centroidList,
            SettingScales = scales,
            SensorNumbers = [.. usedSensors.Select(s => s + 1)],
            SensorMeans = [.. allMeans.Select(m => usedSensors.Select(s => m[s]).ToArray())],
            SensorStds = [.. allStds.Select(m => usedSensors.Select(s => m[s]).ToArray())],
        });
    }

    private static List<double[]> FitSeparatedCentroids(IReadOnlyList<CycleReading> readings, int maxConditionCount, double[] scales)
    {
        for (var count = maxConditionCount; count > 1; count--)
        {
            var centroidList = FitCentroids(readings, count, scales);
            var withinRms = new double[count];
            var members = new int[count];
            foreach (var reading in readings)
            {
                var nearest = Enumerable.Range(0, count).MinBy(c => SquaredDistance(reading.SettingValues, centroidList[c], scales));
                withinRms[nearest] += SquaredDistance(reading.SettingValues, centroidList[nearest], scales);
                members[nearest]++;
            }

            var maxWithin = Enumerable.Range(0, count).Max(c => members[c] > 0 ? Math.Sqrt(withinRms[c] / members[c]) : 0.0);
            var minBetween = double.PositiveInfinity;
            for (var a = 0; a < count; a++)
            {
                for (var b = a + 1; b < count; b++)
                {
                    minBetween = Math.Min(minBetween, Math.Sqrt(SquaredDistance(centroidList[a], centroidList[b], scales)));
                }
            }

            if (minBetween > MinimumSeparation * maxWithin)
            {
                return centroidList;
            }
        }

        return FitCentroids(readings, 1, scales);
    }

    private static double SquaredDistance(double[] a, double[] b, double[] scales)
    {
        var sum = 0.0;
        for (var k = 0; k < a.Length; k++)
        {
            var d = (a[k] - b[k]) / scales[k];
            sum += d * d;
        }

        return sum;
    }

    private static List<double[]> FitCentroids(IReadOnlyList<CycleReading> readings, int conditionCount, double[] scales)
    {
        double Distance(double[] a, double[] b) => SquaredDistance(a, b, scales);

        var centroidList = new List<double[]> { (double[])readings[0].SettingValues.Clone() };
        var nearest = readings.Select(r => Distance(r.SettingValues, centroidList[0])).ToArray();
        while (centroidList.Count < conditionCount)
        {
            var farthest = 0;
            for (var i = 1; i < nearest.Length; i++)
            {
                if (nearest[i] > nearest[farthest])
                {
                    farthest = i;
                }
            }

            var added = (double[])readings[farthest].SettingValues.Clone();
            centroidList.Add(added);
            for (var i = 0; i < nearest.Length; i++)
            {
                nearest[i] = Math.Min(nearest[i], Distance(readings[i].SettingValues, added));
            }
        }

        var assignment = new int[readings.Count];
        for (var iteration = 0; iteration < 100; iteration++)
        {
            var changed = false;
            for (var i = 0; i < readings.Count; i++)
            {
                var best = 0;
                for (var c = 1; c < centroidList.Count; c++)
                {
                    if (Distance(readings[i].SettingValues, centroidList[c]) < Distance(readings[i].SettingValues, centroidList[best]))
                    {
                        best = c;
                    }
                }

                changed |= iteration == 0 || assignment[i] != best;
                assignment[i] = best;
            }

            if (!changed)
            {
                break;
            }

            for (var c = 0; c < centroidList.Count; c++)
            {
                var members = readings.Where((_, i) => assignment[i] == c).ToArray();
                if (members.Length == 0)
                {
                    continue;
                }

                for (var k = 0; k < CycleReading.SettingCount; k++)
                {
                    centroidList[c][k] = members.Average(r => r.SettingValues[k]);
                }
            }
        }

        // Sort by altitude, then Mach number, so condition indexes do not depend on which reading came first.
        return [.. centroidList.OrderBy(c => Math.Round(c[0], 3)).ThenBy(c => Math.Round(c[1], 3))];
    }

    private static double ReadingResolution(IReadOnlyList<CycleReading> readings, int sensor)
    {
        var distinct = readings.Select(r => r.SensorValues[sensor]).Distinct().Order().ToArray();
        var resolution = double.PositiveInfinity;
        for (var i = 1; i < distinct.Length; i++)
        {
            // Parsed decimals differ by tiny binary rounding errors, which are not a real step.
            var step = distinct[i] - distinct[i - 1];
            if (step > 1e-9 * Math.Max(1.0, Math.Abs(distinct[i])))
            {
                resolution = Math.Min(resolution, step);
            }
        }

        return resolution;
    }

    private static (double Mean, double Std) MeanAndStd(IEnumerable<double> values)
    {
        var count = 0;
        var mean = 0.0;
        var sumSquares = 0.0;
        foreach (var value in values)
        {
            count++;
            var delta = value - mean;
            mean += delta / count;
            sumSquares += delta * (value - mean);
        }

        return count == 0 ? (0.0, 0.0) : (mean, Math.Sqrt(sumSquares / count));
    }

    private static double[] CheckLength(IReadOnlyList<double> values, int length, string name)
    {
        if (values.Count != length)
        {
            throw new ArgumentException($"Expected {length} values in {name} but got {values.Count}.");
        }

        return [.. values];
    }
}

/// <summary>Serializable operating-condition centroids and per-condition sensor statistics.</summary>
public sealed class OperatingConditionsData
{
    /// <summary>Centroid of each condition in raw setting units (setting 1, 2, 3).</summary>
    public required IReadOnlyList<double[]> Centroids { get; init; }

    /// <summary>Divisor of each setting in the distance used to pick the nearest centroid.</summary>
    public required double[] SettingScales { get; init; }

    /// <summary>Sensor numbers (1 to 21) that are kept, in feature order.</summary>
    public required int[] SensorNumbers { get; init; }

    /// <summary>Mean of each kept sensor, one row per condition.</summary>
    public required IReadOnlyList<double[]> SensorMeans { get; init; }

    /// <summary>Population standard deviation of each kept sensor, one row per condition.</summary>
    public required IReadOnlyList<double[]> SensorStds { get; init; }
}
