using System.Diagnostics;
using Dashboard.Storage;
using Dashboard.Storage.Postgres;
using Dashboard.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Dashboard.Benchmarks;

/// <summary>
/// Loads days of 1 Hz readings of one metric into SQLite (and PostgreSQL) and times the downsampled history
/// query against reading the same range's raw rows, alternating the two in one run.
/// </summary>
internal sealed class HistoryBenchmark(BenchmarkOptions options)
{
    private const double Target = 0.10;
    private static readonly AssetKey Asset = new("bench", "history-engine");
    private const string Metric = "T30";

    public async Task<int> RunAsync()
    {
        var end = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 60 * 60);
        var start = end.AddDays(-options.Days);
        var rows = (long)(end - start).TotalSeconds;
        Console.WriteLine($"bench history: {rows:N0} readings (1 Hz for {options.Days} days), downsampled to {options.Points} points vs raw rows, {options.Rounds} rounds");
        Console.WriteLine($"machine: {BenchmarkSupport.DescribeMachine()}");

        var allMet = true;
        var folder = BenchmarkSupport.TemporaryFolder("dashboard-bench-history-");
        try
        {
            var dialect = new SqliteDialect(Path.Combine(folder, "dashboard.db"));
            var sqlite = new SqliteReadingStore(dialect, NullLogger<SqliteReadingStore>.Instance);
            await sqlite.MigrateAsync(CancellationToken.None);
            await TimeLoadAsync("SQLite", rows, () => LoadSqliteAsync(dialect, start, rows));
            allMet &= await CompareAsync("SQLite", sqlite, start, end);
        }
        finally
        {
            BenchmarkSupport.DeleteFolder(folder);
        }

        if (options.Postgres is not null)
        {
            await using var database = await ScratchDatabase.CreateAsync(options.Postgres, "history");
            await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
            var postgres = new PostgresReadingStore(dataSource, NullLogger<PostgresReadingStore>.Instance);
            await postgres.MigrateAsync(CancellationToken.None);
            await TimeLoadAsync("PostgreSQL", rows, () => LoadPostgresAsync(dataSource, start, rows));
            allMet &= await CompareAsync("PostgreSQL", postgres, start, end);
        }

        Console.WriteLine($"load average at the end: {BenchmarkSupport.LoadAverage()}");
        return allMet ? 0 : 1;
    }

    private static async Task TimeLoadAsync(string store, long rows, Func<Task> load)
    {
        var started = Stopwatch.GetTimestamp();
        await load();
        var elapsed = Stopwatch.GetElapsedTime(started);
        Console.WriteLine($"{store}: loaded {rows:N0} rows and their minute aggregates in {elapsed.TotalSeconds:F1} s ({BenchmarkSupport.Format(rows / elapsed.TotalSeconds)} rows/s)");
    }

    /// <summary>
    /// Times the downsampled query and the raw read over the whole range, and the same over the last 12 hours
    /// (raw buckets instead of minute aggregates), alternating them; prints medians and checks the target.
    /// </summary>
    private async Task<bool> CompareAsync(string store, IReadingStore reader, DateTimeOffset start, DateTimeOffset end)
    {
        var storageOptions = Options.Create(new StorageOptions { RawRetention = TimeSpan.FromDays(options.Days + 1), AggregateRetention = TimeSpan.FromDays(options.Days + 2) });
        var history = new HistoryService(reader, storageOptions, new FixedTimeProvider(end));
        var met = true;
        foreach (var (label, from) in new[] { ($"{options.Days} days", start), ("12 hours", end.AddHours(-12)) })
        {
            var downsampled = new List<double>();
            var raw = new List<double>();
            HistorySeries? series = null;
            var rawCount = 0;
            for (var round = 0; round < options.Rounds; round++)
            {
                var started = Stopwatch.GetTimestamp();
                series = await history.QueryAsync(Asset, Metric, from, end, options.Points, CancellationToken.None);
                downsampled.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);

                started = Stopwatch.GetTimestamp();
                var samples = await reader.ReadRawAsync(Asset, Metric, from, end, int.MaxValue, CancellationToken.None);
                raw.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                rawCount = samples.Count;
            }

            var downsampledMs = BenchmarkSupport.Median(downsampled);
            var rawMs = BenchmarkSupport.Median(raw);
            var ratio = downsampledMs / rawMs;
            Console.WriteLine(
                $"{store}, {label}: downsampled ({series!.Source}, {series.Points.Count} points) {downsampledMs:F1} ms, " +
                $"raw ({rawCount:N0} rows) {rawMs:F1} ms, ratio {ratio:F3}");
            if (from == start)
            {
                met = ratio <= Target;
                Console.WriteLine($"  target downsampled <= {Target:0.00} x raw over {label}: {(met ? "met" : "MISSED")}");
            }
        }

        return met;
    }

    /// <summary>Returns the value of reading <paramref name="index"/>: a daily wave with noise and a spike every six hours.</summary>
    private static double Value(long index) =>
        index % 21_600 == 0 ? 1650 : 1590 + (10 * Math.Sin(index * 2 * Math.PI / 86_400)) + ((index * 7919 % 1000) / 1000.0);

    private static async Task LoadSqliteAsync(SqliteDialect dialect, DateTimeOffset start, long rows)
    {
        await using var connection = await dialect.OpenSqliteAsync(CancellationToken.None);
        var (assetId, metricId) = await InsertIdsAsync(connection);
        await using (var transaction = connection.BeginTransaction())
        await using (var insert = connection.CreateCommand())
        {
            insert.Transaction = transaction;
            insert.CommandText = "INSERT INTO readings (asset_id, metric_id, ts, value) VALUES (@a, @m, @t, @v)";
            insert.Parameters.AddWithValue("@a", assetId);
            insert.Parameters.AddWithValue("@m", metricId);
            var ts = insert.Parameters.Add("@t", SqliteType.Integer);
            var value = insert.Parameters.Add("@v", SqliteType.Real);
            insert.Prepare();
            var first = SqliteDialect.ToTicks(start);
            for (long i = 0; i < rows; i++)
            {
                ts.Value = first + (i * TimeSpan.TicksPerSecond);
                value.Value = Value(i);
                await insert.ExecuteNonQueryAsync();
            }

            await transaction.CommitAsync();
        }

        await using var aggregate = connection.CreateCommand();
        aggregate.CommandText = $"""
            INSERT INTO readings_minute (asset_id, metric_id, bucket, min, max, sum, count)
            SELECT asset_id, metric_id, ts - (ts % {TimeSpan.TicksPerMinute}), min(value), max(value), sum(value), count(value)
            FROM readings GROUP BY 1, 2, 3;
            INSERT INTO latest_values (asset_id, metric_id, ts, value)
            SELECT asset_id, metric_id, ts, value FROM readings ORDER BY ts DESC LIMIT 1;
            ANALYZE;
            """;
        await aggregate.ExecuteNonQueryAsync();
    }

    private static async Task<(long AssetId, long MetricId)> InsertIdsAsync(SqliteConnection connection)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = """
            INSERT INTO assets (site, asset) VALUES (@site, @asset);
            INSERT INTO metrics (name) VALUES (@metric);
            SELECT (SELECT id FROM assets WHERE site = @site AND asset = @asset), (SELECT id FROM metrics WHERE name = @metric);
            """;
        command.Parameters.AddWithValue("@site", Asset.Site);
        command.Parameters.AddWithValue("@asset", Asset.Asset);
        command.Parameters.AddWithValue("@metric", Metric);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1));
    }

    private static async Task LoadPostgresAsync(NpgsqlDataSource dataSource, DateTimeOffset start, long rows)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        int assetId, metricId;
        await using (var ids = new NpgsqlCommand(
            """
            INSERT INTO assets (site, asset) VALUES (@site, @asset);
            INSERT INTO metrics (name) VALUES (@metric);
            SELECT (SELECT id FROM assets WHERE site = @site AND asset = @asset), (SELECT id FROM metrics WHERE name = @metric);
            """,
            connection))
        {
            ids.Parameters.AddWithValue("site", Asset.Site);
            ids.Parameters.AddWithValue("asset", Asset.Asset);
            ids.Parameters.AddWithValue("metric", Metric);
            await using var reader = await ids.ExecuteReaderAsync();
            await reader.ReadAsync();
            assetId = reader.GetInt32(0);
            metricId = reader.GetInt32(1);
        }

        await using (var importer = await connection.BeginBinaryImportAsync("COPY readings (asset_id, metric_id, ts, value) FROM STDIN (FORMAT BINARY)"))
        {
            var first = start.ToUniversalTime();
            for (long i = 0; i < rows; i++)
            {
                await importer.StartRowAsync();
                await importer.WriteAsync(assetId, NpgsqlDbType.Integer);
                await importer.WriteAsync(metricId, NpgsqlDbType.Integer);
                await importer.WriteAsync(first.AddSeconds(i), NpgsqlDbType.TimestampTz);
                await importer.WriteAsync(Value(i), NpgsqlDbType.Double);
            }

            await importer.CompleteAsync();
        }

        await using var aggregate = new NpgsqlCommand(
            """
            INSERT INTO readings_minute (asset_id, metric_id, bucket, min, max, sum, count)
            SELECT asset_id, metric_id, date_bin('1 minute', ts, timestamptz '1970-01-01 00:00:00+00'), min(value), max(value), sum(value), count(value)
            FROM readings GROUP BY 1, 2, 3;
            INSERT INTO latest_values (asset_id, metric_id, ts, value)
            SELECT asset_id, metric_id, ts, value FROM readings ORDER BY ts DESC LIMIT 1;
            """,
            connection)
        {
            CommandTimeout = 600,
        };
        await aggregate.ExecuteNonQueryAsync();

        // VACUUM cannot run in the implicit transaction of a multi-statement command.
        await using var vacuum = new NpgsqlCommand("VACUUM ANALYZE readings, readings_minute", connection) { CommandTimeout = 600 };
        await vacuum.ExecuteNonQueryAsync();
    }

    /// <summary>A clock stopped at the end of the loaded data, so the query ranges fall within raw retention.</summary>
    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
