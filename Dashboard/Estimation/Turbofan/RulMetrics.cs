namespace Dashboard.Estimation.Turbofan;

/// <summary>Error measures of RUL estimates, in cycles.</summary>
public static class RulMetrics
{
    public static double Rmse(IReadOnlyList<double> predicted, IReadOnlyList<double> actual)
    {
        CheckLengths(predicted, actual);
        var sum = 0.0;
        for (var i = 0; i < predicted.Count; i++)
        {
            var d = predicted[i] - actual[i];
            sum += d * d;
        }

        return Math.Sqrt(sum / predicted.Count);
    }

    /// <summary>
    /// Computes the PHM08 challenge score: the sum over units of exp(-d/13) - 1 when d &lt; 0 and exp(d/10) - 1
    /// otherwise, with d = predicted - actual. Late estimates (d &gt; 0) cost more than early ones. Lower is better.
    /// </summary>
    public static double PhmScore(IReadOnlyList<double> predicted, IReadOnlyList<double> actual)
    {
        CheckLengths(predicted, actual);
        var sum = 0.0;
        for (var i = 0; i < predicted.Count; i++)
        {
            var d = predicted[i] - actual[i];
            sum += d < 0 ? Math.Exp(-d / 13.0) - 1 : Math.Exp(d / 10.0) - 1;
        }

        return sum;
    }

    /// <summary>Returns the share of cases whose actual value lies in [lower, upper]. A null upper bound is open.</summary>
    public static double Coverage(IReadOnlyList<double> lower, IReadOnlyList<double?> upper, IReadOnlyList<double> actual)
    {
        CheckLengths(lower, actual);
        if (upper.Count != actual.Count)
        {
            throw new ArgumentException($"Got {upper.Count} upper bounds for {actual.Count} actual values.", nameof(upper));
        }

        var inside = 0;
        for (var i = 0; i < actual.Count; i++)
        {
            if (actual[i] >= lower[i] && (upper[i] is not { } bound || actual[i] <= bound))
            {
                inside++;
            }
        }

        return (double)inside / actual.Count;
    }

    private static void CheckLengths(IReadOnlyList<double> predicted, IReadOnlyList<double> actual)
    {
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(actual);
        if (predicted.Count != actual.Count)
        {
            throw new ArgumentException($"Got {predicted.Count} estimates for {actual.Count} actual values.", nameof(predicted));
        }

        if (predicted.Count == 0)
        {
            throw new ArgumentException("At least one estimate is needed.", nameof(predicted));
        }
    }
}
