using System.IO.Compression;
using Dashboard.Estimation.Turbofan;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Dashboard.Tests.Estimation.Turbofan;

public sealed class TurbofanRulModelTests
{
    [Fact]
    public void Evaluate_Fd001TestMeetsTargets()
    {
        var result = RulEvaluator.Evaluate(TestData.Model, TestData.FileOf("test_FD001"), TestData.FileOf("RUL_FD001"));

        Assert.Equal(100, result.Units);
        Assert.Equal(0, result.Unestimated);
        Assert.True(result.Rmse <= 13.0, $"RMSE {result.Rmse:F2} is above 13 cycles.");
        Assert.InRange(result.Coverage80, 0.75, 0.85);
    }

    [Fact]
    public void Estimate_NullBelowMinimumCycles()
    {
        var model = TestData.Model;
        var unit = CmapssReader.ReadUnits(TestData.FileOf("test_FD001"))[0];

        Assert.Null(model.Estimate([]));
        Assert.Null(model.Estimate(unit.Cycles.Take(model.MinimumCycles - 1).ToList()));
        Assert.NotNull(model.Estimate(unit.Cycles.Take(model.MinimumCycles).ToList()));
    }

    [Fact]
    public void Estimate_IntervalContainsValue()
    {
        var model = TestData.Model;
        foreach (var unit in CmapssReader.ReadUnits(TestData.FileOf("test_FD001")))
        {
            var estimate = model.Estimate(unit.Cycles)!;

            Assert.InRange(estimate.Value, 0.0, model.Description.CapCycles);
            Assert.True(estimate.Lower80 <= estimate.Value, $"Unit {unit.UnitNumber}: lower {estimate.Lower80} is above value {estimate.Value}.");
            Assert.True(estimate.Upper80 is null || estimate.Upper80 >= estimate.Value, $"Unit {unit.UnitNumber}: upper {estimate.Upper80} is below value {estimate.Value}.");
            Assert.Equal("cmapss-lightgbm-v1", estimate.ModelName);
        }
    }

    [Fact]
    public void Estimate_ExcludedUnitUsesHeldOutFold()
    {
        var model = TestData.Model;
        var units = CmapssReader.ReadUnits(TestData.FileOf("train_FD001"));
        var features = new float[model.Features.FeatureCount];
        foreach (var unit in units.Take(10))
        {
            var history = unit.Cycles.Take(100).ToList();
            model.Features.Compute(history, features);
            var fold = model.FoldOf(TurbofanRulModel.Fd001, unit.UnitNumber);

            var excluded = model.Estimate(history, excludeFd001Unit: unit.UnitNumber)!;
            var pooled = model.Estimate(history)!;

            Assert.Equal(FoldAssignment.FoldOf("FD001", unit.UnitNumber, model.Description.FoldCount), fold);
            Assert.Equal(Math.Clamp(model.PredictFold(features, fold), 0, model.Description.CapCycles), excluded.Value, 9);
            Assert.NotEqual(pooled.Value, excluded.Value);
        }
    }

    [Fact]
    public void Estimate_UnknownUnitUsesAllFolds()
    {
        var model = TestData.Model;
        var history = CmapssReader.ReadUnits(TestData.FileOf("test_FD001"))[3].Cycles;

        var pooled = model.Estimate(history)!;

        Assert.Equal(pooled, model.Estimate(history, excludeFd001Unit: 0));
        Assert.Equal(pooled, model.Estimate(history, excludeFd001Unit: 1000));
        Assert.Equal(pooled, model.Estimate(history, "FD009", 1));
    }

    [Fact]
    public void FoldTable_CoversEveryTrainingUnit()
    {
        var description = TestData.Model.Description;

        Assert.Equal(["FD001", "FD002", "FD003", "FD004"], description.UnitFolds.Keys.Order());
        Assert.Equal(100, description.UnitFolds["FD001"].Length);
        Assert.Equal(260, description.UnitFolds["FD002"].Length);
        Assert.All(description.UnitFolds.Values.SelectMany(f => f), fold => Assert.InRange(fold, 0, description.FoldCount - 1));
        Assert.Equal(description.FoldCount, description.UnitFolds["FD001"].Distinct().Count());
    }

    [Fact]
    public void Estimate_ConcurrentCallsMatchSequential()
    {
        var model = TestData.Model;
        var units = CmapssReader.ReadUnits(TestData.FileOf("test_FD001"));
        var sequential = units.Select(u => model.Estimate(u.Cycles)).ToArray();
        var concurrent = new RulPrediction?[units.Count * 20];

        Parallel.For(0, concurrent.Length, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            concurrent[i] = model.Estimate(units[i % units.Count].Cycles);
        });

        for (var i = 0; i < concurrent.Length; i++)
        {
            Assert.Equal(sequential[i % units.Count], concurrent[i]);
        }
    }

    [Fact]
    public void Estimate_AllocatesOnlyResult()
    {
        var model = TestData.Model;
        var history = CmapssReader.ReadUnits(TestData.FileOf("test_FD001"))[48].Cycles;
        model.Estimate(history);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 100; i++)
        {
            model.Estimate(history);
        }

        var perCall = (GC.GetAllocatedBytesForCurrentThread() - before) / 100.0;

        // One RulPrediction is an object header plus three doubles, a nullable double and a reference.
        Assert.True(perCall <= 80, $"Estimate allocated {perCall} bytes per call.");
    }

    [Fact]
    public void Estimate_RejectsUnsortedHistory()
    {
        var model = TestData.Model;
        var history = CmapssReader.ReadUnits(TestData.FileOf("test_FD001"))[0].Cycles.Reverse().ToList();

        Assert.Throws<ArgumentException>(() => model.Estimate(history));
    }

    [Fact]
    public void ModelFile_RoundTripsAndMatchesMlNet()
    {
        var path = Path.Combine(Path.GetTempPath(), $"rul-model-{Guid.NewGuid():N}.zip");
        try
        {
            var options = new RulTrainingOptions
            {
                Seed = 7,
                FoldCount = 2,
                WindowLength = 30,
                Iterations = 20,
                RowStride = 10,
                Threads = 1,
            };
            var trained = RulTrainer.Train([TestData.FileOf("train_FD001")], path, options);

            var loaded = TurbofanRulModel.Load(path);

            Assert.Equal(trained.ModelName, loaded.ModelName);
            Assert.Equal(trained.FeatureNames, loaded.Description.FeatureNames);
            Assert.Equal(trained.UnitFolds["FD001"], loaded.Description.UnitFolds["FD001"]);
            Assert.Equal(trained.Conditions.SensorMeans[0], loaded.Description.Conditions.SensorMeans[0]);
            Assert.Equal(trained.Interval.Regimes[0].LowerResiduals, loaded.Description.Interval.Regimes[0].LowerResiduals);
            Assert.Equal(options, loaded.Description.Options);
            AssertTreesMatchPredictionEngine(path, loaded);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Train_SameSeedGivesSameFile()
    {
        var first = Path.Combine(Path.GetTempPath(), $"rul-model-{Guid.NewGuid():N}.zip");
        var second = Path.Combine(Path.GetTempPath(), $"rul-model-{Guid.NewGuid():N}.zip");
        try
        {
            var options = new RulTrainingOptions { Seed = 3, FoldCount = 2, WindowLength = 30, Iterations = 10, RowStride = 20, Threads = 2 };
            RulTrainer.Train([TestData.FileOf("train_FD001")], first, options);
            RulTrainer.Train([TestData.FileOf("train_FD001")], second, options);

            Assert.Equal(File.ReadAllBytes(first), File.ReadAllBytes(second));
        }
        finally
        {
            File.Delete(first);
            File.Delete(second);
        }
    }

    private static void AssertTreesMatchPredictionEngine(string path, TurbofanRulModel model)
    {
        var mlContext = new MLContext(seed: 0);
        using var archive = ZipFile.OpenRead(path);
        using var entryStream = archive.GetEntry("fold-0.zip")!.Open();
        using var buffer = new MemoryStream();
        entryStream.CopyTo(buffer);
        buffer.Position = 0;
        var transformer = mlContext.Model.Load(buffer, out _);

        var schema = SchemaDefinition.Create(typeof(FeatureRow));
        schema[nameof(FeatureRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, model.Features.FeatureCount);
        var engine = mlContext.Model.CreatePredictionEngine<FeatureRow, ScoreRow>(transformer, inputSchemaDefinition: schema);

        var checkedRows = 0;
        foreach (var unit in CmapssReader.ReadUnits(TestData.FileOf("test_FD001")).Take(20))
        {
            for (var end = model.MinimumCycles; end <= unit.Cycles.Count; end += 7)
            {
                var features = new float[model.Features.FeatureCount];
                model.Features.Compute(unit.Cycles.Take(end).ToList(), features);

                var expected = engine.Predict(new FeatureRow { Features = features }).Score;

                // ML.NET returns the score as float, so only about 7 significant digits agree.
                Assert.Equal(expected, model.PredictFold(features, 0), tolerance: 1e-3);
                checkedRows++;
            }
        }

        Assert.True(checkedRows > 100, $"Only {checkedRows} rows were compared.");
    }

    private sealed class FeatureRow
    {
        public float[] Features { get; set; } = [];
    }

    private sealed class ScoreRow
    {
        public float Score { get; set; }
    }
}
