namespace Dashboard.Storage;

/// <summary>
/// Durable store of readings and health estimates. PostgreSQL and SQLite implement the same behaviour:
/// a reading with the same (asset, metric, timestamp) is stored once, whatever order readings arrive in.
/// </summary>
public interface IReadingStore
{
    /// <summary>Name of the store for logs and the Diagnostics page, such as <c>PostgreSQL 127.0.0.1:5432/dashboard</c>.</summary>
    string Description { get; }

    /// <summary>Creates or upgrades the schema; safe to run on every start and from several instances at once.</summary>
    Task MigrateAsync(CancellationToken cancellationToken);

    /// <summary>Stores a batch in one transaction; duplicates of stored readings are skipped.</summary>
    Task WriteAsync(StorageBatch batch, CancellationToken cancellationToken);

    /// <summary>Loads every asset with its latest values and the latest estimate of each model.</summary>
    Task<IReadOnlyList<StoredAssetState>> LoadLatestAsync(CancellationToken cancellationToken);

    /// <summary>Returns the raw readings of one metric in [from, to), oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<TrendSample>> ReadRawAsync(AssetKey asset, string metric, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Returns the time of the latest reading of one metric before <paramref name="before"/> whose value is lower
    /// than that of the reading before it, or null when the values never decrease. Applied to a cycle counter,
    /// it finds where the current life of an asset began.
    /// </summary>
    Task<DateTimeOffset?> FindLastDecreaseAsync(AssetKey asset, string metric, DateTimeOffset before, CancellationToken cancellationToken);

    /// <summary>
    /// Aggregates one metric over [from, to) into buckets of <paramref name="bucketWidth"/> starting at
    /// <paramref name="from"/>, from raw readings or, when <paramref name="useMinuteAggregates"/>, from the
    /// per-minute aggregates. Empty buckets are not returned.
    /// </summary>
    Task<IReadOnlyList<BucketAggregate>> ReadBucketsAsync(
        AssetKey asset, string metric, DateTimeOffset from, DateTimeOffset to, TimeSpan bucketWidth, bool useMinuteAggregates, CancellationToken cancellationToken);

    /// <summary>Returns the estimates of one asset in [from, to), oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<HealthEstimate>> ReadEstimatesAsync(AssetKey asset, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken);

    /// <summary>Returns whether the store holds anything for the asset.</summary>
    Task<bool> HasAssetAsync(AssetKey asset, CancellationToken cancellationToken);

    /// <summary>
    /// Returns whether <paramref name="exception"/> means the data was refused (it would fail again), as
    /// opposed to the store being unreachable or busy (worth retrying).
    /// </summary>
    bool IsDataError(Exception exception);

    /// <summary>Deletes raw readings and estimates older than <paramref name="rawBefore"/> and aggregates older than <paramref name="aggregatesBefore"/>.</summary>
    Task<RetentionResult> DeleteOlderThanAsync(DateTimeOffset rawBefore, DateTimeOffset aggregatesBefore, CancellationToken cancellationToken);
}

/// <summary>Readings and estimates written together in one transaction.</summary>
public sealed record StorageBatch(IReadOnlyList<TelemetryReading> Readings, IReadOnlyList<HealthEstimate> Estimates)
{
    public int RowCount => Readings.Sum(reading => reading.Values.Count) + Estimates.Count;
}

/// <summary>One stored reading of one metric; a null value is a gap.</summary>
public readonly record struct TrendSample(DateTimeOffset Timestamp, double? Value);

/// <summary>
/// Aggregate of one time bucket: <see cref="Index"/> counts buckets from the start of the range, and
/// <see cref="Count"/> is the number of non-null values in it.
/// </summary>
public readonly record struct BucketAggregate(long Index, double? Min, double? Max, double? Sum, long Count);

/// <summary>What the store knew about an asset when it was last running.</summary>
public sealed record StoredAssetState(AssetKey Asset, IReadOnlyList<(string Metric, DateTimeOffset Timestamp, double? Value)> Latest, IReadOnlyList<HealthEstimate> Estimates);

/// <summary>Rows deleted by one retention run.</summary>
public sealed record RetentionResult(long Readings, long Estimates, long Aggregates);
