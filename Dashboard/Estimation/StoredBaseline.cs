using Dashboard.Storage;

namespace Dashboard.Estimation;

/// <summary>
/// Reads the first readings of an asset's current life from the store, so that the generic method's baseline
/// after a restart is the asset's early healthy period again rather than its current, possibly degraded state.
/// </summary>
public static class StoredBaseline
{
    /// <summary>
    /// Returns up to <paramref name="count"/> stored readings, oldest first, of the life that
    /// <paramref name="firstSeen"/> belongs to, all older than it. The life starts where the asset's
    /// <c>cycle</c> counter last decreased; an asset without one has a single life. Returns none when the
    /// readings found have a higher counter than <paramref name="firstSeen"/>, which then starts a new life.
    /// </summary>
    /// <remarks>
    /// Only metrics of <paramref name="firstSeen"/> are read, one indexed range query each. Raw readings older
    /// than the store's retention are gone, so for a longer life the baseline starts at the retention limit.
    /// </remarks>
    public static async Task<IReadOnlyList<TelemetryReading>> LoadAsync(
        IReadingStore store, TelemetryReading firstSeen, int count, CancellationToken cancellationToken)
    {
        var asset = firstSeen.Asset;
        var lifeStart = DateTimeOffset.UnixEpoch;
        var cycle = AssetHistory.Cycle(firstSeen);
        if (cycle is not null)
        {
            lifeStart = await store.FindLastDecreaseAsync(asset, WellKnownMetrics.Cycle, firstSeen.Timestamp, cancellationToken) ?? lifeStart;
        }

        var values = new SortedDictionary<DateTimeOffset, List<MetricValue>>();
        foreach (var (metric, _) in firstSeen.Values)
        {
            var samples = await store.ReadRawAsync(asset, metric, lifeStart, firstSeen.Timestamp, count, cancellationToken);
            foreach (var sample in samples)
            {
                if (!values.TryGetValue(sample.Timestamp, out var list))
                {
                    values[sample.Timestamp] = list = [];
                }

                list.Add(new MetricValue(metric, sample.Value));
            }
        }

        var readings = values.Take(count).Select(pair => new TelemetryReading(asset, pair.Key, pair.Value)).ToList();

        // Within a life the counter only grows, so a stored counter above the current one means the asset was
        // replaced or overhauled while the estimator was down, and the stored readings belong to the old life.
        if (cycle is { } current && readings.Select(AssetHistory.Cycle).Max() is { } stored && current < stored)
        {
            return [];
        }

        return readings;
    }
}
