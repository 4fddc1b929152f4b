using System.Globalization;
using Dashboard.Storage;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Storage;

/// <summary>
/// Behaviour that both stores share: migrations, UTC timestamps, one row per (asset, metric, timestamp)
/// whatever the order or number of deliveries, nulls as gaps, and the latest values.
/// </summary>
public abstract class ReadingStoreTests : StoreTestBase
{
    [Fact]
    public async Task Migrate_RecordsEveryScriptOnce()
    {
        var scripts = SchemaMigrator.Scripts(Target.Provider);

        var recorded = await Target.QueryAsync("SELECT version, name FROM schema_migrations ORDER BY version");

        Assert.NotEmpty(scripts);
        Assert.Equal(
            scripts.Select(script => $"{script.Version} {script.Name}"),
            recorded.Select(row => $"{Convert.ToInt32(row[0], CultureInfo.InvariantCulture)} {row[1]}"));
    }

    [Fact]
    public async Task Migrate_SecondStartChangesNothing()
    {
        await WriteAsync(Reading(Pump, T0, ("T30", 1)));
        var before = await Target.QueryAsync("SELECT version, name, applied_at FROM schema_migrations ORDER BY version");

        var second = Target.CreateSecondStore(out var resources);
        await using (resources)
        {
            await second.MigrateAsync(CancellationToken.None);
            await second.MigrateAsync(CancellationToken.None);
        }

        var after = await Target.QueryAsync("SELECT version, name, applied_at FROM schema_migrations ORDER BY version");
        Assert.Equal(before.Select(Row), after.Select(Row));
        var stored = await ReadRawAsync(Pump, "T30", T0, T0.AddSeconds(1));
        Assert.Equal(1, Assert.Single(stored).Value);
    }

    [Fact]
    public async Task Timestamp_WithOffset_ReadsBackAsSameInstant()
    {
        // 14:00 at +02:00 is 12:00Z.
        var local = new DateTimeOffset(2026, 3, 1, 14, 0, 0, TimeSpan.FromHours(2));
        await WriteAsync(Reading(Pump, local, ("T30", 1)));

        var stored = Assert.Single(await ReadRawAsync(Pump, "T30", T0.AddMinutes(-1), T0.AddMinutes(1)));
        var latest = await LatestAsync(Pump, "T30");

        Assert.Equal(T0, stored.Timestamp);
        Assert.Equal(TimeSpan.Zero, stored.Timestamp.Offset);
        Assert.Equal(T0, latest.Timestamp);
        Assert.Equal(TimeSpan.Zero, latest.Timestamp.Offset);
        Assert.Empty(await ReadRawAsync(Pump, "T30", T0.AddHours(2).AddMinutes(-1), T0.AddHours(2).AddMinutes(1)));
    }

    [Fact]
    public async Task SameReading_IsStoredOnce()
    {
        await WriteAsync(Reading(Pump, T0, ("T30", 1)));
        await WriteAsync(Reading(Pump, T0, ("T30", 2)));
        await WriteAsync(Reading(Pump, T0, ("T30", 3)), Reading(Pump, T0, ("T30", 4)));

        var stored = await ReadRawAsync(Pump, "T30", T0.AddMinutes(-1), T0.AddMinutes(1));
        var latest = await LatestAsync(Pump, "T30");

        Assert.Equal(1, await Target.CountAsync("SELECT count(*) FROM readings"));
        Assert.Equal(1, Assert.Single(stored).Value);

        // The latest value must be the stored one, not the value of a later duplicate.
        Assert.Equal(1, latest.Value);
        Assert.Equal(T0, latest.Timestamp);
        Assert.Equal("count 1, sum 1, min 1, max 1", await MinuteAggregatesAsync());
    }

    [Fact]
    public async Task RedeliveredBatch_DoesNotDoubleAggregates()
    {
        // 90 readings over three minutes, every fifth value null.
        var readings = Enumerable.Range(0, 90)
            .Select(i => Reading(Pump, T0.AddSeconds(2 * i), ("T30", i % 5 == 0 ? null : i), ("P30", 100 + i)))
            .ToArray();

        await WriteAsync(readings);
        var first = await MinuteAggregatesAsync();
        await WriteAsync(readings);
        await WriteAsync(readings[10..20]);

        Assert.Equal(180, await Target.CountAsync("SELECT count(*) FROM readings"));
        var nonNullT30 = readings.Where(r => r.Values[0].Value is not null).ToList();
        var expectedSum = nonNullT30.Sum(r => r.Values[0].Value!.Value) + readings.Sum(r => r.Values[1].Value!.Value);
        Assert.Equal(
            string.Create(CultureInfo.InvariantCulture, $"count {nonNullT30.Count + 90}, sum {expectedSum}, min 1, max 189"),
            first);
        Assert.Equal(first, await MinuteAggregatesAsync());
        Assert.Equal(3, await Target.CountAsync("SELECT count(*) FROM readings_minute WHERE count > 0 AND metric_id = (SELECT id FROM metrics WHERE name = 'T30')"));
    }

    [Fact]
    public async Task OutOfOrderReadings_AreStoredInPlace()
    {
        await WriteAsync(Reading(Pump, T0.AddSeconds(3), ("T30", 3)));
        await WriteAsync(Reading(Pump, T0.AddSeconds(1), ("T30", 1)));
        await WriteAsync(Reading(Pump, T0.AddSeconds(5), ("T30", 5)), Reading(Pump, T0.AddSeconds(2), ("T30", 2)), Reading(Pump, T0.AddSeconds(4), ("T30", 4)));

        var stored = await ReadRawAsync(Pump, "T30", T0, T0.AddMinutes(1));

        Assert.Equal([1.0, 2, 3, 4, 5], stored.Select(sample => sample.Value!.Value));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => T0.AddSeconds(i)), stored.Select(sample => sample.Timestamp));
        Assert.Equal("count 5, sum 15, min 1, max 5", await MinuteAggregatesAsync());
    }

    [Fact]
    public async Task NullValue_IsStoredAsNull()
    {
        await WriteAsync(
            Reading(Pump, T0, ("T30", 5)),
            Reading(Pump, T0.AddSeconds(1), ("T30", null)),
            Reading(Pump, T0.AddSeconds(2), ("T30", 7)),
            Reading(Pump, T0.AddSeconds(3), ("T30", null)));

        var stored = await ReadRawAsync(Pump, "T30", T0, T0.AddMinutes(1));
        var latest = await LatestAsync(Pump, "T30");

        Assert.Equal([5.0, null, 7.0, null], stored.Select(sample => sample.Value));
        Assert.Equal(2, await Target.CountAsync("SELECT count(*) FROM readings WHERE value IS NULL"));
        Assert.Equal(0, await Target.CountAsync("SELECT count(*) FROM readings WHERE value = 0"));
        Assert.Null(latest.Value);
        Assert.Equal(T0.AddSeconds(3), latest.Timestamp);

        // Nulls are left out of the aggregates instead of counting as zero.
        Assert.Equal("count 2, sum 12, min 5, max 7", await MinuteAggregatesAsync());
    }

    [Fact]
    public async Task AllNullMinute_HasNoMinOrMax()
    {
        await WriteAsync(Reading(Pump, T0, ("T30", null)), Reading(Pump, T0.AddSeconds(1), ("T30", null)));

        var rows = await Target.QueryAsync("SELECT min, max, count FROM readings_minute");

        var row = Assert.Single(rows);
        Assert.Null(row[0]);
        Assert.Null(row[1]);
        Assert.Equal(0, Convert.ToInt64(row[2], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task OlderReading_DoesNotReplaceLatest()
    {
        await WriteAsync(Reading(Pump, T0.AddSeconds(10), ("T30", 10)));
        await WriteAsync(Reading(Pump, T0, ("T30", 0)));
        var afterOlder = await LatestAsync(Pump, "T30");

        await WriteAsync(Reading(Pump, T0.AddSeconds(30), ("T30", 30)), Reading(Pump, T0.AddSeconds(20), ("T30", 20)));
        var afterBatch = await LatestAsync(Pump, "T30");

        Assert.Equal((T0.AddSeconds(10), (double?)10), afterOlder);
        Assert.Equal((T0.AddSeconds(30), (double?)30), afterBatch);
        Assert.Equal(4, await Target.CountAsync("SELECT count(*) FROM readings"));
    }

    [Fact]
    public async Task LoadLatest_ReturnsAssetsWithNewestEstimates()
    {
        var other = new AssetKey("south", "fan-2");
        await WriteAsync(Reading(Pump, T0, ("T30", 1), ("P30", null)), Reading(other, T0, ("rpm", 1500)));
        var newer = new HealthEstimate(Pump, T0.AddMinutes(2), 80, new RulEstimate(12, RulUnit.Days, 10, 14), "model-a");
        var older = new HealthEstimate(Pump, T0.AddMinutes(1), 90, null, "model-a");
        var otherModel = new HealthEstimate(Pump, T0, null, new RulEstimate(300, RulUnit.Cycles, null, null), "model-b");
        await Store.WriteAsync(new StorageBatch([], [newer]), CancellationToken.None);
        await Store.WriteAsync(new StorageBatch([], [older, otherModel]), CancellationToken.None);

        var states = await Store.LoadLatestAsync(CancellationToken.None);

        Assert.Equal([Pump, other], states.Select(state => state.Asset).Order());
        var pump = states.Single(state => state.Asset == Pump);
        Assert.Equal(["P30", "T30"], pump.Latest.Select(value => value.Metric).Order(StringComparer.Ordinal));
        Assert.Equal([newer, otherModel], pump.Estimates.OrderBy(e => e.Model, StringComparer.Ordinal));
        Assert.Equal(3, await Target.CountAsync("SELECT count(*) FROM health_estimates"));
    }

    [Fact]
    public async Task HasAsset_IsTrueOnlyForStoredAssets()
    {
        await WriteAsync(Reading(Pump, T0, ("T30", 1)));

        Assert.True(await Store.HasAssetAsync(Pump, CancellationToken.None));
        Assert.False(await Store.HasAssetAsync(new AssetKey("north", "pump-2"), CancellationToken.None));
    }

    [Fact]
    public async Task FindLastDecrease_ReturnsLatestDrop()
    {
        // Two lives of a cycle counter: 1 to 5, then 1 to 3, one reading per second; then a third life from 1.
        double[] cycles = [1, 2, 3, 4, 5, 1, 2, 3, 1, 2];
        await WriteSeriesAsync(Pump, WellKnownMetrics.Cycle, T0, TimeSpan.FromSeconds(1), cycles.Length, i => cycles[i]);

        Assert.Equal(T0.AddSeconds(8), await Store.FindLastDecreaseAsync(Pump, WellKnownMetrics.Cycle, T0.AddMinutes(1), CancellationToken.None));
        Assert.Equal(T0.AddSeconds(5), await Store.FindLastDecreaseAsync(Pump, WellKnownMetrics.Cycle, T0.AddSeconds(8), CancellationToken.None));
        Assert.Null(await Store.FindLastDecreaseAsync(Pump, WellKnownMetrics.Cycle, T0.AddSeconds(5), CancellationToken.None));
    }

    [Fact]
    public async Task FindLastDecrease_SkipsGapsAndOtherSeries()
    {
        await WriteAsync(
            Reading(Pump, T0, (WellKnownMetrics.Cycle, 7), ("T30", 9)),
            Reading(Pump, T0.AddSeconds(1), (WellKnownMetrics.Cycle, null), ("T30", 1)),
            Reading(Pump, T0.AddSeconds(2), (WellKnownMetrics.Cycle, 8), ("T30", 2)),
            Reading(new AssetKey("north", "pump-2"), T0.AddSeconds(3), (WellKnownMetrics.Cycle, 1)));

        Assert.Null(await Store.FindLastDecreaseAsync(Pump, WellKnownMetrics.Cycle, T0.AddMinutes(1), CancellationToken.None));
        Assert.Null(await Store.FindLastDecreaseAsync(new AssetKey("north", "pump-3"), WellKnownMetrics.Cycle, T0.AddMinutes(1), CancellationToken.None));
    }

    /// <summary>Returns the totals over all per-minute aggregates as text, so a failure shows every number.</summary>
    private async Task<string> MinuteAggregatesAsync()
    {
        var row = Assert.Single(await Target.QueryAsync("SELECT sum(count), sum(sum), min(min), max(max) FROM readings_minute"));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"count {Convert.ToInt64(row[0], CultureInfo.InvariantCulture)}, sum {Convert.ToDouble(row[1], CultureInfo.InvariantCulture)}, min {row[2]}, max {row[3]}");
    }

    private static string Row(object?[] row) => string.Join(" | ", row.Select(value => Convert.ToString(value, CultureInfo.InvariantCulture)));
}

public sealed class SqliteReadingStoreTests : ReadingStoreTests
{
    protected override Task<StoreTarget> CreateTargetAsync() => StoreTarget.CreateSqliteAsync();

    [Fact]
    public async Task Timestamp_IsStoredAsUtcTicks()
    {
        var local = new DateTimeOffset(2026, 3, 1, 14, 0, 0, TimeSpan.FromHours(2));
        await WriteAsync(Reading(Pump, local, ("T30", 1)));

        var ticks = await Target.CountAsync("SELECT ts FROM readings");

        Assert.Equal(T0.UtcTicks - DateTime.UnixEpoch.Ticks, ticks);
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresReadingStoreTests(PostgresServer server) : ReadingStoreTests
{
    protected override Task<StoreTarget> CreateTargetAsync() => StoreTarget.CreatePostgresAsync(server, StoreTarget.UniqueDatabaseName("store"));

    [Fact]
    public async Task TimestampColumns_AreTimestamptz()
    {
        var types = await Target.QueryAsync(
            """
            SELECT table_name || '.' || column_name, data_type FROM information_schema.columns
            WHERE table_schema = 'public' AND column_name IN ('ts', 'bucket')
                AND table_name IN ('readings', 'readings_minute', 'latest_values', 'health_estimates', 'latest_estimates')
            ORDER BY 1
            """);

        Assert.Equal(
            ["health_estimates.ts", "latest_estimates.ts", "latest_values.ts", "readings.ts", "readings_minute.bucket"],
            types.Select(row => (string)row[0]!));
        Assert.All(types, row => Assert.Equal("timestamp with time zone", row[1]));
    }

    [Fact]
    public async Task Timestamp_IsStoredAsTheUtcInstant()
    {
        var local = new DateTimeOffset(2026, 3, 1, 14, 0, 0, TimeSpan.FromHours(2));
        await WriteAsync(Reading(Pump, local, ("T30", 1)));

        var epochSeconds = await Target.CountAsync("SELECT extract(epoch FROM ts)::bigint FROM readings");

        Assert.Equal(T0.ToUnixTimeSeconds(), epochSeconds);
    }

    [Fact]
    public async Task ConcurrentMigrations_AllSucceed()
    {
        // Without the advisory lock, two instances that create the same tables at once fail with
        // "relation already exists" or a unique violation in the catalog. Three rounds make a race likely.
        for (var round = 0; round < 3; round++)
        {
            await using var empty = await StoreTarget.CreatePostgresAsync(server, StoreTarget.UniqueDatabaseName("migrate"));
            var second = empty.CreateSecondStore(out var resources);
            await using (resources)
            {
                await Task.WhenAll(
                    Task.Run(() => empty.Store.MigrateAsync(CancellationToken.None)),
                    Task.Run(() => second.MigrateAsync(CancellationToken.None)));
            }

            var scripts = SchemaMigrator.Scripts("Postgres");
            Assert.Equal(scripts.Count, await empty.CountAsync("SELECT count(*) FROM schema_migrations"));
        }
    }
}
