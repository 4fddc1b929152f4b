using System.Collections.Concurrent;

namespace Dashboard.Alerts;

/// <summary>
/// The enabled rules with their compiled patterns, and a cache of which rules apply to each series.
/// Immutable: a rule change builds a new set.
/// </summary>
public sealed class RuleSet
{
    private readonly (AlertRule Rule, WildcardPattern Site, WildcardPattern Asset, WildcardPattern Metric)[] _rules;
    private readonly ConcurrentDictionary<(AssetKey Asset, string Metric), AlertRule[]> _metricRules = new();
    private readonly ConcurrentDictionary<AssetKey, AlertRule[]> _assetRules = new();

    public RuleSet(IEnumerable<AlertRule> rules)
    {
        All = rules.ToArray();
        _rules = All.Where(rule => rule.Enabled)
            .Select(rule => (rule, new WildcardPattern(rule.SitePattern), new WildcardPattern(rule.AssetPattern), new WildcardPattern(rule.MetricPattern)))
            .ToArray();
    }

    public static RuleSet Empty { get; } = new([]);

    public IReadOnlyList<AlertRule> All { get; }

    public AlertRule? Get(long id) => All.FirstOrDefault(rule => rule.Id == id);

    /// <summary>Enabled rules on metric values (high, low, rate of change) that match a series.</summary>
    public AlertRule[] ForMetric(AssetKey asset, string metric) =>
        _metricRules.GetOrAdd((asset, metric), key => _rules
            .Where(r => r.Rule.WatchesMetric && r.Site.IsMatch(key.Asset.Site) && r.Asset.IsMatch(key.Asset.Asset) && r.Metric.IsMatch(key.Metric))
            .Select(r => r.Rule)
            .ToArray());

    /// <summary>Enabled rules on estimates and staleness that match an asset.</summary>
    public AlertRule[] ForAsset(AssetKey asset) =>
        _assetRules.GetOrAdd(asset, key => _rules
            .Where(r => !r.Rule.WatchesMetric && r.Site.IsMatch(key.Site) && r.Asset.IsMatch(key.Asset))
            .Select(r => r.Rule)
            .ToArray());
}
