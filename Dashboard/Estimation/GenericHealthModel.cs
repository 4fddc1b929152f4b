namespace Dashboard.Estimation;

/// <summary>
/// The generic method for assets that no trained model fits. Health is the distance of the recent readings
/// from a baseline learned on the asset's own first readings; RUL extrapolates the health trend to a failure
/// threshold. See docs/estimation.md for the mapping and the bands.
/// </summary>
/// <remarks>
/// Distance: for each condition signal with a non-constant baseline, z = |mean of the recent readings −
/// baseline mean| / baseline standard deviation; d is the root mean square of the five largest z, so a few
/// drifting signals are not diluted by many steady ones. Health falls linearly from 100 at d ≤ 1 to 0 at
/// d ≥ 6. RUL comes from a least-squares line through the latest health scores against cycles (when the
/// readings carry a <c>cycle</c> metric) or hours; its 80 % interval uses the slope's 80 % confidence
/// bounds, widened for the correlation between neighbouring scores. Without a significantly falling trend,
/// or when the failure threshold lies more than twice the fitted span ahead, the RUL is unknown rather than
/// guessed.
/// </remarks>
public sealed class GenericHealthModel(GenericHealthOptions options)
{
    public const string ModelName = "generic-baseline-v1";

    /// <summary>Distance at and below which the asset is fully healthy, in baseline standard deviations.</summary>
    public const double HealthyDistance = 1;

    /// <summary>Distance at which health reaches 0.</summary>
    public const double FailedDistance = 6;

    private const int SignalsCombined = 5;
    private const int MinTrendPoints = 10;
    private const double HorizonFactor = 2;

    /// <summary>
    /// Cap of the residual correlation used to widen the interval. A smooth, clearly falling curve leaves
    /// residuals correlated near 1 from its bend alone; without a cap such a trend would never count.
    /// </summary>
    private const double MaxResidualCorrelation = 0.8;

    private readonly HashSet<string> _excluded = new(options.ExcludeMetrics, StringComparer.Ordinal);

    /// <summary>Returns the health score, or null while the baseline or the recent window is incomplete.</summary>
    public double? Health(AssetHistory history)
    {
        if (!history.HasBaseline || history.Count < options.RecentReadings)
        {
            return null;
        }

        var recent = RecentMeans(history.Recent(options.RecentReadings));
        var distances = new List<double>();
        foreach (var (metric, (mean, deviation)) in history.BaselineStatistics())
        {
            if (_excluded.Contains(metric) || deviation <= 1e-9 || !recent.TryGetValue(metric, out var recentMean))
            {
                continue;
            }

            distances.Add(Math.Abs(recentMean - mean) / deviation);
        }

        if (distances.Count == 0)
        {
            return null;
        }

        var top = distances.OrderByDescending(z => z).Take(SignalsCombined).ToArray();
        var distance = Math.Sqrt(top.Sum(z => z * z) / top.Length);
        return 100 * Math.Clamp(1 - ((distance - HealthyDistance) / (FailedDistance - HealthyDistance)), 0, 1);
    }

    /// <summary>
    /// Fits the health trend and extrapolates it to <see cref="GenericHealthOptions.FailureHealth"/>; returns
    /// null when fewer than ten scores exist or health is not falling significantly.
    /// </summary>
    public RulEstimate? Rul(AssetHistory history, RulUnit unit)
    {
        var points = history.HealthTrend.TakeLast(options.TrendReadings).ToArray();
        if (points.Length < MinTrendPoints)
        {
            return null;
        }

        var n = points.Length;
        var meanX = points.Average(p => p.Position);
        var meanY = points.Average(p => p.Health);
        var sxx = points.Sum(p => (p.Position - meanX) * (p.Position - meanX));
        if (sxx <= 0)
        {
            return null;
        }

        var slope = points.Sum(p => (p.Position - meanX) * (p.Health - meanY)) / sxx;
        var intercept = meanY - (slope * meanX);
        var residuals = points.Select(p => p.Health - (intercept + (slope * p.Position))).ToArray();
        var residual = residuals.Sum(r => r * r);

        // Health scores average overlapping windows, so neighbouring residuals are correlated and n
        // overstates the evidence; the effective sample size n(1 − ρ)/(1 + ρ) widens the interval to match.
        var lag1 = residual > 0 ? residuals.Skip(1).Select((r, i) => r * residuals[i]).Sum() / residual : 0;
        var correlation = Math.Clamp(lag1, 0, MaxResidualCorrelation);
        var effective = Math.Max(3, n * (1 - correlation) / (1 + correlation));
        var slopeError = Math.Sqrt(residual / (n - 2) / sxx) * Math.Sqrt((n - 2) / Math.Max(1, effective - 2));
        var t = StudentT90((int)effective - 2);
        var steepest = slope - (t * slopeError);
        var flattest = slope + (t * slopeError);
        if (slope >= 0 || flattest >= 0)
        {
            return null;
        }

        var last = points[^1].Position;
        var margin = Math.Max(0, intercept + (slope * last) - options.FailureHealth);
        var value = margin / -slope;

        // A straight line says little far beyond the span it was fitted on: past twice that span the RUL
        // is unknown, and an upper bound past it is left open.
        var horizon = HorizonFactor * (last - points[0].Position);
        if (value > horizon)
        {
            return null;
        }

        var upper = margin / -flattest;
        return new RulEstimate(value, unit, margin / -steepest, upper <= horizon ? upper : null);
    }

    /// <summary>Returns the 90th percentile of Student's t distribution (two-sided 80 %) for the degrees of freedom.</summary>
    public static double StudentT90(int degreesOfFreedom) => degreesOfFreedom switch
    {
        <= 1 => 3.078,
        2 => 1.886,
        3 => 1.638,
        4 => 1.533,
        5 => 1.476,
        <= 7 => 1.415,
        <= 10 => 1.372,
        <= 15 => 1.341,
        <= 20 => 1.325,
        <= 30 => 1.310,
        <= 60 => 1.296,
        _ => 1.282,
    };

    /// <summary>Returns the mean of each metric's non-null values over the readings, in one pass.</summary>
    private static Dictionary<string, double> RecentMeans(IReadOnlyList<TelemetryReading> readings)
    {
        var sums = new Dictionary<string, (double Sum, int Count)>(StringComparer.Ordinal);
        foreach (var reading in readings)
        {
            foreach (var (metric, value) in reading.Values)
            {
                if (value is { } number)
                {
                    sums[metric] = sums.TryGetValue(metric, out var total) ? (total.Sum + number, total.Count + 1) : (number, 1);
                }
            }
        }

        return sums.ToDictionary(pair => pair.Key, pair => pair.Value.Sum / pair.Value.Count, StringComparer.Ordinal);
    }
}
