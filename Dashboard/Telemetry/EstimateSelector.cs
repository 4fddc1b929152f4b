using Microsoft.Extensions.Options;

namespace Dashboard.Telemetry;

/// <summary>
/// One preference rule: for assets matching <see cref="Site"/> and <see cref="Asset"/> (wildcards <c>*</c>
/// and <c>?</c>), use the first model of <see cref="Models"/> that has published an estimate.
/// </summary>
public sealed class ModelPreference
{
    public string Site { get; set; } = "*";

    public string Asset { get; set; } = "*";

    public List<string> Models { get; set; } = [];
}

/// <summary>
/// Settings of the <c>Estimates</c> configuration section: which model's estimate a page shows when several
/// models publish for one asset.
/// </summary>
public sealed class EstimateOptions
{
    public const string SectionName = "Estimates";

    /// <summary>Rules in order; the first rule that matches an asset and names a model with an estimate wins.</summary>
    public List<ModelPreference> Preferred { get; set; } = [];
}

/// <summary>
/// Picks the estimate to show for an asset: the preferred model by configuration, else the newest estimate.
/// </summary>
public sealed class EstimateSelector(IOptions<EstimateOptions> options)
{
    private readonly (WildcardPattern Site, WildcardPattern Asset, IReadOnlyList<string> Models)[] _rules =
        options.Value.Preferred.Select(rule => (new WildcardPattern(rule.Site), new WildcardPattern(rule.Asset), (IReadOnlyList<string>)rule.Models)).ToArray();

    public HealthEstimate? Select(AssetSnapshot snapshot)
    {
        foreach (var (site, asset, models) in _rules)
        {
            if (!site.IsMatch(snapshot.Key.Site) || !asset.IsMatch(snapshot.Key.Asset))
            {
                continue;
            }

            foreach (var model in models)
            {
                if (snapshot.EstimatesByModel.TryGetValue(model, out var estimate))
                {
                    return estimate;
                }
            }
        }

        return snapshot.NewestEstimate;
    }
}
