using System.Collections.Concurrent;
using Dashboard.Storage;
using Dashboard.Telemetry;
using Microsoft.Extensions.Options;

namespace Dashboard.Wall;

/// <summary>
/// Sparklines of the wall, shared by every open display: the sparkline of one asset and metric is computed
/// again only after <see cref="WallOptions.SparklineRefreshInterval"/> or when new history arrives, however many
/// displays show it.
/// </summary>
/// <remarks>
/// A sparkline joins the live window of <see cref="LiveState"/> with stored history for the part of
/// <see cref="WallOptions.SparklineWindow"/> that the live window no longer (or, after a restart, not yet)
/// holds. History is loaded in the background; until it arrives the sparkline shows live points only. When
/// storage is disabled there is no history, and sparklines show the live window alone.
/// </remarks>
public sealed class SparklineService
{
    /// <summary>Entries not read for this long are dropped, so assets that left the wall free their memory.</summary>
    private static readonly TimeSpan UnusedEntryLifetime = TimeSpan.FromMinutes(15);

    /// <summary>Minimum time between two history loads of one metric, however often displays ask.</summary>
    private static readonly TimeSpan MinHistoryReloadInterval = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<(AssetKey Asset, string Metric), Entry> _entries = new();
    private readonly LiveState _live;
    private readonly HistoryService? _history;
    private readonly WallOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SparklineService> _logger;
    private readonly int _liveWindowCapacity;
    private long _lastSweepTicks;
    private long _historyLoads;

    public SparklineService(
        LiveState live,
        IOptions<WallOptions> options,
        IOptions<LiveOptions> liveOptions,
        TimeProvider time,
        ILogger<SparklineService> logger,
        HistoryService? history = null)
    {
        _live = live;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _history = history;
        _liveWindowCapacity = liveOptions.Value.WindowPoints;
        _lastSweepTicks = time.GetUtcNow().UtcTicks;
    }

    /// <summary>Number of history queries started so far, for tests and diagnostics.</summary>
    public long HistoryLoads => Interlocked.Read(ref _historyLoads);

    /// <summary>Number of cached sparklines.</summary>
    public int EntryCount => _entries.Count;

    /// <summary>
    /// Returns the sparkline of one metric over the window that ends now. It is recomputed when the cached one
    /// is older than <see cref="WallOptions.SparklineRefreshInterval"/> or new history has arrived.
    /// </summary>
    public Sparkline Get(AssetKey asset, string metric)
    {
        var now = _time.GetUtcNow();
        SweepUnused(now);
        var entry = _entries.GetOrAdd((asset, metric), static _ => new Entry());
        lock (entry.Lock)
        {
            entry.LastReadAt = now;
            if (entry.Sparkline is { } cached && !entry.Dirty && now - entry.ComputedAt < _options.SparklineRefreshInterval)
            {
                return cached;
            }

            var from = now - _options.SparklineWindow;
            var live = _live.Window(asset, metric);
            if (NeedsHistory(entry, live, from, now))
            {
                StartHistoryLoad(entry, asset, metric, from, now);
            }

            entry.Sparkline = SparklineBuilder.Build(Merge(entry.History, live), from, now, _options.SparklinePoints, markGaps: false);
            entry.ComputedAt = now;
            entry.Dirty = false;
            return entry.Sparkline;
        }
    }

    /// <summary>
    /// Loads history again for the given metrics, after a display reconnected: readings stored while it was
    /// away may be missing from the live window. Loads younger than a few seconds are kept, so many displays
    /// reconnecting at once cause one query per metric.
    /// </summary>
    public void ReloadHistory(IEnumerable<(AssetKey Asset, string Metric)> metrics)
    {
        var now = _time.GetUtcNow();
        foreach (var (asset, metric) in metrics)
        {
            var entry = _entries.GetOrAdd((asset, metric), static _ => new Entry());
            lock (entry.Lock)
            {
                if (now - entry.HistoryRequestedAt >= MinHistoryReloadInterval)
                {
                    StartHistoryLoad(entry, asset, metric, now - _options.SparklineWindow, now);
                }

                entry.Dirty = true;
            }
        }
    }

    /// <summary>
    /// Returns whether stored history must fill the start of the window. It must when the live window
    /// (<paramref name="live"/>, all its points) does not reach back to <paramref name="from"/>: once after
    /// start, for the time before the app ran, and again whenever the full live window has dropped points
    /// newer than the history loaded last, which would otherwise be drawn as a false gap.
    /// </summary>
    private bool NeedsHistory(Entry entry, TrendPoint[] live, DateTimeOffset from, DateTimeOffset now)
    {
        if (_history is null || entry.Loading || now - entry.HistoryRequestedAt < MinHistoryReloadInterval)
        {
            return false;
        }

        if (live.Length > 0 && live[0].Timestamp <= from)
        {
            return false;
        }

        if (entry.HistoryRequestedAt == DateTimeOffset.MinValue)
        {
            return true;
        }

        return live.Length >= _liveWindowCapacity && live[0].Timestamp > entry.HistoryLoadedUntil;
    }

    /// <summary>Starts a background load of stored history; called under the entry's lock.</summary>
    private void StartHistoryLoad(Entry entry, AssetKey asset, string metric, DateTimeOffset from, DateTimeOffset to)
    {
        if (_history is not { } history || entry.Loading)
        {
            return;
        }

        entry.Loading = true;
        entry.HistoryRequestedAt = to;
        Interlocked.Increment(ref _historyLoads);

        // The query runs on the thread pool, never on the render thread of the display that asked.
        _ = Task.Run(() => LoadHistoryAsync(history, entry, asset, metric, from, to));
    }

    private async Task LoadHistoryAsync(HistoryService history, Entry entry, AssetKey asset, string metric, DateTimeOffset from, DateTimeOffset to)
    {
        TrendPoint[]? points = null;
        try
        {
            var series = await history.QueryAsync(asset, metric, from, to, _options.SparklinePoints, CancellationToken.None);
            points = ToTrendPoints(series);
        }
        catch (Exception e)
        {
            // No caller awaits this task, so every failure is logged here. The sparkline keeps showing live
            // points, and the next load is tried once the reload interval has passed.
            WallLogMessages.SparklineHistoryFailed(_logger, e, asset.ToString(), metric);
        }
        finally
        {
            lock (entry.Lock)
            {
                entry.Loading = false;
                if (points is not null)
                {
                    entry.History = points;
                    entry.HistoryLoadedUntil = to;
                    entry.Dirty = true;
                }
            }
        }
    }

    /// <summary>Converts stored points; a bucket becomes its minimum and its maximum, so spikes stay visible.</summary>
    private static TrendPoint[] ToTrendPoints(HistorySeries series)
    {
        var points = new List<TrendPoint>(series.Points.Count * 2);
        var half = series.BucketWidth / 2;
        foreach (var point in series.Points)
        {
            if (series.Source == HistorySource.Raw || point.Min == point.Max)
            {
                points.Add(new TrendPoint(point.Timestamp, point.Value));
                continue;
            }

            points.Add(new TrendPoint(point.Timestamp, point.Min));
            points.Add(new TrendPoint(point.Timestamp + half, point.Max));
        }

        return points.ToArray();
    }

    /// <summary>
    /// Returns the stored points older than the first live point, followed by the live points, with every gap
    /// marked by a null point. Stored history marks its own gaps (HistoryService emits a null for an empty
    /// bucket), and often has coarser spacing than live readings. So the live points are checked against their
    /// own spacing, and the seam between the two against the coarser spacing of both.
    /// </summary>
    private static List<TrendPoint> Merge(TrendPoint[] history, TrendPoint[] live)
    {
        var liveStart = live.Length > 0 ? live[0].Timestamp : DateTimeOffset.MaxValue;
        var merged = new List<TrendPoint>(history.Length + live.Length + 8);
        foreach (var point in history)
        {
            if (point.Timestamp < liveStart)
            {
                merged.Add(point);
            }
        }

        if (merged.Count > 0 && live.Length > 0)
        {
            var spacing = TimeSpan.FromTicks(Math.Max(SparklineBuilder.MedianSpacing(merged).Ticks, SparklineBuilder.MedianSpacing(live).Ticks));
            var seam = live[0].Timestamp - merged[^1].Timestamp;
            if (spacing > TimeSpan.Zero && seam > spacing * SparklineBuilder.GapFactor)
            {
                merged.Add(new TrendPoint(merged[^1].Timestamp + (seam / 2), null));
            }
        }

        merged.AddRange(SparklineBuilder.MarkGaps(live));
        return merged;
    }

    private void SweepUnused(DateTimeOffset now)
    {
        var last = Interlocked.Read(ref _lastSweepTicks);
        if (now.UtcTicks - last < TimeSpan.TicksPerMinute || Interlocked.CompareExchange(ref _lastSweepTicks, now.UtcTicks, last) != last)
        {
            return;
        }

        foreach (var (key, entry) in _entries)
        {
            if (now - entry.LastReadAt > UnusedEntryLifetime)
            {
                _entries.TryRemove(key, out _);
            }
        }
    }

    private sealed class Entry
    {
        public Lock Lock { get; } = new();

        public Sparkline? Sparkline { get; set; }

        public DateTimeOffset ComputedAt { get; set; }

        public DateTimeOffset LastReadAt { get; set; }

        /// <summary>Set when new history arrived or a reload was requested, so the next read recomputes.</summary>
        public bool Dirty { get; set; }

        public TrendPoint[] History { get; set; } = [];

        public DateTimeOffset HistoryRequestedAt { get; set; } = DateTimeOffset.MinValue;

        public DateTimeOffset HistoryLoadedUntil { get; set; } = DateTimeOffset.MinValue;

        public bool Loading { get; set; }
    }
}
