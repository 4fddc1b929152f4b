namespace Dashboard.Estimation.Turbofan;

/// <summary>
/// Contents of model.json inside a RUL model file: feature settings, normalisation statistics, fold table,
/// interval calibration and the metrics measured while training.
/// </summary>
public sealed class RulModelDescription
{
    public const int CurrentFormatVersion = 1;

    public required int FormatVersion { get; init; }

    /// <summary>Model name reported with every estimate, for example "cmapss-lightgbm-v1".</summary>
    public required string ModelName { get; init; }

    /// <summary>RUL cap of the training target in cycles. Estimates never exceed it.</summary>
    public required double CapCycles { get; init; }

    /// <summary>Minimum number of readings in the window for an estimate. Shorter histories get no estimate.</summary>
    public required int MinimumCycles { get; init; }

    public required FeatureSettings Features { get; init; }

    public required IReadOnlyList<string> FeatureNames { get; init; }

    public required OperatingConditionsData Conditions { get; init; }

    public required int FoldCount { get; init; }

    /// <summary>
    /// Fold of every training unit per data set. Entry u - 1 of a data set is the fold of unit u, or -1 when that unit
    /// was not in the training data. Fold model k was trained on every unit whose fold is not k.
    /// </summary>
    public required IReadOnlyDictionary<string, int[]> UnitFolds { get; init; }

    public required IntervalCalibrationData Interval { get; init; }

    public required RulTrainingOptions Options { get; init; }

    public required RulTrainingReport Report { get; init; }
}

/// <summary>Settings of one training run. The defaults are the settings of the shipped model.</summary>
public sealed record RulTrainingOptions
{
    public string ModelName { get; init; } = "cmapss-lightgbm-v1";

    public int Seed { get; init; } = 1;

    public int FoldCount { get; init; } = 5;

    public double CapCycles { get; init; } = 125;

    public int MinimumCycles { get; init; } = 5;

    public int WindowLength { get; init; } = 130;

    public int SmoothingSpan { get; init; } = 10;

    public int ShortWindowLength { get; init; } = 30;

    /// <summary>Number of principal components of the sensor z-scores that get their own window statistics.</summary>
    public int ComponentCount { get; init; } = 2;

    /// <summary>Use every n-th cut point of each unit as a training row. 1 uses all of them.</summary>
    public int RowStride { get; init; } = 1;

    /// <summary>
    /// Adds training rows whose history starts inside the window, so that the trees learn assets whose first cycles
    /// are missing. These rows are never used for metrics or interval calibration.
    /// </summary>
    public bool LateStartRows { get; init; } = true;

    /// <summary>Builds a late-start row for every n-th cut point of each unit.</summary>
    public int LateStartStride { get; init; } = 2;

    public int Iterations { get; init; } = 500;

    public double LearningRate { get; init; } = 0.05;

    public int Leaves { get; init; } = 31;

    public int MinimumExamplesPerLeaf { get; init; } = 50;

    public double FeatureFraction { get; init; } = 0.8;

    public double SubsampleFraction { get; init; } = 0.8;

    public double L2Regularization { get; init; } = 1;

    /// <summary>LightGBM threads. Fixed rather than taken from the machine so that results do not depend on the core count.</summary>
    public int Threads { get; init; } = 2;

    /// <summary>Largest true RUL, in cycles, of the out-of-fold points used to calibrate the intervals.</summary>
    public double CalibrationMaxRul { get; init; } = 150;

    /// <exception cref="ArgumentOutOfRangeException">An option is outside its valid range.</exception>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(FoldCount, 2, nameof(FoldCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinimumCycles, 2, nameof(MinimumCycles));
        ArgumentOutOfRangeException.ThrowIfLessThan(WindowLength, MinimumCycles, nameof(WindowLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(ShortWindowLength, 2, nameof(ShortWindowLength));
        ArgumentOutOfRangeException.ThrowIfLessThan(SmoothingSpan, 1, nameof(SmoothingSpan));
        ArgumentOutOfRangeException.ThrowIfNegative(ComponentCount, nameof(ComponentCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(RowStride, 1, nameof(RowStride));
        ArgumentOutOfRangeException.ThrowIfLessThan(LateStartStride, 1, nameof(LateStartStride));
        ArgumentOutOfRangeException.ThrowIfLessThan(Iterations, 1, nameof(Iterations));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(LearningRate, nameof(LearningRate));
        ArgumentOutOfRangeException.ThrowIfLessThan(Leaves, 2, nameof(Leaves));
        ArgumentOutOfRangeException.ThrowIfLessThan(Threads, 1, nameof(Threads));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(CapCycles, nameof(CapCycles));
        ArgumentOutOfRangeException.ThrowIfLessThan(CalibrationMaxRul, CapCycles, nameof(CalibrationMaxRul));
    }
}

/// <summary>Cross-validation results measured during training, from out-of-fold estimates.</summary>
public sealed class RulTrainingReport
{
    /// <summary>Number of cut points of all training units, each of which is in the training data of K - 1 fold models.</summary>
    public required int CutPoints { get; init; }

    /// <summary>Metrics per data set, for example "FD001".</summary>
    public required IReadOnlyDictionary<string, RulCrossValidationMetrics> CrossValidation { get; init; }
}

/// <summary>Out-of-fold metrics of one data set. All values are in cycles except the score and the coverage.</summary>
public sealed class RulCrossValidationMetrics
{
    public required int Units { get; init; }

    /// <summary>RMSE against the capped RUL over every cut point from the minimum cycle count to failure.</summary>
    public required double RmseAllCycles { get; init; }

    /// <summary>Number of random truncation points, each evaluated like the last cycle of a test unit.</summary>
    public required int TruncationPoints { get; init; }

    /// <summary>RMSE against the uncapped true RUL at the truncation points.</summary>
    public required double RmseTruncated { get; init; }

    /// <summary>RMSE against the capped true RUL at the truncation points.</summary>
    public required double RmseTruncatedCapped { get; init; }

    /// <summary>PHM08 score at the truncation points, scaled to 100 units so that data sets compare.</summary>
    public required double ScorePer100Units { get; init; }

    /// <summary>Share of truncation points whose uncapped true RUL lies inside the 80 % interval.</summary>
    public required double Coverage80 { get; init; }

    /// <summary>Coverage at truncation points drawn with true RUL up to 125 cycles.</summary>
    public required double Coverage80MaxRul125 { get; init; }

    /// <summary>Coverage at truncation points drawn with true RUL up to 200 cycles.</summary>
    public required double Coverage80MaxRul200 { get; init; }
}
