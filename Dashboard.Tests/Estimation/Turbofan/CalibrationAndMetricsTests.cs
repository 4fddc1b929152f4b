using Dashboard.Estimation.Turbofan;

namespace Dashboard.Tests.Estimation.Turbofan;

public sealed class CalibrationAndMetricsTests
{
    private const double Cap = 125;

    [Fact]
    public void PhmScore_PenalisesLateMore()
    {
        Assert.Equal(Math.E - 1, RulMetrics.PhmScore([87.0], [100.0]), 12);
        Assert.Equal(Math.E - 1, RulMetrics.PhmScore([110.0], [100.0]), 12);
        Assert.Equal(0.0, RulMetrics.PhmScore([50.0], [50.0]), 12);
        Assert.True(RulMetrics.PhmScore([120.0], [100.0]) > RulMetrics.PhmScore([80.0], [100.0]));
    }

    [Fact]
    public void Coverage_CountsOpenUpperBound()
    {
        var coverage = RulMetrics.Coverage([10.0, 10.0, 10.0, 10.0], [20.0, null, 20.0, null], [15.0, 300.0, 25.0, 5.0]);

        Assert.Equal(0.5, coverage);
    }

    [Fact]
    public void Calibration_ClosedBinsCoverEightyPercent()
    {
        // Residuals uniform on [-10, 10] in every bin, and no RUL at the cap.
        var estimates = new List<double>();
        var actuals = new List<double>();
        for (var i = 0; i < 20_000; i++)
        {
            var estimate = 20 + (i % 60);
            estimates.Add(estimate);
            actuals.Add(estimate + (((i * 7919) % 2001) / 100.0) - 10);
        }

        var calibration = IntervalCalibration.Fit(estimates, actuals, Regimes(estimates.Count, 0), Cap);
        var inside = 0;
        for (var i = 0; i < estimates.Count; i++)
        {
            var (lower, upper) = calibration.GetInterval(IntervalCalibration.SingleConditionRegime, estimates[i]);
            Assert.NotNull(upper);
            inside += actuals[i] >= lower && actuals[i] <= upper ? 1 : 0;
        }

        Assert.InRange(inside / (double)estimates.Count, 0.78, 0.82);
        Assert.Equal(40 - 8, calibration.GetInterval(IntervalCalibration.SingleConditionRegime, 40).Lower, 0.2);
    }

    [Fact]
    public void Calibration_OpenAboveNearCap()
    {
        // Estimates of 120: half of the units are at or above the cap, the others spread evenly from 90 to 124.
        var estimates = Enumerable.Repeat(120.0, 1000).ToList();
        var actuals = Enumerable.Range(0, 1000).Select(i => i < 500 ? Cap : 90 + (34.0 * (i - 500) / 499)).ToList();

        var calibration = IntervalCalibration.Fit(estimates, actuals, Regimes(estimates.Count, 1), Cap);
        var (lower, upper) = calibration.GetInterval(IntervalCalibration.MultiConditionRegime, 120);

        Assert.Null(upper);
        // The lower end is the 20 % quantile of the 500 points below the cap, 90 + 0.2 x 34 = 96.8.
        Assert.Equal(96.8, lower, 1);
    }

    [Fact]
    public void Calibration_EmptyRegimeCopiesAllPoints()
    {
        var estimates = Enumerable.Range(0, 1000).Select(i => (double)(i % 100)).ToList();
        var actuals = estimates.Select((e, i) => e + ((i % 11) - 5)).ToList();

        var calibration = IntervalCalibration.Fit(estimates, actuals, Regimes(estimates.Count, 0), Cap);

        Assert.Equal(
            calibration.GetInterval(IntervalCalibration.SingleConditionRegime, 50),
            calibration.GetInterval(IntervalCalibration.MultiConditionRegime, 50));
    }

    [Fact]
    public void FoldAssignment_StableAndBalanced()
    {
        var folds = Enumerable.Range(1, 100).Select(u => FoldAssignment.FoldOf("FD001", u, 5)).ToArray();

        Assert.Equal(folds, Enumerable.Range(1, 100).Select(u => FoldAssignment.FoldOf("fd001", u, 5)));
        Assert.Equal(folds, TestData.Model.Description.UnitFolds["FD001"]);
        Assert.All(Enumerable.Range(0, 5), k => Assert.InRange(folds.Count(f => f == k), 10, 30));
        Assert.NotEqual(folds, Enumerable.Range(1, 100).Select(u => FoldAssignment.FoldOf("FD003", u, 5)));
    }

    [Fact]
    public void JacobiEigen_DecomposesSymmetricMatrix()
    {
        double[,] matrix = { { 4, 1, 2 }, { 1, 3, 0 }, { 2, 0, 5 } };

        var (values, vectors) = HealthComponents.JacobiEigen(matrix);

        for (var column = 0; column < 3; column++)
        {
            for (var row = 0; row < 3; row++)
            {
                var product = 0.0;
                for (var k = 0; k < 3; k++)
                {
                    product += matrix[row, k] * vectors[k, column];
                }

                Assert.Equal(values[column] * vectors[row, column], product, 9);
            }
        }

        Assert.Equal(12.0, values.Sum(), 9);
    }

    [Fact]
    public void OperatingConditions_FindsSixConditions()
    {
        var fd001 = CmapssReader.ReadUnits(TestData.FileOf("train_FD001")).SelectMany(u => u.Cycles).ToList();
        var fd002 = CmapssReader.ReadUnits(TestData.FileOf("train_FD002")).SelectMany(u => u.Cycles).ToList();

        var both = OperatingConditions.Fit([.. fd001, .. fd002]);
        var alone = OperatingConditions.Fit(fd001);

        Assert.Equal(6, both.ConditionCount);
        Assert.Single(fd001.Select(r => both.Classify(r.Settings)).Distinct());
        Assert.Equal(both.Classify([0.0, 0.0, 100.0]), both.Classify(fd001[0].Settings));
        Assert.Equal(1, alone.ConditionCount);
        Assert.DoesNotContain(1, both.SensorNumbers);
        Assert.DoesNotContain(5, both.SensorNumbers);
        Assert.DoesNotContain(18, both.SensorNumbers);
        Assert.DoesNotContain(19, both.SensorNumbers);
        Assert.Contains(2, both.SensorNumbers);
        Assert.Contains(17, both.SensorNumbers);
    }

    private static List<int> Regimes(int count, int regime) => Enumerable.Repeat(regime, count).ToList();
}
