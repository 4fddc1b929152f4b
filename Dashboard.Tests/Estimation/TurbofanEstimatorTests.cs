using Dashboard.Estimation;
using Dashboard.Estimation.Turbofan;
using Dashboard.Replay;
using Dashboard.Tests.Estimation.Turbofan;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Dashboard.Tests.Estimation;

public sealed class TurbofanEstimatorTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly TurbofanEstimator _estimator = new(
        Options.Create(new EstimationOptions { Turbofan = { ModelFile = TestData.ModelPath } }),
        NullLogger<TurbofanEstimator>.Instance);

    [Fact]
    public void Model_ShippedFile_Loads()
    {
        Assert.NotNull(_estimator.RulModel);
        Assert.Equal("cmapss-lightgbm-v1", _estimator.Model);
    }

    [Theory]
    [InlineData("demo", "turbofan-017", 17)]
    [InlineData("demo", "turbofan-100", 100)]
    [InlineData("plant", "turbofan-017", null)]
    [InlineData("demo", "pump-017", null)]
    [InlineData("demo", "turbofan-x", null)]
    public void ReplayedUnit_ByAssetId(string site, string asset, int? expected) =>
        Assert.Equal(expected, _estimator.ReplayedUnit(new AssetKey(site, asset)));

    [Fact]
    public void Fits_OnlyAssetsWithAllSensors()
    {
        var unit = TrainingUnit(5);
        var complete = HistoryOf(new AssetKey("demo", "turbofan-005"), unit, unit.Cycles.Count);
        var partial = new AssetHistory(400, 30);
        partial.Add(new TelemetryReading(new AssetKey("north", "pump"), T0, [new MetricValue("T30", 1590)]));

        Assert.True(_estimator.Fits(complete));
        Assert.False(_estimator.Fits(partial));
    }

    [Fact]
    public void Estimate_ReplayedUnit_IsNearTruth()
    {
        // Unit 17 of FD001, 40 cycles before its failure; the estimator uses the fold model that never saw it.
        var unit = TrainingUnit(17);
        var cutoff = unit.Cycles.Count - 40;
        var history = HistoryOf(new AssetKey("demo", "turbofan-017"), unit, cutoff);

        var estimate = _estimator.Estimate(history);

        Assert.Equal("cmapss-lightgbm-v1", estimate.Model);
        Assert.NotNull(estimate.Rul);
        Assert.Equal(RulUnit.Cycles, estimate.Rul.Unit);
        Assert.InRange(estimate.Rul.Value, 15, 65);
        Assert.NotNull(estimate.Rul.Lower);
        Assert.True(estimate.Rul.Lower <= estimate.Rul.Value, "lower bound above the estimate");
        Assert.InRange(estimate.Health!.Value, 0, 100);
        Assert.Equal(100 * Math.Min(estimate.Rul.Value, 125) / 125, estimate.Health.Value, 6);
    }

    [Fact]
    public void Estimate_FewCycles_IsUnknown()
    {
        var unit = TrainingUnit(3);
        var history = HistoryOf(new AssetKey("demo", "turbofan-003"), unit, 3);

        var estimate = _estimator.Estimate(history);

        Assert.Null(estimate.Health);
        Assert.Null(estimate.Rul);
    }

    [Fact]
    public void Estimate_MissingSensorReading_IsSkipped()
    {
        var unit = TrainingUnit(9);
        var asset = new AssetKey("demo", "turbofan-009");
        var reference = _estimator.Estimate(HistoryOf(asset, unit, 61));

        // A reading without sensors is not a cycle, so the same 61 cycles give the same estimate.
        var history = HistoryOf(asset, unit, 60);
        history.Add(new TelemetryReading(asset, T0.AddSeconds(1000), [new MetricValue(WellKnownMetrics.Cycle, 60)]));
        history.Add(ReadingOf(asset, unit.Cycles[60], T0.AddSeconds(1001)));
        var withGap = _estimator.Estimate(history);

        Assert.NotNull(reference.Rul);
        Assert.NotNull(withGap.Rul);
        Assert.Equal(reference.Rul.Value, withGap.Rul.Value, 6);
    }

    private static CmapssUnit TrainingUnit(int number) =>
        CmapssReader.ReadUnits(TestData.FileOf("train_FD001")).Single(unit => unit.UnitNumber == number);

    private static AssetHistory HistoryOf(AssetKey asset, CmapssUnit unit, int cycles)
    {
        var history = new AssetHistory(400, 30);
        for (var i = 0; i < cycles; i++)
        {
            history.Add(ReadingOf(asset, unit.Cycles[i], T0.AddSeconds(i)));
        }

        return history;
    }

    private static TelemetryReading ReadingOf(AssetKey asset, CycleReading cycle, DateTimeOffset timestamp)
    {
        var unit = new CmapssUnit(1, [cycle]);
        return new TelemetryReading(asset, timestamp, ReplayPublisher.Values(unit, 0));
    }
}
