namespace Dashboard.Estimation;

/// <summary>
/// One estimation method. The estimator service asks every registered method whether it fits an asset and
/// publishes what each fitting method returns, under the method's model name.
/// </summary>
public interface IAssetEstimator
{
    string Model { get; }

    /// <summary>Returns whether the method fits the asset, from its latest reading.</summary>
    bool Fits(AssetHistory history);

    /// <summary>Estimates health and RUL; null health and RUL mean "unknown", never a guess.</summary>
    HealthEstimate Estimate(AssetHistory history);
}

/// <summary>The generic baseline method as an estimator; it fits every asset.</summary>
public sealed class GenericEstimator(Microsoft.Extensions.Options.IOptions<EstimationOptions> options) : IAssetEstimator
{
    private readonly GenericHealthModel _model = new(options.Value.Generic);
    private readonly int _trendReadings = options.Value.Generic.TrendReadings;

    public string Model => GenericHealthModel.ModelName;

    public bool Fits(AssetHistory history) => true;

    public HealthEstimate Estimate(AssetHistory history)
    {
        var latest = history.Latest;
        var health = _model.Health(history);
        var (position, unit) = AssetHistory.Cycle(latest) is { } cycle
            ? (cycle, RulUnit.Cycles)
            : ((latest.Timestamp - history.Baseline[0].Timestamp).TotalHours, RulUnit.Hours);
        if (health is { } score)
        {
            history.AddHealth(position, score, _trendReadings);
        }

        var rul = health is null ? null : _model.Rul(history, unit);
        if (rul is { Unit: RulUnit.Hours, Value: > 48 } hours)
        {
            rul = new RulEstimate(hours.Value / 24, RulUnit.Days, hours.Lower / 24, hours.Upper / 24);
        }

        return new HealthEstimate(latest.Asset, latest.Timestamp, health, rul, Model);
    }
}
