namespace Dashboard.Telemetry;

/// <summary>
/// The latest value of one metric and the time of the reading that carried it. A null value is a gap.
/// </summary>
public readonly record struct LatestValue(DateTimeOffset Timestamp, double? Value);

/// <summary>
/// An immutable view of one asset's live state, rebuilt only when the asset changes.
/// </summary>
public sealed record AssetSnapshot(
    AssetKey Key,
    long Version,
    DateTimeOffset? LastReadingAt,
    DateTimeOffset? LastReceivedAt,
    IReadOnlyDictionary<string, LatestValue> Latest,
    IReadOnlyDictionary<string, HealthEstimate> EstimatesByModel)
{
    /// <summary>The newest estimate of any model, or null when no model has published one.</summary>
    public HealthEstimate? NewestEstimate => EstimatesByModel.Values.MaxBy(estimate => estimate.Timestamp);
}

/// <summary>
/// Live state of one asset: latest values, a bounded window per metric and the estimates of each model.
/// </summary>
internal sealed class AssetState(AssetKey key, int windowCapacity)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Series> _series = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HealthEstimate> _estimates = new(StringComparer.Ordinal);
    private DateTimeOffset? _lastReadingAt;
    private DateTimeOffset? _lastReceivedAt;
    private long _version;
    private AssetSnapshot? _snapshot;

    public AssetKey Key => key;

    public void Apply(TelemetryReading reading, DateTimeOffset receivedAt)
    {
        lock (_lock)
        {
            var ticks = reading.Timestamp.UtcTicks;
            foreach (var (metric, value) in reading.Values)
            {
                var series = GetOrAddSeries(metric);
                series.Window.Add(ticks, value);

                // A reading older than the latest one is kept in the window but does not replace the latest value.
                if (series.Latest is not { } latest || reading.Timestamp >= latest.Timestamp)
                {
                    series.Latest = new LatestValue(reading.Timestamp, value);
                }
            }

            if (_lastReadingAt is null || reading.Timestamp > _lastReadingAt)
            {
                _lastReadingAt = reading.Timestamp;
            }

            _lastReceivedAt = receivedAt;
            Changed();
        }
    }

    /// <summary>
    /// Restores latest values loaded from the store after a restart. Values newer than a restored one are
    /// kept, so a restore that runs after the first live messages loses nothing.
    /// </summary>
    public void Restore(IEnumerable<(string Metric, DateTimeOffset Timestamp, double? Value)> latest)
    {
        lock (_lock)
        {
            foreach (var (metric, timestamp, value) in latest)
            {
                var series = GetOrAddSeries(metric);
                if (series.Latest is { } current && current.Timestamp >= timestamp)
                {
                    continue;
                }

                series.Latest = new LatestValue(timestamp, value);
                series.Window.Add(new TrendPoint(timestamp, value));
                if (_lastReadingAt is null || timestamp > _lastReadingAt)
                {
                    _lastReadingAt = timestamp;
                }

                // The receive time was not stored; the reading time stands in for it, so ages stay honest.
                if (_lastReceivedAt is null || timestamp > _lastReceivedAt)
                {
                    _lastReceivedAt = timestamp;
                }
            }

            Changed();
        }
    }

    /// <summary>Stores an estimate unless the same model already published a newer one.</summary>
    public bool Apply(HealthEstimate estimate)
    {
        lock (_lock)
        {
            if (_estimates.TryGetValue(estimate.Model, out var current) && current.Timestamp > estimate.Timestamp)
            {
                return false;
            }

            _estimates[estimate.Model] = estimate;
            Changed();
            return true;
        }
    }

    public AssetSnapshot Snapshot()
    {
        lock (_lock)
        {
            return _snapshot ??= new AssetSnapshot(
                key,
                _version,
                _lastReadingAt,
                _lastReceivedAt,
                LatestValues(),
                new Dictionary<string, HealthEstimate>(_estimates, StringComparer.Ordinal));
        }
    }

    public TrendPoint[] Window(string metric, DateTimeOffset? after)
    {
        lock (_lock)
        {
            return _series.TryGetValue(metric, out var series) ? series.Window.CopyAfter(after) : [];
        }
    }

    private Series GetOrAddSeries(string metric)
    {
        if (!_series.TryGetValue(metric, out var series))
        {
            series = new Series(new MetricWindow(windowCapacity));
            _series.Add(metric, series);
        }

        return series;
    }

    private Dictionary<string, LatestValue> LatestValues()
    {
        var latest = new Dictionary<string, LatestValue>(_series.Count, StringComparer.Ordinal);
        foreach (var (metric, series) in _series)
        {
            if (series.Latest is { } value)
            {
                latest.Add(metric, value);
            }
        }

        return latest;
    }

    private void Changed()
    {
        _version++;
        _snapshot = null;
    }
}

/// <summary>The window and the latest value of one metric, found with one dictionary lookup per value.</summary>
internal sealed class Series(MetricWindow window)
{
    public MetricWindow Window { get; } = window;

    public LatestValue? Latest { get; set; }
}
