using System.Diagnostics;
using System.IO.Compression;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace Dashboard.Estimation.Turbofan;

/// <summary>
/// Trains the cross-fitted LightGBM RUL ensemble on C-MAPSS training files and writes one model file.
/// </summary>
/// <remarks>
/// Every cycle from the minimum cycle count to failure of every training unit is a cut point. Its label is the
/// true RUL capped at <see cref="RulTrainingOptions.CapCycles"/>, and its features describe the window that ends
/// there. Units are split into K folds by <see cref="FoldAssignment"/>, and fold model k is trained on the units of
/// the other folds, together with late-start rows of those units (see <see cref="RulTrainingOptions.LateStartRows"/>).
/// The out-of-fold estimates of the full-history cut points give the cross-validation metrics and the interval
/// calibration.
/// </remarks>
public static partial class RulTrainer
{
    /// <summary>Time stamp of every zip entry, so that the same inputs and seed give a byte-identical model file.</summary>
    private static readonly DateTimeOffset FixedEntryTime = new(2008, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Trains with the default options and the given seed.</summary>
    public static RulModelDescription Train(IReadOnlyList<string> trainFiles, string outputPath, int seed, IProgress<string>? progress = null)
    {
        return Train(trainFiles, outputPath, new RulTrainingOptions { Seed = seed }, progress);
    }

    /// <summary>Trains the ensemble, writes the model file to <paramref name="outputPath"/> and returns its description.</summary>
    /// <param name="trainFiles">train_FD00x files, plain or gzip. The data set name (FD001) is taken from each file name.</param>
    public static RulModelDescription Train(
        IReadOnlyList<string> trainFiles,
        string outputPath,
        RulTrainingOptions options,
        IProgress<string>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(trainFiles);
        ArgumentException.ThrowIfNullOrEmpty(outputPath);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (trainFiles.Count == 0)
        {
            throw new ArgumentException("At least one training file is needed.", nameof(trainFiles));
        }

        var stopwatch = Stopwatch.StartNew();
        var units = ReadTrainingUnits(trainFiles, options.FoldCount, progress);
        var conditions = OperatingConditions.Fit([.. units.SelectMany(u => u.Cycles)]);
        progress?.Report(
            $"Fitted {conditions.ConditionCount} operating conditions and kept sensors {string.Join(",", conditions.SensorNumbers)}.");

        var components = HealthComponents.Fit(units, conditions, options.ComponentCount);
        var features = new TurbofanFeatures(conditions, new FeatureSettings
        {
            WindowLength = options.WindowLength,
            ShortWindowLength = options.ShortWindowLength,
            SmoothingSpan = options.SmoothingSpan,
            ComponentWeights = components,
        });
        var rows = CutPointTable.Build(units, features, options);
        var lateStartRows = options.LateStartRows ? CutPointTable.Build(units, features, options, new Random(options.Seed)) : null;
        progress?.Report(
            $"Built {rows.Count} cut points and {lateStartRows?.Count ?? 0} late-start rows with {features.FeatureCount} features each.");

        var foldBytes = new byte[options.FoldCount][];
        var outOfFold = new double[rows.Count];
        for (var k = 0; k < options.FoldCount; k++)
        {
            var (bytes, ensemble, rowCount) = TrainFold(rows, lateStartRows, k, features.FeatureCount, options);
            foldBytes[k] = bytes;
            for (var i = 0; i < rows.Count; i++)
            {
                if (rows.Fold[i] == k)
                {
                    outOfFold[i] = Math.Clamp(ensemble.Predict(rows.FeaturesOf(i)), 0.0, options.CapCycles);
                }
            }

            progress?.Report($"Trained fold {k + 1} of {options.FoldCount} on {rowCount} rows ({ensemble.TreeCount} trees) after {stopwatch.Elapsed.TotalSeconds:F0} s.");
        }

        var calibration = FitCalibration(rows, outOfFold, options);
        var crossValidation = Evaluate(rows, units, outOfFold, calibration, options);
        foreach (var (dataset, metrics) in crossValidation)
        {
            progress?.Report(
                $"{dataset}: RMSE all cycles {metrics.RmseAllCycles:F2}, truncated {metrics.RmseTruncated:F2} (capped truth {metrics.RmseTruncatedCapped:F2}), " +
                $"score per 100 units {metrics.ScorePer100Units:F0}, coverage80 {metrics.Coverage80:F3} " +
                $"(draws up to RUL 125: {metrics.Coverage80MaxRul125:F3}, up to 200: {metrics.Coverage80MaxRul200:F3}).");
        }

        var description = new RulModelDescription
        {
            FormatVersion = RulModelDescription.CurrentFormatVersion,
            ModelName = options.ModelName,
            CapCycles = options.CapCycles,
            MinimumCycles = options.MinimumCycles,
            Features = features.Settings,
            FeatureNames = features.FeatureNames,
            Conditions = conditions.Data,
            FoldCount = options.FoldCount,
            UnitFolds = BuildUnitFolds(units),
            Interval = calibration.Data,
            Options = options,
            Report = new RulTrainingReport
            {
                CutPoints = rows.Count,
                CrossValidation = crossValidation,
            },
        };

        WriteModelFile(outputPath, description, foldBytes);
        progress?.Report($"Wrote {outputPath} ({new FileInfo(outputPath).Length / 1024} KiB) after {stopwatch.Elapsed.TotalSeconds:F0} s.");
        return description;
    }

    /// <summary>Returns the data set name in a C-MAPSS file name, such as FD002 in train_FD002.txt.gz.</summary>
    public static string DatasetNameOf(string path)
    {
        var match = DatasetNamePattern().Match(Path.GetFileName(path));
        return match.Success ? match.Value.ToUpperInvariant() : Path.GetFileName(path);
    }

    [GeneratedRegex("FD[0-9]{3}", RegexOptions.IgnoreCase)]
    private static partial Regex DatasetNamePattern();

    private static List<TrainingUnit> ReadTrainingUnits(IReadOnlyList<string> trainFiles, int foldCount, IProgress<string>? progress)
    {
        var units = new List<TrainingUnit>();
        var datasets = new HashSet<string>();
        foreach (var path in trainFiles)
        {
            var dataset = DatasetNameOf(path);
            if (!datasets.Add(dataset))
            {
                throw new ArgumentException($"Data set {dataset} is given twice: {path}. Pass each training file once.", nameof(trainFiles));
            }

            var fileUnits = CmapssReader.ReadUnits(path);
            units.AddRange(fileUnits.Select(u => new TrainingUnit(dataset, u.UnitNumber, u.Cycles, FoldAssignment.FoldOf(dataset, u.UnitNumber, foldCount))));
            progress?.Report($"Read {fileUnits.Count} units of {dataset} from {path}.");
        }

        return units;
    }

    private static (byte[] Bytes, TreeEnsemble Ensemble, int RowCount) TrainFold(
        CutPointTable rows,
        CutPointTable? lateStartRows,
        int fold,
        int featureCount,
        RulTrainingOptions options)
    {
        var mlContext = new MLContext(seed: options.Seed);
        var schema = SchemaDefinition.Create(typeof(TrainingRow));
        schema[nameof(TrainingRow.Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, featureCount);

        var trainingRows = new List<TrainingRow>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows.Fold[i] != fold && rows.IndexInUnit[i] % options.RowStride == 0)
            {
                trainingRows.Add(new TrainingRow { Label = (float)rows.CappedRul[i], Features = rows.FeaturesOf(i).ToArray() });
            }
        }

        for (var i = 0; lateStartRows is not null && i < lateStartRows.Count; i++)
        {
            if (lateStartRows.Fold[i] != fold && lateStartRows.IndexInUnit[i] % options.RowStride == 0)
            {
                trainingRows.Add(new TrainingRow { Label = (float)lateStartRows.CappedRul[i], Features = lateStartRows.FeaturesOf(i).ToArray() });
            }
        }

        var data = mlContext.Data.LoadFromEnumerable(trainingRows, schema);
        var trainer = mlContext.Regression.Trainers.LightGbm(new LightGbmRegressionTrainer.Options
        {
            NumberOfIterations = options.Iterations,
            LearningRate = options.LearningRate,
            NumberOfLeaves = options.Leaves,
            MinimumExampleCountPerLeaf = options.MinimumExamplesPerLeaf,
            Seed = options.Seed,
            Deterministic = true,
            ForceColumnWise = true,
            NumberOfThreads = options.Threads,
            Silent = true,
            Booster = new GradientBooster.Options
            {
                FeatureFraction = options.FeatureFraction,
                SubsampleFraction = options.SubsampleFraction,
                SubsampleFrequency = options.SubsampleFraction < 1 ? 1 : 0,
                L2Regularization = options.L2Regularization,
            },
        });

        var model = trainer.Fit(data);
        using var buffer = new MemoryStream();
        mlContext.Model.Save(model, data.Schema, buffer);
        return (WithFixedEntryTimes(buffer.ToArray()), TreeEnsemble.FromTransformer(model), trainingRows.Count);
    }

    private static IntervalCalibration FitCalibration(CutPointTable rows, double[] outOfFold, RulTrainingOptions options)
    {
        var estimates = new List<double>();
        var actuals = new List<double>();
        var regimes = new List<int>();
        for (var i = 0; i < rows.Count; i++)
        {
            if (rows.Rul[i] <= options.CalibrationMaxRul)
            {
                estimates.Add(outOfFold[i]);
                actuals.Add(rows.CappedRul[i]);
                regimes.Add(IntervalCalibration.RegimeOf(rows.FeaturesOf(i)));
            }
        }

        return IntervalCalibration.Fit(estimates, actuals, regimes, options.CapCycles);
    }

    /// <summary>
    /// Computes out-of-fold metrics per data set. Truncation points mimic the last cycle of a test unit: for each unit,
    /// 20 cut points are drawn uniformly, with replacement, from those whose true RUL is between 1 and
    /// <see cref="RulTrainingOptions.CalibrationMaxRul"/>. Coverage is also measured with draws up to 125 and 200
    /// cycles, to show how it depends on that assumption.
    /// </summary>
    private static Dictionary<string, RulCrossValidationMetrics> Evaluate(
        CutPointTable rows,
        List<TrainingUnit> units,
        double[] outOfFold,
        IntervalCalibration calibration,
        RulTrainingOptions options)
    {
        var result = new Dictionary<string, RulCrossValidationMetrics>();
        foreach (var dataset in units.Select(u => u.Dataset).Distinct())
        {
            var unitIndexes = Enumerable.Range(0, units.Count).Where(u => units[u].Dataset == dataset).ToArray();
            var allPredicted = new List<double>();
            var allCapped = new List<double>();
            foreach (var unitIndex in unitIndexes)
            {
                var (first, count) = rows.RangeOfUnit(unitIndex);
                for (var i = first; i < first + count; i++)
                {
                    allPredicted.Add(outOfFold[i]);
                    allCapped.Add(rows.CappedRul[i]);
                }
            }

            var sample = TruncationSample.Draw(rows, unitIndexes, outOfFold, calibration, options.CalibrationMaxRul, options.Seed);
            var shortSample = TruncationSample.Draw(rows, unitIndexes, outOfFold, calibration, options.CapCycles, options.Seed);
            var longSample = TruncationSample.Draw(rows, unitIndexes, outOfFold, calibration, 200, options.Seed);
            result[dataset] = new RulCrossValidationMetrics
            {
                Units = unitIndexes.Length,
                RmseAllCycles = Math.Round(RulMetrics.Rmse(allPredicted, allCapped), 3),
                TruncationPoints = sample.Predicted.Count,
                RmseTruncated = Math.Round(RulMetrics.Rmse(sample.Predicted, sample.Actual), 3),
                RmseTruncatedCapped = Math.Round(RulMetrics.Rmse(sample.Predicted, sample.CappedActual), 3),
                ScorePer100Units = Math.Round(RulMetrics.PhmScore(sample.Predicted, sample.Actual) * 100.0 / sample.Predicted.Count, 1),
                Coverage80 = Math.Round(sample.Coverage(), 4),
                Coverage80MaxRul125 = Math.Round(shortSample.Coverage(), 4),
                Coverage80MaxRul200 = Math.Round(longSample.Coverage(), 4),
            };
        }

        return result;
    }

    private static Dictionary<string, int[]> BuildUnitFolds(List<TrainingUnit> units)
    {
        var result = new Dictionary<string, int[]>();
        foreach (var group in units.GroupBy(u => u.Dataset))
        {
            var folds = Enumerable.Repeat(-1, group.Max(u => u.UnitNumber)).ToArray();
            foreach (var unit in group)
            {
                folds[unit.UnitNumber - 1] = unit.Fold;
            }

            result[group.Key] = folds;
        }

        return result;
    }

    /// <summary>Rewrites a zip archive with fixed entry times, because ML.NET stamps its model entries with the current time.</summary>
    private static byte[] WithFixedEntryTimes(byte[] zipBytes)
    {
        using var output = new MemoryStream();
        using (var source = new ZipArchive(new MemoryStream(zipBytes), ZipArchiveMode.Read))
        using (var target = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var entry in source.Entries)
            {
                var copy = target.CreateEntry(entry.FullName, CompressionLevel.Optimal);
                copy.LastWriteTime = FixedEntryTime;
                using var from = entry.Open();
                using var to = copy.Open();
                from.CopyTo(to);
            }
        }

        return output.ToArray();
    }

    private static void WriteModelFile(string outputPath, RulModelDescription description, byte[][] foldBytes)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(outputPath));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        using var file = File.Create(outputPath);
        using var archive = new ZipArchive(file, ZipArchiveMode.Create);
        var descriptionEntry = archive.CreateEntry(TurbofanRulModel.DescriptionEntryName, CompressionLevel.Optimal);
        descriptionEntry.LastWriteTime = FixedEntryTime;
        using (var stream = descriptionEntry.Open())
        {
            JsonSerializer.Serialize(stream, description, TurbofanRulModel.JsonOptions);
        }

        for (var k = 0; k < foldBytes.Length; k++)
        {
            // ML.NET models are zip files already, so a second compression gains little.
            var entry = archive.CreateEntry(TurbofanRulModel.FoldEntryName(k), CompressionLevel.NoCompression);
            entry.LastWriteTime = FixedEntryTime;
            using var stream = entry.Open();
            stream.Write(foldBytes[k]);
        }
    }

    private sealed class TrainingRow
    {
        public float Label { get; set; }

        public float[] Features { get; set; } = [];
    }
}

/// <summary>Out-of-fold estimates and intervals at random truncation points of a group of units.</summary>
internal sealed class TruncationSample
{
    private const int TruncationsPerUnit = 20;

    public List<double> Predicted { get; } = [];

    public List<double> Actual { get; } = [];

    public List<double> CappedActual { get; } = [];

    public List<double> Lower { get; } = [];

    public List<double?> Upper { get; } = [];

    public double Coverage() => RulMetrics.Coverage(Lower, Upper, Actual);

    /// <summary>Draws, for each unit, cut points uniformly with replacement among those with true RUL from 1 to <paramref name="maxRul"/>.</summary>
    public static TruncationSample Draw(
        CutPointTable rows,
        IEnumerable<int> unitIndexes,
        double[] outOfFold,
        IntervalCalibration calibration,
        double maxRul,
        int seed)
    {
        var random = new Random(seed);
        var sample = new TruncationSample();
        var candidates = new List<int>();
        foreach (var unitIndex in unitIndexes)
        {
            var (first, count) = rows.RangeOfUnit(unitIndex);
            candidates.Clear();
            for (var i = first; i < first + count; i++)
            {
                if (rows.Rul[i] >= 1 && rows.Rul[i] <= maxRul)
                {
                    candidates.Add(i);
                }
            }

            for (var draw = 0; draw < TruncationsPerUnit && candidates.Count > 0; draw++)
            {
                var row = candidates[random.Next(candidates.Count)];
                sample.Predicted.Add(outOfFold[row]);
                sample.Actual.Add(rows.Rul[row]);
                sample.CappedActual.Add(rows.CappedRul[row]);
                var (lower, upper) = calibration.GetInterval(IntervalCalibration.RegimeOf(rows.FeaturesOf(row)), outOfFold[row]);
                sample.Lower.Add(lower);
                sample.Upper.Add(upper);
            }
        }

        return sample;
    }
}

/// <summary>Training unit with its data set name and cross-fitting fold.</summary>
internal sealed record TrainingUnit(string Dataset, int UnitNumber, IReadOnlyList<CycleReading> Cycles, int Fold);
