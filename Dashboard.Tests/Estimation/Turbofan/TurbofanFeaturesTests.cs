using Dashboard.Estimation.Turbofan;

namespace Dashboard.Tests.Estimation.Turbofan;

public sealed class TurbofanFeaturesTests
{
    private const int Sensor2 = 1;
    private const int Sensor3 = 2;

    // Sea level and one high-altitude condition, with sensors 2 and 3 kept.
    private static readonly OperatingConditions TwoConditions = new(new OperatingConditionsData
    {
        Centroids = [[0.0, 0.0, 100.0], [42.0, 0.84, 100.0]],
        SettingScales = [1.0, 1.0, 1.0],
        SensorNumbers = [2, 3],
        SensorMeans = [[600.0, 10.0], [500.0, 20.0]],
        SensorStds = [[2.0, 1.0], [4.0, 0.5]],
    });

    private static readonly FeatureSettings Settings = new()
    {
        WindowLength = 40,
        ShortWindowLength = 10,
        SmoothingSpan = 5,
        ComponentWeights = [[1.0, 1.0]],
    };

    [Fact]
    public void Compute_RampSlopeEqualsRate()
    {
        var features = new TurbofanFeatures(TwoConditions, Settings);
        // z-score of sensor 2 rises by 0.25 per cycle, and sensor 3 stays at its condition mean.
        var history = Enumerable.Range(1, 60).Select(c => SeaLevel(c, 600.0 + (2.0 * 0.25 * c), 10.0)).ToList();

        var vector = ComputeNamed(features, history);

        Assert.Equal(60f, vector["cycle"]);
        Assert.Equal(40f, vector["window_count"]);
        Assert.Equal(1f, vector["window_conditions"]);
        Assert.Equal(0.25, vector["s2_slope"], 5);
        Assert.Equal(0.25, vector["s2_slope10"], 5);
        Assert.Equal(0.0, vector["s3_slope"], 5);
        Assert.Equal(0.25 * 40.5, vector["s2_mean"], 4);
        Assert.Equal(0.25, vector["hc1_slope"], 5);
    }

    [Fact]
    public void Compute_StdOfRampMatchesFormula()
    {
        var features = new TurbofanFeatures(TwoConditions, Settings);
        var history = Enumerable.Range(1, 40).Select(c => SeaLevel(c, 600.0 + (2.0 * c), 10.0)).ToList();

        var vector = ComputeNamed(features, history);

        // Population standard deviation of 1..n is sqrt((n^2 - 1) / 12).
        Assert.Equal(Math.Sqrt(((40.0 * 40.0) - 1) / 12), vector["s2_std"], 4);
        Assert.Equal(0.0, vector["s3_std"], 6);
    }

    [Fact]
    public void Compute_NormalisesPerCondition()
    {
        var features = new TurbofanFeatures(TwoConditions, Settings);
        var seaLevelOnly = new List<CycleReading>();
        var alternating = new List<CycleReading>();
        for (var cycle = 1; cycle <= 30; cycle++)
        {
            var z2 = 0.1 * cycle;
            var z3 = -0.05 * cycle;
            seaLevelOnly.Add(SeaLevel(cycle, 600.0 + (2.0 * z2), 10.0 + (1.0 * z3)));
            alternating.Add(cycle % 2 == 0
                ? SeaLevel(cycle, 600.0 + (2.0 * z2), 10.0 + (1.0 * z3))
                : HighAltitude(cycle, 500.0 + (4.0 * z2), 20.0 + (0.5 * z3)));
        }

        var expected = ComputeNamed(features, seaLevelOnly);
        var actual = ComputeNamed(features, alternating);

        Assert.Equal(2f, actual["window_conditions"]);
        foreach (var name in expected.Keys.Where(n => n.StartsWith('s') || n.StartsWith("hc", StringComparison.Ordinal)))
        {
            Assert.True(Math.Abs(expected[name] - actual[name]) < 1e-4, $"{name}: expected {expected[name]} but got {actual[name]}");
        }
    }

    [Fact]
    public void Compute_WindowSkipsMissingCycles()
    {
        var features = new TurbofanFeatures(TwoConditions, Settings);
        // Cycles 1 to 100 without 70 to 89: the 40-cycle window ending at 100 contains 61 to 69 and 90 to 100.
        var history = Enumerable.Range(1, 100).Where(c => c is < 70 or > 89).Select(c => SeaLevel(c, 600.0, 10.0)).ToList();

        var vector = ComputeNamed(features, history);

        Assert.Equal(20f, vector["window_count"]);
        Assert.Equal(100f, vector["cycle"]);
    }

    [Fact]
    public void Compute_RejectsUnsortedWindow()
    {
        var features = new TurbofanFeatures(TwoConditions, Settings);
        var history = new List<CycleReading> { SeaLevel(5, 600.0, 10.0), SeaLevel(3, 600.0, 10.0), SeaLevel(6, 600.0, 10.0) };

        Assert.Throws<ArgumentException>(() => features.Compute(history, new float[features.FeatureCount]));
    }

    [Fact]
    public void Classify_PicksNearestCentroid()
    {
        Assert.Equal(0, TwoConditions.Classify([0.0019, -0.0003, 100.0]));
        Assert.Equal(1, TwoConditions.Classify([42.0049, 0.8401, 100.0]));
    }

    private static Dictionary<string, double> ComputeNamed(TurbofanFeatures features, List<CycleReading> history)
    {
        var vector = new float[features.FeatureCount];
        features.Compute(history, vector);
        return features.FeatureNames.Select((name, i) => (name, value: (double)vector[i])).ToDictionary(p => p.name, p => p.value);
    }

    private static CycleReading SeaLevel(int cycle, double sensor2, double sensor3) => Reading(cycle, [0.0, 0.0, 100.0], sensor2, sensor3);

    private static CycleReading HighAltitude(int cycle, double sensor2, double sensor3) => Reading(cycle, [42.0, 0.84, 100.0], sensor2, sensor3);

    private static CycleReading Reading(int cycle, double[] settings, double sensor2, double sensor3)
    {
        var sensors = new double[CycleReading.SensorCount];
        sensors[Sensor2] = sensor2;
        sensors[Sensor3] = sensor3;
        return new CycleReading(cycle, settings, sensors);
    }
}
