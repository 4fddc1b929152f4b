using Dashboard.Storage;
using Dashboard.Tests.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Tests.Storage;

/// <summary>
/// <see cref="RetentionService"/> on both stores: raw readings and estimates older than the raw retention
/// go, per-minute aggregates stay until the aggregate retention, and history of old ranges keeps working.
/// </summary>
public abstract class RetentionTests : StoreTestBase
{
    private static readonly DateTimeOffset Now = T0.AddDays(200);

    private readonly FakeTimeProvider _time = new(Now);

    private readonly StorageOptions _options = new()
    {
        RawRetention = TimeSpan.FromDays(30),
        AggregateRetention = TimeSpan.FromDays(90),
        RetentionInterval = TimeSpan.FromHours(1),
    };

    [Fact]
    public async Task RunOnce_DeletesByAge()
    {
        var beyondBoth = Now.AddDays(-100);
        var beyondRaw = Now.AddDays(-40);
        var recent = Now.AddDays(-1);
        foreach (var start in new[] { beyondBoth, beyondRaw, recent })
        {
            await WriteSeriesAsync(Pump, "T30", start, TimeSpan.FromSeconds(20), 6, i => i);
            await Store.WriteAsync(new StorageBatch([], [new HealthEstimate(Pump, start, 50, null, "model-a")]), CancellationToken.None);
        }

        var result = await CreateService().RunOnceAsync(CancellationToken.None);

        Assert.Equal(new RetentionResult(Readings: 12, Estimates: 2, Aggregates: 2), result);
        Assert.Equal(6, await Target.CountAsync("SELECT count(*) FROM readings"));
        Assert.Equal(0, await Target.CountAsync("SELECT count(*) FROM readings WHERE ts < @cut", ("@cut", Target.Timestamp(recent))));
        Assert.Equal(1, await Target.CountAsync("SELECT count(*) FROM health_estimates"));
        Assert.Equal(4, await Target.CountAsync("SELECT count(*) FROM readings_minute"));
        Assert.Equal(0, await Target.CountAsync("SELECT count(*) FROM readings_minute WHERE bucket < @cut", ("@cut", Target.Timestamp(Now.AddDays(-90)))));

        // The newest value stays for the live state, even when its raw reading has gone.
        Assert.Equal((recent.AddSeconds(100), (double?)5), await LatestAsync(Pump, "T30"));
    }

    [Fact]
    public async Task RunOnce_KeepsOldHistoryAsAggregates()
    {
        var beyondRaw = Now.AddDays(-40);
        await WriteSeriesAsync(Pump, "T30", beyondRaw, TimeSpan.FromSeconds(1), 120, i => i == 70 ? 9 : 1);

        await CreateService().RunOnceAsync(CancellationToken.None);
        var history = new HistoryService(Store, Options.Create(_options), _time);
        var series = await history.QueryAsync(Pump, "T30", beyondRaw, beyondRaw.AddMinutes(2), 100, CancellationToken.None);

        Assert.Empty(await ReadRawAsync(Pump, "T30", beyondRaw, beyondRaw.AddMinutes(2)));
        Assert.Equal(HistorySource.MinuteBuckets, series.Source);
        Assert.Equal([1.0, (59 + 9) / 60.0], series.Points.Select(p => p.Value));
        Assert.Equal([1.0, 9.0], series.Points.Select(p => p.Max));
    }

    [Fact]
    public async Task Service_RunsOnceReadyAndThenEveryInterval()
    {
        var readiness = new StorageReadiness();
        using var service = CreateService(readiness);
        await service.StartAsync(CancellationToken.None);
        try
        {
            await WriteSeriesAsync(Pump, "T30", Now.AddDays(-31), TimeSpan.FromSeconds(1), 10, i => i);
            readiness.SetReady();
            await Poll.UntilPassesAsync(async () => Assert.Equal(0, await Target.CountAsync("SELECT count(*) FROM readings")));

            // Old enough only after one more interval of the fake clock.
            await WriteSeriesAsync(Pump, "T30", Now.AddDays(-30).AddMinutes(30), TimeSpan.FromSeconds(1), 10, i => i);
            _time.Advance(TimeSpan.FromMinutes(59));
            Assert.Equal(10, await Target.CountAsync("SELECT count(*) FROM readings"));
            _time.Advance(TimeSpan.FromMinutes(1));
            await Poll.UntilPassesAsync(async () => Assert.Equal(0, await Target.CountAsync("SELECT count(*) FROM readings")));
        }
        finally
        {
            await service.StopAsync(CancellationToken.None);
        }
    }

    private RetentionService CreateService(StorageReadiness? readiness = null) =>
        new(Store, readiness ?? new StorageReadiness(), Options.Create(_options), _time, NullLogger<RetentionService>.Instance);
}

public sealed class SqliteRetentionTests : RetentionTests
{
    protected override Task<StoreTarget> CreateTargetAsync() => StoreTarget.CreateSqliteAsync();
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresRetentionTests(PostgresServer server) : RetentionTests
{
    protected override Task<StoreTarget> CreateTargetAsync() => StoreTarget.CreatePostgresAsync(server, StoreTarget.UniqueDatabaseName("retention"));
}
