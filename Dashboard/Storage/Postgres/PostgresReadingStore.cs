using System.Collections.Concurrent;
using Dashboard.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Storage.Postgres;

/// <summary>
/// The production store on PostgreSQL through Npgsql. A batch is copied in binary form into a temporary
/// staging table and moved into <c>readings</c> with <c>ON CONFLICT DO NOTHING</c>, so redelivered readings
/// are stored once; the per-minute aggregates and latest values are updated from the rows that were new.
/// </summary>
public sealed class PostgresReadingStore(NpgsqlDataSource dataSource, ILogger<PostgresReadingStore> logger) : IReadingStore
{
    // Any constant works as long as every instance of the app uses the same one.
    private const long MigrationLockKey = 0x5044_4153_4842_4f41;

    private readonly ConcurrentDictionary<AssetKey, int> _assetIds = new();
    private readonly ConcurrentDictionary<string, int> _metricIds = new(StringComparer.Ordinal);

    public string Description { get; } = Describe(dataSource.ConnectionString);

    public NpgsqlDataSource DataSource => dataSource;

    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ExecuteAsync(connection, $"SELECT pg_advisory_lock({MigrationLockKey})", cancellationToken);
        try
        {
            await SchemaMigrator.ApplyAsync(connection, "Postgres", "timestamptz", logger, cancellationToken);
        }
        finally
        {
            await ExecuteAsync(connection, $"SELECT pg_advisory_unlock({MigrationLockKey})", CancellationToken.None);
        }
    }

    public async Task WriteAsync(StorageBatch batch, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await ResolveIdsAsync(connection, batch, cancellationToken);

        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (batch.Readings.Count > 0)
        {
            await WriteReadingsAsync(connection, batch.Readings, cancellationToken);
        }

        if (batch.Estimates.Count > 0)
        {
            await WriteEstimatesAsync(connection, batch.Estimates, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<StoredAssetState>> LoadLatestAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var values = new Dictionary<AssetKey, List<(string, DateTimeOffset, double?)>>();
        await using (var command = new NpgsqlCommand(
            """
            SELECT a.site, a.asset, m.name, l.ts, l.value
            FROM latest_values l JOIN assets a ON a.id = l.asset_id JOIN metrics m ON m.id = l.metric_id
            """,
            connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = new AssetKey(reader.GetString(0), reader.GetString(1));
                if (!values.TryGetValue(key, out var list))
                {
                    values[key] = list = [];
                }

                list.Add((reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.IsDBNull(4) ? null : reader.GetDouble(4)));
            }
        }

        var estimates = new Dictionary<AssetKey, List<HealthEstimate>>();
        await using (var command = new NpgsqlCommand(
            $"""
            SELECT a.site, a.asset, {EstimateColumns}
            FROM latest_estimates e JOIN assets a ON a.id = e.asset_id
            """,
            connection))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                var key = new AssetKey(reader.GetString(0), reader.GetString(1));
                if (!estimates.TryGetValue(key, out var list))
                {
                    estimates[key] = list = [];
                }

                list.Add(ReadEstimate(reader, key, 2));
            }
        }

        return values.Keys.Union(estimates.Keys)
            .Select(key => new StoredAssetState(
                key,
                values.TryGetValue(key, out var latest) ? latest : [],
                estimates.TryGetValue(key, out var byModel) ? byModel : []))
            .ToArray();
    }

    public async Task<IReadOnlyList<TrendSample>> ReadRawAsync(
        AssetKey asset, string metric, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT ts, value FROM readings
            WHERE {SeriesFilter} AND ts >= @from AND ts < @to
            ORDER BY ts LIMIT @limit
            """);
        AddSeries(command, asset, metric, from, to);
        command.Parameters.AddWithValue("limit", limit);

        var samples = new List<TrendSample>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            samples.Add(new TrendSample(reader.GetFieldValue<DateTimeOffset>(0), reader.IsDBNull(1) ? null : reader.GetDouble(1)));
        }

        return samples;
    }

    public async Task<DateTimeOffset?> FindLastDecreaseAsync(AssetKey asset, string metric, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(StoreQueries.LastDecrease);
        AddSeries(command, asset, metric, DateTimeOffset.UnixEpoch, before);
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime ts ? new DateTimeOffset(ts, TimeSpan.Zero) : null;
    }

    public async Task<IReadOnlyList<BucketAggregate>> ReadBucketsAsync(
        AssetKey asset, string metric, DateTimeOffset from, DateTimeOffset to, TimeSpan bucketWidth, bool useMinuteAggregates, CancellationToken cancellationToken)
    {
        var sql = useMinuteAggregates
            ? $"""
              SELECT floor(extract(epoch FROM bucket - @from) / @width)::bigint AS b, min(min), max(max), sum(sum), sum(count)
              FROM readings_minute
              WHERE {SeriesFilter} AND bucket >= @from AND bucket < @to
              GROUP BY b ORDER BY b
              """
            : $"""
              SELECT floor(extract(epoch FROM ts - @from) / @width)::bigint AS b, min(value), max(value), sum(value), count(value)
              FROM readings
              WHERE {SeriesFilter} AND ts >= @from AND ts < @to
              GROUP BY b ORDER BY b
              """;
        await using var command = dataSource.CreateCommand(sql);
        AddSeries(command, asset, metric, from, to);
        command.Parameters.AddWithValue("width", bucketWidth.TotalSeconds);

        var buckets = new List<BucketAggregate>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            buckets.Add(new BucketAggregate(
                reader.GetInt64(0),
                reader.IsDBNull(1) ? null : reader.GetDouble(1),
                reader.IsDBNull(2) ? null : reader.GetDouble(2),
                reader.IsDBNull(3) ? null : reader.GetDouble(3),
                reader.GetInt64(4)));
        }

        return buckets;
    }

    public async Task<IReadOnlyList<HealthEstimate>> ReadEstimatesAsync(
        AssetKey asset, DateTimeOffset from, DateTimeOffset to, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"""
            SELECT {EstimateColumns} FROM health_estimates e
            WHERE e.asset_id = (SELECT id FROM assets WHERE site = @site AND asset = @asset) AND e.ts >= @from AND e.ts < @to
            ORDER BY e.ts LIMIT @limit
            """);
        command.Parameters.AddWithValue("site", asset.Site);
        command.Parameters.AddWithValue("asset", asset.Asset);
        command.Parameters.AddWithValue("from", from.ToUniversalTime());
        command.Parameters.AddWithValue("to", to.ToUniversalTime());
        command.Parameters.AddWithValue("limit", limit);

        var estimates = new List<HealthEstimate>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            estimates.Add(ReadEstimate(reader, asset, 0));
        }

        return estimates;
    }

    public async Task<bool> HasAssetAsync(AssetKey asset, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM assets WHERE site = @site AND asset = @asset)");
        command.Parameters.AddWithValue("site", asset.Site);
        command.Parameters.AddWithValue("asset", asset.Asset);
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<RetentionResult> DeleteOlderThanAsync(DateTimeOffset rawBefore, DateTimeOffset aggregatesBefore, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var readings = await DeleteAsync(connection, "DELETE FROM readings WHERE ts < @before", rawBefore, cancellationToken);
        var estimates = await DeleteAsync(connection, "DELETE FROM health_estimates WHERE ts < @before", rawBefore, cancellationToken);
        var aggregates = await DeleteAsync(connection, "DELETE FROM readings_minute WHERE bucket < @before", aggregatesBefore, cancellationToken);
        return new RetentionResult(readings, estimates, aggregates);
    }

    /// <summary>SQLSTATE classes 22 (data exception) and 23 (integrity constraint violation) fail again on retry.</summary>
    public bool IsDataError(Exception exception) =>
        exception is PostgresException { SqlState: var state } && (state.StartsWith("22", StringComparison.Ordinal) || state.StartsWith("23", StringComparison.Ordinal));

    private const string SeriesFilter = StoreQueries.SeriesFilter;

    private const string EstimateColumns = "e.model, e.ts, e.health, e.rul_value, e.rul_unit, e.rul_lower, e.rul_upper";

    private static void AddSeries(NpgsqlCommand command, AssetKey asset, string metric, DateTimeOffset from, DateTimeOffset to)
    {
        command.Parameters.AddWithValue("site", asset.Site);
        command.Parameters.AddWithValue("asset", asset.Asset);
        command.Parameters.AddWithValue("metric", metric);
        command.Parameters.AddWithValue("from", from.ToUniversalTime());
        command.Parameters.AddWithValue("to", to.ToUniversalTime());
    }

    private static HealthEstimate ReadEstimate(NpgsqlDataReader reader, AssetKey asset, int first)
    {
        RulEstimate? rul = null;
        if (!reader.IsDBNull(first + 3) && Enum.TryParse<RulUnit>(reader.GetString(first + 4), ignoreCase: true, out var unit))
        {
            rul = new RulEstimate(
                reader.GetDouble(first + 3),
                unit,
                reader.IsDBNull(first + 5) ? null : reader.GetDouble(first + 5),
                reader.IsDBNull(first + 6) ? null : reader.GetDouble(first + 6));
        }

        return new HealthEstimate(
            asset,
            reader.GetFieldValue<DateTimeOffset>(first + 1),
            reader.IsDBNull(first + 2) ? null : reader.GetDouble(first + 2),
            rul,
            reader.GetString(first));
    }

    private async Task WriteReadingsAsync(NpgsqlConnection connection, IReadOnlyList<TelemetryReading> readings, CancellationToken cancellationToken)
    {
        // ON COMMIT DELETE ROWS leaves the table empty for the connection's next batch.
        await ExecuteAsync(
            connection,
            "CREATE TEMP TABLE IF NOT EXISTS staging_readings (asset_id integer, metric_id integer, ts timestamptz, value double precision) ON COMMIT DELETE ROWS",
            cancellationToken);

        await using (var importer = await connection.BeginBinaryImportAsync(
            "COPY staging_readings (asset_id, metric_id, ts, value) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var reading in readings)
            {
                var assetId = _assetIds[reading.Asset];
                var timestamp = reading.Timestamp.ToUniversalTime();
                foreach (var (metric, value) in reading.Values)
                {
                    await importer.StartRowAsync(cancellationToken);
                    await importer.WriteAsync(assetId, NpgsqlDbType.Integer, cancellationToken);
                    await importer.WriteAsync(_metricIds[metric], NpgsqlDbType.Integer, cancellationToken);
                    await importer.WriteAsync(timestamp, NpgsqlDbType.TimestampTz, cancellationToken);
                    if (value is { } number)
                    {
                        await importer.WriteAsync(number, NpgsqlDbType.Double, cancellationToken);
                    }
                    else
                    {
                        await importer.WriteNullAsync(cancellationToken);
                    }
                }
            }

            await importer.CompleteAsync(cancellationToken);
        }

        // Aggregates and latest values take only the rows that were new, so a redelivered batch does not
        // count twice, and a duplicate with another value cannot replace the value that was stored.
        await ExecuteAsync(
            connection,
            """
            WITH inserted AS (
                INSERT INTO readings (asset_id, metric_id, ts, value)
                SELECT asset_id, metric_id, ts, value FROM staging_readings
                ON CONFLICT DO NOTHING
                RETURNING asset_id, metric_id, ts, value
            ), aggregated AS (
                INSERT INTO readings_minute (asset_id, metric_id, bucket, min, max, sum, count)
                SELECT asset_id, metric_id, date_bin('1 minute', ts, timestamptz '1970-01-01 00:00:00+00'),
                       min(value), max(value), coalesce(sum(value), 0), count(value)
                FROM inserted
                GROUP BY 1, 2, 3
                ON CONFLICT (asset_id, metric_id, bucket) DO UPDATE SET
                    min = least(readings_minute.min, excluded.min),
                    max = greatest(readings_minute.max, excluded.max),
                    sum = readings_minute.sum + excluded.sum,
                    count = readings_minute.count + excluded.count
            )
            INSERT INTO latest_values (asset_id, metric_id, ts, value)
            SELECT DISTINCT ON (asset_id, metric_id) asset_id, metric_id, ts, value
            FROM inserted
            ORDER BY asset_id, metric_id, ts DESC
            ON CONFLICT (asset_id, metric_id) DO UPDATE SET ts = excluded.ts, value = excluded.value
            WHERE latest_values.ts <= excluded.ts
            """,
            cancellationToken);
    }

    private async Task WriteEstimatesAsync(NpgsqlConnection connection, IReadOnlyList<HealthEstimate> estimates, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            WITH incoming AS (
                SELECT * FROM unnest(@asset_ids, @models, @ts, @health, @rul_value, @rul_unit, @rul_lower, @rul_upper)
                    AS t(asset_id, model, ts, health, rul_value, rul_unit, rul_lower, rul_upper)
            ), stored AS (
                INSERT INTO health_estimates SELECT * FROM incoming ON CONFLICT DO NOTHING
            )
            INSERT INTO latest_estimates
            SELECT DISTINCT ON (asset_id, model) * FROM incoming ORDER BY asset_id, model, ts DESC
            ON CONFLICT (asset_id, model) DO UPDATE SET
                ts = excluded.ts, health = excluded.health, rul_value = excluded.rul_value, rul_unit = excluded.rul_unit,
                rul_lower = excluded.rul_lower, rul_upper = excluded.rul_upper
            WHERE latest_estimates.ts <= excluded.ts
            """,
            connection);
        command.Parameters.AddWithValue("asset_ids", estimates.Select(e => _assetIds[e.Asset]).ToArray());
        command.Parameters.AddWithValue("models", estimates.Select(e => e.Model).ToArray());
        command.Parameters.AddWithValue("ts", estimates.Select(e => e.Timestamp.ToUniversalTime()).ToArray());
        command.Parameters.AddWithValue("health", estimates.Select(e => e.Health).ToArray());
        command.Parameters.AddWithValue("rul_value", estimates.Select(e => e.Rul?.Value).ToArray());
        command.Parameters.AddWithValue("rul_unit", NpgsqlDbType.Array | NpgsqlDbType.Text, estimates.Select(e => e.Rul?.Unit.ToString().ToLowerInvariant()).ToArray());
        command.Parameters.AddWithValue("rul_lower", estimates.Select(e => e.Rul?.Lower).ToArray());
        command.Parameters.AddWithValue("rul_upper", estimates.Select(e => e.Rul?.Upper).ToArray());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task ResolveIdsAsync(NpgsqlConnection connection, StorageBatch batch, CancellationToken cancellationToken)
    {
        var newAssets = batch.Readings.Select(r => r.Asset).Concat(batch.Estimates.Select(e => e.Asset))
            .Where(key => !_assetIds.ContainsKey(key)).Distinct().ToArray();
        if (newAssets.Length > 0)
        {
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO assets (site, asset) SELECT * FROM unnest(@sites, @assets) ON CONFLICT DO NOTHING;
                SELECT id, site, asset FROM assets WHERE (site, asset) IN (SELECT * FROM unnest(@sites, @assets));
                """,
                connection);
            command.Parameters.AddWithValue("sites", newAssets.Select(a => a.Site).ToArray());
            command.Parameters.AddWithValue("assets", newAssets.Select(a => a.Asset).ToArray());
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                _assetIds[new AssetKey(reader.GetString(1), reader.GetString(2))] = reader.GetInt32(0);
            }
        }

        var newMetrics = batch.Readings.SelectMany(r => r.Values).Select(v => v.Metric)
            .Where(metric => !_metricIds.ContainsKey(metric)).Distinct(StringComparer.Ordinal).ToArray();
        if (newMetrics.Length > 0)
        {
            await using var command = new NpgsqlCommand(
                """
                INSERT INTO metrics (name) SELECT * FROM unnest(@names) ON CONFLICT DO NOTHING;
                SELECT id, name FROM metrics WHERE name = ANY(@names);
                """,
                connection);
            command.Parameters.AddWithValue("names", newMetrics);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                _metricIds[reader.GetString(1)] = reader.GetInt32(0);
            }
        }
    }

    private static async Task<long> DeleteAsync(NpgsqlConnection connection, string sql, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("before", before.ToUniversalTime());
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Describes the server and database without the password or other secrets.</summary>
    private static string Describe(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        return $"PostgreSQL {builder.Host}:{builder.Port}/{builder.Database}";
    }
}
