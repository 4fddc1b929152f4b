namespace Dashboard.Estimation;

/// <summary>
/// The recent readings of one asset for the estimators: a bounded ring of readings in arrival order, the
/// first readings seen (the baseline of the generic method), and the health scores computed so far.
/// Not thread-safe: the estimator locks it.
/// </summary>
public sealed class AssetHistory(int capacity, int baselineReadings)
{
    private readonly TelemetryReading[] _readings = new TelemetryReading[capacity];
    private readonly List<TelemetryReading> _baseline = new(baselineReadings);
    private readonly Queue<(double Position, double Health)> _health = new();
    private int _start;
    private int _count;
    private Dictionary<string, (double Mean, double Deviation)>? _baselineStatistics;

    public AssetKey? Asset { get; private set; }

    public long Version { get; private set; }

    public int Count => _count;

    public IReadOnlyList<TelemetryReading> Baseline => _baseline;

    public TelemetryReading Latest => _readings[(_start + _count - 1) % _readings.Length];

    public bool HasBaseline => _baseline.Count >= baselineReadings;

    /// <summary>
    /// Adds a reading unless it is not newer than the latest. A reading whose <c>cycle</c> value is lower
    /// than the latest one starts a new life (the asset was replaced or overhauled): history and baseline
    /// start over.
    /// </summary>
    public bool Add(TelemetryReading reading)
    {
        if (_count > 0 && reading.Timestamp <= Latest.Timestamp)
        {
            return false;
        }

        if (_count > 0 && Cycle(reading) is { } cycle && Cycle(Latest) is { } previous && cycle < previous)
        {
            Reset();
        }

        Asset ??= reading.Asset;
        if (_count == _readings.Length)
        {
            _readings[_start] = reading;
            _start = (_start + 1) % _readings.Length;
        }
        else
        {
            _readings[(_start + _count) % _readings.Length] = reading;
            _count++;
        }

        if (_baseline.Count < baselineReadings)
        {
            _baseline.Add(reading);
            _baselineStatistics = null;
        }

        Version++;
        return true;
    }

    /// <summary>
    /// Replaces the baseline with the first <c>baselineReadings</c> of <paramref name="readings"/>, which the
    /// estimator loads from the store for an asset first seen after a restart.
    /// </summary>
    public void SetBaseline(IEnumerable<TelemetryReading> readings)
    {
        _baseline.Clear();
        _baseline.AddRange(readings.Take(baselineReadings));
        _baselineStatistics = null;
    }

    /// <summary>
    /// Returns the mean and sample standard deviation of each metric over the baseline readings, for metrics
    /// with at least two values. Computed once per baseline.
    /// </summary>
    public IReadOnlyDictionary<string, (double Mean, double Deviation)> BaselineStatistics()
    {
        if (_baselineStatistics is not null)
        {
            return _baselineStatistics;
        }

        var values = new Dictionary<string, List<double>>(StringComparer.Ordinal);
        foreach (var reading in _baseline)
        {
            foreach (var (metric, value) in reading.Values)
            {
                if (value is { } number)
                {
                    if (!values.TryGetValue(metric, out var list))
                    {
                        values[metric] = list = [];
                    }

                    list.Add(number);
                }
            }
        }

        _baselineStatistics = new Dictionary<string, (double, double)>(StringComparer.Ordinal);
        foreach (var (metric, list) in values)
        {
            if (list.Count < 2)
            {
                continue;
            }

            var mean = list.Average();
            var variance = list.Sum(v => (v - mean) * (v - mean)) / (list.Count - 1);
            _baselineStatistics[metric] = (mean, Math.Sqrt(variance));
        }

        return _baselineStatistics;
    }

    /// <summary>Returns the latest <paramref name="count"/> readings, oldest first.</summary>
    public TelemetryReading[] Recent(int count)
    {
        count = Math.Min(count, _count);
        var result = new TelemetryReading[count];
        for (var i = 0; i < count; i++)
        {
            result[i] = _readings[(_start + _count - count + i) % _readings.Length];
        }

        return result;
    }

    /// <summary>Records a health score at a position on the asset's time axis (cycles or hours).</summary>
    public void AddHealth(double position, double health, int keep)
    {
        _health.Enqueue((position, health));
        while (_health.Count > keep)
        {
            _health.Dequeue();
        }
    }

    public IReadOnlyCollection<(double Position, double Health)> HealthTrend => _health;

    public static double? Cycle(TelemetryReading reading)
    {
        foreach (var (metric, value) in reading.Values)
        {
            if (metric == WellKnownMetrics.Cycle)
            {
                return value;
            }
        }

        return null;
    }

    private void Reset()
    {
        _start = 0;
        _count = 0;
        _baseline.Clear();
        _baselineStatistics = null;
        _health.Clear();
    }
}
