using System.Text.RegularExpressions;
using Dashboard.Estimation.Turbofan;
using Dashboard.Hosting;
using Microsoft.Extensions.Options;

namespace Dashboard.Estimation;

/// <summary>
/// The trained C-MAPSS turbofan RUL model as an estimator. It fits assets whose readings carry the three
/// operational settings and 21 sensors under the names the replay uses (<see cref="CmapssReader.SensorNames"/>).
/// </summary>
/// <remarks>
/// Health is the estimated RUL as a share of the model's cap of 125 cycles: 100 at 125 cycles or more, 0 at
/// failure. For the replayed FD001 training units (site <see cref="TurbofanOptions.ReplaySite"/>, assets
/// <c>turbofan-NNN</c>) the model uses only the ensemble member that never trained on unit NNN, so their
/// estimates, and the live accuracy computed from them, are out of sample.
/// </remarks>
public sealed partial class TurbofanEstimator : IAssetEstimator
{
    private static readonly string[] RequiredMetrics = [.. CmapssReader.SettingNames, .. CmapssReader.SensorNames];

    private readonly TurbofanRulModel? _model;
    private readonly string _replaySite;
    private readonly double[] _settings = new double[CycleReading.SettingCount];
    private readonly double[] _sensors = new double[CycleReading.SensorCount];

    public TurbofanEstimator(IOptions<EstimationOptions> options, ILogger<TurbofanEstimator> logger)
    {
        var path = options.Value.Turbofan.ModelFile;
        path = Path.IsPathRooted(path) ? path : Path.Combine(AppContext.BaseDirectory, path);
        _replaySite = options.Value.Turbofan.ReplaySite;
        try
        {
            _model = TurbofanRulModel.Load(path);
            LogMessages.RulModelLoaded(logger, _model.ModelName, path);
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException or System.Text.Json.JsonException)
        {
            LogMessages.RulModelMissing(logger, e, path);
        }
    }

    public string Model => _model?.ModelName ?? "cmapss-unavailable";

    /// <summary>The loaded model, or null when the model file could not be read.</summary>
    public TurbofanRulModel? RulModel => _model;

    public bool Fits(AssetHistory history)
    {
        if (_model is null)
        {
            return false;
        }

        var latest = history.Latest;
        return RequiredMetrics.All(metric => latest.Values.Any(value => value.Metric == metric && value.Value is not null));
    }

    public HealthEstimate Estimate(AssetHistory history)
    {
        var latest = history.Latest;
        var cycles = Cycles(history.Recent(_model!.Features.WindowLength));
        var excluded = ReplayedUnit(latest.Asset);
        var prediction = _model.Estimate(cycles, excluded);
        if (prediction is null)
        {
            return new HealthEstimate(latest.Asset, latest.Timestamp, null, null, Model);
        }

        var cap = _model.Description.CapCycles;
        var health = 100 * Math.Clamp(prediction.Value / cap, 0, 1);
        var rul = new RulEstimate(prediction.Value, RulUnit.Cycles, prediction.Lower80, prediction.Upper80);
        return new HealthEstimate(latest.Asset, latest.Timestamp, health, rul, Model);
    }

    /// <summary>Returns the FD001 unit number of a replayed asset, or null for any other asset.</summary>
    public int? ReplayedUnit(AssetKey asset)
    {
        if (asset.Site != _replaySite)
        {
            return null;
        }

        var match = ReplayAssetId().Match(asset.Asset);
        return match.Success ? int.Parse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>
    /// Converts readings into model cycles, skipping readings that lack a setting or sensor. The cycle number
    /// comes from the <c>cycle</c> metric when present, else from the reading's position.
    /// </summary>
    private List<CycleReading> Cycles(IReadOnlyList<TelemetryReading> readings)
    {
        var cycles = new List<CycleReading>(readings.Count);
        for (var i = 0; i < readings.Count; i++)
        {
            if (!Fill(readings[i]))
            {
                continue;
            }

            var cycle = AssetHistory.Cycle(readings[i]) is { } number ? (int)number : i + 1;
            cycles.Add(new CycleReading(cycle, _settings, _sensors));
        }

        return cycles;
    }

    private bool Fill(TelemetryReading reading)
    {
        var found = 0;
        foreach (var (metric, value) in reading.Values)
        {
            if (value is not { } number)
            {
                continue;
            }

            var setting = IndexOf(CmapssReader.SettingNames, metric);
            if (setting >= 0)
            {
                _settings[setting] = number;
                found++;
                continue;
            }

            var sensor = IndexOf(CmapssReader.SensorNames, metric);
            if (sensor >= 0)
            {
                _sensors[sensor] = number;
                found++;
            }
        }

        return found == RequiredMetrics.Length;
    }

    private static int IndexOf(IReadOnlyList<string> names, string metric)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == metric)
            {
                return i;
            }
        }

        return -1;
    }

    [GeneratedRegex(@"^turbofan-0*(\d+)$", RegexOptions.CultureInvariant)]
    private static partial Regex ReplayAssetId();
}
