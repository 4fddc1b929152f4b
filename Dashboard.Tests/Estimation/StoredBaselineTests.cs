using Dashboard.Estimation;
using Dashboard.Storage;
using Dashboard.Tests.Infrastructure;

namespace Dashboard.Tests.Estimation;

/// <summary>
/// Reading the baseline of the generic method back from a real SQLite store, as the estimator does for an
/// asset whose first reading it receives after a restart. <see cref="Storage.ReadingStoreTests"/> runs the
/// store query on PostgreSQL too.
/// </summary>
public sealed class StoredBaselineTests : IAsyncLifetime
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly AssetKey Pump = new("north", "pump-1");

    private StoreTarget _target = null!;

    private IReadingStore Store => _target.Store;

    public async Task InitializeAsync()
    {
        _target = await StoreTarget.CreateSqliteAsync();
        await Store.MigrateAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await _target.DisposeAsync();

    [Fact]
    public async Task Load_ReturnsStartOfCurrentLife()
    {
        // Life 1 has cycles 1 to 10 from T0, and life 2 has cycles 1 to 8 from T0 + 10 s.
        // The estimator then receives cycle 9 of life 2.
        await WriteLifeAsync(T0, cycles: 10, temperature: 600);
        await WriteLifeAsync(T0.AddSeconds(10), cycles: 8, temperature: 500);

        var baseline = await StoredBaseline.LoadAsync(Store, Reading(T0.AddSeconds(18), cycle: 9, temperature: 530), 5, CancellationToken.None);

        Assert.Equal(Enumerable.Range(10, 5).Select(i => T0.AddSeconds(i)), baseline.Select(reading => reading.Timestamp));
        Assert.Equal([1.0, 2, 3, 4, 5], baseline.Select(AssetHistory.Cycle));
        Assert.All(baseline, reading => Assert.Equal(Pump, reading.Asset));
        Assert.All(baseline, reading => Assert.Equal(2, reading.Values.Count));
    }

    [Fact]
    public async Task Load_NewLifeAtRestart_ReturnsNone()
    {
        await WriteLifeAsync(T0, cycles: 8, temperature: 500);

        var baseline = await StoredBaseline.LoadAsync(Store, Reading(T0.AddSeconds(8), cycle: 1, temperature: 500), 5, CancellationToken.None);

        Assert.Empty(baseline);
    }

    [Fact]
    public async Task Load_WithoutCycle_ReturnsFirstStoredReadings()
    {
        var readings = Enumerable.Range(0, 20)
            .Select(i => new TelemetryReading(Pump, T0.AddSeconds(i), [new MetricValue("T30", 500 + i)]))
            .ToArray();
        await Store.WriteAsync(new StorageBatch(readings, []), CancellationToken.None);
        var firstSeen = new TelemetryReading(Pump, T0.AddSeconds(30), [new MetricValue("T30", 900)]);

        var baseline = await StoredBaseline.LoadAsync(Store, firstSeen, 5, CancellationToken.None);

        Assert.Equal([500.0, 501, 502, 503, 504], baseline.Select(reading => reading.Values[0].Value));
    }

    [Fact]
    public async Task Load_NothingStored_ReturnsNone()
    {
        var baseline = await StoredBaseline.LoadAsync(Store, Reading(T0, cycle: 40, temperature: 500), 5, CancellationToken.None);

        Assert.Empty(baseline);
    }

    private Task WriteLifeAsync(DateTimeOffset start, int cycles, double temperature)
    {
        var readings = Enumerable.Range(0, cycles)
            .Select(i => Reading(start.AddSeconds(i), cycle: i + 1, temperature: temperature + i))
            .ToArray();
        return Store.WriteAsync(new StorageBatch(readings, []), CancellationToken.None);
    }

    private static TelemetryReading Reading(DateTimeOffset timestamp, double cycle, double temperature) =>
        new(Pump, timestamp, [new MetricValue(WellKnownMetrics.Cycle, cycle), new MetricValue("T30", temperature)]);
}
