using Microsoft.Extensions.Options;

namespace Dashboard.Storage;

/// <summary>
/// One point of a history series. For a bucket, <see cref="Value"/> is the mean and <see cref="Min"/> and
/// <see cref="Max"/> bound it, so a single-sample spike survives downsampling; all three are null for a
/// bucket without values (a gap). For a raw reading all three are the reading's value.
/// </summary>
public sealed record HistoryPoint(DateTimeOffset Timestamp, double? Value, double? Min, double? Max);

/// <summary>Where a history series came from.</summary>
public enum HistorySource
{
    Raw,
    RawBuckets,
    MinuteBuckets,
}

/// <summary>A downsampled history series of one metric.</summary>
public sealed record HistorySeries(
    AssetKey Asset,
    string Metric,
    DateTimeOffset From,
    DateTimeOffset To,
    HistorySource Source,
    TimeSpan BucketWidth,
    IReadOnlyList<HistoryPoint> Points);

/// <summary>
/// Answers history queries with at most the requested number of points: raw readings when they fit,
/// otherwise one point per time bucket with min, max and mean, from raw readings for buckets shorter than a
/// minute and from the per-minute aggregates for longer ones (and for ranges older than raw retention).
/// </summary>
public sealed class HistoryService(IReadingStore store, IOptions<StorageOptions> options, TimeProvider time)
{
    public const int DefaultPoints = 1000;
    public const int MaxPoints = 10_000;

    /// <summary>A gap in raw readings longer than this many times their median spacing is drawn as a gap.</summary>
    private const double GapFactor = 3;

    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    public async Task<HistorySeries> QueryAsync(AssetKey asset, string metric, DateTimeOffset from, DateTimeOffset to, int points, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(points, 2);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(to, from);

        var width = BucketWidth(from, to, points);
        var rawRetainedFrom = time.GetUtcNow() - options.Value.RawRetention;
        if (width < Minute && from >= rawRetainedFrom)
        {
            var raw = await store.ReadRawAsync(asset, metric, from, to, points + 1, cancellationToken);
            if (raw.Count <= points)
            {
                return new HistorySeries(asset, metric, from, to, HistorySource.Raw, TimeSpan.Zero, WithGaps(raw, points));
            }

            var buckets = await store.ReadBucketsAsync(asset, metric, from, to, width, useMinuteAggregates: false, cancellationToken);
            return new HistorySeries(asset, metric, from, to, HistorySource.RawBuckets, width, Fill(buckets, from, to, width));
        }

        // Minute aggregates: align the range start and the bucket width to whole minutes.
        var alignedFrom = new DateTimeOffset(from.UtcTicks - (from.UtcTicks % Minute.Ticks), TimeSpan.Zero);
        var minutes = Math.Max(1, (long)Math.Ceiling(BucketWidth(alignedFrom, to, points).Ticks / (double)Minute.Ticks));
        var minuteWidth = TimeSpan.FromMinutes(minutes);
        var minuteBuckets = await store.ReadBucketsAsync(asset, metric, alignedFrom, to, minuteWidth, useMinuteAggregates: true, cancellationToken);
        return new HistorySeries(asset, metric, alignedFrom, to, HistorySource.MinuteBuckets, minuteWidth, Fill(minuteBuckets, alignedFrom, to, minuteWidth));
    }

    private static TimeSpan BucketWidth(DateTimeOffset from, DateTimeOffset to, int points) =>
        TimeSpan.FromTicks(Math.Max(1, (long)Math.Ceiling((to - from).Ticks / (double)points)));

    /// <summary>Emits one point per bucket over the whole range, with nulls for buckets without values.</summary>
    private static List<HistoryPoint> Fill(IReadOnlyList<BucketAggregate> buckets, DateTimeOffset from, DateTimeOffset to, TimeSpan width)
    {
        var count = (int)Math.Ceiling((to - from).Ticks / (double)width.Ticks);
        var points = new List<HistoryPoint>(count);
        var next = 0;
        for (var i = 0; i < count; i++)
        {
            var start = from + (width * i);
            while (next < buckets.Count && buckets[next].Index < i)
            {
                next++;
            }

            if (next < buckets.Count && buckets[next].Index == i && buckets[next].Count > 0)
            {
                var bucket = buckets[next];
                points.Add(new HistoryPoint(start, bucket.Sum / bucket.Count, bucket.Min, bucket.Max));
            }
            else
            {
                points.Add(new HistoryPoint(start, null, null, null));
            }
        }

        return points;
    }

    /// <summary>
    /// Returns raw readings as points and marks long silences as gaps: after a reading followed by a pause
    /// longer than <see cref="GapFactor"/> times the median spacing, a null point is inserted, as long as
    /// the result stays within <paramref name="maxPoints"/>.
    /// </summary>
    private static List<HistoryPoint> WithGaps(IReadOnlyList<TrendSample> raw, int maxPoints)
    {
        var points = new List<HistoryPoint>(raw.Count + 8);
        if (raw.Count < 3)
        {
            points.AddRange(raw.Select(sample => new HistoryPoint(sample.Timestamp, sample.Value, sample.Value, sample.Value)));
            return points;
        }

        var spacings = new long[raw.Count - 1];
        for (var i = 1; i < raw.Count; i++)
        {
            spacings[i - 1] = (raw[i].Timestamp - raw[i - 1].Timestamp).Ticks;
        }

        Array.Sort(spacings);
        var threshold = spacings[spacings.Length / 2] * GapFactor;
        var budget = maxPoints - raw.Count;
        for (var i = 0; i < raw.Count; i++)
        {
            var sample = raw[i];
            points.Add(new HistoryPoint(sample.Timestamp, sample.Value, sample.Value, sample.Value));
            if (budget > 0 && i + 1 < raw.Count && threshold > 0 && (raw[i + 1].Timestamp - sample.Timestamp).Ticks > threshold)
            {
                var middle = sample.Timestamp + ((raw[i + 1].Timestamp - sample.Timestamp) / 2);
                points.Add(new HistoryPoint(middle, null, null, null));
                budget--;
            }
        }

        return points;
    }
}
