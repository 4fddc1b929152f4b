using Dashboard.Alerts;
using Dashboard.Telemetry;

namespace Dashboard.Wall;

/// <summary>One key metric on a wall tile: its latest value and its sparkline.</summary>
/// <param name="Stale">
/// Whether the asset still reports other metrics but not this one: its newest reading is more than
/// <see cref="LiveOptions.StaleAfter"/> older than the asset's newest reading. Both are device timestamps, so
/// clock skew between device and server does not matter.
/// </param>
public sealed record WallMetric(string Metric, double? Value, bool Stale, Sparkline Sparkline);

/// <summary>Everything one wall tile shows about an asset, computed once per render of the wall.</summary>
/// <param name="Alert">The most urgent open alert of the asset, or null.</param>
/// <param name="Age">Time since the asset's newest reading arrived, or null before the first one.</param>
/// <param name="Stale">Whether <paramref name="Age"/> exceeds <see cref="LiveOptions.StaleAfter"/> or no reading arrived yet.</param>
public sealed record WallTileModel(
    AssetKey Asset,
    HealthEstimate? Estimate,
    AlertRecord? Alert,
    int OpenAlerts,
    IReadOnlyList<WallMetric> Metrics,
    TimeSpan? Age,
    bool Stale)
{
    /// <summary>
    /// Builds the tile of one asset. The key metrics are those of <paramref name="keyMetrics"/> that the asset
    /// reports, in that order, or its first metrics by name when it reports none of them.
    /// </summary>
    public static WallTileModel Create(
        AssetSnapshot snapshot,
        HealthEstimate? estimate,
        IReadOnlyList<AlertRecord> openAlerts,
        IReadOnlyList<string> keyMetrics,
        int metricsPerTile,
        Func<AssetKey, string, Sparkline> sparkline,
        DateTimeOffset now,
        TimeSpan staleAfter)
    {
        var configured = keyMetrics.Where(snapshot.Latest.ContainsKey).ToList();
        var names = configured.Count > 0 ? configured : snapshot.Latest.Keys.Order(StringComparer.Ordinal).ToList();
        var metrics = names
            .Take(metricsPerTile)
            .Select(metric =>
            {
                var latest = snapshot.Latest[metric];
                var stale = snapshot.LastReadingAt is { } newest && newest - latest.Timestamp > staleAfter;
                return new WallMetric(metric, latest.Value, stale, sparkline(snapshot.Key, metric));
            })
            .ToList();

        TimeSpan? age = snapshot.LastReceivedAt is { } received ? now - received : null;
        var tileStale = age is not { } known || known > staleAfter;
        return new WallTileModel(snapshot.Key, estimate, openAlerts.FirstOrDefault(), openAlerts.Count, metrics, age, tileStale);
    }
}
