using System.IO.Compression;
using System.Text.Json;
using Microsoft.ML;
using Microsoft.ML.Trainers.LightGbm;

namespace Dashboard.Estimation.Turbofan;

/// <summary>Estimated remaining useful life in cycles, with its 80 % prediction interval.</summary>
/// <param name="Value">Estimate of the RUL capped at the model cap, in cycles.</param>
/// <param name="Lower80">Lower end of the 80 % interval, in cycles.</param>
/// <param name="Upper80">
/// Upper end of the 80 % interval, in cycles, or null when the interval is open above: the estimate is so close to
/// the cap that the model cannot bound the RUL from above.
/// </param>
/// <param name="ModelName">Name and version of the model that made the estimate.</param>
public sealed record RulPrediction(double Value, double Lower80, double? Upper80, string ModelName);

/// <summary>
/// Cross-fitted ensemble of LightGBM regression models that estimates the RUL of a turbofan from its recent cycles.
/// </summary>
/// <remarks>
/// The model file is a zip archive with model.json (<see cref="RulModelDescription"/>) and one ML.NET model per
/// fold, fold-0.zip to fold-(K-1).zip. Loading copies the trees out of the ML.NET models into
/// <see cref="TreeEnsemble"/>, so <see cref="Estimate(IReadOnlyList{CycleReading}, int?)"/> needs no PredictionEngine
/// and is safe to call from many threads at once. With the shipped 130-cycle window it allocates only the result.
/// </remarks>
public sealed class TurbofanRulModel
{
    public const string DescriptionEntryName = "model.json";

    /// <summary>Data set name whose units the demo replays, used by the <c>excludeFd001Unit</c> parameter.</summary>
    public const string Fd001 = "FD001";

    internal static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true };

    private readonly TreeEnsemble[] foldModels;
    private readonly IntervalCalibration interval;

    internal TurbofanRulModel(RulModelDescription description, TreeEnsemble[] foldModels)
    {
        ArgumentNullException.ThrowIfNull(description);
        ArgumentNullException.ThrowIfNull(foldModels);
        if (description.FormatVersion != RulModelDescription.CurrentFormatVersion)
        {
            throw new InvalidDataException(
                $"Model format version {description.FormatVersion} is not supported. This code reads version {RulModelDescription.CurrentFormatVersion}.");
        }

        if (foldModels.Length != description.FoldCount)
        {
            throw new InvalidDataException($"Model description lists {description.FoldCount} folds but {foldModels.Length} fold models were found.");
        }

        Description = description;
        this.foldModels = foldModels;
        interval = new IntervalCalibration(description.Interval);
        Features = new TurbofanFeatures(new OperatingConditions(description.Conditions), description.Features);
        if (Features.FeatureCount != description.FeatureNames.Count)
        {
            throw new InvalidDataException(
                $"Model description lists {description.FeatureNames.Count} features but this code computes {Features.FeatureCount}.");
        }
    }

    public RulModelDescription Description { get; }

    public string ModelName => Description.ModelName;

    /// <summary>Fewest readings inside the feature window that give an estimate.</summary>
    public int MinimumCycles => Description.MinimumCycles;

    public TurbofanFeatures Features { get; }

    public static TurbofanRulModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"RUL model file not found: {path}", path);
        }

        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    /// <exception cref="InvalidDataException">The archive lacks model.json or a fold model, or they do not match.</exception>
    public static TurbofanRulModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var descriptionEntry = archive.GetEntry(DescriptionEntryName)
            ?? throw new InvalidDataException($"RUL model file has no {DescriptionEntryName} entry.");
        RulModelDescription description;
        using (var descriptionStream = descriptionEntry.Open())
        {
            description = JsonSerializer.Deserialize<RulModelDescription>(descriptionStream, JsonOptions)
                ?? throw new InvalidDataException($"{DescriptionEntryName} is empty.");
        }

        var mlContext = new MLContext(seed: 0);
        mlContext.ComponentCatalog.RegisterAssembly(typeof(LightGbmRegressionModelParameters).Assembly);
        var foldModels = new TreeEnsemble[description.FoldCount];
        for (var k = 0; k < foldModels.Length; k++)
        {
            var entry = archive.GetEntry(FoldEntryName(k))
                ?? throw new InvalidDataException($"RUL model file has no {FoldEntryName(k)} entry.");
            using var buffer = new MemoryStream();
            using (var entryStream = entry.Open())
            {
                entryStream.CopyTo(buffer);
            }

            buffer.Position = 0;
            foldModels[k] = TreeEnsemble.FromTransformer(mlContext.Model.Load(buffer, out _));
        }

        return new TurbofanRulModel(description, foldModels);
    }

    internal static string FoldEntryName(int fold) => $"fold-{fold}.zip";

    /// <summary>
    /// Estimates the RUL after the last reading of <paramref name="history"/>, or returns null when the feature window
    /// contains fewer than <see cref="MinimumCycles"/> readings.
    /// </summary>
    /// <param name="history">Readings of one asset sorted by increasing cycle. Only the last window is read.</param>
    /// <param name="excludeFd001Unit">
    /// When set, uses only the fold models whose training data did not contain this FD001 training unit, so that a
    /// replay of that unit gets out-of-sample estimates. A unit number that was not in the training data uses all models.
    /// </param>
    /// <exception cref="ArgumentException">The readings inside the window are not sorted by increasing cycle.</exception>
    public RulPrediction? Estimate(IReadOnlyList<CycleReading> history, int? excludeFd001Unit = null)
    {
        return excludeFd001Unit is { } unit ? Estimate(history, Fd001, unit) : Estimate(history, null, 0);
    }

    /// <summary>Estimates the RUL like the FD001 overload, excluding a training unit of any data set.</summary>
    /// <param name="excludedDataset">Data set name such as "FD003", or null to use all fold models.</param>
    public RulPrediction? Estimate(IReadOnlyList<CycleReading> history, string? excludedDataset, int excludedUnit)
    {
        ArgumentNullException.ThrowIfNull(history);
        if (history.Count == 0)
        {
            return null;
        }

        var windowCount = history.Count - Features.WindowStart(history, history.Count - 1);
        if (windowCount < MinimumCycles)
        {
            return null;
        }

        Span<float> features = stackalloc float[Features.FeatureCount];
        Features.Compute(history, features);
        return EstimateFromFeatures(features, FoldOf(excludedDataset, excludedUnit));
    }

    /// <summary>Returns the fold that contains a training unit, or -1 when the unit was not in the training data.</summary>
    public int FoldOf(string? dataset, int unit)
    {
        if (dataset is null || !Description.UnitFolds.TryGetValue(dataset, out var folds) || unit < 1 || unit > folds.Length)
        {
            return -1;
        }

        return folds[unit - 1];
    }

    /// <summary>Returns the raw output of one fold model, before clamping to [0, cap].</summary>
    internal double PredictFold(ReadOnlySpan<float> features, int fold) => foldModels[fold].Predict(features);

    /// <summary>Estimates from a feature vector. <paramref name="heldOutFold"/> -1 uses all models, k uses only model k.</summary>
    internal RulPrediction EstimateFromFeatures(ReadOnlySpan<float> features, int heldOutFold)
    {
        double value;
        if (heldOutFold >= 0)
        {
            value = foldModels[heldOutFold].Predict(features);
        }
        else
        {
            var sum = 0.0;
            foreach (var model in foldModels)
            {
                sum += model.Predict(features);
            }

            value = sum / foldModels.Length;
        }

        value = Math.Clamp(value, 0.0, Description.CapCycles);
        var (lower, upper) = interval.GetInterval(IntervalCalibration.RegimeOf(features), value);
        return new RulPrediction(value, lower, upper, ModelName);
    }
}
