namespace Dashboard.Estimation.Turbofan;

/// <summary>Test-set metrics of a RUL model at the last cycle of each test unit.</summary>
/// <param name="Rmse">RMSE in cycles against the uncapped true RUL.</param>
/// <param name="RmseCappedTruth">RMSE in cycles against the true RUL capped at the model cap.</param>
/// <param name="Score">PHM08 score summed over units.</param>
/// <param name="Coverage80">Share of units whose uncapped true RUL lies inside the 80 % interval.</param>
/// <param name="Units">Number of test units.</param>
/// <param name="Unestimated">Units with too few cycles for an estimate. They count as estimate 0 with interval [0, 0].</param>
public sealed record RulEvaluation(double Rmse, double RmseCappedTruth, double Score, double Coverage80, int Units, int Unestimated);

/// <summary>Evaluates a RUL model on a C-MAPSS test file and its RUL truth file.</summary>
public static class RulEvaluator
{
    /// <exception cref="InvalidDataException">The truth file does not have one value per test unit.</exception>
    public static RulEvaluation Evaluate(TurbofanRulModel model, string testPath, string truthPath)
    {
        ArgumentNullException.ThrowIfNull(model);
        var units = CmapssReader.ReadUnits(testPath);
        var truth = CmapssReader.ReadRul(truthPath);
        if (truth.Count != units.Count)
        {
            throw new InvalidDataException($"{truthPath} has {truth.Count} RUL values but {testPath} has {units.Count} units.");
        }

        return Evaluate(model, units, truth);
    }

    /// <summary>Evaluates the all-fold estimate at the last cycle of each unit against the truth, in unit order.</summary>
    public static RulEvaluation Evaluate(TurbofanRulModel model, IReadOnlyList<CmapssUnit> units, IReadOnlyList<int> truth)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(units);
        ArgumentNullException.ThrowIfNull(truth);
        if (truth.Count != units.Count)
        {
            throw new ArgumentException($"Got {truth.Count} RUL values for {units.Count} units.", nameof(truth));
        }

        var predicted = new double[units.Count];
        var lower = new double[units.Count];
        var upper = new double?[units.Count];
        var actual = truth.Select(t => (double)t).ToArray();
        var unestimated = 0;
        for (var i = 0; i < units.Count; i++)
        {
            if (model.Estimate(units[i].Cycles) is { } estimate)
            {
                predicted[i] = estimate.Value;
                lower[i] = estimate.Lower80;
                upper[i] = estimate.Upper80;
            }
            else
            {
                // NOTE: a unit without an estimate is scored as estimate 0 with interval [0, 0], the most pessimistic estimate.
                unestimated++;
                upper[i] = 0;
            }
        }

        var cappedActual = actual.Select(a => Math.Min(a, model.Description.CapCycles)).ToArray();
        return new RulEvaluation(
            RulMetrics.Rmse(predicted, actual),
            RulMetrics.Rmse(predicted, cappedActual),
            RulMetrics.PhmScore(predicted, actual),
            RulMetrics.Coverage(lower, upper, actual),
            units.Count,
            unestimated);
    }
}
