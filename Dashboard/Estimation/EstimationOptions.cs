using Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Estimation;

/// <summary>Settings of the <c>Estimation</c> configuration section: the built-in estimator.</summary>
public sealed class EstimationOptions
{
    public const string SectionName = "Estimation";

    /// <summary>
    /// Whether this process runs the built-in estimator. Turn it off in the web app when separate
    /// <c>estimator</c> processes serve the plant.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Readings kept per asset for the estimators.</summary>
    public int HistoryReadings { get; set; } = 400;

    public GenericHealthOptions Generic { get; set; } = new();

    public TurbofanOptions Turbofan { get; set; } = new();
}

/// <summary>Settings of the generic baseline method; see docs/estimation.md.</summary>
public sealed class GenericHealthOptions
{
    /// <summary>Readings of the asset's early period that define its healthy baseline.</summary>
    public int BaselineReadings { get; set; } = 30;

    /// <summary>Latest readings averaged to compare with the baseline.</summary>
    public int RecentReadings { get; set; } = 10;

    /// <summary>Health scores fitted to extrapolate the trend to the failure threshold.</summary>
    public int TrendReadings { get; set; } = 60;

    /// <summary>Health at which an asset counts as failed for the RUL.</summary>
    public double FailureHealth { get; set; } = 15;

    /// <summary>Metrics that are not condition signals, such as counters and labels.</summary>
    public List<string> ExcludeMetrics { get; set; } = ["cycle", "rul_true", "setting1", "setting2", "setting3"];
}

/// <summary>Settings of the turbofan RUL model.</summary>
public sealed class TurbofanOptions
{
    /// <summary>Model file, relative to the app folder unless absolute.</summary>
    public string ModelFile { get; set; } = Path.Combine("Estimation", "Models", "cmapss-lightgbm-v1.zip");

    /// <summary>
    /// Site of the replayed C-MAPSS FD001 training units. For its assets named <c>turbofan-NNN</c> the model
    /// uses only the ensemble member that did not train on unit NNN, so their live accuracy is out of sample.
    /// </summary>
    public string ReplaySite { get; set; } = "demo";
}

internal sealed class EstimationOptionsValidator : IValidateOptions<EstimationOptions>
{
    public ValidateOptionsResult Validate(string? name, EstimationOptions options)
    {
        var errors = new OptionsErrors(EstimationOptions.SectionName);
        var generic = options.Generic;
        errors.RequireRange("Generic:BaselineReadings", generic.BaselineReadings, 2, 100_000);
        errors.RequireRange("Generic:RecentReadings", generic.RecentReadings, 1, 100_000);
        errors.RequireRange("Generic:TrendReadings", generic.TrendReadings, 3, 100_000);
        errors.RequireRange(nameof(options.HistoryReadings), options.HistoryReadings, generic.BaselineReadings + generic.RecentReadings, 1_000_000);
        if (generic.FailureHealth is < 0 or >= 100)
        {
            errors.Add("Generic:FailureHealth", $"must be from 0 to below 100, but is {generic.FailureHealth}.");
        }

        return errors.ToResult();
    }
}
