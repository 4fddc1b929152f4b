namespace Dashboard.Estimation.Turbofan;

/// <summary>
/// 80 % prediction intervals from out-of-fold residual quantiles, conditional on the operating regime and on the
/// estimated RUL.
/// </summary>
/// <remarks>
/// This is Mondrian (category-conditional) split conformal calibration. The calibration points are out-of-fold
/// estimates of the training units. They are split into two regimes, windows that saw one operating condition and
/// windows that saw several, because the errors of multi-condition units are larger. Within a regime they are
/// grouped into bins of the estimate, and each bin stores quantiles of the residual (capped true RUL - estimate).
/// Between bin centres the values are interpolated linearly.
///
/// The training target is capped, so the model cannot tell RUL values above the cap apart. "Capped RUL in
/// [lower, cap]" is the same event as "RUL &gt;= lower".
/// A bin where more than (1 - upper quantile) of the points have a true RUL at or above the cap therefore gets an
/// interval that is open above. Its lower end is the (1 - coverage) residual quantile of the points below the cap
/// only. The share of points above the cap depends on where the histories were cut, which differs between the
/// training cut points and any test set, so the lower end does not use it. A population with share p of units above
/// the cap then gets coverage p + (1 - p) x coverage in such a bin, at least the nominal level.
/// </remarks>
public sealed class IntervalCalibration
{
    /// <summary>Distance in cycles below the cap at which an upper end counts as reaching the cap.</summary>
    public const double OpenUpperTolerance = 0.5;

    public const int SingleConditionRegime = 0;
    public const int MultiConditionRegime = 1;

    private static readonly string[] RegimeNames = ["single-condition", "multi-condition"];

    private readonly IntervalCalibrationData data;

    public IntervalCalibration(IntervalCalibrationData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Regimes.Count != RegimeNames.Length)
        {
            throw new ArgumentException($"Interval calibration needs {RegimeNames.Length} regimes but has {data.Regimes.Count}.", nameof(data));
        }

        foreach (var regime in data.Regimes)
        {
            var binCount = regime.BinCenters.Length;
            if (binCount == 0
                || regime.LowerResiduals.Length != binCount
                || regime.UpperResiduals.Length != binCount
                || regime.OpenLowerResiduals.Length != binCount
                || regime.CapShares.Length != binCount)
            {
                throw new ArgumentException($"Interval calibration of regime {regime.Name} needs the same non-zero number of values per bin.", nameof(data));
            }

            for (var i = 1; i < binCount; i++)
            {
                if (regime.BinCenters[i] <= regime.BinCenters[i - 1])
                {
                    throw new ArgumentException($"Interval calibration bin centres of regime {regime.Name} must increase.", nameof(data));
                }
            }
        }

        this.data = data;
    }

    public IntervalCalibrationData Data => data;

    /// <summary>Returns the calibration regime of a feature vector from its count of operating conditions in the window.</summary>
    public static int RegimeOf(ReadOnlySpan<float> features)
    {
        return features[TurbofanFeatures.ConditionCountFeature] <= 1 ? SingleConditionRegime : MultiConditionRegime;
    }

    /// <summary>Returns the interval for an estimate. A null upper end means the interval is open above.</summary>
    public (double Lower, double? Upper) GetInterval(int regime, double estimate)
    {
        var bins = data.Regimes[regime];
        var capShare = Interpolate(bins.BinCenters, bins.CapShares, estimate);
        if (capShare > 1 - data.UpperQuantile)
        {
            var openLower = estimate + Interpolate(bins.BinCenters, bins.OpenLowerResiduals, estimate);
            return (Math.Max(0.0, openLower), null);
        }

        var lower = Math.Max(0.0, estimate + Interpolate(bins.BinCenters, bins.LowerResiduals, estimate));
        var upper = estimate + Interpolate(bins.BinCenters, bins.UpperResiduals, estimate);
        if (upper >= data.Cap - OpenUpperTolerance)
        {
            return (lower, null);
        }

        return (lower, Math.Max(upper, lower));
    }

    /// <summary>
    /// Fits the residual quantiles per regime in bins of the estimate. Bins are <paramref name="binWidth"/> cycles wide
    /// from 0 to the cap, and a bin with fewer than <paramref name="minimumBinCount"/> points is merged into its
    /// neighbour. A regime without points copies the bins of all points together.
    /// </summary>
    public static IntervalCalibration Fit(
        IReadOnlyList<double> estimates,
        IReadOnlyList<double> cappedActuals,
        IReadOnlyList<int> regimes,
        double cap,
        double binWidth = 10,
        int minimumBinCount = 200,
        double lowerQuantile = 0.1,
        double upperQuantile = 0.9)
    {
        ArgumentNullException.ThrowIfNull(estimates);
        ArgumentNullException.ThrowIfNull(cappedActuals);
        ArgumentNullException.ThrowIfNull(regimes);
        if (estimates.Count != cappedActuals.Count || estimates.Count != regimes.Count || estimates.Count == 0)
        {
            throw new ArgumentException("Need the same non-zero number of estimates, actual values and regimes.", nameof(estimates));
        }

        var all = Enumerable.Range(0, estimates.Count).ToArray();
        var regimeBins = new List<IntervalRegimeData>();
        for (var regime = 0; regime < RegimeNames.Length; regime++)
        {
            var members = all.Where(i => regimes[i] == regime).ToArray();
            var source = members.Length > 0 ? members : all;
            regimeBins.Add(FitRegime(RegimeNames[regime], source, estimates, cappedActuals, cap, binWidth, minimumBinCount, lowerQuantile, upperQuantile));
        }

        return new IntervalCalibration(new IntervalCalibrationData
        {
            Cap = cap,
            LowerQuantile = lowerQuantile,
            UpperQuantile = upperQuantile,
            Regimes = regimeBins,
        });
    }

    private static IntervalRegimeData FitRegime(
        string name,
        int[] members,
        IReadOnlyList<double> estimates,
        IReadOnlyList<double> cappedActuals,
        double cap,
        double binWidth,
        int minimumBinCount,
        double lowerQuantile,
        double upperQuantile)
    {
        var binCount = (int)Math.Ceiling(cap / binWidth);
        var bins = new List<List<int>>();
        for (var b = 0; b < binCount; b++)
        {
            bins.Add([]);
        }

        foreach (var i in members)
        {
            var b = Math.Clamp((int)(estimates[i] / binWidth), 0, binCount - 1);
            bins[b].Add(i);
        }

        var merged = MergeSmallBins(bins, minimumBinCount);
        var openLowerQuantile = 1 - (upperQuantile - lowerQuantile);
        var centers = new List<double>();
        var lowers = new List<double>();
        var uppers = new List<double>();
        var openLowers = new List<double>();
        var capShares = new List<double>();
        var counts = new List<int>();
        foreach (var bin in merged)
        {
            var residuals = bin.Select(i => cappedActuals[i] - estimates[i]).Order().ToArray();
            centers.Add(bin.Average(i => estimates[i]));
            lowers.Add(Quantile(residuals, lowerQuantile));
            uppers.Add(Quantile(residuals, upperQuantile));
            var belowCap = bin.Where(i => cappedActuals[i] < cap).Select(i => cappedActuals[i] - estimates[i]).Order().ToArray();
            openLowers.Add(Quantile(belowCap.Length > 0 ? belowCap : residuals, openLowerQuantile));
            capShares.Add(bin.Count(i => cappedActuals[i] >= cap) / (double)bin.Count);
            counts.Add(bin.Count);
        }

        return new IntervalRegimeData
        {
            Name = name,
            BinCenters = [.. centers],
            LowerResiduals = [.. lowers],
            UpperResiduals = [.. uppers],
            OpenLowerResiduals = [.. openLowers],
            CapShares = [.. capShares],
            BinCounts = [.. counts],
        };
    }

    private static List<List<int>> MergeSmallBins(List<List<int>> bins, int minimumBinCount)
    {
        var merged = new List<List<int>>();
        foreach (var bin in bins)
        {
            if (merged.Count > 0 && merged[^1].Count < minimumBinCount)
            {
                merged[^1].AddRange(bin);
            }
            else if (bin.Count > 0)
            {
                merged.Add([.. bin]);
            }
        }

        if (merged.Count > 1 && merged[^1].Count < minimumBinCount)
        {
            merged[^2].AddRange(merged[^1]);
            merged.RemoveAt(merged.Count - 1);
        }

        return merged;
    }

    /// <summary>Returns the empirical quantile with linear interpolation between order statistics (type 7).</summary>
    internal static double Quantile(double[] sorted, double probability)
    {
        var position = probability * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        return sorted[below] + ((position - below) * (sorted[above] - sorted[below]));
    }

    private static double Interpolate(double[] centers, double[] values, double estimate)
    {
        if (estimate <= centers[0])
        {
            return values[0];
        }

        if (estimate >= centers[^1])
        {
            return values[^1];
        }

        var upperIndex = 1;
        while (centers[upperIndex] < estimate)
        {
            upperIndex++;
        }

        var fraction = (estimate - centers[upperIndex - 1]) / (centers[upperIndex] - centers[upperIndex - 1]);
        return values[upperIndex - 1] + (fraction * (values[upperIndex] - values[upperIndex - 1]));
    }
}

/// <summary>Serializable interval calibration: quantile levels and the bins of each regime.</summary>
public sealed class IntervalCalibrationData
{
    /// <summary>RUL cap of the model in cycles. An upper end at the cap is reported as open.</summary>
    public required double Cap { get; init; }

    public required double LowerQuantile { get; init; }

    public required double UpperQuantile { get; init; }

    /// <summary>Bins of the single-condition regime, then of the multi-condition regime.</summary>
    public required IReadOnlyList<IntervalRegimeData> Regimes { get; init; }
}

/// <summary>Residual quantiles per bin of the estimated RUL for one regime. Residual means capped actual - estimate, in cycles.</summary>
public sealed class IntervalRegimeData
{
    public required string Name { get; init; }

    /// <summary>Mean out-of-fold estimate of each bin, in cycles, increasing.</summary>
    public required double[] BinCenters { get; init; }

    /// <summary>Residual at the lower quantile (10 %) of each bin.</summary>
    public required double[] LowerResiduals { get; init; }

    /// <summary>Residual at the upper quantile (90 %) of each bin.</summary>
    public required double[] UpperResiduals { get; init; }

    /// <summary>
    /// Residual at the 20 % quantile of the points below the cap in each bin, the lower end of an interval that is
    /// open above.
    /// </summary>
    public required double[] OpenLowerResiduals { get; init; }

    /// <summary>Share of the calibration points of each bin whose true RUL is at or above the cap.</summary>
    public required double[] CapShares { get; init; }

    /// <summary>Number of calibration points in each bin.</summary>
    public required int[] BinCounts { get; init; }
}
